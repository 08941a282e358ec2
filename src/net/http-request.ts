// One HTTP(S) exchange with a bounded reply: direct or through the proxy's CONNECT tunnel, aborted with its socket at its timeout or cap.
import type http from 'node:http'
import { isIP } from 'node:net'
import type { Duplex } from 'node:stream'
import { ActionError } from '../log/errors.js'
import { safeText } from '../log/escape.js'
import { openTunnel, proxyFor } from './proxy-tunnel.js'
import { ReplyBuffer, replyTooLarge, replyTooSlow } from './reply.js'

/** A failure to reach the service at all: DNS, refused connection, reset, no answer in time. */
export class NetworkError extends ActionError {
  readonly transient = true
  constructor(
    readonly service: string,
    /** What happened, as node said it (the message quotes it made safe). */
    readonly reason: string
  ) {
    super(`Could not reach ${service}: ${safeText(reason)}.`)
    this.name = 'NetworkError'
  }
}

export interface Exchange {
  /** Names the service in errors. */
  service: string
  method: 'GET' | 'POST' | 'PUT'
  url: URL
  /** Sent as given (names lower-cased), with Content-Length for a body. */
  headers: Record<string, string>
  body?: string | undefined
  timeoutMs: number
  maxBytes: number
  /** A shorter deadline for the TCP connection alone (a metadata service on the host answers at once or not at all). */
  connectTimeoutMs?: number
  /** Never through HTTP(S)_PROXY, whatever the URL (a metadata service is on the host itself). */
  direct?: true
}

export interface Reply {
  status: number
  headers: http.IncomingHttpHeaders
  body: string
}

/** The attempt in flight: it settles once, and then nothing of it is left open. */
interface Flight {
  readonly settled: boolean
  readonly signal: AbortSignal
  /** What carries the request once it is sent, destroyed when the attempt ends. */
  request: http.ClientRequest | undefined
  tunnel: Duplex | undefined
  /** Set once the reply's headers are in; from then on the timeout is "no complete reply". */
  reply: ReplyBuffer | undefined
  finish(error: Error | undefined, reply?: Reply): void
}

/**
 * Sends one request and reads its whole reply, within `timeoutMs` from the start (connect, proxy
 * tunnel, TLS, headers and body together) and `maxBytes` of body. At either limit the request is
 * destroyed (its socket with it) and the call rejects: a NetworkError when no answer had begun, a
 * ReplyError when a reply was too slow to complete or too large. Nothing is retried here.
 */
export function exchange(call: Exchange): Promise<Reply> {
  return new Promise<Reply>((resolve, reject) => {
    const flight = takeOff(call, resolve, reject)
    connection(call, flight.signal)
      .then(tunnel => {
        if (flight.settled) return void tunnel?.destroy()
        flight.tunnel = tunnel
        return send(call, flight, tunnel)
      })
      // The tunnel's errors name the proxy already; a request node refuses to send (a header it cannot carry) fails the same way.
      .catch((error: Error) => flight.finish(new NetworkError(call.service, error.message)))
  })
}

function takeOff(call: Exchange, resolve: (reply: Reply) => void, reject: (error: Error) => void): Flight {
  const abort = new AbortController()
  let settled = false
  const flight: Flight = {
    get settled() {
      return settled
    },
    signal: abort.signal,
    request: undefined,
    tunnel: undefined,
    reply: undefined,
    finish(error, reply) {
      if (settled) return
      settled = true
      clearTimeout(timer)
      abort.abort()
      flight.request?.destroy()
      flight.tunnel?.destroy()
      if (error) reject(error)
      else resolve(reply as Reply)
    }
  }
  const timer = setTimeout(() => {
    const received = flight.reply?.received
    const error =
      received === undefined
        ? new NetworkError(call.service, `no answer within ${call.timeoutMs} ms`)
        : replyTooSlow(call.service, call.url.host, call.timeoutMs, received)
    flight.finish(error)
  }, call.timeoutMs)
  return flight
}

/** A CONNECT tunnel through the proxy for an https URL that goes through one (the toolkit's rule), else none. */
async function connection(call: Exchange, signal: AbortSignal): Promise<Duplex | undefined> {
  const proxy = call.direct ? undefined : proxyFor(call.url)
  if (!proxy) return undefined
  return openTunnel(proxy, call.url.hostname.replace(/^\[|\]$/g, ''), Number(call.url.port) || 443, signal)
}

/** Sends the request (over the tunnel when there is one) and reads the reply into the flight. */
async function send(call: Exchange, flight: Flight, tunnel: Duplex | undefined): Promise<void> {
  const secure = call.url.protocol === 'https:'
  // Loaded on the first call: a login without a cloud call starts without http, https and tls.
  const { request } = secure ? await import('node:https') : await import('node:http')
  const viaTunnel = tunnel && secure ? await tlsOver(tunnel, call.url) : undefined
  if (flight.settled) return
  const headers: Record<string, string | number> = {}
  for (const [name, value] of Object.entries(call.headers)) headers[name.toLowerCase()] = value
  if (call.body !== undefined) headers['content-length'] = Buffer.byteLength(call.body, 'utf8')
  const req = request(call.url, {
    method: call.method,
    headers,
    // A socket of its own, closed after the reply (no keep-alive): over the tunnel, or a fresh connection.
    ...(viaTunnel ? { createConnection: () => viaTunnel } : { agent: false })
  })
  flight.request = req
  if (call.connectTimeoutMs !== undefined) connectDeadline(call.service, call.connectTimeoutMs, req, flight)
  req.on('error', error => flight.finish(new NetworkError(call.service, error.message)))
  req.on('response', response => receive(call, flight, response))
  req.end(call.body)
}

/** Fails the flight when its socket is not connected within `ms`; the timer goes with the request. */
function connectDeadline(service: string, ms: number, req: http.ClientRequest, flight: Flight): void {
  const timer = setTimeout(() => flight.finish(new NetworkError(service, `no connection within ${ms} ms`)), ms)
  req.once('close', () => clearTimeout(timer))
  req.once('socket', socket => socket.once('connect', () => clearTimeout(timer)))
}

/** TLS to the URL's host inside the proxy tunnel (the name checked against the certificate as on a direct call). */
async function tlsOver(tunnel: Duplex, url: URL): Promise<Duplex> {
  const tls = await import('node:tls')
  const host = url.hostname.replace(/^\[|\]$/g, '')
  return tls.connect({ socket: tunnel, ...(isIP(host) ? {} : { servername: host }) })
}

function receive(call: Exchange, flight: Flight, response: http.IncomingMessage): void {
  const buffer = new ReplyBuffer(call.maxBytes)
  flight.reply = buffer
  const tooLarge = (): void => flight.finish(replyTooLarge(call.service, call.url.host, call.maxBytes))
  // A declared length over the cap fails before a byte of the body is read.
  if (Number(response.headers['content-length']) > call.maxBytes) return tooLarge()
  response.on('data', (chunk: Buffer) => {
    if (!buffer.push(chunk)) tooLarge()
  })
  response.on('error', error => flight.finish(new NetworkError(call.service, error.message)))
  response.on('end', () =>
    flight.finish(undefined, { status: response.statusCode ?? 0, headers: response.headers, body: buffer.bytes().toString('utf8') })
  )
  response.on('close', () => {
    if (!response.complete) flight.finish(new NetworkError(call.service, 'the connection closed before the reply was complete'))
  })
}
