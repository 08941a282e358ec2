import http2 from 'node:http2'
import type { AddressInfo } from 'node:net'

/** One gRPC call as the fake server saw it. */
export interface SeenCall {
  headers: http2.IncomingHttpHeaders
  body: Buffer
}

/** How to answer: every way a server (or something in front of it) can end a call. */
export type GrpcReply =
  | { kind: 'ok'; message: Buffer; status?: string; grpcMessage?: string }
  | { kind: 'trailers-only'; status: number | string; message?: string }
  | { kind: 'raw'; headers: http2.OutgoingHttpHeaders; body?: Buffer; trailers?: http2.OutgoingHttpHeaders }
  | { kind: 'hang' }
  /** 200 application/grpc, then `chunkBytes` of body every `everyMs` (as fast as taken when 0), `totalBytes` in all or forever, no trailers. */
  | { kind: 'stream'; chunkBytes: number; everyMs: number; totalBytes?: number }
  | { kind: 'rst' }
  | { kind: 'close-quietly' }

export type GrpcBehaviour = (call: SeenCall, n: number) => GrpcReply

export interface FakeGrpcServer {
  /** http://127.0.0.1:port: plaintext HTTP/2 (h2c), for REGISTRY_LOGIN_ENDPOINT_NEBIUS_TOKEN_GRPC. */
  url: string
  calls: SeenCall[]
  behaviour: GrpcBehaviour
  /** Streams that ended closed (the client reset it, or its session went away). */
  closedStreams: number
  close(): Promise<void>
}

export const frame = (message: Buffer): Buffer => {
  const prefix = Buffer.alloc(5)
  prefix.writeUInt32BE(message.length, 1)
  return Buffer.concat([prefix, message])
}

/** A plaintext HTTP/2 server that speaks just enough gRPC for one unary method. */
export async function startGrpcServer(behaviour: GrpcBehaviour): Promise<FakeGrpcServer> {
  const server = http2.createServer()
  const sessions = new Set<http2.ServerHttp2Session>()
  server.on('session', session => {
    sessions.add(session)
    session.on('close', () => sessions.delete(session))
  })
  const fake: FakeGrpcServer = {
    url: '',
    calls: [],
    behaviour,
    closedStreams: 0,
    close: () =>
      new Promise(resolve => {
        for (const session of sessions) session.destroy()
        server.close(() => resolve())
      })
  }
  server.on('stream', (stream, headers) => {
    const chunks: Buffer[] = []
    stream.on('error', () => undefined) // a reset stream reports its own RST_STREAM here
    stream.on('close', () => void fake.closedStreams++)
    stream.on('data', (chunk: Buffer) => chunks.push(chunk))
    stream.on('end', () => {
      const call = { headers, body: Buffer.concat(chunks) }
      fake.calls.push(call)
      const reply = fake.behaviour(call, fake.calls.length)
      if (reply.kind === 'hang') return
      if (reply.kind === 'stream') return streamBody(stream, reply)
      if (reply.kind === 'rst') return stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR)
      if (reply.kind === 'close-quietly') return stream.close(http2.constants.NGHTTP2_NO_ERROR)
      if (reply.kind === 'trailers-only') {
        stream.respond(
          {
            ':status': 200,
            'content-type': 'application/grpc',
            'grpc-status': String(reply.status),
            ...(reply.message !== undefined ? { 'grpc-message': reply.message } : {})
          },
          { endStream: true }
        )
        return
      }
      if (reply.kind === 'ok') {
        stream.respond({ ':status': 200, 'content-type': 'application/grpc+proto' }, { waitForTrailers: true })
        stream.on('wantTrailers', () =>
          stream.sendTrailers({ 'grpc-status': reply.status ?? '0', 'grpc-message': reply.grpcMessage ?? '' })
        )
        stream.end(frame(reply.message))
        return
      }
      stream.respond({ ':status': 200, ...reply.headers }, reply.trailers ? { waitForTrailers: true } : {})
      if (reply.trailers) stream.on('wantTrailers', () => stream.sendTrailers(reply.trailers as http2.OutgoingHttpHeaders))
      stream.end(reply.body ?? Buffer.alloc(0))
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return fake
}

/** Writes the reply's body chunk by chunk until the client goes away (or `totalBytes` are out, then ends without trailers). */
function streamBody(stream: http2.ServerHttp2Stream, reply: { chunkBytes: number; everyMs: number; totalBytes?: number }): void {
  stream.respond({ ':status': 200, 'content-type': 'application/grpc' })
  const chunk = Buffer.alloc(reply.chunkBytes, 0x61)
  let sent = 0
  let pending: NodeJS.Timeout | undefined
  stream.once('close', () => clearTimeout(pending))
  const next = (): void => {
    if (stream.destroyed || stream.closed) return
    if (sent >= (reply.totalBytes ?? Infinity)) return void stream.end()
    sent += chunk.length
    if (!stream.write(chunk)) return void stream.once('drain', next)
    pending = setTimeout(next, reply.everyMs)
  }
  next()
}
