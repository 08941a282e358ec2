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
  positionIn,
  readAuthFile,
  type AuthEntry
} from './auth-file.js'
import { findRecord, hasRecordOf, isObject, isRecord, maskEntry, type PreviousEntry } from './backup-records.js'
import { claim, slotValue, type Slot } from './claims.js'
import { fingerprint, saltOf, sameValue } from './fingerprint.js'
import { dropStaleNotes } from './released.js'
import { errorMessage } from '../log/errors.js'
import { readTextFile, writePrivateFile } from '../runner/files.js'

/** The 0600 backup file under RUNNER_TEMP: this step's claim id (claims.ts) and the records. */
interface BackupJson {
  version: 3
  claim: string
  records: PreviousEntry[]
}

export function newBackupFile(env: NodeJS.ProcessEnv): string {
  const dir = env.RUNNER_TEMP || os.tmpdir()
  return path.join(dir, `registry-login-${randomBytes(8).toString('hex')}.json`)
}

/**
 * Remembers each (auth file, registry) the first time it is touched, before the login overwrites it,
 * and claims what this step left there. Every change rewrites the whole file, so it always holds every
 * record so far. Called under the auth file's lock (lock.ts).
 */
export class Backup {
  private readonly records: PreviousEntry[] = []

  constructor(
    readonly file: string,
    readonly claimId = randomBytes(12).toString('hex')
  ) {}

  remember(authFile: string, registry: string): void {
    if (findRecord(this.records, authFile, registry)) return
    const json = readAuthFile(authFile)
    const entry = authEntryIn(json, registry)
    const credHelper = credHelperIn(json, registry)
    const credHelperAt = credHelperPositionIn(json, registry)
    const entryAt = positionIn(json, 'auths', registry)
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
      ...(entry && entryAt !== undefined ? { entryAt } : {}),
      ...(credHelper !== undefined ? { credHelper } : {}),
      ...(credHelperAt !== undefined ? { credHelperAt } : {}),
      ...(Object.keys(otherSettings).length > 0 ? { otherSettings } : {}),
      ...(emptyCredHelpers ? { emptyCredHelpers: true as const } : {})
    })
    this.save()
  }

  /** Before a client's login: until its outcome is noted, post cannot tell whose the slots are. */
  startLogin(authFile: string, registry: string): void {
    const record = findRecord(this.records, authFile, registry)
    if (!record) return
    record.pending = true
    this.save()
  }

  /**
   * After a login (under the lock): claims what it left, so post can tell it from a later job's login. A login
   * that went through claims the entry it left; one that failed only an entry it changed (a client that wrote
   * before it failed), so its post leaves alone what it never wrote; the same for the mapping.
   */
  noteWritten(authFile: string, registry: string, succeeded: boolean): void {
    const record = findRecord(this.records, authFile, registry)
    if (!record) return
    const json = readAuthFile(authFile)
    const entry = authEntryIn(json, registry)
    // A login that went through but left nothing in the file (kept elsewhere): post cannot compare, so it logs out as before.
    if (succeeded && !entry && !record.wrote) record.pending = true
    else delete record.pending
    record.noted = true
    if (entry && (succeeded || !sameValue(entry, record.entry))) record.wrote = this.claim(record, 'entry', entry, record.wrote)
    // The mapping routes the login to the file: a login that went through relies on it as it is, even unchanged.
    const mapping = slotValue(json, registry, 'mapping') ?? {}
    if (succeeded || !sameValue(mapping, earlierMapping(record))) record.mapped = this.claim(record, 'mapping', mapping, record.mapped)
    this.save()
  }

  /** After the action's own change of a `credHelpers` mapping (under the lock): claims it. */
  noteMapped(authFile: string, registry: string): void {
    const record = findRecord(this.records, authFile, registry)
    if (!record) return
    record.noted = true
    record.mapped = this.claim(record, 'mapping', slotValue(readAuthFile(authFile), registry, 'mapping') ?? {}, record.mapped)
    this.save()
  }

  private claim(record: PreviousEntry, slot: Slot, value: AuthEntry, print: string | undefined): string {
    // One salt per record and slot, kept when a second client writes the same.
    const next = fingerprint(value, saltOf(print))
    claim(record.authFile, this.claimId, record.registry, slot, next)
    return next
  }

  private save(): void {
    writePrivateFile(this.file, JSON.stringify({ version: 3, claim: this.claimId, records: this.records } satisfies BackupJson))
  }
}

const earlierMapping = (record: PreviousEntry): AuthEntry => (record.credHelper === undefined ? {} : { credHelper: record.credHelper })

/** The backup as post reads it back; `skipped` counts records that were not well-formed. */
export interface SavedBackup {
  file: string
  /** The step's claim id (claims.ts). */
  claimId: string
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
  if (!isObject(json) || json.version !== 3 || typeof json.claim !== 'string' || !Array.isArray(json.records)) {
    throw new BackupUnreadable(file, 'does not hold what the main step writes there')
  }
  const records = json.records.filter(isRecord)
  for (const record of records) maskEntry(record.entry)
  return { file, claimId: json.claim, records, skipped: json.records.length - records.length }
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
