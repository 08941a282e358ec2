// Hostile replies to a cloud call over HTTP, from a loopback server: a huge body, a drip, a reply that never ends.
// Each fails within its timeout (plus a margin) with an error naming the service, its endpoint and what happened,
// and the connection is closed from the action's side.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { HttpError, NetworkError, type HttpRequest } from '../../../src/net/http.js'
import { MAX_REPLY_BYTES } from '../../../src/net/policies.js'
import { ReplyError, sizeText } from '../../../src/net/reply.js'
import { fastHttp } from '../../helpers/contexts.js'
import { captureStdout, type StdoutCapture } from '../../helpers/stdout.js'
import { failure } from '../../helpers/thrown.js'

type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void

interface HostileServer {
  url: string
  host: string
  handler: Handler
  requests: number
  /** Connections the server saw closed (by either side). */
  closed: number
  /** Runs `fn` every `ms` until the reply is over (the client went away) or the server closes. */
  every(ms: number, res: ServerResponse, fn: () => void): void
  close(): Promise<void>
}

async function hostileServer(): Promise<HostileServer> {
  const timers = new Set<NodeJS.Timeout>()
  const fake: HostileServer = {
    url: '',
    host: '',
    handler: () => undefined,
    requests: 0,
    closed: 0,
    every(ms, res, fn) {
      const timer = setInterval(() => (res.destroyed || res.writableEnded ? clearInterval(timer) : fn()), ms)
      timers.add(timer)
      res.on('close', () => clearInterval(timer))
    },
    close: async () => undefined
  }
  const server: Server = createServer((req, res) => {
    fake.requests++
    req.resume()
    req.on('end', () => fake.handler(req, res, fake.requests))
  })
  server.on('connection', (socket: Socket) => socket.on('close', () => void fake.closed++))
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  fake.host = `127.0.0.1:${port}`
  fake.url = `http://${fake.host}/identity/token`
  fake.close = async () => {
    for (const timer of timers) clearInterval(timer)
    server.closeAllConnections()
    await new Promise<void>(resolve => server.close(() => resolve()))
  }
  return fake
}

/** Writes `chunk` as fast as the client takes it, `total` bytes in all (forever without one). */
function flood(res: ServerResponse, chunk: Buffer, total = Infinity): void {
  let sent = 0
  const pump = (): void => {
    while (sent < total && !res.destroyed) {
      sent += chunk.length
      if (!res.write(chunk)) return void res.once('drain', pump)
    }
    if (!res.destroyed) res.end()
  }
  pump()
}

/** Waits until the server has seen `n` connections closed (the client's abort reaches it a moment later). */
async function closedConnections(fake: HostileServer, n: number): Promise<number> {
  for (let i = 0; i < 50 && fake.closed < n; i++) await new Promise(resolve => setTimeout(resolve, 20))
  return fake.closed
}

let server: HostileServer
let stdout: StdoutCapture
beforeEach(async () => {
  stdout = captureStdout()
  server = await hostileServer()
})
afterEach(async () => {
  stdout.restore()
  await server.close()
})

const request = (): HttpRequest => ({ service: 'IBM Cloud IAM', method: 'POST', url: server.url, body: 'apikey=k' })
const json = { 'Content-Type': 'application/json' }

test('the cap is 1 MiB', () => {
  expect(MAX_REPLY_BYTES).toBe(1024 * 1024)
  expect(sizeText(MAX_REPLY_BYTES)).toBe('1 MiB')
  expect([sizeText(512 * 1024), sizeText(700), sizeText(1_000_000)]).toEqual(['512 KiB', '700 bytes', '1000000 bytes'])
})

test('a huge body (25 MB, no length given) is cut at 1 MiB: not retried, the connection closed, fast', async () => {
  server.handler = (_req, res) => {
    res.writeHead(200, json)
    flood(res, Buffer.alloc(64 * 1024, 0x61), 25 * 1024 * 1024)
  }
  const { http, sleeps } = fastHttp({ attempts: 3, timeoutMs: 3_000 })
  const started = Date.now()
  const error = await failure(http.request(request()))
  expect(error).toBeInstanceOf(ReplyError)
  expect(error.message).toBe(`Stopped the call to IBM Cloud IAM (${server.host}): reply larger than 1 MiB.`)
  expect((error as ReplyError).transient).toBe(false)
  expect(Date.now() - started).toBeLessThan(3_000)
  expect(server.requests).toBe(1)
  expect(sleeps).toEqual([])
  expect(await closedConnections(server, 1)).toBe(1)
})

test('a declared Content-Length over the cap fails before the body is read', async () => {
  server.handler = (_req, res) => {
    res.writeHead(200, { ...json, 'Content-Length': String(25 * 1024 * 1024) })
    res.write('{"access_token":"')
  }
  const error = await failure(fastHttp({ attempts: 1, timeoutMs: 3_000 }).http.request(request()))
  expect(error.message).toBe(`Stopped the call to IBM Cloud IAM (${server.host}): reply larger than 1 MiB.`)
  expect(await closedConnections(server, 1)).toBe(1)
})

