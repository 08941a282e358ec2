/** The helper's credential cache: what main (or an earlier `get`) minted, reused while it is fresh. */
import { readTextFile, writePrivateFile } from '../runner/files.js'
import { parseJsonText } from '../runner/json.js'
import type { RegistryCredential } from '../types.js'
import { registryHostWithPort } from './hosts.js'

/** A registry password minted earlier in the job, kept so that not every blob costs an exchange. */
export interface CachedCredential {
  username: string
  password: string
  /** When it was minted (ms since the epoch). */
  obtainedAt: number
  /** When the cloud says it stops working (ms), if it says. */
  expiresAt?: number
}

/** Registry host → its cached credential. */
export type CredentialCache = Record<string, CachedCredential>

/** How long a credential whose cloud reports no expiry is reused. */
export const UNKNOWN_EXPIRY_REUSE_MS = 5 * 60_000
const MIN_MARGIN_MS = 60_000

/**
 * Whether a cached credential can still be handed out: it must have at least max(60 s, 10 % of its
 * lifetime) left, so that a push that starts now does not run into the expiry half way.
 */
export function isFresh(entry: CachedCredential, now: number): boolean {
  if (entry.expiresAt === undefined) return now - entry.obtainedAt < UNKNOWN_EXPIRY_REUSE_MS
  const margin = Math.max(MIN_MARGIN_MS, (entry.expiresAt - entry.obtainedAt) / 10)
  return now < entry.expiresAt - margin
}

/** An empty cache without a prototype: a host such as `constructor` or `__proto__` is only ever its own key. */
export function emptyCache(): CredentialCache {
  return Object.create(null) as CredentialCache
}

export function cacheEntries(credentials: RegistryCredential[], now: number): CredentialCache {
  const cache = emptyCache()
  for (const { registry, username, password, expiresAt } of credentials) {
    cache[registryHostWithPort(registry)] = {
      username,
      password,
      obtainedAt: now,
      ...(expiresAt ? { expiresAt: expiresAt.getTime() } : {})
    }
  }
  return cache
}

/** The cache file's content; a missing or unreadable cache is an empty one (the helper mints again). */
export function readCache(file: string): CredentialCache {
  try {
    const parsed = parseJsonText(readTextFile(file) ?? '')
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return emptyCache()
    const cache = emptyCache()
    for (const [host, value] of Object.entries(parsed as Record<string, Partial<CachedCredential>>)) {
      if (typeof value?.username === 'string' && typeof value.password === 'string' && typeof value.obtainedAt === 'number') {
        cache[host] = {
          username: value.username,
          password: value.password,
          obtainedAt: value.obtainedAt,
          ...(typeof value.expiresAt === 'number' ? { expiresAt: value.expiresAt } : {})
        }
      }
    }
    return cache
  } catch {
    return emptyCache()
  }
}

/**
 * 0600, written whole and renamed into place, so a concurrent `get` never reads half a file. Only into the
 * installation's directory as it still exists: a `get` still minting while post removes the installation
 * fails here (ENOENT) instead of re-creating the directory with a fresh token in it.
 */
export function writeCache(file: string, cache: CredentialCache): void {
  writePrivateFile(file, JSON.stringify(cache), { createDirectory: false })
}
