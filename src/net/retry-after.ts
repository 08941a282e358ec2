// A server's Retry-After header (delay-seconds or an HTTP-date) as a wait in milliseconds.

/** The wait a Retry-After value asks for, in ms (never negative); undefined when there is none or it is unreadable. */
export function retryAfterMs(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value
  if (!text) return undefined
  const seconds = Number(text)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const date = Date.parse(text)
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now())
}
