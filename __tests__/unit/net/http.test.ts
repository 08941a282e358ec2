import { ActionError } from '../../../src/log/errors.js'
import { formBody, HttpError, NetworkError, type HttpRequest } from '../../../src/net/http.js'
import { fastHttp } from '../../helpers/contexts.js'
import { closedPort, startIamServer, type IamServer } from '../../helpers/iam-server.js'
import { captureStdout, type StdoutCapture } from '../../helpers/stdout.js'
import { failure } from '../../helpers/thrown.js'

let server: IamServer
let stdout: StdoutCapture
beforeEach(async () => {
  stdout = captureStdout()
  server = await startIamServer({ behaviour: () => ({ status: 200, body: { ok: true } }) })
})
afterEach(async () => {
  stdout.restore()
  await server.close()
})

const request = (overrides: Partial<HttpRequest> = {}): HttpRequest => ({
  service: 'Test Service',
  method: 'GET',
  url: `http://127.0.0.1:${server.port}/thing`,
  parseError: body => JSON.parse(body) as { code?: string; message?: string },
  ...overrides
})

test('a 2xx answer comes back with status, headers and body; method, body and headers are sent', async () => {
  server.behaviour = () => ({ status: 201, body: 'created', headers: { 'X-Thing': 'yes' } })
  const { http } = fastHttp()
  const response = await http.request(request({ method: 'POST', body: 'a=1', headers: { 'Content-Type': 'text/plain', 'X-Extra': 'e' } }))
  expect(response.status).toBe(201)
  expect(response.body).toBe('created')
  expect(response.headers['x-thing']).toBe('yes')
  const [seen] = server.requests
  expect(seen).toMatchObject({ method: 'POST', path: '/thing', body: 'a=1' })
  expect(seen?.headers).toMatchObject({
    'content-type': 'text/plain',
    'x-extra': 'e',
    accept: 'application/json',
    'user-agent': 'registry-login-test/1.0'
  })
})

test('json() parses the body; a body that is not JSON is an ActionError naming the service', async () => {
  const { http } = fastHttp()
  expect(await http.json(request())).toEqual({ ok: true })
  server.behaviour = () => ({ status: 200, body: 'not json {' })
  const error = await failure(http.json(request()))
  expect(error).toBeInstanceOf(ActionError)
  expect(error.message).toBe('Test Service answered HTTP 200 with a body that is not JSON.')
})

test('400 is not retried and carries what the cloud said, plus the hint', async () => {
  server.behaviour = () => ({ status: 400, body: { code: 'E42', message: 'bad thing' } })
  const { http, sleeps } = fastHttp({ attempts: 5 })
  const error = await failure(http.request(request({ hint: (status, cloud) => `status ${status}, code ${cloud.code ?? ''}.` })))
  expect(error).toBeInstanceOf(HttpError)
  expect((error as HttpError).status).toBe(400)
  expect((error as HttpError).cloud).toEqual({ code: 'E42', message: 'bad thing' })
  expect(error.message).toBe('Test Service answered HTTP 400 E42: bad thing. status 400, code E42.')
  expect(server.requests).toHaveLength(1)
  expect(sleeps).toEqual([])
})

test('an error body the parser cannot read still gives an HttpError with the status', async () => {
  server.behaviour = () => ({ status: 404, body: '<html>nope</html>' })
  const error = await failure(fastHttp().http.request(request()))
  expect(error).toBeInstanceOf(HttpError)
  expect(error.message).toBe('Test Service answered HTTP 404.')
})

test('Retry-After in seconds is the delay before the next attempt', async () => {
  server.behaviour = (_req, n) => (n === 1 ? { status: 429, body: '{}', headers: { 'Retry-After': '7' } } : { status: 200, body: 'done' })
  const { http, sleeps } = fastHttp({ attempts: 3 })
  const response = await http.request(request())
  expect(response.body).toBe('done')
  expect(server.requests).toHaveLength(2)
  expect(sleeps).toEqual([7_000])
  expect(stdout.text()).toContain('Test Service: attempt 1 of 3 failed (Test Service answered HTTP 429.); retrying in 7000 ms')
})

