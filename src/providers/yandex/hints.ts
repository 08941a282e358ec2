// What to tell the user when Yandex Cloud refuses a token: IAM's and the workload identity federation's replies, each with its fix.
import type { CloudError } from '../../net/http.js'
import type { AuthorizedKey } from './key.js'

/**
 * One row of an IAM hint table: the HTTP statuses and the google.rpc.Status codes (by name) it is about,
 * and the hint. The first row whose status or code matches wins.
 */
type IamHintRow<Context> = readonly [statuses: readonly number[], codes: readonly string[], hint: (context: Context) => string]

/** IAM `IamToken.Create` with a JWT signed by a service account's authorized key. */
const KEY_HINTS: readonly IamHintRow<AuthorizedKey>[] = [
  [
    [401, 404],
    ['UNAUTHENTICATED', 'NOT_FOUND'],
    key =>
      `IAM does not accept key ${key.id} of service account ${key.serviceAccountId}: it may have been deleted, or the 'service-account-key' secret holds another or an edited key. List the keys with 'yc iam key list --service-account-id ${key.serviceAccountId}' and create a new one if needed.`
  ],
  [[403], ['PERMISSION_DENIED'], key => `Service account ${key.serviceAccountId} may not get an IAM token (is it deleted or blocked?).`],
  [
    [400],
    ['INVALID_ARGUMENT'],
    () => "IAM refused the signed JWT. Keep the key file unchanged and the runner's clock right (the JWT is valid for one hour from now)."
  ]
]

/** IAM `IamToken.Create` with a Yandex ID (Passport) OAuth token. */
const OAUTH_HINTS: readonly IamHintRow<void>[] = [
  [
    [401, 400],
    ['UNAUTHENTICATED', 'INVALID_ARGUMENT'],
    () =>
      "Check the 'oauth-token' secret: Yandex ID OAuth tokens live 12 months, and none are issued since 2026-06-01. Use keyless login (auth: oidc) or a service-account key instead."
  ]
]

function iamHint<Context>(table: readonly IamHintRow<Context>[], status: number, cloud: CloudError, context: Context): string | undefined {
  const { code } = cloud
  const row = table.find(([statuses, codes]) => statuses.includes(status) || (code !== undefined && codes.includes(code)))
  return row?.[2](context)
}

/** A fix for IAM's refusal of a service-account key's JWT. */
export function keyHint(status: number, cloud: CloudError, key: AuthorizedKey): string | undefined {
  return iamHint(KEY_HINTS, status, cloud, key)
}

/** A fix for IAM's refusal of a Yandex ID OAuth token. */
export function oauthHint(status: number, cloud: CloudError): string | undefined {
  return iamHint(OAUTH_HINTS, status, cloud, undefined)
}

/** What a federation hint may name. */
interface FederationContext {
  serviceAccountId: string
  githubAudience: string
  subject: string | undefined
}

/** The federation's refusal: its code and message together in lower case (`said`), its code as sent, and the HTTP status. */
interface FederationReply {
  said: string
  code: string | undefined
  status: number
}

/** The federation's refusals, in the order they are tried: the first row that matches names the fix. */
const FEDERATION_HINTS: ReadonlyArray<readonly [(reply: FederationReply) => boolean, (context: FederationContext) => string]> = [
  [
    ({ said }) => /audience|aud\b/.test(said) && !/service account/.test(said),
    ({ githubAudience }) =>
      `The workload identity federation must list the GitHub token's audience '${githubAudience}' (set input 'audience' to what the federation expects).`
  ],
  [
    ({ said, code }) => /subject|federated credential|sub\b/.test(said) || code === 'invalid_grant',
    ({ serviceAccountId, subject }) =>
      `Service account ${serviceAccountId} needs a federated credential whose external subject id is exactly this job's subject '${subject ?? '(unknown)'}' (it names the repository and the branch, tag or environment), in a federation with issuer https://token.actions.githubusercontent.com.`
  ],
  [
    ({ said, status }) => /service account|invalid_target/.test(said) || status === 404,
    ({ serviceAccountId }) =>
      `Check input 'service-account-id' (${serviceAccountId}): it must be the id of the service account, not its name.`
  ],
  [
    ({ status }) => status === 400 || status === 401 || status === 403,
    () => 'Check the workload identity federation (issuer, audiences, JWKS URL) and the federated credential on the service account.'
  ]
]

/**
 * The hint for a refused federation exchange: the fix, and the client request id Yandex support can trace
 * the call by when the reply carried no request id of its own.
 */
export function federationHint(serviceAccountId: string, githubAudience: string, subject: string | undefined, clientRequestId: string) {
  const context: FederationContext = { serviceAccountId, githubAudience, subject }
  return (status: number, cloud: CloudError): string | undefined => {
    const reply: FederationReply = { said: `${cloud.code ?? ''} ${cloud.message ?? ''}`.toLowerCase(), code: cloud.code, status }
    const fix = FEDERATION_HINTS.find(([matches]) => matches(reply))?.[1](context)
    const trace = cloud.requestId ? '' : ` Yandex support can trace the call by its X-Client-Request-Id ${clientRequestId}.`
    return fix || trace ? `${fix ?? ''}${trace}`.trim() : undefined
  }
}
