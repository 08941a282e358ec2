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

export function exchangeHint(grant: Grant, code: string | number, about: HintContext): string | undefined {
  const name = typeof code === 'number' ? code : code.toLowerCase()
  const unauthenticated =
    name === 16 || name === 'invalid_grant' || name === 'invalid_client' || name === 'unauthenticated' || name === '401' || name === '16'
  const denied =
    name === 7 ||
    name === 'access_denied' ||
    name === 'unauthorized_client' ||
    name === 'permission_denied' ||
    name === '403' ||
    name === '7'
  if (grant === 'service-account-key' && (unauthenticated || denied)) {
    return "Check 'service-account-key' (or 'service-account-id', 'public-key-id', 'private-key'): the public key must be one of that service account's authorized keys (web console: Administration → IAM → the service account → Authorized keys; CLI: nebius iam auth-public-key list), neither deleted nor expired."
  }
  if (grant === 'oidc' && (unauthenticated || denied)) {
    const subject = about.subject ? ` '${about.subject}'` : ''
    return `Check that service account '${about.serviceAccountId}' has federated credentials for the issuer https://token.actions.githubusercontent.com whose federated-subject-id is exactly this job's subject${subject} (nebius iam federated-credentials list).`
  }
  if (name === 12) return 'The endpoint does not serve TokenExchangeService; check REGISTRY_LOGIN_ENDPOINT_NEBIUS_TOKEN_GRPC.'
  if (name === 14)
    return 'The service stayed unavailable through every attempt; run the job again later (behind a proxy: HTTPS_PROXY must allow CONNECT to port 443 of this host).'
  if (name === 3 || name === 'invalid_request') return 'The request was refused as malformed; please report it with the message above.'
  return undefined
}

export function hintContext(request: ExchangeTokenRequest, grant: Grant): HintContext {
  if (grant !== 'oidc') return { serviceAccountId: '' }
  return { serviceAccountId: request.subjectToken, subject: request.actorToken ? jwtSubject(request.actorToken) : undefined }
}
