// The retry loop every cloud call and client login uses: attempts, jittered backoff, try-again hints, the step's deadline.
import { log } from '../log/log.js'

export interface RetryOptions {
  /** Total attempts, the first one included. */
  attempts: number
  baseDelayMs: number
  maxDelayMs: number
  sleep?: (ms: number) => Promise<void>
}

/**
 * The one retry rule: an error says itself whether another attempt may succeed (`transient`), set
 * where it is made: network failures, HTTP 429/5xx, a cloud's own "try again" code (whatever the
 * HTTP status), gRPC UNAVAILABLE / RESOURCE_EXHAUSTED, a registry client's transient failure.
 */
export function isTransient(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { transient?: unknown }).transient === true
}

export interface RetryPolicy extends RetryOptions {
  /** Which errors get another attempt; `isTransient` unless told otherwise. */
  shouldRetry?: (error: unknown) => boolean
  /** A delay the server asked for (Retry-After), used instead of the backoff when present. */
  delayHint?: (error: unknown) => number | undefined
  label: string
}

const defaultSleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

/** Exponential backoff with full jitter; only errors the policy calls transient are retried. */
export async function retry<T>(fn: () => Promise<T>, policy: RetryPolicy): Promise<T> {
  const sleep = policy.sleep ?? defaultSleep
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn()
    } catch (error) {
      if (attempt >= policy.attempts || !(policy.shouldRetry ?? isTransient)(error)) throw error
      const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1))
      const hinted = policy.delayHint?.(error)
      const delay = hinted !== undefined ? Math.min(hinted, policy.maxDelayMs) : Math.round(Math.random() * backoff)
      log.info`${policy.label}: attempt ${attempt} of ${policy.attempts} failed (${error}); retrying in ${delay} ms`
      await sleep(delay)
    }
  }
}
