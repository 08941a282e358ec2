// The registry's Retry-After, asked for without credentials after a client's login got 429 or 503 (#20).
import type { Exchange, Reply } from '../../../src/net/http-request.js'
import { challenges, registryRetryAfter, tokenRealm } from '../../../src/net/registry-retry-after.js'
import { REGISTRY_PROBE_TIMEOUT_MS } from '../../../src/net/policies.js'
import { retryAfterMs } from '../../../src/net/retry-after.js'
import { closedPort, startIamServer, type IamServer } from '../../helpers/iam-server.js'
import { captureStdout, type StdoutCapture } from '../../helpers/stdout.js'

let stdout: StdoutCapture
beforeEach(() => {
  stdout = captureStdout()
})
afterEach(() => stdout.restore())

const reply = (status: number, headers: Record<string, string> = {}): Reply => ({
  status,
  headers: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value])),
  body: '{}'
})
/** IBM's registry: its challenge names a token service on another host, with a query of its own. */
const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="https://icr.io/oauth/token?tenant=x",service="registry"' }

/** A fake network: the registry's /v2/ answers `ping`, anything else `token`; every call is recorded. */
function network(ping: Reply, token: Reply = reply(200)): { calls: Exchange[]; send: (call: Exchange) => Promise<Reply> } {
  const calls: Exchange[] = []
  return {
    calls,
    send: async call => {
      calls.push(call)
      return call.url.host === 'us.icr.io' && call.url.pathname === '/v2/' ? ping : token
    }
  }
}
const ask = (send: (call: Exchange) => Promise<Reply>, withinMs = 10_000): Promise<number | undefined> =>
  registryRetryAfter({ base: 'https://us.icr.io', userAgent: 'registry-login-test/1.0', withinMs }, send)

describe('what the registry answers, and the wait read from it', () => {
  test.each([
    ['its API root answers 429 with delay-seconds', reply(429, { 'Retry-After': '7' }), reply(200), 7_000],
    ['its API root answers 503 with delay-seconds', reply(503, { 'Retry-After': '120' }), reply(200), 120_000],
    ['its token service answers 429', reply(401, CHALLENGE), reply(429, { 'Retry-After': '3' }), 3_000],
    ['its token service answers 503 with 0', reply(401, CHALLENGE), reply(503, { 'Retry-After': '0' }), 0],
    ['its token service hands out an anonymous token', reply(401, CHALLENGE), reply(200), undefined],
    ['its token service refuses anonymous access', reply(401, CHALLENGE), reply(401), undefined],
    ['its token service answers 429 without Retry-After', reply(401, CHALLENGE), reply(429), undefined],
    ['its token service answers 500 with Retry-After (not a pause)', reply(401, CHALLENGE), reply(500, { 'Retry-After': '9' }), undefined],
    ['its API root answers 429 with an unreadable Retry-After', reply(429, { 'Retry-After': 'soon' }), reply(200), undefined],
    ['its API root answers 200 (no auth)', reply(200), reply(429, { 'Retry-After': '3' }), undefined],
    [
      'a Basic challenge (no token service to ask)',
      reply(401, { 'WWW-Authenticate': 'Basic realm="x"' }),
      reply(429, { 'Retry-After': '3' }),
      undefined
    ],
    [
      'a realm on plain http',
      reply(401, { 'WWW-Authenticate': 'Bearer realm="http://icr.io/oauth/token"' }),
      reply(429, { 'Retry-After': '3' }),
      undefined
    ]
  ] as const)('%s', async (_name, ping, token, expected) => {
    expect(await ask(network(ping, token).send)).toBe(expected)
  })

  test("an HTTP-date Retry-After is read against the reply's own Date", async () => {
    const sent = 'Mon, 07 Dec 2026 10:00:00 GMT'
    const { send } = network(reply(429, { 'Retry-After': 'Mon, 07 Dec 2026 10:01:30 GMT', Date: sent }))
    expect(await ask(send)).toBe(90_000)
  })
})

test('the token request goes to the realm the challenge names, its own query kept and the service added; only Accept and User-Agent are sent', async () => {
  const { calls, send } = network(reply(401, CHALLENGE), reply(429, { 'Retry-After': '3' }))
  await ask(send)
  expect(calls.map(call => [call.method, call.url.toString(), call.headers, call.body, call.direct])).toEqual([
    ['GET', 'https://us.icr.io/v2/', { Accept: 'application/json', 'User-Agent': 'registry-login-test/1.0' }, undefined, undefined],
    [
      'GET',
      'https://icr.io/oauth/token?tenant=x&service=registry',
      { Accept: 'application/json', 'User-Agent': 'registry-login-test/1.0' },
      undefined,
      undefined
    ]
  ])
})

