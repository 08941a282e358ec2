// Nebius IAM token exchange: a service-account JWT or GitHub's OIDC token for an access token, over HTTPS or gRPC.
import { endpoint } from '../../net/endpoints.js'
import { ActionError } from '../../log/errors.js'
import { safeText } from '../../log/escape.js'
import { formBody, HttpError, NetworkError, type CloudError } from '../../net/http.js'
import { signJwt } from '../../net/jwt.js'
import { proxyFor, proxyName } from '../../net/proxy-tunnel.js'
import { cloudCallPolicy } from '../../net/policies.js'
import { ReplyError } from '../../net/reply.js'
import type { ProviderContext } from '../provider.js'
import type { ServiceAccountKey } from './credentials.js'
import { GrpcError, GrpcTransportError, unary } from './grpc.js'
import { exchangeHint, hintContext, type Grant } from './hints.js'
import { decodeCreateTokenResponse, encodeExchangeTokenRequest, ProtobufError, type ExchangeTokenRequest } from './protobuf.js'
import { VERSION } from '../../runner/version.js'

/** The HTTPS gateway of the token exchange (nebius/api README, "Example using CLI tools and HTTP"). */
export const NEBIUS_TOKEN_HTTP_URL = 'https://auth.eu.nebius.com/oauth2/token/exchange'
/** The gRPC TokenExchangeService: `<api_service_name>.<domain>` = tokens.iam + api.nebius.cloud:443. */
export const NEBIUS_TOKEN_GRPC_URL = 'https://tokens.iam.api.nebius.cloud'
export const EXCHANGE_METHOD = 'nebius.iam.v1.TokenExchangeService/Exchange'
/** The `aud` the official SDKs put in the service-account JWT. */
export const JWT_AUDIENCE = 'token-service.iam.new.nebiuscloud.net'
/** JWT lifetime: the nebius/api README suggests 5 minutes (the SDKs use 60 s). */
export const JWT_LIFETIME_SECONDS = 300

export const GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:token-exchange'
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token'
export const JWT_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:jwt'
export const SUBJECT_IDENTIFIER_TYPE = 'urn:nebius:params:oauth:token-type:subject_identifier'

const HTTP_SERVICE = 'Nebius IAM token exchange (HTTPS)'
const GRPC_SERVICE = 'Nebius IAM token exchange (gRPC)'

export interface AccessToken {
  token: string
  expiresAt?: Date
}

/** The RS256 JWT a service account signs for itself (nebius/api README; gosdk, js-sdk). */
export function serviceAccountJwt(key: ServiceAccountKey, now: Date): string {
  const iat = Math.floor(now.getTime() / 1000)
  return signJwt(
    'RS256',
    { kid: key.publicKeyId },
    { iss: key.serviceAccountId, sub: key.serviceAccountId, aud: JWT_AUDIENCE, iat, exp: iat + JWT_LIFETIME_SECONDS },
    key.privateKey
  )
}

/** The exchange request for a signed service-account JWT. */
export function jwtExchangeRequest(jwt: string): ExchangeTokenRequest {
  return { grantType: GRANT_TYPE, requestedTokenType: ACCESS_TOKEN_TYPE, subjectToken: jwt, subjectTokenType: JWT_TOKEN_TYPE }
}

/** The federated-credentials exchange: the SA id as subject, GitHub's OIDC token as actor (gosdk, js-sdk). */
export function federatedExchangeRequest(serviceAccountId: string, githubToken: string): ExchangeTokenRequest {
  return {
    grantType: GRANT_TYPE,
    requestedTokenType: ACCESS_TOKEN_TYPE,
    subjectToken: serviceAccountId,
    subjectTokenType: SUBJECT_IDENTIFIER_TYPE,
    actorToken: githubToken,
    actorTokenType: JWT_TOKEN_TYPE
  }
}

/**
 * The HTTP gateway's error body. Its format is not documented; this reads the OAuth 2.0 form
 * (`error`, `error_description`) and the google.rpc.Status form (`code`, `message`).
 */
export function parseNebiusHttpError(body: string): CloudError {
  const json = JSON.parse(body) as Record<string, unknown>
  const text = (value: unknown): string | undefined =>
    typeof value === 'string' && value ? value : typeof value === 'number' ? String(value) : undefined
  const code = text(json.error) ?? text(json.code)
  const message = text(json.error_description) ?? text(json.message)
  const requestId = text(json.request_id) ?? text(json.requestId)
  return { ...(code ? { code } : {}), ...(message ? { message } : {}), ...(requestId ? { requestId } : {}) }
}

/**
 * Nebius's "try again" signals besides UNAVAILABLE: RESOURCE_EXHAUSTED (8), its answer to rate limits.
 * The HTTPS gateway may carry the same codes in a google.rpc.Status body, or OAuth's
 * `temporarily_unavailable` (RFC 6749 §4.1.2.1), whatever its HTTP status.
 */
export const nebiusGrpcRetryable = (code: number): boolean => code === 8 || code === 14
export function nebiusHttpRetryable(_status: number, cloud: CloudError): boolean {
  const code = (cloud.code ?? '').toLowerCase()
  return code === '8' || code === '14' || code === 'resource_exhausted' || code === 'unavailable' || code === 'temporarily_unavailable'
}

function checkTokenType(service: string, tokenType: string): void {
  if (tokenType && tokenType.toLowerCase() !== 'bearer')
    throw new ActionError(
      `${service} answered token_type '${safeText(tokenType, 40)}'; only Bearer access tokens can log into the registry.`
    )
}

function expiry(ctx: ProviderContext, seconds: number | undefined): Date | undefined {
  return seconds !== undefined && Number.isFinite(seconds) && seconds > 0 ? new Date(ctx.now().getTime() + seconds * 1000) : undefined
}

