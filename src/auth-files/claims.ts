/** Claims: which step's login each slot of a shared auth file (a registry's entry, its credHelpers mapping) holds now. */
/*
 * A fingerprint tells this step's entry from another one, but not from an identical one: two jobs logging in
 * with the same static key write the same entry, and two credential-helper jobs the same mapping. So each main,
 * under the auth file's lock (lock.ts), claims every slot it wrote (`<authfile>.registry-login-claims`, 0600: its
 * claim id and the slot's fingerprint), the latest claim last. The step a slot holds now is the one of the latest
 * claim whose fingerprint matches what the slot holds: a later job with an identical login claims after the
 * earlier one, so the earlier one's post sees that it is not its own any more. Post drops its claims when done;
 * a claim past CLAIM_TTL_MS (a job that never ran post) is dropped by whichever step reads the file next.
 */
import { rmSync } from 'node:fs'
import { authEntryIn, credHelperIn, type AuthEntry, type AuthFileJson } from './auth-file.js'
import { isObject } from './backup-records.js'
import { fileKey } from './file-key.js'
import { matches } from './fingerprint.js'
import { CLAIM_TTL_MS } from '../net/policies.js'
import { readTextFile, writePrivateFile } from '../runner/files.js'

/** What a step writes for a registry: its `auths` entry, or its `credHelpers` mapping. */
export type Slot = 'entry' | 'mapping'

interface Claim {
  /** The claiming step's id (random, one per main step). */
  id: string
  registry: string
  slot: Slot
  /** Fingerprint of what the slot held when the step claimed it. */
  print: string
  /** When the claim lapses (milliseconds since the epoch). */
  expires: number
}

/** Most bytes of a claims file read: a few claims per job sharing the file. */
const MAX_CLAIMS_BYTES = 1024 * 1024

export const claimsFileOf = (authFile: string): string => `${fileKey(authFile)}.registry-login-claims`

/**
 * What a slot holds, as something to fingerprint: the entry (undefined: none), or the mapping as
 * `{ credHelper }` (`{}`: no mapping, itself a setting a login relies on: the file, not a helper).
 */
export function slotValue(json: AuthFileJson | undefined, registry: string, slot: Slot): AuthEntry | undefined {
  if (slot === 'entry') return authEntryIn(json, registry)
  const credHelper = credHelperIn(json, registry)
  return credHelper === undefined ? {} : { credHelper }
}

function isClaim(value: unknown): value is Claim {
  return (
    isObject(value) &&
    typeof value.id === 'string' &&
    typeof value.registry === 'string' &&
    (value.slot === 'entry' || value.slot === 'mapping') &&
    typeof value.print === 'string' &&
    Number.isFinite(value.expires)
  )
}

/** The live claims (lapsed ones dropped, the file rewritten without them); none when the file is missing or unreadable. */
function readClaims(authFile: string, now = Date.now()): Claim[] {
  let json: unknown
  try {
    json = JSON.parse(readTextFile(claimsFileOf(authFile), MAX_CLAIMS_BYTES) ?? 'null')
  } catch {
    json = undefined // unreadable: as good as none (the next claim replaces it)
  }
  const claims = isObject(json) && Array.isArray(json.claims) ? (json.claims as unknown[]).filter(isClaim) : []
  const live = claims.filter(c => c.expires > now)
  if (live.length < claims.length) writeClaims(authFile, live)
  return live
}

function writeClaims(authFile: string, claims: readonly Claim[]): void {
  const file = claimsFileOf(authFile)
  if (claims.length === 0) rmSync(file, { force: true })
  else writePrivateFile(file, JSON.stringify({ version: 1, claims }))
}

/** The id of the step whose login `value` is: the latest live claim of the slot whose fingerprint matches. */
export function holderOf(authFile: string, registry: string, slot: Slot, value: AuthEntry): string | undefined {
  return readClaims(authFile)
    .filter(c => c.registry === registry && c.slot === slot && matches(value, c.print))
    .pop()?.id
}

/** Claims a slot for step `id` (replacing its earlier claim of the slot), as the latest claim. */
export function claim(authFile: string, id: string, registry: string, slot: Slot, print: string, now = Date.now()): void {
  const others = readClaims(authFile, now).filter(c => !(c.id === id && c.registry === registry && c.slot === slot))
  writeClaims(authFile, [...others, { id, registry, slot, print, expires: now + CLAIM_TTL_MS }])
}

/** Drops the claims of step `id` (of one registry, or all of them): its post is done with them. */
export function unclaim(authFile: string, id: string, registry?: string): void {
  const claims = readClaims(authFile)
  const kept = claims.filter(c => !(c.id === id && (registry === undefined || c.registry === registry)))
  if (kept.length < claims.length) writeClaims(authFile, kept)
}
