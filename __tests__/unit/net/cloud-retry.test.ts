// The clouds' own "try again" signals, retried whatever the HTTP status, through the one retry rule.
import { HttpError, type CloudError, type HttpRequest } from '../../../src/net/http.js'
import { alibabaRetryable, parseAlibabaError } from '../../../src/providers/alibaba/api.js'
import { nebiusGrpcRetryable, nebiusHttpRetryable, parseNebiusHttpError } from '../../../src/providers/nebius/exchange.js'
import { parseOauthError, parseRpcStatus, yandexRetryable } from '../../../src/providers/yandex/errors.js'
import { isTransient } from '../../../src/net/retry.js'
import { fastHttp } from '../../helpers/contexts.js'
import { startIamServer, type IamServer } from '../../helpers/iam-server.js'
import { captureStdout, type StdoutCapture } from '../../helpers/stdout.js'
import { failure } from '../../helpers/thrown.js'

// Alibaba: error codes of the OpenAPI common errors (Throttling, Throttling.User, Throttling.Api,
// ServiceUnavailable), the body as STS and ACR send it.
const alibaba = (code: string): CloudError => parseAlibabaError(JSON.stringify({ Code: code, Message: 'm', RequestId: 'r' }))
test.each([
  ['Throttling', 400, true],
  ['Throttling.User', 400, true],
  ['Throttling.Api', 400, true],
  ['Throttling.AK', 400, true],
  ['ServiceUnavailable', 503, true],
  ['ServiceUnavailableTemporary', 503, true],
  ['InvalidParameter', 400, false],
  ['SignatureDoesNotMatch', 400, false],
  ['ThrottlingX', 400, false],
  ['NoPermission', 403, false]
])('Alibaba %s (HTTP %d): retried %s', (code, status, retried) => {
  expect(alibabaRetryable(status, alibaba(code))).toBe(retried)
})

test('Alibaba XML bodies carry the same code', () => {
  expect(alibabaRetryable(400, parseAlibabaError('<Error><Code>Throttling.User</Code><Message>m</Message></Error>'))).toBe(true)
})

// Yandex: google.rpc.Status bodies (code 14 = UNAVAILABLE); the federation endpoint's OAuth errors.
test.each([
  [JSON.stringify({ code: 14, message: 'unavailable' }), 400, true],
  [JSON.stringify({ code: 14, message: 'unavailable' }), 503, true],
  [JSON.stringify({ code: 8, message: 'quota' }), 429, false],
  [JSON.stringify({ code: 16, message: 'unauthenticated' }), 401, false],
  [JSON.stringify({ code: 3, message: 'bad' }), 400, false]
])('Yandex IAM %s (HTTP %d): retried %s', (body, status, retried) => {
  expect(yandexRetryable(status, parseRpcStatus(body))).toBe(retried)
})

test.each([
  [JSON.stringify({ error: 'temporarily_unavailable', error_description: 'later' }), true],
  [JSON.stringify({ code: 14, message: 'down' }), true],
  [JSON.stringify({ error: 'invalid_grant' }), false]
])('Yandex federation %s: retried %s', (body, retried) => {
  expect(yandexRetryable(400, parseOauthError(body))).toBe(retried)
})

// Nebius: gRPC codes (UNAVAILABLE 14, RESOURCE_EXHAUSTED 8), and the same in the HTTPS gateway's bodies.
test.each([
  [14, true],
  [8, true],
  [16, false],
  [7, false],
  [3, false]
])('Nebius gRPC status %d: retried %s', (code, retried) => {
  expect(nebiusGrpcRetryable(code)).toBe(retried)
})

test.each([
  [JSON.stringify({ code: 14, message: 'down' }), true],
  [JSON.stringify({ code: 8, message: 'slow down' }), true],
  [JSON.stringify({ error: 'temporarily_unavailable' }), true],
  [JSON.stringify({ error: 'invalid_grant' }), false],
  [JSON.stringify({ code: 16 }), false]
])('Nebius gateway %s: retried %s', (body, retried) => {
  expect(nebiusHttpRetryable(400, parseNebiusHttpError(body))).toBe(retried)
})

describe('the retryable hook in the shared HTTP policy', () => {
  let server: IamServer
  let stdout: StdoutCapture
  beforeEach(async () => {
    stdout = captureStdout()
    server = await startIamServer()
  })
  afterEach(async () => {
    stdout.restore()
    await server.close()
  })

  const throttled = {
    status: 400,
    body: { Code: 'Throttling.User', Message: 'Request was denied due to user flow control.', RequestId: 'req-1' }
  }
  const request = (overrides: Partial<HttpRequest> = {}): HttpRequest => ({
    service: 'Alibaba Cloud STS (AssumeRoleWithOIDC)',
    method: 'POST',
    url: `http://127.0.0.1:${server.port}/`,
    parseError: parseAlibabaError,
    retryable: alibabaRetryable,
    ...overrides
  })

  test('an HTTP 400 that the cloud calls throttling is retried, then the answer comes back', async () => {
    server.behaviour = (_req, n) => (n === 1 ? throttled : { status: 200, body: { ok: true } })
    const { http, sleeps } = fastHttp({ attempts: 3 })
    expect(await http.json(request())).toEqual({ ok: true })
    expect(server.requests).toHaveLength(2)
    expect(sleeps).toHaveLength(1)
    expect(stdout.lines()[0]).toMatch(/^Alibaba Cloud STS \(AssumeRoleWithOIDC\): attempt 1 of 3 failed \(.*HTTP 400 Throttling.User/)
  })

  test('throttled through every attempt: the last error, marked transient', async () => {
    server.behaviour = () => throttled
    const { http } = fastHttp({ attempts: 3 })
    const error = await failure(http.request(request()))
    expect(error).toBeInstanceOf(HttpError)
    expect(isTransient(error)).toBe(true)
    expect(error.message).toContain('answered HTTP 400 Throttling.User: Request was denied due to user flow control. (request id req-1)')
    expect(server.requests).toHaveLength(3)
  })

  test('without the hook, or with a code that is not "try again", a 400 is final', async () => {
    server.behaviour = () => throttled
    const { http } = fastHttp({ attempts: 3 })
    const { retryable: _none, ...plain } = request()
    expect(isTransient(await failure(http.request(plain)))).toBe(false)
    expect(server.requests).toHaveLength(1)
    server.behaviour = () => ({ status: 400, body: { Code: 'InvalidParameter', Message: 'bad' } })
    await failure(http.request(request()))
    expect(server.requests).toHaveLength(2)
  })

  test('a "try again" answer gets no hint (the hint is about credentials and inputs); other answers keep theirs', async () => {
    server.behaviour = () => throttled
    const { http } = fastHttp({ attempts: 1 })
    const hint = (): string => 'Check your access key.'
    expect((await failure(http.request(request({ hint })))).message).not.toContain('Check your access key.')
    server.behaviour = () => ({ status: 400, body: { Code: 'InvalidParameter', Message: 'bad' } })
    expect((await failure(http.request(request({ hint })))).message).toContain('Check your access key.')
  })

  test('the hook never makes a 2xx fail, and 5xx stay retried whatever it says', async () => {
    server.behaviour = (_req, n) => (n === 1 ? { status: 503, body: { Code: 'Whatever' } } : { status: 200, body: { ok: 1 } })
    const { http } = fastHttp({ attempts: 2 })
    expect(await http.json(request({ retryable: () => false }))).toEqual({ ok: 1 })
    expect(server.requests).toHaveLength(2)
  })
})
