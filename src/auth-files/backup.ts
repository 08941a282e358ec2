/** The backup file: main remembers each entry before its first change, post reads the records back. */
import { rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import {
  authEntryIn,
  credHelperIn,
  credHelperPositionIn,
  hasEmptyCredHelpers,
  otherSettingsIn,
  readAuthEntry,
  readAuthFile
} from './auth-file.js'
import { findRecord, hasRecordOf, isObject, isRecord, maskEntry, type PreviousEntry } from './backup-records.js'
import { fingerprint, saltOf } from './fingerprint.js'
import { dropStaleNotes } from './released.js'
import { errorMessage } from '../log/errors.js'
import { readTextFile, writePrivateFile } from '../runner/files.js'

/** The 0600 backup file under RUNNER_TEMP. */
interface BackupJson {
  version: 2
  records: PreviousEntry[]
}

export function newBackupFile(env: NodeJS.ProcessEnv): string {
  const dir = env.RUNNER_TEMP || os.tmpdir()
  return path.join(dir, `registry-login-${randomBytes(8).toString('hex')}.json`)
}

/**
 * Remembers each (auth file, registry) the first time it is touched, before the login overwrites it.
 * Every change rewrites the whole file, so it always holds every record so far.
 */
export class Backup {
  private readonly records: PreviousEntry[] = []

  constructor(readonly file: string) {}

  remember(authFile: string, registry: string): void {
    if (findRecord(this.records, authFile, registry)) return
    const json = readAuthFile(authFile)
    const entry = authEntryIn(json, registry)
    const credHelper = credHelperIn(json, registry)
    const credHelperAt = credHelperPositionIn(json, registry)
    // A file's other settings are saved once, with its first record, however the file is spelled.
    const first = !hasRecordOf(this.records, authFile)
    // Hand-over notes next to the file that no running job can need any more go, the first time main touches it.
    if (first) dropStaleNotes(authFile)
    const otherSettings = first ? otherSettingsIn(json) : {}
    const emptyCredHelpers = first && hasEmptyCredHelpers(json)
    maskEntry(entry)
    this.records.push({
      authFile,
      registry,
      ...(entry ? { entry } : {}),
      ...(credHelper !== undefined ? { credHelper } : {}),
      ...(credHelperAt !== undefined ? { credHelperAt } : {}),
      ...(Object.keys(otherSettings).length > 0 ? { otherSettings } : {}),
      ...(emptyCredHelpers ? { emptyCredHelpers: true as const } : {})
    })
    this.save()
  }

  /** After a login: notes what it left in the file, so post can tell it from a later job's login. */
  noteWritten(authFile: string, registry: string): void {
    const record = findRecord(this.records, authFile, registry)
    const entry = readAuthEntry(authFile, registry)
    if (!record || !entry) return
    // One salt per record, kept when a second client writes the same entry.
    record.wrote = fingerprint(entry, saltOf(record.wrote))
    this.save()
  }

  private save(): void {
    writePrivateFile(this.file, JSON.stringify({ version: 2, records: this.records } satisfies BackupJson))
  }
}

/** The backup as post reads it back; `skipped` counts records that were not well-formed. */
export interface SavedBackup {
  file: string
  records: PreviousEntry[]
  skipped: number
}

/** Why a backup could not be read, in words that finish "… because the backup file F …". */
export class BackupUnreadable extends Error {
  constructor(
    readonly file: string,
    reason: string
  ) {
    super(`the backup file ${file} ${reason}`)
    this.name = 'BackupUnreadable'
  }
}

/** Reads and checks the backup main wrote; throws BackupUnreadable saying what is wrong with it. */
export function loadBackup(file: string): SavedBackup {
  let text: string | undefined
  try {
    text = readTextFile(file)
  } catch (error) {
    throw new BackupUnreadable(file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? errorMessage(error)})`)
  }
  if (text === undefined) throw new BackupUnreadable(file, 'is missing')
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new BackupUnreadable(file, 'is not valid JSON')
  }
  if (!isObject(json) || json.version !== 2 || !Array.isArray(json.records)) {
    throw new BackupUnreadable(file, 'does not hold what the main step writes there')
  }
  const records = json.records.filter(isRecord)
  for (const record of records) maskEntry(record.entry)
  return { file, records, skipped: json.records.length - records.length }
}

/**
 * Deletes a backup that cannot be used (it may still hold earlier secrets). Best effort: what is
 * there may not be a file at all (a directory), and post must go on to the logouts either way.
 */
export function discardBackup(file: string): void {
  try {
    rmSync(file, { force: true })
  } catch {
    // not a file (a directory): left for the runner's clean-up
  }
}
