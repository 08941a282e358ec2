/** The helper's credential cache: what main (or an earlier `get`) minted, reused while it is fresh. */
import {
  HELPER_MIN_VALIDITY_MS,
  HELPER_SHORT_LIFETIME_MS,
  HELPER_SHORT_LIFETIME_SHARE,
  HELPER_UNKNOWN_EXPIRY_REUSE_MS
} from '../net/policies.js'
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

/**
 * How long a cached credential must still be valid to be handed out (net/policies.ts): at least 15 minutes, or
 * at least half its lifetime when the cloud issues it for less than 30 minutes.
 */
export function minValidityMs(lifetimeMs: number): number {
  return lifetimeMs < HELPER_SHORT_LIFETIME_MS ? lifetimeMs * HELPER_SHORT_LIFETIME_SHARE : HELPER_MIN_VALIDITY_MS
}

/**
 * Whether a cached credential can still be handed out: a client may keep the answer for minutes (buildx: up to
 * 10) before it pushes with it, so the credential must outlive that (`minValidityMs`). A credential whose cloud
 * reports no expiry is reused for 5 minutes after it was minted.
 */
export function isFresh(entry: CachedCredential, now: number): boolean {
  if (entry.expiresAt === undefined) return now - entry.obtainedAt < HELPER_UNKNOWN_EXPIRY_REUSE_MS
  const lifetime = entry.expiresAt - entry.obtainedAt
  // An expiry before the mint (a clock gone wrong) is never fresh.
  if (lifetime <= 0) return false
  return entry.expiresAt - now >= minValidityMs(lifetime)
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
