/** Post's side of the backup: whose login each slot of an auth file holds now, and putting back what this step's logins replaced. */
import {
  credHelperIn,
  credHelperPositionIn,
  readAuthEntry,
  readAuthFile,
  restoreEmptyCredHelpers,
  restoreOtherSettings,
  writeAuthEntry,
  writeCredHelper,
  type AuthEntry,
  type AuthFileJson
} from './auth-file.js'
import type { SavedBackup } from './backup.js'
import { findRecord, mappingOf, type Mapping, type PreviousEntry } from './backup-records.js'
import { holderOf, slotValue, unclaim, type Slot } from './claims.js'
import { matches, sameValue } from './fingerprint.js'
import { release, unreleased, type Earlier } from './released.js'

/**
 * Whose login a slot (a registry's entry, or its mapping) of an auth file holds now: `ours` (what this step
 * left, and no later job claimed the same since), `foreign` (another login replaced it: another job on a
 * shared runner), `gone` (no entry), `unclaimed` (this step never wrote it: a login that failed before
 * writing, credential-helper mode's entry), or `unknown` (no backup to tell by, a login main ended in, or a
 * file that is no longer JSON).
 */
export type Ownership = 'ours' | 'foreign' | 'gone' | 'unclaimed' | 'unknown'

function slotOwnership(claimId: string, record: PreviousEntry, slot: Slot, json: AuthFileJson | undefined): Ownership {
  const print = slot === 'entry' ? record.wrote : record.mapped
  if (!print) return record.pending || !record.noted ? 'unknown' : 'unclaimed'
  const value = slotValue(json, record.registry, slot)
  if (!value) return 'gone'
  if (!matches(value, print)) return 'foreign'
  // The same login may be another job's too (the same static key, the same helper): the latest claim tells whose it is.
  const holder = holderOf(record.authFile, record.registry, slot, value)
  return !holder || holder === claimId ? 'ours' : 'foreign'
}

/** Whose entry the auth file holds now for a registry main logged into: post logs out only `ours` and `unknown`. */
export function ownership(backup: SavedBackup | undefined, authFile: string, registry: string): Ownership {
  const record = backup && findRecord(backup.records, authFile, registry)
  if (!backup || !record) return 'unknown'
  let json: AuthFileJson | undefined
  try {
    json = readAuthFile(authFile)
  } catch {
    return 'unknown' // not JSON any more: the client's logout and the restore say what is wrong
  }
  return slotOwnership(backup.claimId, record, 'entry', json)
}

/** What restoring did not do: slots another login holds now (left as they are), and failures. */
export interface RestoreReport {
  leftAlone: PreviousEntry[]
  failures: Array<{ record: PreviousEntry; error: unknown }>
}

/**
 * Puts back, for `records` of one auth file (the caller holds its lock), what this step's logins replaced,
 * slot by slot, only where the slot still holds this step's login (or, for the entry, nothing); a slot
 * another login holds now is left as it is, with a hand-over note for that login's post. Then drops this
 * step's claims there.
 */
export function restoreRecords(backup: SavedBackup, records: readonly PreviousEntry[]): RestoreReport {
  const report: RestoreReport = { leftAlone: [], failures: [] }
  for (const record of records) {
    try {
      if (restoreRecord(backup.claimId, record)) report.leftAlone.push(record)
    } catch (error) {
      report.failures.push({ record, error })
    }
  }
  // After every mapping went back: removing the last one dropped the map.
  for (const record of records.filter(r => r.emptyCredHelpers)) {
    try {
      restoreEmptyCredHelpers(record.authFile)
    } catch (error) {
      report.failures.push({ record, error })
    }
  }
  return report
}

const mayRestore = (owner: Ownership): boolean => owner === 'ours' || owner === 'gone' || owner === 'unknown'

/** Puts back one record's settings, mapping and entry where they are still this step's; true when another login holds one of them. */
function restoreRecord(claimId: string, record: PreviousEntry): boolean {
  const { authFile, registry } = record
  if (record.otherSettings) restoreOtherSettings(authFile, record.otherSettings)
  const json = readAuthFile(authFile)
  const entry = slotOwnership(claimId, record, 'entry', json)
  // The mapping routes the entry to the file: while another login holds the entry, its job needs the mapping as it is.
  const mapping = entry === 'foreign' ? 'foreign' : slotOwnership(claimId, record, 'mapping', json)
  const released = {
    entry: entry === 'foreign' && record.wrote !== undefined,
    mapping: mapping === 'foreign' && record.mapped !== undefined
  }
  if (released.entry || released.mapping) release(record, released)
  putBack(record, entry, mapping)
  unclaim(authFile, claimId, registry)
  return entry === 'foreign' || mapping === 'foreign'
}

/** Puts back the slots this step may restore, as the hand-over notes of the jobs in between say. */
function putBack(record: PreviousEntry, entry: Ownership, mapping: Ownership): void {
  if (!mayRestore(entry) && !mayRestore(mapping)) return
  const { authFile, registry } = record
  const earlier = unreleased(authFile, registry, { ...(record.entry ? { entry: record.entry } : {}), mapping: mappingOf(record) })
  // A mapping this step never changed goes back too when the job it belonged to released it (restoreMapping checks).
  if (mayRestore(mapping) || (mapping === 'unclaimed' && mayRestore(entry))) restoreMapping(record, earlier.mapping)
  if (mayRestore(entry)) restoreEntry(record, earlier)
}

/**
 * Puts the entry back at its place among the others (none: removes it, even if the client's own logout
 * failed). Checked again right before the write: only over this step's own entry, the earlier entry or
 * nothing, never over another login that came in since. A backup that noted nothing (main ended before its
 * first login finished) cannot tell its own entry from another: it writes as before, after the logout.
 */
function restoreEntry(record: PreviousEntry, earlier: Earlier): void {
  const { authFile, registry, entryAt } = record
  const now = readAuthEntry(authFile, registry)
  if (sameValue(now, earlier.entry)) return
  if (now && !sameValue(now, record.entry) && !(record.wrote !== undefined && matches(now, record.wrote)) && record.noted) return
  writeAuthEntry(authFile, registry, earlier.entry, entryAt === undefined ? {} : { at: entryAt })
}

/**
 * Puts `credHelpers[registry]` back as it was, at its place among the keys; a mapping already so is left as
 * it is. Checked again right before the write: only over this step's own mapping or the earlier one.
 */
function restoreMapping(record: PreviousEntry, mapping: Mapping): void {
  const { authFile, registry } = record
  const json = readAuthFile(authFile)
  const now = credHelperIn(json, registry)
  const at = mapping.credHelperAt === undefined ? undefined : credHelperPositionIn(json, registry)
  if (now === mapping.credHelper && at === mapping.credHelperAt) return
  const nowValue: AuthEntry = now === undefined ? {} : { credHelper: now }
  const ours = record.mapped !== undefined && matches(nowValue, record.mapped)
  if (!ours && now !== record.credHelper && record.noted && !record.pending) return
  writeCredHelper(authFile, registry, mapping.credHelper, mapping.credHelperAt === undefined ? {} : { at: mapping.credHelperAt })
}
