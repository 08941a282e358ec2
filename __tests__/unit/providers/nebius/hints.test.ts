// Every row of Nebius's token-exchange hint table, with the exact hint it gives (src/providers/nebius/hints.ts).
import { exchangeHint, hintContext, type HintContext } from '../../../../src/providers/nebius/hints.js'

const KEY_HINT =
  "Check 'service-account-key' (or 'service-account-id', 'public-key-id', 'private-key'): the public key must be one of that service account's authorized keys (web console: Administration → IAM → the service account → Authorized keys; CLI: nebius iam auth-public-key list), neither deleted nor expired."
const SUBJECT = 'repo:o/r:ref:refs/heads/main'
const OIDC_HINT = `Check that service account 'serviceaccount-e00a' has federated credentials for the issuer https://token.actions.githubusercontent.com whose federated-subject-id is exactly this job's subject '${SUBJECT}' (nebius iam federated-credentials list).`
const UNIMPLEMENTED = 'The endpoint does not serve TokenExchangeService; check REGISTRY_LOGIN_ENDPOINT_NEBIUS_TOKEN_GRPC.'
const UNAVAILABLE =
  'The service stayed unavailable through every attempt; run the job again later (behind a proxy: HTTPS_PROXY must allow CONNECT to port 443 of this host).'
const MALFORMED = 'The request was refused as malformed; please report it with the message above.'

const OIDC: HintContext = { serviceAccountId: 'serviceaccount-e00a', subject: SUBJECT }
const NONE: HintContext = { serviceAccountId: '' }

/** The codes that say the credential was refused: gRPC's numbers, and the gateway's text. */
const CREDENTIAL_CODES: Array<number | string> = [
  16,
  '16',
  'unauthenticated',
  'UNAUTHENTICATED',
  '401',
  'invalid_grant',
  'invalid_client',
  7,
  '7',
  'permission_denied',
  '403',
  'access_denied',
  'unauthorized_client'
]

describe('exchangeHint', () => {
  test.each(CREDENTIAL_CODES)('a refused credential (%p): the service-account key to check, or the federated credentials', code => {
    expect(exchangeHint('service-account-key', code, NONE)).toBe(KEY_HINT)
    expect(exchangeHint('oidc', code, OIDC)).toBe(OIDC_HINT)
  })

  test('an OIDC token whose subject is unknown: the hint names no subject', () => {
    expect(exchangeHint('oidc', 16, { serviceAccountId: 'serviceaccount-e00a' })).toBe(
      "Check that service account 'serviceaccount-e00a' has federated credentials for the issuer https://token.actions.githubusercontent.com whose federated-subject-id is exactly this job's subject (nebius iam federated-credentials list)."
    )
  })

  test.each<[string, number | string, string]>([
    ['UNIMPLEMENTED', 12, UNIMPLEMENTED],
    ['UNAVAILABLE', 14, UNAVAILABLE],
    ['INVALID_ARGUMENT', 3, MALFORMED],
    ['invalid_request', 'invalid_request', MALFORMED],
    ['INVALID_REQUEST', 'INVALID_REQUEST', MALFORMED]
  ])('%s: the same hint for either grant', (_, code, hint) => {
    expect(exchangeHint('service-account-key', code, NONE)).toBe(hint)
    expect(exchangeHint('oidc', code, OIDC)).toBe(hint)
  })

  test.each<number | string>([0, 13, 8, '12', '14', '3', '400', '500', 'invalid_argument', 'unavailable', ''])(
    '%p: no hint (only gRPC answers 12, 14 and 3 as numbers)',
    code => {
      expect(exchangeHint('service-account-key', code, NONE)).toBeUndefined()
      expect(exchangeHint('oidc', code, OIDC)).toBeUndefined()
    }
  )
})

describe('hintContext', () => {
  const github = `e30.${Buffer.from(JSON.stringify({ sub: SUBJECT })).toString('base64url')}.sig`
  const request = { grantType: 'g', requestedTokenType: 'r', subjectToken: 'serviceaccount-e00a', subjectTokenType: 's' }

  test("OIDC: the service account asked for and the GitHub token's subject; a key grant names neither", () => {
    expect(hintContext({ ...request, actorToken: github }, 'oidc')).toEqual(OIDC)
    expect(hintContext(request, 'oidc')).toEqual({ serviceAccountId: 'serviceaccount-e00a', subject: undefined })
    expect(hintContext({ ...request, actorToken: github }, 'service-account-key')).toEqual({ serviceAccountId: '' })
  })
})
