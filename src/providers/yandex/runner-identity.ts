// Yandex Compute VM metadata service: the linked service account's IAM token (auth: runner-identity).
import type { RunnerIdentity } from '../../net/metadata.js'
import type { ExpiringToken } from '../kit/credentials.js'
import { metadataToken } from '../kit/runner-identity.js'
import type { ProviderContext } from '../provider.js'

export const YANDEX_VM: RunnerIdentity = {
  runner: 'a Yandex Cloud VM with a linked service account',
  attach:
    'Link one to the runner VM (yc compute instance update <vm> --service-account-id <id>) and give that service account a pusher role on the registry (docs/yandex.md, "Runner identity").'
}

/** GET /computeMetadata/v1/instance/service-accounts/default/token with Metadata-Flavor: Google (Google's metadata API). */
export const yandexMetadataToken = (ctx: ProviderContext): Promise<ExpiringToken> =>
  metadataToken(
    { service: 'YANDEX_METADATA', name: 'The Yandex Cloud metadata service', identity: YANDEX_VM, asked: 'the service account token' },
    {
      method: 'GET',
      path: '/computeMetadata/v1/instance/service-accounts/default/token',
      headers: { 'Metadata-Flavor': 'Google', Accept: 'application/json' }
    },
    ctx
  )
