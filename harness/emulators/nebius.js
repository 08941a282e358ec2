// Nebius AI Cloud IAM token exchange, both transports, and what Nebius Container Registry accepts.
// - https://auth.eu.nebius.com/oauth2/token/exchange: form-urlencoded OAuth 2.0 token exchange of a
//   service-account JWT (RS256, kid of a registered public key, iss == sub == SA id, aud, exp). Like
//   the real gateway reportedly does, it refuses federated (subject_identifier) requests.
// - tokens.iam.api.nebius.cloud: gRPC nebius.iam.v1.TokenExchangeService/Exchange over HTTP/2
//   (protobuf, status in trailers) for the JWT grant and the federated-credentials grant
//   (actor_token = GitHub OIDC JWT whose sub matches a federated credential of subject_token's SA).
// - Registries cr.<region>.nebius.cloud take `iam` + an access token it issued (until it expires)
//   or `iam` + a static key it knows.
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { decodeJwt, verifyJwt } from '../jwt.js'
import { decodeExchangeTokenRequest, encodeCreateTokenResponse, percentEncode } from './nebius-proto.js'

export const NEBIUS_REGIONS = ['eu-north1', 'eu-north2', 'eu-west1', 'me-west1', 'uk-south1', 'us-central1']
/**
 * A region the action's built-in list does not have, served as Nebius would serve one it opened later (the action
 * uses cr.<id>.nebius.cloud for an id of the documented shape, with a notice).
 */
export const NEBIUS_UNLISTED_REGIONS = ['us-north1']
export const NEBIUS_REGISTRY_HOSTS = [...NEBIUS_REGIONS, ...NEBIUS_UNLISTED_REGIONS].map(region => `cr.${region}.nebius.cloud`)
export const NEBIUS_HTTP_HOST = 'auth.eu.nebius.com'
export const NEBIUS_GRPC_HOST = 'tokens.iam.api.nebius.cloud'
export const EXCHANGE_PATH = '/nebius.iam.v1.TokenExchangeService/Exchange'
export const JWT_AUDIENCE = 'token-service.iam.new.nebiuscloud.net'

const GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange'
const ACCESS_TOKEN = 'urn:ietf:params:oauth:token-type:access_token'
const JWT = 'urn:ietf:params:oauth:token-type:jwt'
const SUBJECT_IDENTIFIER = 'urn:nebius:params:oauth:token-type:subject_identifier'
const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com'

// gRPC codes and the OAuth error/HTTP status the gateway uses for the same refusal.
const INVALID_ARGUMENT = { grpc: 3, http: 400, oauth: 'invalid_request' }
const UNAUTHENTICATED = { grpc: 16, http: 400, oauth: 'invalid_grant' }
const PERMISSION_DENIED = { grpc: 7, http: 400, oauth: 'invalid_grant' }

const id = prefix => `${prefix}-e00${randomBytes(10).toString('hex').slice(0, 17)}`