test('an error status with a huge body is cut the same way (the cap holds for every reply)', async () => {
  server.handler = (_req, res) => {
    res.writeHead(503, json)
    flood(res, Buffer.alloc(64 * 1024, 0x62))
  }
  const error = await failure(fastHttp({ attempts: 3, timeoutMs: 3_000 }).http.request(request()))
  expect(error).toBeInstanceOf(ReplyError)
  expect(server.requests).toBe(1)
})

test('exactly 1 MiB is read whole; one byte more is not', async () => {
  const body = `"${'x'.repeat(MAX_REPLY_BYTES - 2)}"`
  server.handler = (_req, res, n) => {
    res.writeHead(200, json)
    res.end(n === 1 ? body : `${body} `)
  }
  const { http } = fastHttp({ attempts: 1, timeoutMs: 5_000 })
  expect((await http.request(request())).body).toHaveLength(MAX_REPLY_BYTES)
  expect((await failure(http.request(request()))).message).toMatch(/reply larger than 1 MiB\.$/)
})

test('a drip (one byte a second) ends at the timeout: "no complete reply", retried like no answer, every attempt bounded', async () => {
  server.handler = (_req, res) => {
    res.writeHead(200, json)
    res.write('{')
    server.every(1_000, res, () => res.write(' '))
  }
  const { http, sleeps } = fastHttp({ attempts: 2, timeoutMs: 1_500 })
  const started = Date.now()
  const error = await failure(http.request(request()))
  const took = Date.now() - started
  expect(error).toBeInstanceOf(ReplyError)
  expect(error.message).toMatch(
    new RegExp(`^Stopped the call to IBM Cloud IAM \\(${server.host}\\): no complete reply within 1500 ms \\(\\d+ bytes received\\)\\.$`)
  )
  expect((error as ReplyError).transient).toBe(true)
  expect(server.requests).toBe(2)
  expect(sleeps).toHaveLength(1)
  expect(took).toBeGreaterThanOrEqual(2 * 1_500 - 50)
  expect(took).toBeLessThan(2 * 1_500 + 3_000)
  expect(stdout.text()).toMatch(
    /IBM Cloud IAM: attempt 1 of 2 failed \(Stopped the call to IBM Cloud IAM .*no complete reply within 1500 ms/
  )
  expect(await closedConnections(server, 2)).toBe(2)
})

test('a reply that never ends (headers and a little body, then nothing) ends at the timeout', async () => {
  server.handler = (_req, res) => {
    res.writeHead(200, json)
    res.write('{"access_token":"abc')
  }
  const started = Date.now()
  const error = await failure(fastHttp({ attempts: 1, timeoutMs: 800 }).http.request(request()))
  expect(error.message).toBe(`Stopped the call to IBM Cloud IAM (${server.host}): no complete reply within 800 ms (20 bytes received).`)
  expect(Date.now() - started).toBeLessThan(800 + 3_000)
  expect(await closedConnections(server, 1)).toBe(1)
})

test('no answer at all is still "Could not reach", and the connection is closed too', async () => {
  server.handler = () => undefined
  const error = await failure(fastHttp({ attempts: 1, timeoutMs: 300 }).http.request(request()))
  expect(error).toBeInstanceOf(NetworkError)
  expect(error.message).toBe('Could not reach IBM Cloud IAM: no answer within 300 ms.')
  expect(await closedConnections(server, 1)).toBe(1)
})

test('a connection the server drops in the middle of the body is a NetworkError (retried)', async () => {
  server.handler = (_req, res, n) => {
    if (n === 2) return void res.writeHead(200, json).end('{"ok":true}')
    res.writeHead(200, { ...json, 'Content-Length': '100' })
    res.write('{"access')
    setTimeout(() => res.destroy(), 50)
  }
  const { http } = fastHttp({ attempts: 2, timeoutMs: 3_000 })
  expect(await http.json(request())).toEqual({ ok: true })
  expect(stdout.text()).toMatch(/attempt 1 of 2 failed \(Could not reach IBM Cloud IAM: /)
})

test('a normal reply: status, headers and body; the request carries its body, length, user agent and Accept', async () => {
  let seen: IncomingMessage | undefined
  server.handler = (req, res) => {
    seen = req
    res.writeHead(400, { ...json, 'X-Request-Id': 'r1' }).end('{"errorCode":"E1","errorMessage":"no"}')
  }
  const error = await failure(
    fastHttp({ attempts: 1 }).http.request({
      ...request(),
      parseError: body => ({ code: (JSON.parse(body) as { errorCode: string }).errorCode })
    })
  )
  expect(error).toBeInstanceOf(HttpError)
  expect(error.message).toBe('IBM Cloud IAM answered HTTP 400 E1.')
  expect(seen?.headers).toMatchObject({ 'content-length': '8', accept: 'application/json', 'user-agent': 'registry-login-test/1.0' })
})
