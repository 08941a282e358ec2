// Yandex Compute VM metadata service: the linked service account's IAM token (auth: runner-identity).
import { ActionError } from '../../log/errors.js'
import { metadataCall, metadataJson, metadataStatusError, NoRunnerIdentity, type RunnerIdentity } from '../../net/metadata.js'
import type { ProviderContext } from '../provider.js'
import type { IamToken } from './iam.js'

export const YANDEX_VM: RunnerIdentity = {
  runner: 'a Yandex Cloud VM with a linked service account',
  attach:
    'Link one to the runner VM (yc compute instance update <vm> --service-account-id <id>) and give that service account a pusher role on the registry (docs/yandex.md, "Runner identity").'
}

const SERVICE = 'The Yandex Cloud metadata service'

/** GET /computeMetadata/v1/instance/service-accounts/default/token with Metadata-Flavor: Google (Google's metadata API). */
export async function yandexMetadataToken(ctx: ProviderContext): Promise<IamToken> {
  const reply = await metadataCall(
    'YANDEX_METADATA',
    {
      method: 'GET',
      path: '/computeMetadata/v1/instance/service-accounts/default/token',
      headers: { 'Metadata-Flavor': 'Google', Accept: 'application/json' }
    },
    YANDEX_VM,
    ctx.env
  )
  if (reply.status === 404) throw new NoRunnerIdentity(YANDEX_VM, 'its metadata service answered HTTP 404 for the service account token')
  if (reply.status !== 200) throw metadataStatusError(SERVICE, reply)
  const json = metadataJson(SERVICE, reply)
  const token = json.access_token
  if (typeof token !== 'string' || !token) throw new ActionError(`${SERVICE} answered without an access_token.`)
  ctx.mask(token)
  const expiresIn = json.expires_in
  return typeof expiresIn === 'number' && expiresIn > 0 ? { token, expiresAt: new Date(ctx.now().getTime() + expiresIn * 1000) } : { token }
}