test('both requests share withinMs: the second gets only what the first left', async () => {
  const calls: Exchange[] = []
  const send = async (call: Exchange): Promise<Reply> => {
    calls.push(call)
    if (calls.length === 1) {
      await new Promise(resolve => setTimeout(resolve, 300))
      return reply(401, CHALLENGE)
    }
    return reply(429, { 'Retry-After': '3' })
  }
  expect(await ask(send, 1_000)).toBe(3_000)
  expect(calls[0]?.timeoutMs).toBe(1_000)
  expect(calls[1]?.timeoutMs).toBeLessThanOrEqual(720)
  expect(await ask(network(reply(429, { 'Retry-After': '3' })).send, 0)).toBeUndefined()
})

describe("every failure to ask gives no wait, within the probe's bounds (the real exchange)", () => {
  let server: IamServer
  beforeEach(async () => {
    server = await startIamServer({ behaviour: () => 'hang' })
  })
  afterEach(async () => server.close())

  test('a registry that never answers: given up at withinMs, with a debug line', async () => {
    const started = Date.now()
    const wait = await registryRetryAfter({ base: `http://127.0.0.1:${server.port}`, userAgent: 'ua', withinMs: 300 })
    expect(wait).toBeUndefined()
    expect(Date.now() - started).toBeLessThan(1_500)
    expect(stdout.lines()).toContain(
      `::debug::No Retry-After read from 127.0.0.1:${server.port}: Could not reach the registry 127.0.0.1:${server.port}: no answer within 300 ms.`
    )
  })

  test('nothing listening, or a registry name that makes no URL', async () => {
    expect(
      await registryRetryAfter({ base: `http://127.0.0.1:${await closedPort()}`, userAgent: 'ua', withinMs: REGISTRY_PROBE_TIMEOUT_MS })
    ).toBeUndefined()
    expect(
      await registryRetryAfter({ base: 'https://bad host name', userAgent: 'ua', withinMs: REGISTRY_PROBE_TIMEOUT_MS })
    ).toBeUndefined()
  })
})

describe("tokenRealm: the token service a registry's challenge names", () => {
  test.each([
    ['Bearer realm="https://auth.cr.yandex/token",service="cr.yandex"', 'https://auth.cr.yandex/token?service=cr.yandex'],
    ['bearer REALM="https://icr.io/oauth/token"', 'https://icr.io/oauth/token'],
    ['Bearer realm = "https://t.example/token" , service = s', 'https://t.example/token?service=s'],
    ['Basic realm="Registry", Bearer realm="https://t.example/token",service="s"', 'https://t.example/token?service=s'],
    ['Bearer realm="https://user:pass@t.example/token"', 'https://t.example/token'],
    ['Bearer x-realm="https://evil.example/token",realm="https://t.example/token"', 'https://t.example/token'],
    ['Bearer service="s", Basic realm="https://t.example/token"', undefined],
    ['Bearer realm="http://t.example/token"', undefined],
    ['Bearer realm="file:///etc/passwd"', undefined],
    ['Bearer realm="not a url"', undefined],
    ['Basic realm="Registry"', undefined],
    ['', undefined]
  ] as const)('%s -> %s', (header, expected) => {
    expect(tokenRealm(header)?.toString()).toBe(expected)
  })

  test('quoted values keep their commas and escaped quotes', () => {
    const params = challenges('Bearer realm="https://t.example/token",scope="repository:a/b:pull,push",error="a \\"b\\""')
    expect(Object.fromEntries(params.get('bearer') ?? [])).toEqual({
      realm: 'https://t.example/token',
      scope: 'repository:a/b:pull,push',
      error: 'a "b"'
    })
  })
})

describe('retryAfterMs: delay-seconds or an HTTP-date (RFC 9110)', () => {
  test.each([
    ['7', undefined, 7_000],
    [' 12 ', undefined, 12_000],
    ['0', undefined, 0],
    ['1e3', undefined, undefined],
    ['0x10', undefined, undefined],
    ['-5', undefined, undefined],
    ['Mon, 07 Dec 2026 10:00:10 GMT', 'Mon, 07 Dec 2026 10:00:00 GMT', 10_000],
    ['Mon, 07 Dec 2026 09:59:00 GMT', 'Mon, 07 Dec 2026 10:00:00 GMT', 0],
    ['soon', undefined, undefined],
    [undefined, undefined, undefined]
  ] as const)('%j (Date %j) -> %j', (value, date, expected) => {
    expect(retryAfterMs(value, date)).toBe(expected)
  })
})
