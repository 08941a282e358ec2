// The registries' token service (distribution "auth: token"): a client sends
// GET /token?service=&scope= with Basic credentials; only a pair its cloud issued (or accepts as
// a long-lived credential) and that has not expired gets a registry token.
import { createPrivateKey, randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { signJwt } from './jwt.js'

export const TOKEN_ISSUER = 'registry-login-local-token-issuer'

export function tokenHost(cloud) {
  return `token.${cloud}.registry.test`
}

export function createTokenService({ pki, store, clouds, now = () => Date.now(), tokenTtlSeconds = undefined }) {
  // Registry tokens live 5 minutes, or shorter with the local cloud's LOCAL_CLOUD_TOKEN_TTL_SECONDS.
  const lifetime = Math.min(300, tokenTtlSeconds ?? 300)
  const key = createPrivateKey(readFileSync(pki.tokenKey))
  const x5c = readFileSync(pki.tokenCert, 'utf8')
    .replace(/-----[^-]+-----/g, '')
    .replace(/\s+/g, '')
  const seen = []
  return {
    hosts: clouds.map(tokenHost),
    registryHosts: [],
    /** Every token request: cloud, user, scopes, ok, user agent. */
    seen,
    /** Injected faults answer in distribution's error format, as a registry front would. */
    errorBody: (status, message) =>
      JSON.stringify({
        errors: [
          {
            code: { 401: 'UNAUTHORIZED', 403: 'DENIED', 429: 'TOOMANYREQUESTS' }[status] ?? (status >= 500 ? 'UNAVAILABLE' : 'UNKNOWN'),
            message
          }
        ]
      }),
    async handle({ req, url, body, reply, host }) {
      if (url.pathname !== '/token') return false
      const cloud = clouds.find(c => tokenHost(c) === host)
      let username = ''
      let password = ''
      const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '')
      if (basic) {
        const decoded = Buffer.from(basic[1], 'base64').toString()
        const colon = decoded.indexOf(':')
        username = decoded.slice(0, colon)
        password = decoded.slice(colon + 1)
      } else if (req.method === 'POST') {
        const form = new URLSearchParams(body.toString())
        username = form.get('username') ?? ''
        password = form.get('password') ?? ''
      }
      const params = req.method === 'POST' ? new URLSearchParams(body.toString()) : url.searchParams
      const scopes = params.getAll('scope')
      const ok = Boolean(username) && store.accepts(cloud, username, password)
      seen.push({ cloud, username, scopes, ok, userAgent: req.headers['user-agent'] })
      if (!ok) return reply(401, { errors: [{ code: 'UNAUTHORIZED', message: 'invalid username/password' }] })
      const iat = Math.floor(now() / 1000)
      const access = scopes.flatMap(scope => {
        const [type, name, actions] = scope.split(':')
        return type && name && actions ? [{ type, name, actions: actions.split(',') }] : []
      })
      const token = signJwt(
        { typ: 'JWT', alg: 'RS256', x5c: [x5c] },
        {
          iss: TOKEN_ISSUER,
          sub: username,
          aud: `${cloud}-registry`,
          exp: iat + lifetime,
          nbf: iat - 10,
          iat,
          jti: randomBytes(8).toString('hex'),
          access
        },
        key
      )
      return reply(200, { token, access_token: token, expires_in: lifetime, issued_at: new Date(iat * 1000).toISOString() })
    }
  }
}