export function createNebiusEmulator({
  store,
  github,
  now = () => Date.now(),
  tokenTtlSeconds = undefined,
  tokenLifetimeSeconds = tokenTtlSeconds ?? 43200,
  maxJwtLifetimeSeconds = 3600
}) {
  /** kid -> { serviceAccountId, publicKey } */
  const publicKeys = new Map()
  const serviceAccounts = new Set()
  /** { serviceAccountId, issuer, subject, audience? } */
  const federated = []
  const staticKeys = new Set()
  /** Every exchange: transport, grant, ok, error, and the GitHub token's audience for federated ones. */
  const requests = []
  store.acceptWhen('nebius', (username, password) => username === 'iam' && staticKeys.has(password))

  const refuse = (kind, message) => ({ error: { ...kind, message } })

  function exchangeJwt(jwt) {
    let decoded
    try {
      decoded = decodeJwt(jwt)
    } catch {
      return refuse(INVALID_ARGUMENT, 'subject_token is not a JWT')
    }
    const key = publicKeys.get(decoded.header.kid)
    if (!key) return refuse(UNAUTHENTICATED, `public key ${decoded.header.kid ?? '(no kid)'} not found`)
    try {
      verifyJwt(jwt, key.publicKey, 'RS256')
    } catch (error) {
      return refuse(UNAUTHENTICATED, `invalid JWT: ${error.message}`)
    }
    const { iss, sub, aud, exp, iat } = decoded.claims
    if (iss !== sub) return refuse(UNAUTHENTICATED, 'invalid JWT: iss and sub differ')
    if (sub !== key.serviceAccountId)
      return refuse(UNAUTHENTICATED, `invalid JWT: public key ${decoded.header.kid} does not belong to ${sub}`)
    const auds = Array.isArray(aud) ? aud : [aud]
    if (!auds.includes(JWT_AUDIENCE)) return refuse(UNAUTHENTICATED, `invalid JWT: audience ${auds.join(',')} is not ${JWT_AUDIENCE}`)
    const nowSeconds = now() / 1000
    if (typeof exp !== 'number' || exp < nowSeconds) return refuse(UNAUTHENTICATED, 'invalid JWT: token is expired')
    if (typeof iat === 'number' && exp - iat > maxJwtLifetimeSeconds) return refuse(UNAUTHENTICATED, 'invalid JWT: lifetime is too long')
    return issue(sub)
  }

  function exchangeFederated(serviceAccountId, actorToken, actorTokenType, record) {
    if (actorTokenType !== JWT) return refuse(INVALID_ARGUMENT, `unsupported actor_token_type ${actorTokenType || '(empty)'}`)
    let claims
    try {
      claims = decodeJwt(actorToken).claims
    } catch {
      return refuse(INVALID_ARGUMENT, 'actor_token is not a JWT')
    }
    record.audience = claims.aud
    record.subject = claims.sub
    try {
      // Signature (the issuer's JWKS), issuer and expiry first: nothing is revealed to a forged token.
      github.verify(actorToken, undefined)
    } catch (error) {
      return refuse(UNAUTHENTICATED, `invalid actor_token: ${error.message}`)
    }
    const credentials = federated.filter(f => f.serviceAccountId === serviceAccountId && f.issuer === claims.iss)
    if (!serviceAccounts.has(serviceAccountId) || credentials.length === 0) {
      return refuse(PERMISSION_DENIED, `no federated credentials of ${serviceAccountId} trust issuer ${claims.iss}`)
    }
    const match = credentials.find(f => f.subject === claims.sub)
    if (!match) return refuse(PERMISSION_DENIED, `federated subject ${claims.sub} is not allowed to act as ${serviceAccountId}`)
    if (match.audience !== undefined) {
      // The federated-credentials spec has no audience; an emulated credential may still demand one.
      try {
        github.verify(actorToken, match.audience)
      } catch (error) {
        return refuse(UNAUTHENTICATED, `invalid actor_token: ${error.message}`)
      }
    }
    return issue(serviceAccountId)
  }

  function issue(serviceAccountId) {
    const accessToken = `ne1${randomBytes(40).toString('base64url')}`
    store.issue('nebius', 'iam', accessToken, now() + tokenLifetimeSeconds * 1000)
    return {
      token: { access_token: accessToken, issued_token_type: ACCESS_TOKEN, token_type: 'Bearer', expires_in: tokenLifetimeSeconds },
      serviceAccountId
    }
  }

  /** The exchange both transports share; `transport` decides whether federation is allowed. */
  function exchange(msg, transport) {
    const record = { transport, grant: msg.subject_token_type === SUBJECT_IDENTIFIER ? 'federated' : 'jwt' }
    requests.push(record)
    const result = (() => {
      if (msg.grant_type !== GRANT) return refuse(INVALID_ARGUMENT, `unsupported grant_type ${msg.grant_type || '(empty)'}`)
      if (msg.requested_token_type !== ACCESS_TOKEN)
        return refuse(INVALID_ARGUMENT, `unsupported requested_token_type ${msg.requested_token_type || '(empty)'}`)
      if (!msg.subject_token) return refuse(INVALID_ARGUMENT, 'subject_token is required')
      if (msg.subject_token_type === JWT) return exchangeJwt(msg.subject_token)
      if (msg.subject_token_type === SUBJECT_IDENTIFIER) {
        if (transport === 'http')
          return refuse(INVALID_ARGUMENT, `subject_token_type ${SUBJECT_IDENTIFIER} is not supported by this endpoint`)
        return exchangeFederated(msg.subject_token, msg.actor_token, msg.actor_token_type, record)
      }
      return refuse(INVALID_ARGUMENT, `unsupported subject_token_type ${msg.subject_token_type || '(empty)'}`)
    })()
    record.ok = !result.error
    if (result.error) record.error = result.error.message
    return result
  }

  function handleHttp({ req, body, reply }) {
    if (req.method !== 'POST') return reply(405, { error: 'invalid_request', error_description: 'method not allowed' })
    if (!String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      return reply(400, { error: 'invalid_request', error_description: 'content type must be application/x-www-form-urlencoded' })
    }
    const form = new URLSearchParams(body.toString())
    const msg = Object.fromEntries(
      ['grant_type', 'requested_token_type', 'subject_token', 'subject_token_type', 'actor_token', 'actor_token_type'].map(name => [
        name,
        form.get(name) ?? ''
      ])
    )
    const result = exchange(msg, 'http')
    if (result.error) return reply(result.error.http, { error: result.error.oauth, error_description: result.error.message })
    return reply(200, result.token)
  }

  function grpcStatus(res, code, message) {
    // Trailers-only response: the status travels in the (only) HEADERS frame.
    res.writeHead(200, { 'content-type': 'application/grpc', 'grpc-status': String(code), 'grpc-message': percentEncode(message) })
    res.end()
    return true
  }

  function handleGrpc({ req, res, body }) {
    if (req.httpVersionMajor !== 2) return reply400(res, 'gRPC needs HTTP/2')
    if (req.method !== 'POST') return reply400(res, 'gRPC needs POST')
    if (!String(req.headers['content-type'] ?? '').startsWith('application/grpc')) {
      res.writeHead(415, { 'content-type': 'text/plain' })
      res.end('content-type must be application/grpc')
      return true
    }
    if (req.headers.te !== 'trailers') return reply400(res, 'te: trailers is required')
    if (body.length < 5) return grpcStatus(res, 13, 'request has no message')
    if (body[0] !== 0) return grpcStatus(res, 12, 'compressed messages are not supported')
    const length = body.readUInt32BE(1)
    if (body.length !== 5 + length) return grpcStatus(res, 13, 'request message length does not match the frame')
    let msg
    try {
      msg = decodeExchangeTokenRequest(body.subarray(5))
    } catch (error) {
      return grpcStatus(res, 13, `cannot parse request: ${error.message}`)
    }
    const result = exchange(msg, 'grpc')
    if (result.error) return grpcStatus(res, result.error.grpc, result.error.message)
    const message = encodeCreateTokenResponse(result.token)
    const frame = Buffer.alloc(5)
    frame.writeUInt32BE(message.length, 1)
    res.writeHead(200, { 'content-type': 'application/grpc', 'grpc-encoding': 'identity' })
    res.addTrailers({ 'grpc-status': '0', 'grpc-message': '' })
    res.end(Buffer.concat([frame, message]))
    return true
  }

  function reply400(res, message) {
    res.writeHead(400, { 'content-type': 'text/plain' })
    res.end(message)
    return true
  }

  return {
    cloud: 'nebius',
    hosts: [NEBIUS_HTTP_HOST, NEBIUS_GRPC_HOST],
    registryHosts: NEBIUS_REGISTRY_HOSTS,
    requests,
    /** A new service account; returns its id. */
    createServiceAccount() {
      const serviceAccountId = id('serviceaccount')
      serviceAccounts.add(serviceAccountId)
      return serviceAccountId
    },
    /**
     * What `nebius iam auth-public-key generate` produces: a key pair whose public half IAM knows.
     * Returns the credentials file text and its fields.
     */
    createKey(serviceAccountId) {
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
      const publicKeyId = id('publickey')
      publicKeys.set(publicKeyId, { serviceAccountId, publicKey })
      const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' })
      const credentialsFile = JSON.stringify(
        {
          'subject-credentials': {
            type: 'JWT',
            alg: 'RS256',
            'private-key': privateKeyPem,
            kid: publicKeyId,
            iss: serviceAccountId,
            sub: serviceAccountId
          }
        },
        null,
        2
      )
      return { serviceAccountId, publicKeyId, privateKeyPem, publicKey, credentialsFile }
    },
    deleteKey: publicKeyId => publicKeys.delete(publicKeyId),
    /** `nebius iam static-key issue --service CONTAINER_REGISTRY`: a token the registry takes as iam's password. */
    createStaticKey() {
      const token = `ne1s${randomBytes(40).toString('base64url')}`
      staticKeys.add(token)
      return token
    },
    /** Federated credentials: the SA trusts GitHub tokens whose `sub` is `subject` (and, optionally, `aud`). */
    addFederatedCredentials(serviceAccountId, { subject = github.subject, issuer = GITHUB_ISSUER, audience } = {}) {
      federated.push({ serviceAccountId, subject, issuer, audience })
    },
    errorBody: (status, message) =>
      JSON.stringify({ error: status >= 500 ? 'server_error' : 'invalid_request', error_description: message }),
    async handle(ctx) {
      const { url, host } = ctx
      if (host === NEBIUS_HTTP_HOST && url.pathname === '/oauth2/token/exchange') return handleHttp(ctx)
      if (host === NEBIUS_GRPC_HOST && url.pathname === EXCHANGE_PATH) return handleGrpc(ctx)
      if (host === NEBIUS_GRPC_HOST && ctx.req.headers['content-type']?.startsWith('application/grpc')) {
        return grpcStatus(ctx.res, 12, `unknown method ${url.pathname}`)
      }
      return false
    }
  }
}
