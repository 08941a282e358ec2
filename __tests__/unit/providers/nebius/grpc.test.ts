import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import {
  decodeGrpcMessage,
  frameMessage,
  grpcCodeForHttpStatus,
  grpcCodeName,
  GrpcError,
  GrpcTransportError,
  unary,
  unaryOnce,
  unframeMessages,
  type UnaryCall
} from '../../../../src/providers/nebius/grpc.js'
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

const call = (overrides: Partial<UnaryCall> = {}): UnaryCall => ({
  service: 'Test service',
  url: server.url,
  method: 'pkg.Service/Method',
  message: Buffer.from('hello'),
  timeoutMs: 2_000,
  userAgent: 'test-agent/1',
  ...overrides
})

describe('framing and status helpers', () => {
  test('a message is prefixed with flag 0 and its big-endian 32-bit length', () => {
    expect(frameMessage(Buffer.from('abc'))).toEqual(Buffer.from([0, 0, 0, 0, 3, 0x61, 0x62, 0x63]))
    expect(frameMessage(Buffer.alloc(300)).subarray(0, 5)).toEqual(Buffer.from([0, 0, 0, 0x01, 0x2c]))
  })
  test('unframe splits messages and rejects compressed or truncated ones', () => {
    expect(unframeMessages(Buffer.from([0, 0, 0, 0, 1, 0x61, 0, 0, 0, 0, 0]), 's')).toEqual([Buffer.from('a'), Buffer.alloc(0)])
    expect(() => unframeMessages(Buffer.from([1, 0, 0, 0, 0]), 's')).toThrow(/compressed/)
    expect(() => unframeMessages(Buffer.from([0, 0, 0]), 's')).toThrow(/inside a message prefix/)
    expect(() => unframeMessages(Buffer.from([0, 0, 0, 0, 2, 0x61]), 's')).toThrow(/inside a message/)
  })
  test('grpc-message is percent-decoded UTF-8; a broken escape is kept', () => {
    expect(decodeGrpcMessage('key%20publickey-1%20not%20found%3A%20%C3%A9')).toBe('key publickey-1 not found: é')
    expect(decodeGrpcMessage('100%')).toBe('100%')
  })
  test('HTTP status -> gRPC code, per the gRPC HTTP mapping', () => {
    expect([400, 401, 403, 404, 429, 502, 503, 504, 500, 302].map(grpcCodeForHttpStatus)).toEqual([13, 16, 7, 12, 14, 14, 14, 14, 2, 2])
    expect(grpcCodeName(16)).toBe('UNAUTHENTICATED')
    expect(grpcCodeName(7)).toBe('PERMISSION_DENIED')
    expect(grpcCodeName(99)).toBe('code 99')
  })
})

