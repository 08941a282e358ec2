// A minimal unary gRPC client over node:http2 (direct or through a proxy's CONNECT tunnel), its reply bounded; its errors and retries.
import type http2 from 'node:http2'
import { ActionError } from '../../log/errors.js'
import { openTunnel, proxyName } from '../../net/proxy-tunnel.js'
import { safeText } from '../../log/escape.js'
import { retry } from '../../net/retry.js'
import { MAX_REPLY_BYTES } from '../../net/policies.js'
import { ReplyBuffer, replyTooLarge, replyTooSlow } from '../../net/reply.js'

/**
 * A minimal unary gRPC client over node:http2: one request message, one response message, status
 * from the trailers (or from the headers of a trailers-only answer). That is all
 * TokenExchangeService/Exchange needs; @grpc/grpc-js + protobufjs would add far more to the bundle
 * than these hundred lines. No compression, no streaming. Through an HTTPS proxy, the TLS session
 * (ALPN h2) runs inside an HTTP CONNECT tunnel.
 */

/** gRPC status code names (grpc/grpc doc/statuscodes.md). */
export const GRPC_CODES = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED'
] as const

export const grpcCodeName = (code: number): string => GRPC_CODES[code] ?? `code ${code}`

/** UNAVAILABLE: the gRPC status every server uses for "try again" (grpc/grpc doc/statuscodes.md). */
const UNAVAILABLE = 14

/** A gRPC call that ended with a non-OK status: the cloud's code and message. */
export class GrpcError extends ActionError {
  constructor(
    readonly service: string,
    readonly code: number,
    readonly grpcMessage: string,
    hint?: string,
    /** Worth another attempt: UNAVAILABLE, or a code the cloud uses for "try again" (UnaryCall.retryable). */
    readonly transient = code === UNAVAILABLE
  ) {
    super(`${service} answered gRPC status ${grpcCodeName(code)} (${code})${grpcMessage ? `: ${safeText(grpcMessage)}` : ''}.`, hint)
    this.name = 'GrpcError'
  }
}

/** The connection or the HTTP/2 exchange failed before any gRPC status arrived. */
export class GrpcTransportError extends ActionError {
  readonly transient = true
  constructor(
    readonly service: string,
    cause: string
  ) {
    super(`Could not reach ${service}: ${safeText(cause)}.`)
    this.name = 'GrpcTransportError'
  }
}

/** Maps an HTTP status of a non-gRPC answer to a gRPC code (grpc/grpc doc/http-grpc-status-mapping.md). */
export function grpcCodeForHttpStatus(status: number): number {
  if (status === 400) return 13 // INTERNAL
  if (status === 401) return 16 // UNAUTHENTICATED
  if (status === 403) return 7 // PERMISSION_DENIED
  if (status === 404) return 12 // UNIMPLEMENTED
  if (status === 429 || status === 502 || status === 503 || status === 504) return 14 // UNAVAILABLE
  return 2 // UNKNOWN
}

/** grpc-message is percent-encoded UTF-8 (gRPC over HTTP2 spec); a malformed escape is kept as is. */
export function decodeGrpcMessage(value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}

/** The 5-byte gRPC message prefix (compressed flag 0, big-endian length) and the message. */
export function frameMessage(message: Buffer): Buffer {
  const prefix = Buffer.alloc(5)
  prefix.writeUInt8(0, 0)
  prefix.writeUInt32BE(message.length, 1)
  return Buffer.concat([prefix, message])
}

/** Splits a response body into its length-prefixed messages. */
export function unframeMessages(body: Buffer, service: string): Buffer[] {
  const messages: Buffer[] = []
  let at = 0
  while (at < body.length) {
    if (at + 5 > body.length) throw new GrpcError(service, 13, 'response ends inside a message prefix')
    if (body[at] !== 0) throw new GrpcError(service, 13, 'response message is compressed, but no compression was offered')
    const length = body.readUInt32BE(at + 1)
    if (at + 5 + length > body.length) throw new GrpcError(service, 13, 'response ends inside a message')
    messages.push(body.subarray(at + 5, at + 5 + length))
    at += 5 + length
  }
  return messages
}

