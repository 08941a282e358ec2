import { createPublicKey, createVerify, generateKeyPairSync, sign as rawSign } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { ActionError } from '../../../../src/log/errors.js'
import { HttpError, NetworkError } from '../../../../src/net/http.js'
import type { ServiceAccountKey } from '../../../../src/providers/nebius/credentials.js'
import {
  exchange,
  exchangeOverGrpc,
  exchangeOverHttp,
  federatedExchangeRequest,
  gatewayRefused,
  jwtExchangeRequest,
  JWT_AUDIENCE,
  NEBIUS_TOKEN_GRPC_URL,
  NEBIUS_TOKEN_HTTP_URL,
  parseNebiusHttpError,
  serviceAccountJwt
} from '../../../../src/providers/nebius/exchange.js'
import { GrpcError } from '../../../../src/providers/nebius/grpc.js'
import { exchangeHint, jwtSubject } from '../../../../src/providers/nebius/hints.js'
import { fastHttp, testProviderContext } from '../../../helpers/contexts.js'
import { captureStdout, type StdoutCapture } from '../../../helpers/stdout.js'
import { failure } from '../../../helpers/thrown.js'
import { frame, startGrpcServer, type FakeGrpcServer } from './grpc-server.js'

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
const KEY: ServiceAccountKey = {
  serviceAccountId: 'serviceaccount-e00unit',
  publicKeyId: 'publickey-e00unit',
  privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
}
const NOW = new Date('2030-01-01T00:00:00Z')
const b64json = (part: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>

describe('the service-account JWT', () => {
  const jwt = serviceAccountJwt(KEY, NOW)
  const [header, claims, signature] = jwt.split('.') as [string, string, string]

  test('header: RS256 with the public key id as kid', () => {
    expect(b64json(header)).toEqual({ kid: 'publickey-e00unit', alg: 'RS256', typ: 'JWT' })
  })

  test("claims: iss = sub = service account id, the SDKs' aud, iat now, exp 5 minutes later", () => {
    const iat = NOW.getTime() / 1000
    expect(b64json(claims)).toEqual({
      iss: 'serviceaccount-e00unit',
      sub: 'serviceaccount-e00unit',
      aud: 'token-service.iam.new.nebiuscloud.net',
      iat,
      exp: iat + 300
    })
    expect(JWT_AUDIENCE).toBe('token-service.iam.new.nebiuscloud.net')
  })

  test('the signature verifies with the public key (RSASSA-PKCS1-v1_5, SHA-256), unpadded base64url', () => {
    expect(signature).not.toMatch(/[=+/]/)
    const verifier = createVerify('RSA-SHA256').update(`${header}.${claims}`)
    expect(verifier.verify(createPublicKey(publicKey.export({ type: 'spki', format: 'pem' })), Buffer.from(signature, 'base64url'))).toBe(
      true
    )
    // …and not with another key, nor over altered claims.
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey
    expect(createVerify('RSA-SHA256').update(`${header}.${claims}`).verify(other, Buffer.from(signature, 'base64url'))).toBe(false)
    expect(createVerify('RSA-SHA256').update(`${header}.${claims}x`).verify(publicKey, Buffer.from(signature, 'base64url'))).toBe(false)
  })

  test('RS256 is deterministic: the same bytes as an independent one-shot crypto.sign', () => {
    const independent = rawSign('sha256', Buffer.from(`${header}.${claims}`), privateKey).toString('base64url')
    expect(signature).toBe(independent)
    expect(serviceAccountJwt(KEY, NOW)).toBe(jwt)
  })
})

describe('exchange requests', () => {
  test('JWT grant', () => {
    expect(jwtExchangeRequest('a.b.c')).toEqual({
      grantType: 'urn:ietf:params:oauth:grant-type:token-exchange',
      requestedTokenType: 'urn:ietf:params:oauth:token-type:access_token',
      subjectToken: 'a.b.c',
      subjectTokenType: 'urn:ietf:params:oauth:token-type:jwt'
    })
  })
  test('federated grant: the SA id is the subject identifier, the GitHub token the actor', () => {
    expect(federatedExchangeRequest('serviceaccount-e00x', 'gh.jwt.token')).toEqual({
      grantType: 'urn:ietf:params:oauth:grant-type:token-exchange',
      requestedTokenType: 'urn:ietf:params:oauth:token-type:access_token',
      subjectToken: 'serviceaccount-e00x',
      subjectTokenType: 'urn:nebius:params:oauth:token-type:subject_identifier',
      actorToken: 'gh.jwt.token',
      actorTokenType: 'urn:ietf:params:oauth:token-type:jwt'
    })
  })
  test('default endpoints are the real hosts on 443', () => {
    expect(NEBIUS_TOKEN_HTTP_URL).toBe('https://auth.eu.nebius.com/oauth2/token/exchange')
    expect(NEBIUS_TOKEN_GRPC_URL).toBe('https://tokens.iam.api.nebius.cloud')
  })
})

describe('error mapping', () => {
  test('HTTP error bodies: OAuth 2.0 form and google.rpc.Status form', () => {
    expect(parseNebiusHttpError('{"error":"invalid_grant","error_description":"bad JWT","request_id":"r1"}')).toEqual({
      code: 'invalid_grant',
      message: 'bad JWT',
      requestId: 'r1'
    })
    expect(parseNebiusHttpError('{"code":16,"message":"unauthenticated"}')).toEqual({ code: '16', message: 'unauthenticated' })
    expect(parseNebiusHttpError('{}')).toEqual({})
    expect(() => parseNebiusHttpError('not json')).toThrow()
  })

  test('hints name the inputs to check, per grant', () => {
    expect(exchangeHint('service-account-key', 16, { serviceAccountId: '' })).toMatch(/Check 'service-account-key'.*auth-public-key list/)
    expect(exchangeHint('service-account-key', 'invalid_grant', { serviceAccountId: '' })).toMatch(/Check 'service-account-key'/)
    expect(exchangeHint('service-account-key', '401', { serviceAccountId: '' })).toMatch(/Check 'service-account-key'/)
    expect(exchangeHint('oidc', 7, { serviceAccountId: 'serviceaccount-e00a', subject: 'repo:o/r:ref:refs/heads/main' })).toBe(
      "Check that service account 'serviceaccount-e00a' has federated credentials for the issuer https://token.actions.githubusercontent.com whose federated-subject-id is exactly this job's subject 'repo:o/r:ref:refs/heads/main' (nebius iam federated-credentials list)."
    )
    expect(exchangeHint('oidc', 12, { serviceAccountId: '' })).toMatch(/REGISTRY_LOGIN_ENDPOINT_NEBIUS_TOKEN_GRPC/)
    expect(exchangeHint('oidc', 14, { serviceAccountId: '' })).toMatch(
      /run the job again later \(behind a proxy: HTTPS_PROXY must allow CONNECT/
    )
    expect(exchangeHint('oidc', 'invalid_request', { serviceAccountId: '' })).toMatch(/malformed/)
    expect(exchangeHint('oidc', 13, { serviceAccountId: '' })).toBeUndefined()
  })

  test('jwtSubject reads sub without verifying; garbage gives undefined', () => {
    const token = `e30.${Buffer.from('{"sub":"repo:a/b:ref:refs/heads/x"}').toString('base64url')}.sig`
    expect(jwtSubject(token)).toBe('repo:a/b:ref:refs/heads/x')
    expect(jwtSubject('nope')).toBeUndefined()
  })

  test('which HTTPS failures count as "the gateway refused" (fall back to gRPC)', () => {
    const http = (status: number, code?: string): HttpError => new HttpError('s', status, code ? { code } : {})
    expect(gatewayRefused(new NetworkError('s', 'ECONNREFUSED'))).toBe(true)
    expect(gatewayRefused(http(404))).toBe(true)
    expect(gatewayRefused(http(405))).toBe(true)
    expect(gatewayRefused(http(501))).toBe(true)
    expect(gatewayRefused(http(503))).toBe(true)
    expect(gatewayRefused(http(400, 'invalid_request'))).toBe(true)
    expect(gatewayRefused(http(400, 'unsupported_grant_type'))).toBe(true)
    // The credential itself was judged: report it, do not ask again over gRPC.
    expect(gatewayRefused(http(400, 'invalid_grant'))).toBe(false)
    expect(gatewayRefused(http(400, 'INVALID_CLIENT'))).toBe(false)
    expect(gatewayRefused(http(400, 'access_denied'))).toBe(false)
    expect(gatewayRefused(http(401))).toBe(false)
    expect(gatewayRefused(http(403))).toBe(false)
    expect(gatewayRefused(new ActionError('a 200 without a token'))).toBe(false)
  })
})

// A local HTTPS-gateway stand-in (plain HTTP) and a local gRPC server (h2c).
interface Seen {
  path: string
  contentType: string | undefined
  form: Record<string, string>
}
let httpServer: Server
let httpSeen: Seen[]
let httpReply: () => { status: number; body: string }
let grpc: FakeGrpcServer
let stdout: StdoutCapture
let env: NodeJS.ProcessEnv

beforeEach(async () => {
  stdout = captureStdout()
  httpSeen = []
  httpReply = () => ({ status: 200, body: JSON.stringify({ access_token: 'ne1-http-token', token_type: 'Bearer', expires_in: 43200 }) })
  httpServer = createServer((req, res) => {
    let body = ''
    req.on('data', chunk => (body += chunk))
    req.on('end', () => {
      httpSeen.push({ path: req.url ?? '', contentType: req.headers['content-type'], form: Object.fromEntries(new URLSearchParams(body)) })
      const { status, body: text } = httpReply()
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(text)
    })
  })
  await new Promise<void>(resolve => httpServer.listen(0, '127.0.0.1', resolve))
  grpc = await startGrpcServer(() => ({ kind: 'ok', message: tokenResponse('ne1-grpc-token', 'Bearer', '20 c0 d1 02') }))
  env = {
    REGISTRY_LOGIN_ENDPOINT_NEBIUS_TOKEN_HTTP: `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}/oauth2/token/exchange`,
    REGISTRY_LOGIN_ENDPOINT_NEBIUS_TOKEN_GRPC: grpc.url,
    REGISTRY_LOGIN_HTTP_RETRY_DELAY_MS: '0',
    REGISTRY_LOGIN_HTTP_ATTEMPTS: '2'
  }
})
afterEach(async () => {
  stdout.restore()
  await new Promise(resolve => httpServer.close(resolve))
  await grpc.close()
})

/** A CreateTokenResponse built by hand: field 1 (0x0a) token, field 3 (0x1a) token type, then `rest` hex. */
function tokenResponse(token: string, tokenType: string, rest = ''): Buffer {
  return Buffer.concat([
    Buffer.from([0x0a, token.length]),
    Buffer.from(token),
    Buffer.from([0x1a, tokenType.length]),
    Buffer.from(tokenType),
    Buffer.from(rest.replace(/\s+/g, ''), 'hex')
  ])
}

describe('exchange over HTTPS (form POST)', () => {
  test('posts the token-exchange form and returns the masked token with its 12-hour expiry', async () => {
    const ctx = testProviderContext(env, fastHttp().http, NOW)
    const result = await exchangeOverHttp(jwtExchangeRequest('a.b.c'), 'service-account-key', ctx)
    expect(result).toEqual({ token: 'ne1-http-token', expiresAt: new Date(NOW.getTime() + 43200_000) })
    expect(ctx.masked).toContain('ne1-http-token')
    expect(httpSeen).toEqual([
      {
        path: '/oauth2/token/exchange',
        contentType: 'application/x-www-form-urlencoded',
        form: {
          grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
          requested_token_type: 'urn:ietf:params:oauth:token-type:access_token',
          subject_token: 'a.b.c',
          subject_token_type: 'urn:ietf:params:oauth:token-type:jwt'
        }
      }
    ])
  })

  test('no expires_in: no expiry; a token type other than Bearer is refused; no token is an error', async () => {
    httpReply = () => ({ status: 200, body: '{"access_token":"ne1-no-expiry"}' })
    expect(await exchangeOverHttp(jwtExchangeRequest('j'), 'service-account-key', testProviderContext(env))).toEqual({
      token: 'ne1-no-expiry'
    })
    httpReply = () => ({ status: 200, body: '{"access_token":"ne1-mac","token_type":"MAC"}' })
    expect((await failure(exchangeOverHttp(jwtExchangeRequest('j'), 'service-account-key', testProviderContext(env)))).message).toBe(
      "Nebius IAM token exchange (HTTPS) answered token_type 'MAC'; only Bearer access tokens can log into the registry."
    )
    httpReply = () => ({ status: 200, body: '{"token_type":"Bearer"}' })
    expect((await failure(exchangeOverHttp(jwtExchangeRequest('j'), 'service-account-key', testProviderContext(env)))).message).toBe(
      'Nebius IAM token exchange (HTTPS) answered without an access_token.'
    )
  })

  test("invalid_grant: the gateway's code and message, a hint, and not retried", async () => {
    httpReply = () => ({ status: 400, body: '{"error":"invalid_grant","error_description":"invalid JWT: signature does not verify"}' })
    const error = await failure(exchangeOverHttp(jwtExchangeRequest('j'), 'service-account-key', testProviderContext(env)))
    expect(error).toBeInstanceOf(HttpError)
    expect(error.message).toMatch(
      /^Nebius IAM token exchange \(HTTPS\) answered HTTP 400 invalid_grant: invalid JWT: signature does not verify\. Check 'service-account-key'/
    )
    expect(httpSeen).toHaveLength(1)
  })
})

describe('exchange over gRPC', () => {
  test('sends the framed protobuf request (known bytes) and reads the token, type and expiry', async () => {
    const ctx = testProviderContext(env, fastHttp().http, NOW)
    const result = await exchangeOverGrpc(federatedExchangeRequest('serviceaccount-e00x', 'h.p.s'), 'oidc', ctx)
    expect(result).toEqual({ token: 'ne1-grpc-token', expiresAt: new Date(NOW.getTime() + 43200_000) })
    expect(ctx.masked).toContain('ne1-grpc-token')
    const str = (key: number, value: string): Buffer => Buffer.concat([Buffer.from([key, value.length]), Buffer.from(value)])
    const expected = Buffer.concat([
      str(0x0a, 'urn:ietf:params:oauth:grant-type:token-exchange'),
      str(0x12, 'urn:ietf:params:oauth:token-type:access_token'),
      str(0x1a, 'serviceaccount-e00x'),
      str(0x22, 'urn:nebius:params:oauth:token-type:subject_identifier'),
      str(0x3a, 'h.p.s'),
      str(0x42, 'urn:ietf:params:oauth:token-type:jwt')
    ])
    expect(grpc.calls).toHaveLength(1)
    expect(grpc.calls[0]?.headers[':path']).toBe('/nebius.iam.v1.TokenExchangeService/Exchange')
    expect(grpc.calls[0]?.body).toEqual(frame(expected))
  })

  test("PERMISSION_DENIED for a federated subject: the message, the service account and the job's subject in the hint", async () => {
    grpc.behaviour = () => ({ kind: 'trailers-only', status: 7, message: 'federated%20subject%20not%20allowed' })
    const github = `e30.${Buffer.from('{"sub":"repo:acme/app:ref:refs/heads/main"}').toString('base64url')}.sig`
    const error = await failure(exchangeOverGrpc(federatedExchangeRequest('serviceaccount-e00x', github), 'oidc', testProviderContext(env)))
    expect(error).toBeInstanceOf(GrpcError)
    expect(error.message).toBe(
      "Nebius IAM token exchange (gRPC) answered gRPC status PERMISSION_DENIED (7): federated subject not allowed. Check that service account 'serviceaccount-e00x' has federated credentials for the issuer https://token.actions.githubusercontent.com whose federated-subject-id is exactly this job's subject 'repo:acme/app:ref:refs/heads/main' (nebius iam federated-credentials list)."
    )
    expect(error.message).not.toContain(github)
  })

  test('a response that is not a CreateTokenResponse, a non-Bearer type, or no token', async () => {
    grpc.behaviour = () => ({ kind: 'ok', message: Buffer.from([0x0a, 0x05, 0x61]) })
    expect((await failure(exchangeOverGrpc(jwtExchangeRequest('j'), 'service-account-key', testProviderContext(env)))).message).toBe(
      'Nebius IAM token exchange (gRPC) answered a CreateTokenResponse that cannot be decoded (truncated field).'
    )
    grpc.behaviour = () => ({ kind: 'ok', message: tokenResponse('ne1-x', 'DPoP') })
    expect((await failure(exchangeOverGrpc(jwtExchangeRequest('j'), 'service-account-key', testProviderContext(env)))).message).toMatch(
      /token_type 'DPoP'/
    )
    grpc.behaviour = () => ({ kind: 'ok', message: Buffer.alloc(0) })
    expect((await failure(exchangeOverGrpc(jwtExchangeRequest('j'), 'service-account-key', testProviderContext(env)))).message).toBe(
      'Nebius IAM token exchange (gRPC) answered without an access_token.'
    )
  })

  test('UNAVAILABLE is retried with the REGISTRY_LOGIN_HTTP_ATTEMPTS budget', async () => {
    grpc.behaviour = () => ({ kind: 'trailers-only', status: 14, message: 'down' })
    const error = await failure(exchangeOverGrpc(jwtExchangeRequest('j'), 'service-account-key', testProviderContext(env)))
    expect(error.message).toMatch(/UNAVAILABLE \(14\): down\. The service stayed unavailable through every attempt/)
    expect(grpc.calls).toHaveLength(2)
  })

  test('RESOURCE_EXHAUSTED (Nebius rate limiting) is retried, then the call succeeds', async () => {
    grpc.behaviour = (_call, n) =>
      n === 1
        ? { kind: 'trailers-only', status: 8, message: 'rate limited' }
        : { kind: 'ok', message: tokenResponse('ne1-after-limit', 'Bearer') }
    const result = await exchangeOverGrpc(jwtExchangeRequest('j'), 'service-account-key', testProviderContext(env))
    expect(result.token).toBe('ne1-after-limit')
    expect(grpc.calls).toHaveLength(2)
  })
})

describe('transport choice', () => {
  test('auto: HTTPS first; gRPC is not called when HTTPS works', async () => {
    const result = await exchange(jwtExchangeRequest('j'), 'service-account-key', 'auto', testProviderContext(env))
    expect(result.token).toBe('ne1-http-token')
    expect(grpc.calls).toHaveLength(0)
  })

  test('auto: the gateway refuses (404) -> a warning, then gRPC', async () => {
    httpReply = () => ({ status: 404, body: '{"error":"not_found","error_description":"no such route"}' })
    const ctx = testProviderContext(env)
    const result = await exchange(jwtExchangeRequest('j'), 'service-account-key', 'auto', ctx)
    expect(result.token).toBe('ne1-grpc-token')
    expect(httpSeen).toHaveLength(1)
    expect(grpc.calls).toHaveLength(1)
    expect(ctx.warnings).toEqual([
      "Nebius IAM token exchange (HTTPS) answered HTTP 404 not_found: no such route. Falling back to the gRPC TokenExchangeService (set 'token-exchange' to grpc or http to choose one)."
    ])
  })

  test('auto: the gateway is unreachable -> gRPC', async () => {
    const ctx = testProviderContext(
      { ...env, REGISTRY_LOGIN_ENDPOINT_NEBIUS_TOKEN_HTTP: 'http://127.0.0.1:1/oauth2/token/exchange' },
      fastHttp({ attempts: 1 }).http
    )
    expect((await exchange(jwtExchangeRequest('j'), 'service-account-key', 'auto', ctx)).token).toBe('ne1-grpc-token')
    expect(ctx.warnings[0]).toMatch(/^Could not reach Nebius IAM token exchange \(HTTPS\)/)
  })

  test('auto: a wrong key (invalid_grant) is reported as is, without asking gRPC', async () => {
    httpReply = () => ({ status: 400, body: '{"error":"invalid_grant","error_description":"public key not found"}' })
    const error = await failure(exchange(jwtExchangeRequest('j'), 'service-account-key', 'auto', testProviderContext(env)))
    expect(error.message).toMatch(/invalid_grant: public key not found/)
    expect(grpc.calls).toHaveLength(0)
  })

  test('auto: both refuse -> the gRPC error, with the HTTPS failure after it', async () => {
    httpReply = () => ({ status: 501, body: '{"error":"unsupported"}' })
    grpc.behaviour = () => ({ kind: 'trailers-only', status: 16, message: 'bad' })
    const error = await failure(exchange(jwtExchangeRequest('j'), 'service-account-key', 'auto', testProviderContext(env)))
    expect(error.message).toMatch(
      /^Nebius IAM token exchange \(gRPC\) answered gRPC status UNAUTHENTICATED \(16\): bad\. .*\(The HTTPS gateway had failed first: Nebius IAM token exchange \(HTTPS\) answered HTTP 501 unsupported\.\)$/
    )
  })

  test('http and grpc: only the chosen transport', async () => {
    httpReply = () => ({ status: 404, body: '{}' })
    await failure(exchange(jwtExchangeRequest('j'), 'service-account-key', 'http', testProviderContext(env)))
    expect(grpc.calls).toHaveLength(0)
    expect((await exchange(jwtExchangeRequest('j'), 'service-account-key', 'grpc', testProviderContext(env))).token).toBe('ne1-grpc-token')
    expect(httpSeen).toHaveLength(1)
  })
})
