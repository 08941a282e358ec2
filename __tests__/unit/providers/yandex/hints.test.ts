// Every row of Yandex Cloud's hint tables, with the exact hint it gives (src/providers/yandex/hints.ts).
import type { CloudError } from '../../../../src/net/http.js'
import { federationHint, keyHint, oauthHint } from '../../../../src/providers/yandex/hints.js'
import type { AuthorizedKey } from '../../../../src/providers/yandex/key.js'

const KEY: AuthorizedKey = { id: 'ajekey', serviceAccountId: 'ajesa', privateKey: '', json: '' }

describe('IAM with a service-account key', () => {
  const UNKNOWN_KEY =
    "IAM does not accept key ajekey of service account ajesa: it may have been deleted, or the 'service-account-key' secret holds another or an edited key. List the keys with 'yc iam key list --service-account-id ajesa' and create a new one if needed."
  const DENIED = 'Service account ajesa may not get an IAM token (is it deleted or blocked?).'
  const BAD_JWT =
    "IAM refused the signed JWT. Keep the key file unchanged and the runner's clock right (the JWT is valid for one hour from now)."

  test.each<[number, CloudError, string | undefined]>([
    [401, {}, UNKNOWN_KEY],
    [404, {}, UNKNOWN_KEY],
    [500, { code: 'UNAUTHENTICATED' }, UNKNOWN_KEY],
    [500, { code: 'NOT_FOUND' }, UNKNOWN_KEY],
    [403, {}, DENIED],
    [500, { code: 'PERMISSION_DENIED' }, DENIED],
    [400, {}, BAD_JWT],
    [500, { code: 'INVALID_ARGUMENT' }, BAD_JWT],
    // The first row whose status or code matches wins.
    [403, { code: 'UNAUTHENTICATED' }, UNKNOWN_KEY],
    [400, { code: 'PERMISSION_DENIED' }, DENIED],
    [500, {}, undefined],
    [429, { code: 'RESOURCE_EXHAUSTED' }, undefined]
  ])('HTTP %d %p', (status, cloud, hint) => {
    expect(keyHint(status, cloud, KEY)).toBe(hint)
  })
})

describe('IAM with a Yandex ID OAuth token', () => {
  const OAUTH =
    "Check the 'oauth-token' secret: Yandex ID OAuth tokens live 12 months, and none are issued since 2026-06-01. Use keyless login (auth: oidc) or a service-account key instead."

  test.each<[number, CloudError, string | undefined]>([
    [401, {}, OAUTH],
    [400, {}, OAUTH],
    [500, { code: 'UNAUTHENTICATED' }, OAUTH],
    [500, { code: 'INVALID_ARGUMENT' }, OAUTH],
    [403, { code: 'PERMISSION_DENIED' }, undefined],
    [404, {}, undefined]
  ])('HTTP %d %p', (status, cloud, hint) => {
    expect(oauthHint(status, cloud)).toBe(hint)
  })
})

describe('workload identity federation', () => {
  const SUBJECT = 'repo:o/r:ref:refs/heads/main'
  const hint = federationHint('ajesa', 'https://github.com/o', SUBJECT, 'cid-1')
  const TRACE = ' Yandex support can trace the call by its X-Client-Request-Id cid-1.'
  const AUDIENCE =
    "The workload identity federation must list the GitHub token's audience 'https://github.com/o' (set input 'audience' to what the federation expects)."
  const NO_CREDENTIAL = `Service account ajesa needs a federated credential whose external subject id is exactly this job's subject '${SUBJECT}' (it names the repository and the branch, tag or environment), in a federation with issuer https://token.actions.githubusercontent.com.`
  const SERVICE_ACCOUNT = "Check input 'service-account-id' (ajesa): it must be the id of the service account, not its name."
  const FEDERATION =
    'Check the workload identity federation (issuer, audiences, JWKS URL) and the federated credential on the service account.'
  const withId = (cloud: CloudError): CloudError => ({ ...cloud, requestId: 'req-1' })

  test.each<[string, number, CloudError, string]>([
    ['the audience, in the message', 400, { code: 'invalid_request', message: 'Audience mismatch' }, AUDIENCE],
    ['aud, in the message', 400, { message: 'token aud is wrong' }, AUDIENCE],
    ['the subject, in the message', 400, { code: 'invalid_request', message: 'unknown subject' }, NO_CREDENTIAL],
    ['no federated credential', 400, { message: 'No federated credential matches' }, NO_CREDENTIAL],
    ['sub, in the message', 400, { message: 'bad sub' }, NO_CREDENTIAL],
    ['invalid_grant', 400, { code: 'invalid_grant', message: 'denied' }, NO_CREDENTIAL],
    [
      'an audience that names the service account is about the service account',
      400,
      { message: 'audience: service account not found' },
      SERVICE_ACCOUNT
    ],
    ['the service account, in the message', 400, { message: 'Service account not found' }, SERVICE_ACCOUNT],
    ['invalid_target', 400, { code: 'invalid_target' }, SERVICE_ACCOUNT],
    ['HTTP 404', 404, { code: 'NOT_FOUND', message: 'not found' }, SERVICE_ACCOUNT],
    ['HTTP 400 otherwise', 400, { code: 'invalid_request' }, FEDERATION],
    ['HTTP 401 otherwise', 401, {}, FEDERATION],
    ['HTTP 403 otherwise', 403, { code: 'PERMISSION_DENIED' }, FEDERATION]
  ])('%s: the fix, then the client request id when the reply has no request id', (_, status, cloud, fix) => {
    expect(hint(status, cloud)).toBe(`${fix}${TRACE}`)
    expect(hint(status, withId(cloud))).toBe(fix)
  })

  test('a subject unknown to the action says so', () => {
    expect(federationHint('ajesa', 'a', undefined, 'cid-1')(400, { code: 'invalid_grant', requestId: 'r' })).toBe(
      "Service account ajesa needs a federated credential whose external subject id is exactly this job's subject '(unknown)' (it names the repository and the branch, tag or environment), in a federation with issuer https://token.actions.githubusercontent.com."
    )
  })

  test('no fix: only the client request id, or nothing when the reply has its own request id', () => {
    expect(hint(500, { code: 'INTERNAL', message: 'oops' })).toBe(TRACE.trim())
    expect(hint(500, withId({ code: 'INTERNAL', message: 'oops' }))).toBeUndefined()
  })
})
