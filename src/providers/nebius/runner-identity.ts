// Nebius VM metadata service: the VM's service account's access token (auth: runner-identity).
import { ActionError } from '../../log/errors.js'
import { metadataCall, metadataJson, metadataStatusError, NoRunnerIdentity, type RunnerIdentity } from '../../net/metadata.js'
import type { ProviderContext } from '../provider.js'

export const NEBIUS_VM: RunnerIdentity = {
  runner: 'a Nebius AI Cloud VM with a service account',
  attach:
    'Create the runner VM with one (nebius compute instance create … --service-account-id <id>) and give that service account push rights on the registry (docs/nebius.md, "Runner identity").'
}

const SERVICE = 'The Nebius metadata service'

/** GET http://metadata.nebius.internal/v1/iam/sa/token with Metadata: true → {access_token, expires_at} (nebius/gosdk IMDS). */
export async function nebiusMetadataToken(ctx: ProviderContext): Promise<{ token: string; expiresAt?: Date }> {
  const reply = await metadataCall(
    'NEBIUS_METADATA',
    { method: 'GET', path: '/v1/iam/sa/token', headers: { Metadata: 'true', Accept: 'application/json' } },
    NEBIUS_VM,
    ctx.env
  )
  if (reply.status === 404) throw new NoRunnerIdentity(NEBIUS_VM, 'its metadata service answered HTTP 404 for the service account token')
  if (reply.status !== 200) throw metadataStatusError(SERVICE, reply)
  const json = metadataJson(SERVICE, reply)
  const token = json.access_token
  if (typeof token !== 'string' || !token) throw new ActionError(`${SERVICE} answered without an access_token.`)
  ctx.mask(token)
  const expiresAt = typeof json.expires_at === 'string' ? new Date(json.expires_at) : undefined
  return expiresAt && !Number.isNaN(expiresAt.getTime()) ? { token, expiresAt } : { token }
}