test('Retry-After as an HTTP date, on a 503', async () => {
  const at = new Date(Date.now() + 20_000).toUTCString()
  server.behaviour = (_req, n) => (n === 1 ? { status: 503, body: '', headers: { 'Retry-After': at } } : { status: 200, body: 'done' })
  const { http, sleeps } = fastHttp({ attempts: 2, maxDelayMs: 60_000 })
  await http.request(request())
  expect(sleeps).toHaveLength(1)
  expect(sleeps[0]).toBeGreaterThan(17_000)
  expect(sleeps[0]).toBeLessThanOrEqual(20_000)
})

test('a Retry-After beyond the maximum delay is capped', async () => {
  server.behaviour = (_req, n) => (n === 1 ? { status: 429, body: '', headers: { 'Retry-After': '3600' } } : { status: 200, body: 'done' })
  const { http, sleeps } = fastHttp({ attempts: 2, maxDelayMs: 5_000 })
  await http.request(request())
  expect(sleeps).toEqual([5_000])
})

test('5xx is retried up to the attempts, then the last HttpError is thrown', async () => {
  server.behaviour = () => ({ status: 502, body: '{"message":"bad gateway"}' })
  const { http, sleeps } = fastHttp({ attempts: 4 })
  const error = await failure(http.request(request()))
  expect(error).toBeInstanceOf(HttpError)
  expect(error.message).toBe('Test Service answered HTTP 502 bad gateway.')
  expect(server.requests).toHaveLength(4)
  expect(sleeps).toHaveLength(3)
})

test('a refused connection is retried, then a NetworkError', async () => {
  const port = await closedPort()
  const { http, sleeps } = fastHttp({ attempts: 3 })
  const error = await failure(http.request(request({ url: `http://127.0.0.1:${port}/thing` })))
  expect(error).toBeInstanceOf(NetworkError)
  expect(error.message).toMatch(/^Could not reach Test Service: .*ECONNREFUSED/)
  expect(sleeps).toHaveLength(2)
  expect(stdout.text().match(/Test Service: attempt \d of 3 failed \(Could not reach Test Service/g)).toHaveLength(2)
})

test('no answer within the timeout is a NetworkError', async () => {
  server.behaviour = () => 'hang'
  const { http } = fastHttp({ attempts: 1, timeoutMs: 100 })
  const error = await failure(http.request(request()))
  expect(error).toBeInstanceOf(NetworkError)
  expect(error.message).toBe('Could not reach Test Service: no answer within 100 ms.')
  expect(server.requests).toHaveLength(1)
})

test('a hang, then an answer: the retry succeeds', async () => {
  server.behaviour = (_req, n) => (n === 1 ? 'hang' : { status: 200, body: 'second time lucky' })
  const { http } = fastHttp({ attempts: 2, timeoutMs: 150 })
  expect((await http.request(request())).body).toBe('second time lucky')
  expect(server.requests).toHaveLength(2)
})

// Issue #19: a keyless login asks GitHub's token service over https, then a cloud endpoint an override points
// at a local relay over plain http. The toolkit client the action used to share across calls kept the https
// agent of its first call and failed the second with 'Protocol "http:" not supported. Expected "https:".'
test('an http:// endpoint (a local relay) is reached over http after an https call on the same client', async () => {
  const port = await closedPort()
  const { http } = fastHttp({ attempts: 1 })
  const first = await failure(http.request(request({ service: 'GitHub OIDC token service', url: `https://127.0.0.1:${port}/token` })))
  expect(first.message).toMatch(/^Could not reach GitHub OIDC token service: .*ECONNREFUSED/)
  server.behaviour = () => ({ status: 200, body: { access_token: 'relayed' } })
  expect(await http.json(request({ method: 'POST', url: `http://127.0.0.1:${server.port}/oauth/token`, body: 'a=1' }))).toEqual({
    access_token: 'relayed'
  })
  expect(server.requests).toHaveLength(1)
  expect(server.requests[0]).toMatchObject({ method: 'POST', path: '/oauth/token', body: 'a=1' })
})

test('formBody encodes fields and drops undefined ones', () => {
  expect(formBody({ grant_type: 'urn:a:b', apikey: 'k&y=1 +', skipped: undefined })).toBe('grant_type=urn%3Aa%3Ab&apikey=k%26y%3D1+%2B')
})
