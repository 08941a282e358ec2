/** The hand-over note `<authfile>.registry-login-released` between jobs sharing an auth file. */
/*
 * Job A logs in, job B logs in over it (B's backup holds A's entry as "earlier"), A's post finds B's entry
 * and leaves it. Without a word from A, B's post would later put A's entry back: a login whose job is over.
 * So A's post leaves a note next to the auth file (0600): "the entry with this fingerprint is over; what was
 * there before it is this". B's post, about to restore an entry, follows such notes instead.
 */
import { rmSync } from 'node:fs'
import type { AuthEntry } from './auth-file.js'
import { isMapping, isObject, mappingOf, maskEntry, optional, type Mapping, type PreviousEntry } from './backup-records.js'
import { matches } from './fingerprint.js'
import { readTextFile, writePrivateFile } from '../runner/files.js'

interface Released {
  registry: string
  /** The fingerprint of the released entry; or, for a mapping alone (credential-helper mode), of the mapping (`mapped`). */
  wrote?: string
  mapped?: string
  earlier?: AuthEntry
  /**
   * The `credHelpers` mapping before the released job (which routed the registry to the file for
   * itself): the later job saw that job's routing as "earlier" and would put it back for good.
   */
  mapping?: Mapping
}

/** What to put back for a registry: an entry (undefined: none) and its mapping. */
export interface Earlier {
  entry?: AuthEntry
  mapping: Mapping
}

const releasedFile = (authFile: string): string => `${authFile}.registry-login-released`

function readReleased(authFile: string): Released[] {
  let json: unknown
  try {
    json = JSON.parse(readTextFile(releasedFile(authFile)) ?? '')
  } catch {
    return [] // none, or unreadable: restore what the backup says
  }
  const items = isObject(json) && Array.isArray(json.released) ? (json.released as unknown[]) : []
  return items.filter(
    (item): item is Released =>
      isObject(item) &&
      typeof item.registry === 'string' &&
      (typeof item.wrote === 'string' || typeof item.mapped === 'string') &&
      optional(item.wrote, v => typeof v === 'string') &&
      optional(item.mapped, v => typeof v === 'string') &&
      optional(item.earlier, isObject) &&
      optional(item.mapping, isMapping)
  )
}

function writeReleased(authFile: string, items: Released[]): void {
  if (items.length === 0) rmSync(releasedFile(authFile), { force: true })
  else writePrivateFile(releasedFile(authFile), JSON.stringify({ version: 1, released: items }))
}

/**
 * Notes that this step's entry (or, `slots.mapping` alone, its mapping), replaced by a later login, is over,
 * and what it had replaced.
 */
export function release(record: PreviousEntry, slots: { entry: boolean; mapping: boolean } = { entry: true, mapping: false }): void {
  const wrote = slots.entry ? record.wrote : undefined
  const mapped = !wrote && slots.mapping ? record.mapped : undefined
  if (!wrote && !mapped) return
  const items = readReleased(record.authFile)
  items.push({
    registry: record.registry,
    ...(wrote ? { wrote, ...(record.entry ? { earlier: record.entry } : {}) } : mapped ? { mapped } : {}),
    mapping: mappingOf(record)
  })
  writeReleased(record.authFile, items)
}

/** The note, if any, that releases `current`: its entry, or (with a note of a mapping alone) its mapping. */
function releasing(items: Released[], registry: string, current: Earlier): number {
  const { entry, mapping } = current
  const mappingValue: AuthEntry = mapping.credHelper === undefined ? {} : { credHelper: mapping.credHelper }
  return items.findIndex(
    item =>
      item.registry === registry &&
      (item.wrote ? entry !== undefined && matches(entry, item.wrote) : item.mapped !== undefined && matches(mappingValue, item.mapped))
  )
}

/**
 * The entry and mapping to put back: the backup's, unless the job whose entry they are released it
 * (then what that job had replaced, and so on). The notes it follows are used up.
 */
export function unreleased(authFile: string, registry: string, earlier: Earlier): Earlier {
  const items = readReleased(authFile)
  if (items.length === 0) return earlier
  let current = earlier
  for (let at = releasing(items, registry, current); at >= 0; at = releasing(items, registry, current)) {
    const item = items[at]!
    // A released entry gives way to what it replaced; a released mapping alone, to its mapping.
    const entry = item.wrote ? item.earlier : current.entry
    current = { ...(entry ? { entry } : {}), mapping: item.mapping ?? current.mapping }
    items.splice(at, 1)
  }
  maskEntry(current.entry)
  writeReleased(authFile, items)
  return current
}
