// The registry's Retry-After, asked for without credentials after a client's login got 429 or 503 (#20).
import { registryRetryAfter, tokenRealm } from '../../../src/net/registry-retry-after.js'
import { REGISTRY_PROBE_TIMEOUT_MS } from '../../../src/net/policies.js'
import { closedPort, startIamServer, type IamServer, type Reply, type SeenRequest } from '../../helpers/iam-server.js'

let server: IamServer
beforeEach(async () => {
  server = await startIamServer()
})
afterEach(async () => server.close())

const base = (): string => `http://127.0.0.1:${server.port}`
const realm = (): string => `${base()}/token`
const challenge = (): Record<string, string> => ({
  'WWW-Authenticate': `Bearer realm="${realm()}",service="registry.test",scope="repository:acme/app:pull"`
})
const ok: Reply = { status: 200, body: {} }
const pingThenToken =
  (ping: () => Reply, token: Reply = ok) =>
  (req: SeenRequest): Reply =>
    req.path.startsWith('/v2/') ? ping() : token
const ask = (): Promise<number | undefined> => registryRetryAfter({ base: base(), userAgent: 'registry-login-test/1.0' })

describe('what the registry answers, and the wait read from it', () => {
  test.each([
    ['its API root answers 429 with delay-seconds', () => ({ status: 429, body: {}, headers: { 'Retry-After': '7' } }), ok, 7_000],
    ['its API root answers 503 with delay-seconds', () => ({ status: 503, body: 'down', headers: { 'Retry-After': '120' } }), ok, 120_000],
    [
      'its token service answers 429 with delay-seconds',
      () => ({ status: 401, body: {}, headers: challenge() }),
      { status: 429, body: {}, headers: { 'Retry-After': '3' } },
      3_000
    ],
    [
      'its token service answers 503 with delay-seconds',
      () => ({ status: 401, body: {}, headers: challenge() }),
      { status: 503, body: {}, headers: { 'Retry-After': '0' } },
      0
    ],
    ['its token service hands out an anonymous token', () => ({ status: 401, body: {}, headers: challenge() }), ok, undefined],
    [
      'its token service refuses anonymous access',
      () => ({ status: 401, body: {}, headers: challenge() }),
      { status: 401, body: {} },
      undefined
    ],
    [
      'its token service answers 429 without Retry-After',
      () => ({ status: 401, body: {}, headers: challenge() }),
      { status: 429, body: {} },
      undefined
    ],
    [
      'its token service answers 500 with Retry-After (not a pause)',
      () => ({ status: 401, body: {}, headers: challenge() }),
      { status: 500, body: {}, headers: { 'Retry-After': '9' } },
      undefined
    ],
    [
      'its API root answers 429 with an unreadable Retry-After',
      () => ({ status: 429, body: {}, headers: { 'Retry-After': 'soon' } }),
      ok,
      undefined
    ],
    ['its API root answers 200 (no auth)', () => ok, { status: 429, body: {}, headers: { 'Retry-After': '3' } }, undefined],
    [
      'a Basic challenge (no token service to ask)',
      () => ({ status: 401, body: {}, headers: { 'WWW-Authenticate': 'Basic realm="x"' } }),
      { status: 429, body: {}, headers: { 'Retry-After': '3' } },
      undefined
    ]
  ] as const)('%s: %s', async (_name, ping, token, expected) => {
    server.behaviour = pingThenToken(ping, token)
    expect(await ask()).toBe(expected)
  })

  test('an HTTP-date Retry-After is the time until that date', async () => {
    const at = new Date(Date.now() + 90_000).toUTCString()
    server.behaviour = pingThenToken(() => ({ status: 429, body: {}, headers: { 'Retry-After': at } }))
    const wait = await ask()
    expect(wait).toBeGreaterThan(80_000)
    expect(wait).toBeLessThanOrEqual(90_000)
  })
})

test('nothing but the request line and the User-Agent is sent: the token request carries the service and no credential', async () => {
  server.behaviour = pingThenToken(() => ({ status: 401, body: {}, headers: challenge() }), {
    status: 429,
    body: {},
    headers: { 'Retry-After': '3' }
  })
  await ask()
  expect(server.requests.map(r => [r.method, r.path])).toEqual([
    ['GET', '/v2/'],
    ['GET', '/token?service=registry.test']
  ])
  for (const request of server.requests) {
    expect(request.headers.authorization).toBeUndefined()
    expect(request.headers.cookie).toBeUndefined()
    expect(request.headers['user-agent']).toBe('registry-login-test/1.0')
  }
})

describe("every failure to ask gives no wait, within the probe's bounds", () => {
  test('a registry that never answers: given up within what is left of the deadline', async () => {
    server.behaviour = () => 'hang'
    const started = Date.now()
    expect(await registryRetryAfter({ base: base(), userAgent: 'ua', remainingMs: () => 300 })).toBeUndefined()
    expect(Date.now() - started).toBeLessThan(REGISTRY_PROBE_TIMEOUT_MS)
  })

  test('no deadline left: nothing is asked', async () => {
    expect(await registryRetryAfter({ base: base(), userAgent: 'ua', remainingMs: () => 0 })).toBeUndefined()
    expect(server.requests).toHaveLength(0)
  })

  test('nothing listening, or a registry name that makes no URL', async () => {
    expect(await registryRetryAfter({ base: `http://127.0.0.1:${await closedPort()}`, userAgent: 'ua' })).toBeUndefined()
    expect(await registryRetryAfter({ base: 'https://bad host name', userAgent: 'ua' })).toBeUndefined()
  })
})

describe("tokenRealm: the token service a registry's challenge names", () => {
  const https = new URL('https://cr.yandex')
  test.each([
    ['Bearer realm="https://auth.cr.yandex/token",service="cr.yandex"', 'https://auth.cr.yandex/token?service=cr.yandex'],
    ['bearer REALM="https://icr.io/oauth/token"', 'https://icr.io/oauth/token'],
    ['Basic realm="Registry", Bearer realm="https://t.example/token",service="s"', 'https://t.example/token?service=s'],
    ['Bearer realm="https://user:pass@t.example/token"', 'https://t.example/token'],
    ['Bearer realm="http://t.example/token"', undefined],
    ['Bearer realm="file:///etc/passwd"', undefined],
    ['Bearer realm="not a url"', undefined],
    ['Bearer service="s"', undefined],
    ['Basic realm="Registry"', undefined],
    ['', undefined]
  ] as const)('%s -> %s', (header, expected) => {
    expect(tokenRealm(header, https)?.toString()).toBe(expected)
  })
})
