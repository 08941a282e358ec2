/** Fingerprints of auth entries and mappings: how post tells what this step wrote from what a later login wrote. */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { AuthEntry } from './auth-file.js'

/** JSON with sorted keys, so the same entry always hashes the same whatever the client's key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

/**
 * `salt:hash` of an auth entry: HMAC-SHA256 keyed with a random salt. A slow hash would buy nothing: the
 * fingerprint sits in 0600 files (the backup, the hand-over note of `release`) of the same owner as the
 * auth file, which holds the entry itself; and it cost a step tens of milliseconds and 16 MiB (scrypt).
 */
export function fingerprint(entry: AuthEntry, salt = randomBytes(16).toString('hex')): string {
  return `${salt}:${hashOf(entry, salt)}`
}

/** The salt of a fingerprint, to fingerprint another entry the same way. */
export function saltOf(print: string | undefined): string | undefined {
  return print?.split(':')[0]
}

function hashOf(entry: AuthEntry, salt: string): string {
  return createHmac('sha256', salt).update(canonical(entry)).digest('hex')
}

/** Whether two entries (or mapping values) are the same, whatever the order of their keys. */
export const sameValue = (a: AuthEntry | undefined, b: AuthEntry | undefined): boolean =>
  a === undefined || b === undefined ? a === b : canonical(a) === canonical(b)

/** Whether `entry` is the entry `print` was taken of. */
export function matches(entry: AuthEntry, print: string): boolean {
  const [salt, hash] = print.split(':')
  if (!salt || !hash) return false
  const expected = Buffer.from(hash, 'hex')
  const actual = Buffer.from(hashOf(entry, salt), 'hex')
  return expected.length === actual.length && timingSafeEqual(expected, actual)
}
