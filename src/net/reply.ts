// A cloud's reply read within bounds (HTTP and gRPC alike): at most MAX_REPLY_BYTES, and the error for one cut off.
import { ActionError } from '../log/errors.js'
import { safeText } from '../log/escape.js'
import { MAX_REPLY_BYTES } from './policies.js'

/** A size for messages: "1 MiB", "512 KiB", "700 bytes". */
export function sizeText(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`
  return `${bytes} bytes`
}

/**
 * A reply the action stopped reading, the call aborted and its socket destroyed: larger than the cap
 * (not worth another attempt: the same endpoint sends the same thing), or not complete within the
 * timeout (another attempt may be luckier, like a call that got no answer at all).
 */
export class ReplyError extends ActionError {
  constructor(
    readonly service: string,
    /** The endpoint's host[:port], for the message. */
    endpoint: string,
    readonly problem: string,
    readonly transient: boolean
  ) {
    super(`Stopped the call to ${service} (${safeText(endpoint, 200)}): ${problem}.`)
    this.name = 'ReplyError'
  }
}

export const replyTooLarge = (service: string, endpoint: string, maxBytes: number): ReplyError =>
  new ReplyError(service, endpoint, `reply larger than ${sizeText(maxBytes)}`, false)

export const replyTooSlow = (service: string, endpoint: string, timeoutMs: number, received: number): ReplyError =>
  new ReplyError(service, endpoint, `no complete reply within ${timeoutMs} ms (${sizeText(received)} received)`, true)

/**
 * Collects a reply's chunks up to `maxBytes`: `push` says false once the reply is over it (the caller
 * then aborts the call), and `bytes()` joins them once at the end (no copy per chunk).
 */
export class ReplyBuffer {
  private readonly chunks: Buffer[] = []
  private size = 0

  constructor(readonly maxBytes = MAX_REPLY_BYTES) {}

  get received(): number {
    return this.size
  }

  push(chunk: Buffer): boolean {
    this.size += chunk.length
    if (this.size > this.maxBytes) return false
    this.chunks.push(chunk)
    return true
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks)
  }
}