/** Exchange over gRPC (TokenExchangeService/Exchange, HTTP/2 + protobuf). */
export async function exchangeOverGrpc(request: ExchangeTokenRequest, grant: Grant, ctx: ProviderContext): Promise<AccessToken> {
  const url = endpoint('NEBIUS_TOKEN_GRPC', NEBIUS_TOKEN_GRPC_URL, ctx.env)
  const proxy = proxyFor(new URL(url))
  if (proxy) ctx.debug(`The gRPC call to ${new URL(url).host} goes through the proxy ${proxyName(proxy)} (HTTP CONNECT).`)
  const hint = (code: number): string | undefined => exchangeHint(grant, code, hintContext(request, grant))
  // The same timeout and retries as every HTTP cloud call (net/policies.ts).
  const { timeoutMs, retry } = cloudCallPolicy(ctx.env)
  const reply = await unary(
    {
      service: GRPC_SERVICE,
      url,
      method: EXCHANGE_METHOD,
      message: encodeExchangeTokenRequest(request),
      timeoutMs,
      userAgent: `registry-login/${VERSION} (minimal grpc over node:http2)`,
      hint,
      retryable: nebiusGrpcRetryable,
      proxy
    },
    retry
  )
  let decoded
  try {
    decoded = decodeCreateTokenResponse(reply)
  } catch (error) {
    if (error instanceof ProtobufError)
      throw new ActionError(`${GRPC_SERVICE} answered a CreateTokenResponse that cannot be decoded (${error.message}).`)
    throw error
  }
  if (!decoded.accessToken) throw new ActionError(`${GRPC_SERVICE} answered without an access_token.`)
  ctx.mask(decoded.accessToken)
  checkTokenType(GRPC_SERVICE, decoded.tokenType)
  const expiresAt = expiry(ctx, decoded.expiresIn)
  return expiresAt ? { token: decoded.accessToken, expiresAt } : { token: decoded.accessToken }
}

/** Exchange at the HTTPS gateway (form-urlencoded OAuth 2.0 token exchange). */
export async function exchangeOverHttp(request: ExchangeTokenRequest, grant: Grant, ctx: ProviderContext): Promise<AccessToken> {
  const about = hintContext(request, grant)
  const reply = await ctx.http.json<{ access_token?: unknown; expires_in?: unknown; token_type?: unknown }>({
    service: HTTP_SERVICE,
    method: 'POST',
    url: endpoint('NEBIUS_TOKEN_HTTP', NEBIUS_TOKEN_HTTP_URL, ctx.env),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: formBody({
      grant_type: request.grantType,
      requested_token_type: request.requestedTokenType,
      subject_token: request.subjectToken,
      subject_token_type: request.subjectTokenType,
      actor_token: request.actorToken,
      actor_token_type: request.actorTokenType
    }),
    parseError: parseNebiusHttpError,
    hint: (status, cloud) => exchangeHint(grant, cloud.code ?? String(status), about),
    retryable: nebiusHttpRetryable
  })
  if (typeof reply.access_token !== 'string' || !reply.access_token)
    throw new ActionError(`${HTTP_SERVICE} answered without an access_token.`)
  ctx.mask(reply.access_token)
  if (typeof reply.token_type === 'string') checkTokenType(HTTP_SERVICE, reply.token_type)
  const seconds =
    typeof reply.expires_in === 'number' ? reply.expires_in : typeof reply.expires_in === 'string' ? Number(reply.expires_in) : undefined
  const expiresAt = expiry(ctx, seconds)
  return expiresAt ? { token: reply.access_token, expiresAt } : { token: reply.access_token }
}

/** OAuth error codes with which the gateway judged the credential itself: no point asking gRPC. */
const CREDENTIAL_VERDICTS = new Set(['invalid_grant', 'invalid_client', 'unauthorized_client', 'access_denied'])

/**
 * Whether an HTTPS exchange failure means "this gateway will not do it" (try gRPC) rather than
 * "this credential is wrong" (report it): unreachable, 404/405/415/501, 5xx after retries, or a
 * 400 that is not about the credential.
 */
export function gatewayRefused(error: unknown): boolean {
  // Unreachable, silent, or a reply too slow or too large to read: this gateway will not do it.
  if (error instanceof NetworkError || error instanceof ReplyError) return true
  if (!(error instanceof HttpError)) return false
  if (error.status === 401 || error.status === 403) return false
  if (error.cloud.code && CREDENTIAL_VERDICTS.has(error.cloud.code.toLowerCase())) return false
  return true
}

export type Transport = 'auto' | 'http' | 'grpc'

/** Exchanges over the chosen transport; `auto` tries HTTPS and falls back to gRPC when the gateway refuses. */
export async function exchange(
  request: ExchangeTokenRequest,
  grant: Grant,
  transport: Transport,
  ctx: ProviderContext
): Promise<AccessToken> {
  if (transport === 'grpc') return exchangeOverGrpc(request, grant, ctx)
  if (transport === 'http') return exchangeOverHttp(request, grant, ctx)
  try {
    return await exchangeOverHttp(request, grant, ctx)
  } catch (error) {
    if (!gatewayRefused(error)) throw error
    ctx.warn(
      `${(error as Error).message} Falling back to the gRPC TokenExchangeService (set 'token-exchange' to grpc or http to choose one).`
    )
    try {
      return await exchangeOverGrpc(request, grant, ctx)
    } catch (grpcError) {
      if (grpcError instanceof GrpcError || grpcError instanceof GrpcTransportError || grpcError instanceof ReplyError) {
        throw new ActionError(`${grpcError.message} (The HTTPS gateway had failed first: ${(error as Error).message})`)
      }
      throw grpcError
    }
  }
}
