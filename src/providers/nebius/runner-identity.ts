// Nebius VM metadata service: the VM's service account's access token (auth: runner-identity).
import type { RunnerIdentity } from '../../net/metadata.js'
import type { ExpiringToken } from '../kit/credentials.js'
import { metadataToken } from '../kit/runner-identity.js'
import type { ProviderContext } from '../provider.js'

export const NEBIUS_VM: RunnerIdentity = {
  runner: 'a Nebius AI Cloud VM with a service account',
  attach:
    'Create the runner VM with one (nebius compute instance create … --service-account-id <id>) and give that service account push rights on the registry (docs/nebius.md, "Runner identity").'
}

/** GET http://metadata.nebius.internal/v1/iam/sa/token with Metadata: true → {access_token, expires_at} (nebius/gosdk IMDS). */
export const nebiusMetadataToken = (ctx: ProviderContext): Promise<ExpiringToken> =>
  metadataToken(
    { service: 'NEBIUS_METADATA', name: 'The Nebius metadata service', identity: NEBIUS_VM, asked: 'the service account token' },
    { method: 'GET', path: '/v1/iam/sa/token', headers: { Metadata: 'true', Accept: 'application/json' } },
    ctx
  )
