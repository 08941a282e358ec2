// A server's Retry-After header (delay-seconds or an HTTP-date) as a wait in milliseconds.

/**
 * The wait a Retry-After value asks for, in ms (never negative); undefined when there is none or it is unreadable.
 * delay-seconds are digits only (RFC 9110). An HTTP-date is read against the reply's own `Date` when it has a
 * readable one, so a runner whose clock is off does not stretch or cut the wait.
 */
export function retryAfterMs(value: string | string[] | undefined, replyDate?: string | string[]): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim()
  if (!text) return undefined
  if (/^\d+$/.test(text)) return Number(text) * 1000
  // Every HTTP-date form starts with the day's name.
  const until = /^[A-Za-z]{3}/.test(text) ? Date.parse(text) : NaN
  if (Number.isNaN(until)) return undefined
  const sent = Date.parse((Array.isArray(replyDate) ? replyDate[0] : replyDate) ?? '')
  return Math.max(0, until - (Number.isNaN(sent) ? Date.now() : sent))
}
