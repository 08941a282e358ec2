// Yandex Cloud IAM tokens: from a service-account key, a Yandex ID OAuth token, or GitHub's OIDC token (workload identity federation).
import { randomUUID } from 'node:crypto'
import { endpoint } from '../../net/endpoints.js'
import { ActionError } from '../../log/errors.js'
import { formBody, type CloudError } from '../../net/http.js'
import { accessTokenOf } from '../kit/credentials.js'
import type { ProviderContext } from '../provider.js'
import { parseOauthError, parseRpcStatus, yandexRetryable } from './errors.js'
import { federationHint, keyHint, oauthHint } from './hints.js'
import { keyJwt, type AuthorizedKey } from './key.js'

/** IAM REST `IamToken.Create`. */
export const YANDEX_IAM_URL = 'https://iam.api.cloud.yandex.net/iam/v1/tokens'
/** Workload identity federation token exchange (RFC 8693). */
export const YANDEX_WLIF_URL = 'https://auth.yandex.cloud/oauth/token'

export interface IamToken {
  token: string
  expiresAt?: Date
}

/** `expiresAt` is RFC 3339 with 0 to 9 fractional digits; Date.parse is only sure about 3. */
export function parseRfc3339(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined
  const normalized = value.replace(/(\.\d{3})\d+/, '$1').replace(/\.(\d{1,2})(?=\D)/, (_, d: string) => `.${d.padEnd(3, '0')}`)
  const ms = Date.parse(normalized)
  return Number.isNaN(ms) ? undefined : new Date(ms)
}

/** Where IAM is, and the `aud` the JWT must carry: IAM checks it against its own token URL. */
export function iamEndpoints(env: NodeJS.ProcessEnv): { url: string; audience: string } {
  const url = endpoint('YANDEX_IAM', YANDEX_IAM_URL, env)
  // Overriding the IAM URL (Kazakhstan: https://iam.api.yandexcloud.kz/iam/v1/tokens) moves the
  // audience with it; a proxy in front of IAM can pin the audience back with its own variable.
  // the JWT's aud claim, never called
  return { url, audience: endpoint('YANDEX_JWT_AUDIENCE', url, env, false) }
}

async function createIamToken(
  body: Record<string, string>,
  ctx: ProviderContext,
  hint: (status: number, cloud: CloudError) => string | undefined
): Promise<IamToken> {
  const { url } = iamEndpoints(ctx.env)
  const reply = await ctx.http.json<{ iamToken?: unknown; expiresAt?: unknown }>({
    service: 'Yandex Cloud IAM',
    method: 'POST',
    url,
    headers: { 'Content-Type': 'application/json', 'X-Client-Request-Id': randomUUID() },
    body: JSON.stringify(body),
    parseError: parseRpcStatus,
    hint,
    retryable: yandexRetryable
  })
  if (typeof reply.iamToken !== 'string' || reply.iamToken === '') throw new ActionError('Yandex Cloud IAM answered without an iamToken.')
  ctx.mask(reply.iamToken)
  const expiresAt = parseRfc3339(reply.expiresAt)
  return expiresAt ? { token: reply.iamToken, expiresAt } : { token: reply.iamToken }
}

/** Signs a PS256 JWT with a service account's authorized key and exchanges it for an IAM token. */
export async function iamTokenFromKey(key: AuthorizedKey, ctx: ProviderContext): Promise<IamToken> {
  const { audience } = iamEndpoints(ctx.env)
  const jwt = keyJwt(key, audience, ctx.now())
  ctx.mask(jwt)
  return createIamToken({ jwt }, ctx, (status, cloud) => keyHint(status, cloud, key))
}

/** Exchanges a Yandex ID (Passport) OAuth token for an IAM token. */
export async function iamTokenFromOauth(oauthToken: string, ctx: ProviderContext): Promise<IamToken> {
  return createIamToken({ yandexPassportOauthToken: oauthToken }, ctx, oauthHint)
}

/** The `sub` of a GitHub token, for error hints (the token itself is never shown). */
function subjectOf(jwt: string): string | undefined {
  try {
    const claims = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString()) as { sub?: unknown; aud?: unknown }
    return typeof claims.sub === 'string' ? claims.sub : undefined
  } catch {
    return undefined
  }
}

/**
 * Workload identity federation: the GitHub OIDC token is exchanged for an IAM token of the
 * service account named as the `audience` of the exchange.
 */
export async function iamTokenFromGithub(serviceAccountId: string, githubAudience: string, ctx: ProviderContext): Promise<IamToken> {
  const subjectToken = await ctx.idToken(githubAudience)
  ctx.mask(subjectToken)
  const clientRequestId = randomUUID()
  const reply = await ctx.http.json<Record<string, unknown>>({
    service: 'Yandex Cloud workload identity federation',
    method: 'POST',
    url: endpoint('YANDEX_WLIF', YANDEX_WLIF_URL, ctx.env),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Client-Request-Id': clientRequestId },
    body: formBody({
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      requested_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      audience: serviceAccountId,
      subject_token: subjectToken,
      subject_token_type: 'urn:ietf:params:oauth:token-type:id_token'
    }),
    parseError: parseOauthError,
    hint: federationHint(serviceAccountId, githubAudience, subjectOf(subjectToken), clientRequestId),
    retryable: yandexRetryable
  })
  return accessTokenOf('Yandex Cloud workload identity federation', reply, ctx)
}