describe('unary call against a local HTTP/2 server', () => {
  test('sends a POST with the gRPC headers and one framed message; returns the reply message', async () => {
    const reply = await unaryOnce(call())
    expect(reply).toEqual(Buffer.from('reply'))
    expect(server.calls).toHaveLength(1)
    const [seen] = server.calls
    expect(seen?.headers[':method']).toBe('POST')
    expect(seen?.headers[':path']).toBe('/pkg.Service/Method')
    expect(seen?.headers['content-type']).toBe('application/grpc')
    expect(seen?.headers.te).toBe('trailers')
    expect(seen?.headers['grpc-timeout']).toBe('2000m')
    expect(seen?.headers['user-agent']).toBe('test-agent/1')
    expect(seen?.body).toEqual(Buffer.from([0, 0, 0, 0, 5, ...Buffer.from('hello')]))
  })

  test('a path prefix in the endpoint URL is kept', async () => {
    await unaryOnce(call({ url: `${server.url}/prefix/` }))
    expect(server.calls[0]?.headers[':path']).toBe('/prefix/pkg.Service/Method')
  })

  test('a status in the trailers after a message: GrpcError with the decoded message and the hint', async () => {
    server.behaviour = () => ({ kind: 'ok', message: Buffer.from('ignored'), status: '16', grpcMessage: 'invalid%20JWT' })
    const error = await failure(unaryOnce(call({ hint: code => (code === 16 ? 'Check the key.' : undefined) })))
    expect(error).toBeInstanceOf(GrpcError)
    expect((error as GrpcError).code).toBe(16)
    expect((error as GrpcError).grpcMessage).toBe('invalid JWT')
    expect(error.message).toBe('Test service answered gRPC status UNAUTHENTICATED (16): invalid JWT. Check the key.')
  })

  test('a trailers-only answer (status in the headers)', async () => {
    server.behaviour = () => ({ kind: 'trailers-only', status: 7, message: 'federated%20subject%20repo%3Aacme%2Fapp%20denied' })
    const error = await failure(unaryOnce(call()))
    expect(error.message).toBe('Test service answered gRPC status PERMISSION_DENIED (7): federated subject repo:acme/app denied.')
  })

  test('a status without a message', async () => {
    server.behaviour = () => ({ kind: 'trailers-only', status: 3 })
    expect((await failure(unaryOnce(call()))).message).toBe('Test service answered gRPC status INVALID_ARGUMENT (3).')
  })

  test('an HTTP error that is not gRPC (a proxy, a wrong host) becomes the mapped code with the HTTP status', async () => {
    server.behaviour = () => ({
      kind: 'raw',
      headers: { ':status': 503, 'content-type': 'text/html' },
      body: Buffer.from('<h1>Service\n Unavailable</h1>')
    })
    const error = await failure(unaryOnce(call()))
    expect((error as GrpcError).code).toBe(14)
    expect(error.message).toBe('Test service answered gRPC status UNAVAILABLE (14): HTTP 503 text/html: <h1>Service Unavailable</h1>.')
  })

  test('HTTP 200 with a non-gRPC content type is not taken as success', async () => {
    server.behaviour = () => ({ kind: 'raw', headers: { 'content-type': 'application/json' }, body: Buffer.from('{"this is": not json') })
    const error = await failure(unaryOnce(call()))
    expect((error as GrpcError).code).toBe(2)
    expect(error.message).toContain('HTTP 200 application/json: {"this is": not json')
  })

  test('no grpc-status at all is INTERNAL', async () => {
    server.behaviour = () => ({ kind: 'raw', headers: { 'content-type': 'application/grpc' }, body: frame(Buffer.from('x')) })
    expect((await failure(unaryOnce(call()))).message).toBe(
      'Test service answered gRPC status INTERNAL (13): the answer has no grpc-status.'
    )
  })

  test('a non-numeric grpc-status is INTERNAL', async () => {
    server.behaviour = () => ({ kind: 'trailers-only', status: 'ok' })
    expect((await failure(unaryOnce(call()))).message).toContain("grpc-status 'ok' is not a status code")
  })

  test('status OK but two messages, or none, for a unary call', async () => {
    server.behaviour = () => ({
      kind: 'raw',
      headers: { 'content-type': 'application/grpc' },
      body: Buffer.concat([frame(Buffer.from('a')), frame(Buffer.from('b'))]),
      trailers: { 'grpc-status': '0' }
    })
    expect((await failure(unaryOnce(call()))).message).toContain('a unary call answered 2 messages')
    server.behaviour = () => ({ kind: 'trailers-only', status: 0 })
    expect((await failure(unaryOnce(call()))).message).toContain('a unary call answered 0 messages')
  })

  test('a compressed reply message is refused', async () => {
    server.behaviour = () => ({
      kind: 'raw',
      headers: { 'content-type': 'application/grpc' },
      body: Buffer.from([1, 0, 0, 0, 1, 0x61]),
      trailers: { 'grpc-status': '0' }
    })
    expect((await failure(unaryOnce(call()))).message).toContain('compressed')
  })

  test('a stream reset by the server is a transport error', async () => {
    server.behaviour = () => ({ kind: 'rst' })
    const error = await failure(unaryOnce(call()))
    expect(error).toBeInstanceOf(GrpcTransportError)
    expect(error.message).toMatch(/^Could not reach Test service: /)
  })

  test('the stream closes without error before any headers: a transport error (retryable), not a status', async () => {
    server.behaviour = () => ({ kind: 'close-quietly' })
    const error = await failure(unaryOnce(call()))
    expect(error).toBeInstanceOf(GrpcTransportError)
    expect(error.message).toMatch(
      /^Could not reach Test service: (the connection closed before any answer|stream closed before the call ended)/
    )
  })

  test('no answer: a transport error after the timeout', async () => {
    server.behaviour = () => ({ kind: 'hang' })
    const started = Date.now()
    const error = await failure(unaryOnce(call({ timeoutMs: 150 })))
    expect(error).toBeInstanceOf(GrpcTransportError)
    expect(error.message).toBe('Could not reach Test service: no answer within 150 ms.')
    expect(Date.now() - started).toBeLessThan(1_500)
  })

  test('a port that speaks no HTTP/2: transport error', async () => {
    const plain = createServer(socket => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'))
    await new Promise<void>(resolve => plain.listen(0, '127.0.0.1', resolve))
    try {
      const error = await failure(unaryOnce(call({ url: `http://127.0.0.1:${(plain.address() as AddressInfo).port}` })))
      expect(error).toBeInstanceOf(GrpcTransportError)
    } finally {
      plain.close()
    }
  })
})

describe('retries', () => {
  const policy = { attempts: 3, baseDelayMs: 1, maxDelayMs: 5, sleep: async () => undefined }

  test('UNAVAILABLE then OK: retried once', async () => {
    server.behaviour = (_call, n) =>
      n === 1 ? { kind: 'trailers-only', status: 14, message: 'try%20again' } : { kind: 'ok', message: Buffer.from('second') }
    expect(await unary(call(), policy)).toEqual(Buffer.from('second'))
    expect(server.calls).toHaveLength(2)
    expect(stdout.text()).toMatch(
      /Test service: attempt 1 of 3 failed \(Test service answered gRPC status UNAVAILABLE \(14\): try again\.\)/
    )
  })

  test('RESOURCE_EXHAUSTED is final unless the cloud calls it "try again" (retryable); then it is retried until the attempts run out', async () => {
    server.behaviour = () => ({ kind: 'trailers-only', status: 8, message: 'quota' })
    const plain = await failure(unary(call(), policy))
    expect((plain as GrpcError).code).toBe(8)
    expect(server.calls).toHaveLength(1)
    const error = await failure(unary({ ...call(), retryable: code => code === 8 }, policy))
    expect((error as GrpcError).code).toBe(8)
    expect(server.calls).toHaveLength(4)
  })

  test('UNAUTHENTICATED is final: not retried', async () => {
    server.behaviour = () => ({ kind: 'trailers-only', status: 16, message: 'no' })
    await failure(unary(call(), policy))
    expect(server.calls).toHaveLength(1)
  })

  test('a reset, then OK', async () => {
    server.behaviour = (_call, n) => (n === 1 ? { kind: 'rst' } : { kind: 'ok', message: Buffer.from('fine') })
    expect(await unary(call(), policy)).toEqual(Buffer.from('fine'))
  })
})

describe('through an HTTPS proxy', () => {
  /** A CONNECT proxy on loopback that answers `reply` (or never answers), recording each CONNECT. */
  async function proxy(reply: string | 'hang') {
    const seen: string[] = []
    const sockets = new Set<import('node:net').Socket>()
    const srv = createServer(socket => {
      sockets.add(socket)
      socket.once('data', (data: Buffer) => {
        seen.push(data.toString().split('\r\n')[0] ?? '')
        if (reply !== 'hang') socket.end(reply)
      })
    })
    await new Promise<void>(resolve => srv.listen(0, '127.0.0.1', resolve))
    return {
      seen,
      url: new URL(`http://127.0.0.1:${(srv.address() as AddressInfo).port}`),
      close: () => {
        for (const socket of sockets) socket.destroy()
        return new Promise(resolve => srv.close(resolve))
      }
    }
  }
  const tls = { url: 'https://tokens.iam.api.nebius.cloud' }

  test('the tunnel is asked for the target host:port; a refusal names the proxy and is final for the attempt', async () => {
    const p = await proxy('HTTP/1.1 407 Proxy Authentication Required\r\n\r\n')
    try {
      const error = await failure(unaryOnce(call({ ...tls, proxy: p.url })))
      expect(error).toBeInstanceOf(GrpcTransportError)
      expect(error.message).toBe(
        `Could not reach Test service: the proxy ${p.url.origin} answered CONNECT tokens.iam.api.nebius.cloud:443 with HTTP 407 (proxy authentication required: put user:password in the proxy URL).`
      )
      expect(p.seen).toEqual(['CONNECT tokens.iam.api.nebius.cloud:443 HTTP/1.1'])
    } finally {
      await p.close()
    }
  })

  test("a proxy that never answers the CONNECT: the call's own timeout, naming the proxy", async () => {
    const p = await proxy('hang')
    try {
      const error = await failure(unaryOnce(call({ ...tls, proxy: p.url, timeoutMs: 200 })))
      expect(error.message).toBe(`Could not reach Test service: no answer within 200 ms through the proxy ${p.url.origin}.`)
    } finally {
      await p.close()
    }
  })

  test('an unreachable proxy is a transport error, retried like any other', async () => {
    const closed = createServer()
    await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise(resolve => closed.close(resolve))
    const error = await failure(
      unary(call({ ...tls, proxy: new URL(`http://127.0.0.1:${port}`) }), { attempts: 2, baseDelayMs: 0, maxDelayMs: 0 })
    )
    expect(error.message).toMatch(
      new RegExp(`^Could not reach Test service: the proxy http://127\\.0\\.0\\.1:${port} could not be used: connect ECONNREFUSED`)
    )
    expect(stdout.lines().filter(line => line.includes('attempt 1 of 2 failed'))).toHaveLength(1)
  })

  test('a plaintext (h2c) endpoint is never proxied', async () => {
    expect(await unaryOnce(call({ proxy: new URL('http://127.0.0.1:9') }))).toEqual(Buffer.from('reply'))
  })
})
