// Hostile gRPC replies from a loopback HTTP/2 server: a huge stream, a drip, a stream that never ends. Each call
// fails within its timeout (plus a margin) with an error naming the service, its endpoint and what happened, and
// the stream is closed from the action's side.
import { MAX_REPLY_BYTES } from '../../../../src/net/policies.js'
import { ReplyError } from '../../../../src/net/reply.js'
import { GrpcTransportError, unary, unaryOnce, type UnaryCall } from '../../../../src/providers/nebius/grpc.js'
import { captureStdout, type StdoutCapture } from '../../../helpers/stdout.js'
import { failure } from '../../../helpers/thrown.js'
import { frame, startGrpcServer, type FakeGrpcServer } from './grpc-server.js'

let server: FakeGrpcServer
let stdout: StdoutCapture
beforeEach(async () => {
  stdout = captureStdout()
  server = await startGrpcServer(() => ({ kind: 'ok', message: Buffer.from('reply') }))
})
afterEach(async () => {
  stdout.restore()
  await server.close()
})

const host = (): string => new URL(server.url).host
const call = (overrides: Partial<UnaryCall> = {}): UnaryCall => ({
  service: 'Nebius TokenExchangeService (gRPC)',
  url: server.url,
  method: 'nebius.iam.v1.TokenExchangeService/Exchange',
  message: Buffer.from('hello'),
  timeoutMs: 3_000,
  userAgent: 'test-agent/1',
  ...overrides
})
const policy = (attempts: number) => ({ attempts, baseDelayMs: 1, maxDelayMs: 5, sleep: async () => undefined })

/** Waits until the server has seen `n` streams closed (the client's reset reaches it a moment later). */
async function closedStreams(n: number): Promise<number> {
  for (let i = 0; i < 50 && server.closedStreams < n; i++) await new Promise(resolve => setTimeout(resolve, 20))
  return server.closedStreams
}

test('a huge reply (25 MB of frames) is cut at 1 MiB: not retried, the stream closed, fast', async () => {
  server.behaviour = () => ({ kind: 'stream', chunkBytes: 64 * 1024, everyMs: 0, totalBytes: 25 * 1024 * 1024 })
  const started = Date.now()
  const error = await failure(unary(call(), policy(3)))
  expect(error).toBeInstanceOf(ReplyError)
  expect(error.message).toBe(`Stopped the call to Nebius TokenExchangeService (gRPC) (${host()}): reply larger than 1 MiB.`)
  expect(Date.now() - started).toBeLessThan(3_000)
  expect(server.calls).toHaveLength(1)
  expect(await closedStreams(1)).toBe(1)
})

test('a stream that never ends (frames as fast as taken, forever) is cut at the cap', async () => {
  server.behaviour = () => ({ kind: 'stream', chunkBytes: 16 * 1024, everyMs: 0 })
  const error = await failure(unaryOnce(call()))
  expect(error.message).toMatch(/: reply larger than 1 MiB\.$/)
  expect(await closedStreams(1)).toBe(1)
})

test('one message of exactly the cap is read whole', async () => {
  const message = Buffer.alloc(MAX_REPLY_BYTES - 5, 0x62)
  server.behaviour = () => ({ kind: 'ok', message })
  const reply = await unaryOnce(call({ timeoutMs: 5_000 }))
  // Buffer.equals: jest's deep equality walks a 1 MiB buffer byte by byte for seconds.
  expect(reply.length).toBe(message.length)
  expect(reply.equals(message)).toBe(true)
})

test('a drip (one byte a second) ends at the timeout: "no complete reply", retried like no answer, every attempt bounded', async () => {
  server.behaviour = () => ({ kind: 'stream', chunkBytes: 1, everyMs: 1_000 })
  const started = Date.now()
  const error = await failure(unary(call({ timeoutMs: 1_500 }), policy(2)))
  const took = Date.now() - started
  expect(error).toBeInstanceOf(ReplyError)
  expect(error.message).toMatch(
    /^Stopped the call to Nebius TokenExchangeService \(gRPC\) \(127\.0\.0\.1:\d+\): no complete reply within 1500 ms \(\d+ bytes received\)\.$/
  )
  expect((error as ReplyError).transient).toBe(true)
  expect(server.calls).toHaveLength(2)
  expect(took).toBeGreaterThanOrEqual(2 * 1_500 - 50)
  expect(took).toBeLessThan(2 * 1_500 + 3_000)
  expect(stdout.text()).toMatch(/attempt 1 of 2 failed \(Stopped the call to .*no complete reply within 1500 ms/)
  expect(await closedStreams(2)).toBe(2)
})

test('headers, then nothing (no frames, no trailers): "no complete reply" at the timeout', async () => {
  server.behaviour = () => ({ kind: 'stream', chunkBytes: 5, everyMs: 60_000, totalBytes: 5 })
  const started = Date.now()
  const error = await failure(unaryOnce(call({ timeoutMs: 800 })))
  expect(error.message).toBe(
    `Stopped the call to Nebius TokenExchangeService (gRPC) (${host()}): no complete reply within 800 ms (5 bytes received).`
  )
  expect(Date.now() - started).toBeLessThan(800 + 3_000)
})

test('no answer at all stays a transport error ("Could not reach")', async () => {
  server.behaviour = () => ({ kind: 'hang' })
  const error = await failure(unaryOnce(call({ timeoutMs: 300 })))
  expect(error).toBeInstanceOf(GrpcTransportError)
  expect(error.message).toBe('Could not reach Nebius TokenExchangeService (gRPC): no answer within 300 ms.')
})

test('a normal reply still passes, framed as before', async () => {
  server.behaviour = () => ({ kind: 'ok', message: Buffer.from('token') })
  expect(await unaryOnce(call())).toEqual(Buffer.from('token'))
  expect(server.calls[0]?.body).toEqual(frame(Buffer.from('hello')))
})
