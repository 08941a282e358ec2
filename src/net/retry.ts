// The retry loop every cloud call and client login uses: attempts, jittered backoff, try-again hints, the step's deadline.
import { ActionError, errorMessage } from '../log/errors.js'
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

/** The step's overall deadline as a retry sees it: what is left of it, and the variable that raises it. */
export interface RetryDeadline {
  remainingMs(): number
  variable: string
}

export interface RetryPolicy extends RetryOptions {
  /** Which errors get another attempt; `isTransient` unless told otherwise. */
  shouldRetry?: (error: unknown) => boolean
  /**
   * A delay asked for after failed attempt `attempt` (1-based): a server's Retry-After, a rate limit's own wait.
   * Used instead of the backoff when present, at most `maxHintMs` (default `maxDelayMs`).
   */
  delayHint?: (error: unknown, attempt: number) => number | undefined
  maxHintMs?: number
  /** A wait that would end past this deadline is not started: the last error is reported with it instead. */
  deadline?: RetryDeadline
  label: string
}

const defaultSleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

/** The wait before the next attempt: the hint when there is one, else exponential backoff with full jitter. */
function delayAfter(policy: RetryPolicy, attempt: number, error: unknown): number {
  const hinted = policy.delayHint?.(error, attempt)
  if (hinted !== undefined) return Math.min(hinted, policy.maxHintMs ?? policy.maxDelayMs)
  const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1))
  return Math.round(Math.random() * backoff)
}

/** Only errors the policy calls transient are retried, each after `delayAfter`, never past the deadline. */
export async function retry<T>(fn: () => Promise<T>, policy: RetryPolicy): Promise<T> {
  const sleep = policy.sleep ?? defaultSleep
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn()
    } catch (error) {
      if (attempt >= policy.attempts || !(policy.shouldRetry ?? isTransient)(error)) throw error
      const delay = delayAfter(policy, attempt, error)
      const left = policy.deadline?.remainingMs()
      if (policy.deadline && left !== undefined && delay >= left) throw pastDeadline(policy, policy.deadline, attempt, delay, left, error)
      log.info`${policy.label}: attempt ${attempt} of ${policy.attempts} failed (${error}); retrying in ${delay} ms`
      await sleep(delay)
    }
  }
}

function pastDeadline(
  policy: RetryPolicy,
  deadline: RetryDeadline,
  attempt: number,
  delay: number,
  left: number,
  error: unknown
): ActionError {
  return new ActionError(
    `${policy.label}: attempt ${attempt} of ${policy.attempts} failed (${errorMessage(error)}), and the next one is not made: its wait of ${delay} ms would end past the step's deadline (${left} ms left).`,
    `If the registry needs longer, raise the environment variable ${deadline.variable} (milliseconds).`
  )
}
