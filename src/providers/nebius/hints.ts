// What to tell the user when Nebius refuses a token exchange: gRPC and OAuth codes, each with its fix.
import type { ExchangeTokenRequest } from './protobuf.js'

/** What is being exchanged: which grant, and what to tell the user when it is refused. */
export type Grant = 'service-account-key' | 'oidc'

/** The `sub` of a JWT, read without checking it (for a hint; the token itself is never shown). */
export function jwtSubject(token: string): string | undefined {
  try {
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { sub?: unknown }
    return typeof claims.sub === 'string' ? claims.sub : undefined
  } catch {
    return undefined
  }
}

/** What the hint may name: the service account asked for, and the GitHub token's subject. */
export interface HintContext {
  serviceAccountId: string
  subject?: string | undefined
}

type Hint = (grant: Grant, about: HintContext) => string

/** A refused credential: what to check depends on what was exchanged. */
const CREDENTIAL_HINTS: Record<Grant, (about: HintContext) => string> = {
  'service-account-key': () =>
    "Check 'service-account-key' (or 'service-account-id', 'public-key-id', 'private-key'): the public key must be one of that service account's authorized keys (web console: Administration → IAM → the service account → Authorized keys; CLI: nebius iam auth-public-key list), neither deleted nor expired.",
  oidc: about => {
    const subject = about.subject ? ` '${about.subject}'` : ''
    return `Check that service account '${about.serviceAccountId}' has federated credentials for the issuer https://token.actions.githubusercontent.com whose federated-subject-id is exactly this job's subject${subject} (nebius iam federated-credentials list).`
  }
}

/**
 * The refusals that have a hint. gRPC answers a status code, a number (16 UNAUTHENTICATED, 7 PERMISSION_DENIED,
 * 12 UNIMPLEMENTED, 14 UNAVAILABLE, 3 INVALID_ARGUMENT); the HTTPS gateway answers text, compared in lower case:
 * an OAuth 2.0 error code (RFC 6749 §5.2), a google.rpc.Status code, or the HTTP status when the body has no code.
 */
const REFUSALS: ReadonlyArray<readonly [ReadonlyArray<number | string>, Hint]> = [
  [[16, '16', 'unauthenticated', '401', 'invalid_grant', 'invalid_client'], (grant, about) => CREDENTIAL_HINTS[grant](about)],
  [[7, '7', 'permission_denied', '403', 'access_denied', 'unauthorized_client'], (grant, about) => CREDENTIAL_HINTS[grant](about)],
  [[12], () => 'The endpoint does not serve TokenExchangeService; check REGISTRY_LOGIN_ENDPOINT_NEBIUS_TOKEN_GRPC.'],
  [
    [14],
    () =>
      'The service stayed unavailable through every attempt; run the job again later (behind a proxy: HTTPS_PROXY must allow CONNECT to port 443 of this host).'
  ],
  [[3, 'invalid_request'], () => 'The request was refused as malformed; please report it with the message above.']
]

const HINT_BY_CODE = new Map<number | string, Hint>(REFUSALS.flatMap(([codes, hint]) => codes.map(code => [code, hint] as const)))

/** What to tell the user when the exchange of this grant is refused with this code. */
export function exchangeHint(grant: Grant, code: string | number, about: HintContext): string | undefined {
  const hint = HINT_BY_CODE.get(typeof code === 'number' ? code : code.toLowerCase())
  return hint?.(grant, about)
}

export function hintContext(request: ExchangeTokenRequest, grant: Grant): HintContext {
  if (grant !== 'oidc') return { serviceAccountId: '' }
  return { serviceAccountId: request.subjectToken, subject: request.actorToken ? jwtSubject(request.actorToken) : undefined }
}