export interface UnaryCall {
  /** Names the service in errors. */
  service: string
  /** Base URL: https://host[:port] (TLS), or http://host:port for plaintext HTTP/2 (h2c). */
  url: string
  /** Full method name, e.g. nebius.iam.v1.TokenExchangeService/Exchange. */
  method: string
  message: Buffer
  /** The whole attempt, from connecting to the trailers. */
  timeoutMs: number
  userAgent: string
  /** Adds a fix to the message of a failed call. */
  hint?: (code: number, message: string) => string | undefined
  /** The cloud's own "try again" codes besides UNAVAILABLE (e.g. RESOURCE_EXHAUSTED for rate limits). */
  retryable?: (code: number) => boolean
  /** An HTTPS proxy to tunnel through (see proxyFor); none means a direct connection. */
  proxy?: URL | undefined
}

const pick = (value: string | string[] | number | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value === undefined ? undefined : String(value)

/** The HTTP/2 session: direct, or TLS with ALPN h2 inside a CONNECT tunnel through the proxy. */
async function connect(base: URL, proxy: URL | undefined, signal: AbortSignal): Promise<http2.ClientHttp2Session> {
  // Loaded on first use: node:http2 and tls, which no other cloud's login needs, stay out of the start-up.
  const http2 = await import('node:http2')
  if (!proxy || base.protocol !== 'https:') return http2.connect(base.origin)
  const tls = await import('node:tls')
  const host = base.hostname.replace(/^\[|\]$/g, '')
  const socket = await openTunnel(proxy, host, Number(base.port) || 443, signal)
  return http2.connect(base.origin, {
    createConnection: () => tls.connect({ socket, servername: host, ALPNProtocols: ['h2'] })
  })
}

/** One attempt in flight: it settles once, closing its session and stopping its timer and its tunnel. */
interface Attempt {
  readonly settled: boolean
  session: http2.ClientHttp2Session | undefined
  /** Set once the response headers are in; from then on the timeout is "no complete reply". */
  reply: ReplyBuffer | undefined
  /** Aborts the proxy tunnel's CONNECT when the attempt ends first. */
  readonly signal: AbortSignal
  finish(error: Error | undefined, value?: Buffer): void
  /** A transport failure, naming the proxy when there is one. */
  transport(message: string): GrpcTransportError
}

function startAttempt(call: UnaryCall, resolve: (value: Buffer) => void, reject: (error: Error) => void): Attempt {
  const via = call.proxy ? ` through the proxy ${proxyName(call.proxy)}` : ''
  const abort = new AbortController()
  let settled = false
  const attempt: Attempt = {
    get settled() {
      return settled
    },
    session: undefined,
    reply: undefined,
    signal: abort.signal,
    transport: message => new GrpcTransportError(call.service, `${message}${via}`),
    finish(error, value) {
      if (settled) return
      settled = true
      clearTimeout(timer)
      abort.abort()
      const session = attempt.session
      if (session) {
        session.close()
        if (!session.destroyed) session.destroy()
      }
      if (error) reject(error)
      else resolve(value as Buffer)
    }
  }
  const timer = setTimeout(() => {
    const received = attempt.reply?.received
    const endpoint = new URL(call.url).host
    attempt.finish(
      received === undefined
        ? attempt.transport(`no answer within ${call.timeoutMs} ms`)
        : replyTooSlow(call.service, endpoint, call.timeoutMs, received)
    )
  }, call.timeoutMs)
  return attempt
}

/** One attempt of a unary call; resolves with the response message. */
export function unaryOnce(call: UnaryCall): Promise<Buffer> {
  const base = new URL(call.url)
  const path = `${base.pathname.replace(/\/+$/, '')}/${call.method}`
  return new Promise<Buffer>((resolve, reject) => {
    const attempt = startAttempt(call, resolve, reject)
    connect(base, call.proxy, attempt.signal).then(
      opened => {
        if (!attempt.settled) return exchange(call, path, opened, attempt)
        opened.destroy()
      },
      // The tunnel's errors name the proxy already.
      (error: Error) => attempt.finish(new GrpcTransportError(call.service, error.message))
    )
  })
}

/** Sends the request on the open session and settles the attempt with what comes back. */
function exchange(call: UnaryCall, path: string, opened: http2.ClientHttp2Session, attempt: Attempt): void {
  attempt.session = opened
  opened.on('error', error => attempt.finish(attempt.transport(error.message)))
  const stream = opened.request({
    ':method': 'POST',
    ':path': path,
    'content-type': 'application/grpc',
    te: 'trailers',
    'grpc-accept-encoding': 'identity',
    'grpc-timeout': `${Math.max(1, Math.ceil(call.timeoutMs))}m`,
    'user-agent': call.userAgent
  })
  let headers: http2.IncomingHttpHeaders & http2.IncomingHttpStatusHeader = {}
  let trailers: http2.IncomingHttpHeaders | undefined
  // Every frame of the response counts against the cap, whatever it turns out to hold.
  const reply = new ReplyBuffer(MAX_REPLY_BYTES)
  stream.on('response', h => {
    headers = h
    attempt.reply = reply
  })
  stream.on('trailers', t => void (trailers = t))
  stream.on('data', (chunk: Buffer) => {
    if (!reply.push(chunk)) attempt.finish(replyTooLarge(call.service, new URL(call.url).host, reply.maxBytes))
  })
  stream.on('error', error => attempt.finish(attempt.transport(error.message)))
  stream.on('end', () => {
    try {
      attempt.finish(undefined, settle(call, headers, trailers, reply.bytes()))
    } catch (error) {
      attempt.finish(error as Error)
    }
  })
  stream.on('close', () => {
    if (!attempt.settled) attempt.finish(attempt.transport(`stream closed before the call ended (HTTP/2 code ${stream.rstCode ?? 'none'})`))
  })
  stream.end(frameMessage(call.message))
}

type ResponseHeaders = http2.IncomingHttpHeaders & http2.IncomingHttpStatusHeader

/** Turns a finished HTTP/2 response into the message, or the gRPC error it carries. */
function settle(call: UnaryCall, headers: ResponseHeaders, trailers: http2.IncomingHttpHeaders | undefined, body: Buffer): Buffer {
  const fail = (code: number, message: string): GrpcError =>
    new GrpcError(call.service, code, message, call.hint?.(code, message), code === UNAVAILABLE || call.retryable?.(code) === true)
  if (headers[':status'] === undefined) throw new GrpcTransportError(call.service, 'the connection closed before any answer')
  notGrpc(headers, body, fail)
  const source = trailers && trailers['grpc-status'] !== undefined ? trailers : headers
  const statusText = pick(source['grpc-status'])
  if (statusText === undefined) throw fail(13, 'the answer has no grpc-status')
  const code = Number(statusText)
  const message = decodeGrpcMessage(pick(source['grpc-message']) ?? '')
  if (!Number.isInteger(code) || code < 0) throw fail(13, `grpc-status '${statusText}' is not a status code`)
  if (code !== 0) throw fail(code, message)
  const messages = unframeMessages(body, call.service)
  if (messages.length !== 1) throw fail(13, `a unary call answered ${messages.length} messages`)
  return messages[0] as Buffer
}

/** Throws for an answer that is not gRPC at all (a proxy, a load balancer, a wrong host), with its HTTP status mapped. */
function notGrpc(headers: ResponseHeaders, body: Buffer, fail: (code: number, message: string) => GrpcError): void {
  const httpStatus = Number(headers[':status'])
  const contentType = pick(headers['content-type']) ?? ''
  if (httpStatus === 200 && contentType.startsWith('application/grpc')) return
  const excerpt = body.toString('utf8').replace(/\s+/g, ' ').trim().slice(0, 200)
  throw fail(
    grpcCodeForHttpStatus(httpStatus),
    `HTTP ${httpStatus} ${contentType || 'without content type'}${excerpt ? `: ${excerpt}` : ''}`
  )
}

export interface GrpcRetry {
  attempts: number
  baseDelayMs: number
  maxDelayMs: number
  sleep?: (ms: number) => Promise<void>
}

/** A unary call under the shared retry rule: transport failures, UNAVAILABLE and the cloud's own codes. */
export function unary(call: UnaryCall, policy: GrpcRetry): Promise<Buffer> {
  return retry(() => unaryOnce(call), { ...policy, label: call.service })
}
