/** Post's side of the backup: whose entry an auth file holds now, and putting back what this step's logins replaced. */
import { rmSync } from 'node:fs'
import {
  credHelperIn,
  credHelperPositionIn,
  readAuthEntry,
  readAuthFile,
  restoreEmptyCredHelpers,
  restoreOtherSettings,
  writeAuthEntry,
  writeCredHelper,
  type AuthEntry
} from './auth-file.js'
import type { SavedBackup } from './backup.js'
import { findRecord, mappingOf, type Mapping, type PreviousEntry } from './backup-records.js'
import { matches } from './fingerprint.js'
import { release, unreleased } from './released.js'

/**
 * Whose entry the auth file holds now for a registry main logged into: `ours` (what this step
 * wrote), `foreign` (someone logged in after us: another job on a shared runner), `gone`, or
 * `unknown` (no fingerprint: the login failed before writing, or the backup is lost).
 */
export type Ownership = 'ours' | 'foreign' | 'gone' | 'unknown'

export function ownership(backup: SavedBackup | undefined, authFile: string, registry: string): Ownership {
  const record = backup ? findRecord(backup.records, authFile, registry) : undefined
  if (!backup || !record?.wrote) return 'unknown'
  let now: AuthEntry | undefined
  try {
    now = readAuthEntry(authFile, registry)
  } catch {
    return 'unknown' // not JSON any more: the client's logout and the restore say what is wrong
  }
  if (!now) return 'gone'
  return matches(now, record.wrote) ? 'ours' : 'foreign'
}

/** What restoring did not do: entries another login holds now (left as they are), and failures. */
export interface RestoreReport {
  leftAlone: PreviousEntry[]
  failures: Array<{ record: PreviousEntry; error: unknown }>
}

/**
 * Puts back every entry the logins replaced and removes the ones they added, but only where the
 * file still holds this step's login (or nothing): an entry a later login wrote is left alone.
 * Deletes the backup file.
 */
export function restoreBackup(backup: SavedBackup): RestoreReport {
  const report: RestoreReport = { leftAlone: [], failures: [] }
  for (const record of backup.records) {
    try {
      if (ownership(backup, record.authFile, record.registry) === 'foreign') {
        report.leftAlone.push(record)
        release(record)
        continue
      }
      restoreRecord(record)
    } catch (error) {
      report.failures.push({ record, error })
    }
  }
  // After every mapping went back: removing the last one dropped the map.
  for (const record of backup.records.filter(r => r.emptyCredHelpers)) {
    try {
      restoreEmptyCredHelpers(record.authFile)
    } catch (error) {
      report.failures.push({ record, error })
    }
  }
  rmSync(backup.file, { force: true })
  return report
}

/** Puts back one record's settings, mapping and entry (those a later job released, if it did). */
function restoreRecord(record: PreviousEntry): void {
  const { authFile, registry, entry, otherSettings } = record
  if (otherSettings) restoreOtherSettings(authFile, otherSettings)
  const earlier = unreleased(authFile, registry, { ...(entry ? { entry } : {}), mapping: mappingOf(record) })
  restoreMapping(authFile, registry, earlier.mapping)
  // No earlier entry: make sure ours is gone even if the client's own logout failed.
  if (!earlier.entry && !readAuthEntry(authFile, registry)) return
  writeAuthEntry(authFile, registry, earlier.entry)
}

/** Puts `credHelpers[registry]` back as it was, at its place among the keys; a mapping already so is left as it is. */
function restoreMapping(authFile: string, registry: string, mapping: Mapping): void {
  const json = readAuthFile(authFile)
  const at = mapping.credHelperAt === undefined ? undefined : credHelperPositionIn(json, registry)
  if (credHelperIn(json, registry) === mapping.credHelper && at === mapping.credHelperAt) return
  writeCredHelper(authFile, registry, mapping.credHelper, mapping.credHelperAt === undefined ? {} : { at: mapping.credHelperAt })
}
