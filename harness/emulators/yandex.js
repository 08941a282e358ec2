// Yandex Cloud: IAM `POST /iam/v1/tokens` (service-account JWT or Yandex ID OAuth token -> IAM
// token), the workload identity federation token exchange `POST auth.yandex.cloud/oauth/token`
// (GitHub OIDC token -> IAM token), and what the registries accept: `iam` + an IAM token it
// issued and that has not expired, `oauth` + a known OAuth token, `api_key` + a known API key,
// `json_key` + a known authorized key file.
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto'
import { decodeJwt, verifyJwt } from '../jwt.js'

export const YANDEX_REGISTRY_HOSTS = ['registry.yandexcloud.net', 'cr.yandex', 'registry.pe.yandexcloud.net']
export const YANDEX_IAM_HOST = 'iam.api.cloud.yandex.net'
export const YANDEX_AUTH_HOST = 'auth.yandex.cloud'
export const YANDEX_IAM_AUDIENCE = `https://${YANDEX_IAM_HOST}/iam/v1/tokens`
const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com'

const HTTP_STATUS = { 3: 400, 5: 404, 7: 403, 8: 429, 13: 500, 14: 503, 16: 401 }
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789'

/** A Yandex resource id: a 3-letter type prefix and 17 more lowercase letters and digits. */
export function yandexId(prefix = 'aje') {
  const bytes = randomBytes(17)
  return prefix + Array.from(bytes, b => ALPHABET[b % ALPHABET.length]).join('')
}

/** `google.rpc.Status` with a RequestInfo detail, as Yandex REST APIs answer errors. */
export function rpcStatus(code, message, requestId = randomUUID()) {
  return { code, message, details: [{ '@type': 'type.googleapis.com/google.rpc.RequestInfo', requestId }] }
}

/** An IAM token in the documented shape: t1.<payload>.<86 characters>. */
function iamToken() {
  return `t1.${randomBytes(24).toString('base64url')}.${randomBytes(64).toString('base64url').slice(0, 86)}`
}

/** RFC 3339 with nanoseconds, as IAM writes expiresAt. */
const rfc3339Nanos = ms =>
  new Date(ms).toISOString().replace(/\.(\d{3})Z$/, (_, m) => `.${m}${String(randomBytes(3).readUIntBE(0, 3) % 1e6).padStart(6, '0')}Z`)

/**
 * @param {{ store: import('../store.js').CredentialStore, github: any, now?: () => number,
 *   tokenTtlSeconds?: number, iamTokenLifetimeSeconds?: number, iamAudience?: string }} options
 */
