import { createPrivateKey } from 'node:crypto'
import { signJwt } from '../../../../harness/jwt.js'
import { startLocalYandex, type LocalYandex } from './local-yandex.js'

// The local IAM must refuse what the real one refuses, or the provider tests prove nothing.
let yc: LocalYandex
beforeEach(async () => {
  yc = await startLocalYandex()
})
afterEach(async () => {
  await yc.close()
})

async function iam(body: unknown, contentType = 'application/json'): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(yc.iamUrl, { method: 'POST', headers: { 'content-type': contentType }, body: JSON.stringify(body) })
  return { status: response.status, json: (await response.json()) as Record<string, unknown> }
}

function jwtFor(
  key: ReturnType<LocalYandex['emulator']['createAuthorizedKey']>,
  claims: Record<string, unknown> = {},
  header: Record<string, unknown> = {}
): string {
  const iat = Math.floor(Date.now() / 1000)
  return signJwt(
    { typ: 'JWT', alg: 'PS256', kid: key.id, ...header },
    { iss: key.serviceAccountId, aud: yc.iamUrl, iat, exp: iat + 600, ...claims },
    key.privateKey
  )
}

test('a correct PS256 JWT gets an IAM token with an RFC 3339 nanosecond expiresAt', async () => {
  const key = yc.emulator.createAuthorizedKey()
  const { status, json } = await iam({ jwt: jwtFor(key) })
  expect(status).toBe(200)
  expect(json.iamToken).toMatch(/^t1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{86}$/)
  expect(json.expiresAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/)
  expect(yc.store.accepts('yandex', 'iam', String(json.iamToken))).toBe(true)
})

test.each([
  ['RS256 instead of PS256', (k: Parameters<typeof jwtFor>[0]) => jwtFor(k, {}, { alg: 'RS256' }), 400, 3, /only PS256/],
  [
    'an unknown kid',
    (k: Parameters<typeof jwtFor>[0]) => jwtFor(k, {}, { kid: 'ajeunknownkey0000000' }),
    401,
    16,
    /Key ajeunknownkey0000000 not found/
  ],
  [
    'another service account as iss',
    (k: Parameters<typeof jwtFor>[0]) => jwtFor(k, { iss: 'ajeother0000000000000' }),
    401,
    16,
    /iss ajeother0000000000000 is not the owner/
  ],
  [
    'a wrong aud',
    (k: Parameters<typeof jwtFor>[0]) => jwtFor(k, { aud: 'https://iam.api.cloud.yandex.net/iam/v1/token' }),
    401,
    16,
    /aud must be/
  ],
  [
    'a lifetime over an hour',
    (k: Parameters<typeof jwtFor>[0]) => jwtFor(k, { exp: Math.floor(Date.now() / 1000) + 3601 }),
    400,
    3,
    /must not exceed 3600/
  ],
  [
    'an expired JWT',
    (k: Parameters<typeof jwtFor>[0]) => jwtFor(k, { iat: Math.floor(Date.now() / 1000) - 4000, exp: Math.floor(Date.now() / 1000) - 400 }),
    401,
    16,
    /has expired/
  ]
])('refuses %s with a google.rpc.Status', async (_name, make, status, code, message) => {
  const key = yc.emulator.createAuthorizedKey()
  const reply = await iam({ jwt: make(key) })
  expect(reply.status).toBe(status)
  expect(reply.json).toEqual({
    code,
    message: expect.stringMatching(message),
    details: [{ '@type': 'type.googleapis.com/google.rpc.RequestInfo', requestId: expect.any(String) }]
  })
})

test('refuses a JWT signed by another key, a body with both or neither field, and a non-JSON request', async () => {
  const key = yc.emulator.createAuthorizedKey()
  const other = yc.emulator.createAuthorizedKey(key.serviceAccountId)
  const forged = signJwt(
    { typ: 'JWT', alg: 'PS256', kid: key.id },
    { iss: key.serviceAccountId, aud: yc.iamUrl, iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 60 },
    createPrivateKey(other.privateKey.export({ type: 'pkcs8', format: 'pem' }))
  )
  expect((await iam({ jwt: forged })).json.message).toMatch(/signature does not match/)
  expect((await iam({ jwt: jwtFor(key), yandexPassportOauthToken: 'y0_x' })).status).toBe(400)
  expect((await iam({})).status).toBe(400)
  expect((await iam({ jwt: jwtFor(key) }, 'text/plain')).status).toBe(400)
})

test('the registry side: json_key only for the unchanged key file of a live key; api_key and oauth only when known', () => {
  const key = yc.emulator.createAuthorizedKey()
  expect(yc.store.accepts('yandex', 'json_key', key.json)).toBe(true)
  const edited = JSON.stringify({ ...JSON.parse(key.json), private_key: JSON.parse(yc.emulator.createAuthorizedKey().json).private_key })
  expect(yc.store.accepts('yandex', 'json_key', edited)).toBe(false)
  expect(yc.store.accepts('yandex', 'json_key', 'not json')).toBe(false)
  yc.emulator.deleteKey(key.id)
  expect(yc.store.accepts('yandex', 'json_key', key.json)).toBe(false)

  const apiKey = yc.emulator.createApiKey()
  expect(yc.store.accepts('yandex', 'api_key', apiKey)).toBe(true)
  expect(yc.store.accepts('yandex', 'iam', apiKey)).toBe(false)
  expect(yc.store.accepts('yandex', 'api_key', `${apiKey}x`)).toBe(false)

  const oauth = yc.emulator.createOAuthToken()
  expect(yc.store.accepts('yandex', 'oauth', oauth)).toBe(true)
  yc.emulator.expireOAuthToken(oauth)
  expect(yc.store.accepts('yandex', 'oauth', oauth)).toBe(false)
})

test('the federation endpoint checks the GitHub token, the audience list and the federated credential', async () => {
  const sa = yc.emulator.createServiceAccount()
  yc.emulator.addFederatedCredential(sa, yc.github.subject)
  const exchange = async (fields: Record<string, string>) => {
    const response = await fetch(yc.wlifUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
        requested_token_type: 'urn:ietf:params:oauth:token-type:access_token',
        subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
        audience: sa,
        subject_token: yc.github.mint('https://github.com/acme') as string,
        ...fields
      }).toString()
    })
    return { status: response.status, json: (await response.json()) as Record<string, unknown> }
  }
  const ok = await exchange({})
  expect(ok).toEqual({ status: 200, json: { access_token: expect.stringMatching(/^t1\./), token_type: 'Bearer', expires_in: 43200 } })
  expect((await exchange({ subject_token: 'a.b.c' })).json.error).toBe('invalid_grant')
  expect((await exchange({ subject_token: yc.github.mint('https://github.com/evil') as string })).json.error_description).toMatch(
    /audience/
  )
  expect((await exchange({ audience: 'ajeunknown' })).json).toEqual({
    error: 'invalid_target',
    error_description: 'Service account ajeunknown not found'
  })
  expect((await exchange({ grant_type: 'client_credentials' })).json.error).toBe('unsupported_grant_type')
  yc.github.subject = 'repo:acme/app:pull_request'
  expect((await exchange({})).json.error_description).toMatch(/No federated credential .* matches subject repo:acme\/app:pull_request/)
})
