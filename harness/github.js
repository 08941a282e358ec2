// GitHub Actions' OIDC token service: the runner-side request endpoint
// (ACTIONS_ID_TOKEN_REQUEST_URL / _TOKEN) and the issuer's JWKS.
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { signJwt, verifyJwt } from './jwt.js'

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com'
export const GITHUB_REQUEST_HOST = 'pipelines.actions.githubusercontent.com'

export function createGithubOidc({ repository = 'acme/app', ref = 'refs/heads/main', now = () => Date.now() } = {}) {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const kid = randomBytes(8).toString('hex')
  const requestToken = randomBytes(24).toString('hex')
  const owner = repository.split('/')[0]
  const gh = {
    hosts: [GITHUB_REQUEST_HOST, 'token.actions.githubusercontent.com'],
    registryHosts: [],
    repository,
    /** `sub` of the tokens it issues; tests change it to play another repository or branch. */
    subject: `repo:${repository}:ref:${ref}`,
    publicKey,
    requestToken,
    requests: [],
    /** Every token this service minted (the acceptance tests scan for them). */
    minted: [],
    /** Environment a runner step gets when the job has `id-token: write`. */
    runnerEnv: () => ({
      ACTIONS_ID_TOKEN_REQUEST_URL: `https://${GITHUB_REQUEST_HOST}/oidc/token?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken
    }),
    mint(audience, extra = {}) {
      const iat = Math.floor(now() / 1000)
      const token = signJwt(
        { alg: 'RS256', typ: 'JWT', kid },
        {
          iss: GITHUB_ISSUER,
          sub: gh.subject,
          aud: audience ?? `https://github.com/${owner}`,
          repository,
          repository_owner: owner,
          ref,
          jti: randomBytes(8).toString('hex'),
          iat,
          nbf: iat - 5,
          exp: iat + 300,
          ...extra
        },
        privateKey
      )
      gh.minted.push(token)
      return token
    },
    /** Verifies a GitHub token the way a cloud does: signature, issuer, expiry and audience. */
    verify(token, expectedAudience) {
      const { claims, header } = verifyJwt(token, publicKey, 'RS256')
      if (header.kid !== kid) throw new Error('unknown signing key')
      if (claims.iss !== GITHUB_ISSUER) throw new Error(`issuer ${claims.iss} is not trusted`)
      if (claims.exp * 1000 < now()) throw new Error('token has expired')
      const auds = Array.isArray(claims.aud) ? claims.aud : [claims.aud]
      if (expectedAudience !== undefined && !auds.includes(expectedAudience))
        throw new Error(`audience ${auds.join(',')} is not ${expectedAudience}`)
      return claims
    },
    async handle({ req, url, reply }) {
      if (url.host === GITHUB_REQUEST_HOST && url.pathname === '/oidc/token') {
        if (req.headers.authorization !== `Bearer ${requestToken}`) return reply(401, { message: 'Bad credentials' })
        const audience = url.searchParams.get('audience') ?? undefined
        gh.requests.push({ audience })
        return reply(200, { count: 1, value: gh.mint(audience) })
      }
      if (url.pathname === '/.well-known/jwks') {
        return reply(200, { keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' }] })
      }
      if (url.pathname === '/.well-known/openid-configuration') {
        return reply(200, { issuer: GITHUB_ISSUER, jwks_uri: `${GITHUB_ISSUER}/.well-known/jwks` })
      }
      return false
    }
  }
  return gh
}