export function createYandexEmulator({
  store,
  github,
  now = () => Date.now(),
  tokenTtlSeconds = undefined,
  iamTokenLifetimeSeconds = tokenTtlSeconds ?? 12 * 3600,
  iamAudience = YANDEX_IAM_AUDIENCE
}) {
  const serviceAccounts = new Set()
  /** key id -> { serviceAccountId, publicKey (PEM), privateKeyText (as in the file) } */
  const keys = new Map()
  /** API key secret -> service account id */
  const apiKeys = new Map()
  /** OAuth token -> { expiresAt } */
  const oauthTokens = new Map()
  /** federated credentials: `${serviceAccountId} ${subject}` */
  const federated = new Set()
  const owner = String(github?.repository ?? 'acme/app').split('/')[0]
  const requests = []

  const emulator = {
    cloud: 'yandex',
    hosts: [YANDEX_IAM_HOST, YANDEX_AUTH_HOST],
    registryHosts: YANDEX_REGISTRY_HOSTS,
    /** Every request to IAM and to the federation endpoint, as received. */
    requests,
    /** Audiences the workload identity federation accepts (the console's default for GitHub). */
    federationAudiences: [`https://github.com/${owner}`],
    federationIssuer: GITHUB_ISSUER,

    createServiceAccount() {
      const id = yandexId('aje')
      serviceAccounts.add(id)
      return id
    },
    deleteServiceAccount: id => serviceAccounts.delete(id),

    /** `yc iam key create --output key.json`: the file's text, with the PLEASE DO NOT REMOVE line. */
    createAuthorizedKey(serviceAccountId = emulator.createServiceAccount(), { modulusLength = 2048 } = {}) {
      serviceAccounts.add(serviceAccountId)
      const id = yandexId('aje')
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength })
      const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' })
      const publicPem = publicKey.export({ type: 'spki', format: 'pem' })
      const privateKeyText = `PLEASE DO NOT REMOVE THIS LINE! Yandex.Cloud SA Key ID <${id}>\n${privatePem}`
      const file = {
        id,
        service_account_id: serviceAccountId,
        created_at: new Date(now()).toISOString(),
        key_algorithm: modulusLength === 4096 ? 'RSA_4096' : 'RSA_2048',
        public_key: publicPem,
        private_key: privateKeyText
      }
      keys.set(id, { serviceAccountId, publicKey: publicPem, privateKeyText })
      return { id, serviceAccountId, json: JSON.stringify(file, null, 2), privateKey, publicKey }
    },
    deleteKey: id => keys.delete(id),

    /** `yc iam api-key create`: the secret part. */
    createApiKey(serviceAccountId = emulator.createServiceAccount()) {
      const secret = `AQVN${randomBytes(30).toString('base64url')}`
      apiKeys.set(secret, serviceAccountId)
      return secret
    },
    /** A Yandex ID OAuth token (y0_...), valid for a year unless told otherwise. */
    createOAuthToken({ lifetimeMs = 365 * 24 * 3600 * 1000 } = {}) {
      const token = `y0_${randomBytes(40).toString('base64url')}`
      oauthTokens.set(token, { expiresAt: now() + lifetimeMs })
      return token
    },
    expireOAuthToken(token) {
      const entry = oauthTokens.get(token)
      if (entry) entry.expiresAt = 0
    },
    /** A federated credential: tokens with this `sub` may act as the service account. */
    addFederatedCredential(serviceAccountId, subject = github.subject) {
      serviceAccounts.add(serviceAccountId)
      federated.add(`${serviceAccountId} ${subject}`)
    },

    errorBody: (status, message) =>
      JSON.stringify(rpcStatus(Object.entries(HTTP_STATUS).find(([, s]) => s === status)?.[0] * 1 || 13, message)),

    async handle({ req, url, body, reply, host }) {
      if (host === YANDEX_IAM_HOST && url.pathname === '/iam/v1/tokens') return handleIam(req, body, reply)
      if (host === YANDEX_AUTH_HOST && url.pathname === '/oauth/token') return handleFederation(req, body, reply)
      return false
    }
  }

  const fail = (reply, code, message) => reply(HTTP_STATUS[code] ?? 500, rpcStatus(code, message))

  function issue() {
    const token = iamToken()
    const expiresAt = now() + iamTokenLifetimeSeconds * 1000
    store.issue('yandex', 'iam', token, expiresAt)
    return { token, expiresAt }
  }

  function handleIam(req, body, reply) {
    if (req.method !== 'POST') return fail(reply, 12, `Method ${req.method} is not allowed`)
    if (!String(req.headers['content-type']).startsWith('application/json')) return fail(reply, 3, 'Request body must be JSON')
    let json
    try {
      json = JSON.parse(body.toString())
    } catch {
      return fail(reply, 3, 'Failed to parse request body as JSON')
    }
    requests.push({ host: YANDEX_IAM_HOST, headers: req.headers, body: json })
    const fields = ['jwt', 'yandexPassportOauthToken'].filter(f => typeof json[f] === 'string' && json[f] !== '')
    if (fields.length !== 1) return fail(reply, 3, 'Exactly one of jwt, yandexPassportOauthToken is required')
    if (fields[0] === 'yandexPassportOauthToken') {
      if (json.yandexPassportOauthToken.length > 4000) return fail(reply, 3, 'yandexPassportOauthToken: length must be <= 4000')
      const entry = oauthTokens.get(json.yandexPassportOauthToken)
      if (!entry || entry.expiresAt <= now()) return fail(reply, 16, 'Token is invalid or has expired.')
    } else {
      if (json.jwt.length > 8000) return fail(reply, 3, 'jwt: length must be <= 8000')
      const problem = checkJwt(json.jwt)
      if (problem) return fail(reply, problem[0], problem[1])
    }
    const { token, expiresAt } = issue()
    return reply(200, { iamToken: token, expiresAt: rfc3339Nanos(expiresAt) })
  }

  /** What IAM checks in a service-account JWT; returns [grpc code, message] when it refuses. */
  function checkJwt(jwt) {
    let decoded
    try {
      decoded = decodeJwt(jwt)
    } catch {
      return [3, 'Invalid JWT: malformed token']
    }
    const { header, claims } = decoded
    if (header.alg !== 'PS256') return [3, `Invalid JWT: unsupported signing algorithm ${header.alg}, only PS256 is supported`]
    if (!header.kid) return [3, 'Invalid JWT: kid header is required']
    const key = keys.get(header.kid)
    if (!key) return [16, `Key ${header.kid} not found or deleted`]
    try {
      verifyJwt(jwt, key.publicKey, 'PS256')
    } catch {
      return [16, `Invalid JWT: signature does not match key ${header.kid}`]
    }
    if (claims.iss !== key.serviceAccountId) return [16, `Invalid JWT: iss ${claims.iss} is not the owner of key ${header.kid}`]
    if (!serviceAccounts.has(key.serviceAccountId)) return [16, `Service account ${key.serviceAccountId} not found`]
    const auds = Array.isArray(claims.aud) ? claims.aud : [claims.aud]
    if (!auds.includes(iamAudience)) return [16, `Invalid JWT: aud must be ${iamAudience}`]
    if (typeof claims.iat !== 'number' || typeof claims.exp !== 'number') return [3, 'Invalid JWT: iat and exp are required']
    if (claims.exp - claims.iat > 3600) return [3, 'Invalid JWT: token lifetime (exp - iat) must not exceed 3600 seconds']
    const nowSeconds = now() / 1000
    if (claims.exp <= nowSeconds) return [16, 'Invalid JWT: token has expired']
    if (claims.iat > nowSeconds + 300) return [16, 'Invalid JWT: iat is in the future']
    return undefined
  }

  function handleFederation(req, body, reply) {
    const oauthError = (status, error, description) => reply(status, { error, error_description: description })
    if (req.method !== 'POST') return oauthError(405, 'invalid_request', 'Only POST is supported')
    if (!String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded')) {
      return oauthError(400, 'invalid_request', 'Content-Type must be application/x-www-form-urlencoded')
    }
    const form = Object.fromEntries(new URLSearchParams(body.toString()))
    requests.push({ host: YANDEX_AUTH_HOST, headers: req.headers, body: form })
    if (form.grant_type !== 'urn:ietf:params:oauth:grant-type:token-exchange')
      return oauthError(400, 'unsupported_grant_type', `Unsupported grant_type ${form.grant_type}`)
    if (form.subject_token_type !== 'urn:ietf:params:oauth:token-type:id_token')
      return oauthError(400, 'invalid_request', 'subject_token_type must be urn:ietf:params:oauth:token-type:id_token')
    if (form.requested_token_type && form.requested_token_type !== 'urn:ietf:params:oauth:token-type:access_token') {
      return oauthError(400, 'invalid_request', 'requested_token_type must be urn:ietf:params:oauth:token-type:access_token')
    }
    if (!form.subject_token) return oauthError(400, 'invalid_request', 'subject_token is required')
    if (!form.audience) return oauthError(400, 'invalid_request', 'audience (the service account id) is required')
    if (!serviceAccounts.has(form.audience)) return oauthError(400, 'invalid_target', `Service account ${form.audience} not found`)
    let claims
    try {
      claims = github.verify(form.subject_token)
    } catch (error) {
      return oauthError(400, 'invalid_grant', `Subject token is invalid: ${error.message}`)
    }
    const auds = Array.isArray(claims.aud) ? claims.aud : [claims.aud]
    if (!auds.some(a => emulator.federationAudiences.includes(a))) {
      return oauthError(400, 'invalid_grant', `Subject token audience ${auds.join(',')} is not among the federation's audiences`)
    }
    if (!federated.has(`${form.audience} ${claims.sub}`)) {
      return oauthError(400, 'invalid_grant', `No federated credential of service account ${form.audience} matches subject ${claims.sub}`)
    }
    const { token } = issue()
    return reply(200, { access_token: token, token_type: 'Bearer', expires_in: iamTokenLifetimeSeconds })
  }

  store.acceptWhen('yandex', (username, password) => {
    if (username === 'oauth') return (oauthTokens.get(password)?.expiresAt ?? 0) > now()
    if (username === 'api_key') return serviceAccounts.has(apiKeys.get(password))
    if (username === 'json_key') {
      try {
        const file = JSON.parse(password)
        const key = keys.get(file.id)
        return (
          Boolean(key) &&
          key.serviceAccountId === file.service_account_id &&
          key.privateKeyText === file.private_key &&
          serviceAccounts.has(key.serviceAccountId)
        )
      } catch {
        return false
      }
    }
    return false
  })

  return emulator
}
