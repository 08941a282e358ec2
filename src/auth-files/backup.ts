import { rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import {
  credHelperPosition,
  hasEmptyCredHelpers,
  readAuthEntry,
  readCredHelper,
  readOtherSettings,
  restoreEmptyCredHelpers,
  restoreOtherSettings,
  writeAuthEntry,
  writeCredHelper,
  type AuthEntry
} from './auth-file.js'
import { errorMessage } from '../log/errors.js'
import { readTextFile, writePrivateFile } from '../runner/files.js'
import { fileKey, inTurn } from './per-file.js'
import { maskSecret } from '../log/secrets.js'

/**
 * One (auth file, registry) main touched: the entry as it was before (`entry` undefined: there
 * was none), the file's `credHelpers` mapping for the registry (`credHelper` undefined: none),
 * and a fingerprint of the entry this step's logins left (`wrote`; undefined until one did).
 */
export interface PreviousEntry {
  authFile: string
  registry: string
  entry?: AuthEntry
  credHelper?: string
  /** Where the mapping sat among the `credHelpers` keys, so that it goes back to the same place. */
  credHelperAt?: number
  /** The file's other top-level settings (on the first record of each file), put back if a client dropped them. */
  otherSettings?: Record<string, unknown>
  /** The file had an empty `credHelpers` map (on the first record of each file): put back once the mappings are. */
  emptyCredHelpers?: true
  wrote?: string
}

/** The 0600 backup file under RUNNER_TEMP. */
interface BackupJson {
  version: 2
  records: PreviousEntry[]
}

export function newBackupFile(env: NodeJS.ProcessEnv): string {
  const dir = env.RUNNER_TEMP || os.tmpdir()
  return path.join(dir, `registry-login-${randomBytes(8).toString('hex')}.json`)
}

function maskEntry(entry: AuthEntry | undefined): void {
  for (const value of Object.values(entry ?? {})) if (typeof value === 'string') maskSecret(value)
}

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
function fingerprint(entry: AuthEntry, salt = randomBytes(16).toString('hex')): string {
  return `${salt}:${hashOf(entry, salt)}`
}

function hashOf(entry: AuthEntry, salt: string): string {
  return createHmac('sha256', salt).update(canonical(entry)).digest('hex')
}

function matches(entry: AuthEntry, print: string): boolean {
  const [salt, hash] = print.split(':')
  if (!salt || !hash) return false
  const expected = Buffer.from(hash, 'hex')
  const actual = Buffer.from(hashOf(entry, salt), 'hex')
  return expected.length === actual.length && timingSafeEqual(expected, actual)
}

/**
 * The record of (auth file, registry) however the file is spelled: docker's DOCKER_CONFIG/config.json
 * and podman's REGISTRY_AUTH_FILE may name one file through a symlink or a relative path, and a second
 * record for it would take the first client's login for the "earlier" entry that post puts back.
 */
function findRecord(records: readonly PreviousEntry[], authFile: string, registry: string): PreviousEntry | undefined {
  const key = fileKey(authFile)
  return records.find(r => r.registry === registry && (r.authFile === authFile || recordKey(r) === key))
}

/** Each record's fileKey, worked out once: a step looks records up for every login and logout. */
const recordKeys = new WeakMap<PreviousEntry, string>()
function recordKey(record: PreviousEntry): string {
  let key = recordKeys.get(record)
  if (key === undefined) recordKeys.set(record, (key = fileKey(record.authFile)))
  return key
}

/** Remembers each (auth file, registry) the first time it is touched, before the login overwrites it. */
export class Backup {
  private readonly records: PreviousEntry[] = []

  constructor(readonly file: string) {}

  async remember(authFile: string, registry: string): Promise<void> {
    if (this.find(authFile, registry)) return
    const entry = await readAuthEntry(authFile, registry)
    const credHelper = await readCredHelper(authFile, registry)
    const credHelperAt = await credHelperPosition(authFile, registry)
    // A file's other settings are saved once, with its first record, however the file is spelled.
    const key = fileKey(authFile)
    const first = !this.records.some(r => r.authFile === authFile || recordKey(r) === key)
    const otherSettings = first ? await readOtherSettings(authFile) : {}
    const emptyCredHelpers = first && (await hasEmptyCredHelpers(authFile))
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
    await this.save()
  }

  /** After a login: notes what it left in the file, so post can tell it from a later job's login. */
  async noteWritten(authFile: string, registry: string): Promise<void> {
    const record = this.find(authFile, registry)
    const entry = await readAuthEntry(authFile, registry)
    if (!record || !entry) return
    // One salt per record, kept when a second client writes the same entry.
    record.wrote = fingerprint(entry, record.wrote?.split(':')[0])
    await this.save()
  }

  private find(authFile: string, registry: string): PreviousEntry | undefined {
    return findRecord(this.records, authFile, registry)
  }

  /**
   * Logins into different auth files run at the same time: their writes of the backup take turns,
   * and each writes the records as they are at its turn, so the last write holds them all.
   */
  private save(): Promise<void> {
    return inTurn(this.file, async () =>
      writePrivateFile(this.file, JSON.stringify({ version: 2, records: this.records } satisfies BackupJson))
    )
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

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)
const optional = (value: unknown, test: (v: unknown) => boolean): boolean => value === undefined || test(value)

function isRecord(value: unknown): value is PreviousEntry {
  return (
    isObject(value) &&
    typeof value.authFile === 'string' &&
    value.authFile !== '' &&
    typeof value.registry === 'string' &&
    value.registry !== '' &&
    optional(value.entry, isObject) &&
    optional(value.credHelper, v => typeof v === 'string') &&
    optional(value.credHelperAt, v => Number.isInteger(v) && (v as number) >= 0) &&
    optional(value.otherSettings, isObject) &&
    optional(value.emptyCredHelpers, v => v === true) &&
    optional(value.wrote, v => typeof v === 'string')
  )
}

/** Reads and checks the backup main wrote; throws BackupUnreadable saying what is wrong with it. */
export async function loadBackup(file: string): Promise<SavedBackup> {
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

/**
 * Whose entry the auth file holds now for a registry main logged into: `ours` (what this step
 * wrote), `foreign` (someone logged in after us: another job on a shared runner), `gone`, or
 * `unknown` (no fingerprint: the login failed before writing, or the backup is lost).
 */
export type Ownership = 'ours' | 'foreign' | 'gone' | 'unknown'

export async function ownership(backup: SavedBackup | undefined, authFile: string, registry: string): Promise<Ownership> {
  const record = backup ? findRecord(backup.records, authFile, registry) : undefined
  if (!backup || !record?.wrote) return 'unknown'
  let now: AuthEntry | undefined
  try {
    now = await readAuthEntry(authFile, registry)
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
export async function restoreBackup(backup: SavedBackup): Promise<RestoreReport> {
  const report: RestoreReport = { leftAlone: [], failures: [] }
  for (const record of backup.records) {
    const { authFile, registry, entry, otherSettings } = record
    try {
      if ((await ownership(backup, authFile, registry)) === 'foreign') {
        report.leftAlone.push(record)
        await release(record)
        continue
      }
      if (otherSettings) await restoreOtherSettings(authFile, otherSettings)
      const earlier = await unreleased(authFile, registry, { ...(entry ? { entry } : {}), mapping: mappingOf(record) })
      const mapping = earlier.mapping
      const at = mapping.credHelperAt === undefined ? undefined : await credHelperPosition(authFile, registry)
      if ((await readCredHelper(authFile, registry)) !== mapping.credHelper || at !== mapping.credHelperAt) {
        await writeCredHelper(
          authFile,
          registry,
          mapping.credHelper,
          mapping.credHelperAt === undefined ? {} : { at: mapping.credHelperAt }
        )
      }
      // No earlier entry: make sure ours is gone even if the client's own logout failed.
      if (!earlier.entry && !(await readAuthEntry(authFile, registry))) continue
      await writeAuthEntry(authFile, registry, earlier.entry)
    } catch (error) {
      report.failures.push({ record, error })
    }
  }
  // After every mapping went back: removing the last one dropped the map.
  for (const record of backup.records.filter(r => r.emptyCredHelpers)) {
    try {
      await restoreEmptyCredHelpers(record.authFile)
    } catch (error) {
      report.failures.push({ record, error })
    }
  }
  rmSync(backup.file, { force: true })
  return report
}

/*
 * Hand-over between jobs sharing an auth file. Job A logs in, job B logs in over it (B's backup
 * holds A's entry as "earlier"), A's post finds B's entry and leaves it. Without a word from A,
 * B's post would later put A's entry back: a login whose job is over. So A's post leaves a note
 * next to the auth file (0600): "the entry with this fingerprint is over; what was there before
 * it is this". B's post, about to restore an entry, follows such notes instead.
 */
interface Released {
  registry: string
  wrote: string
  earlier?: AuthEntry
  /**
   * The `credHelpers` mapping before the released job (which routed the registry to the file for
   * itself): the later job saw that job's routing as "earlier" and would put it back for good.
   */
  mapping?: Mapping
}

/** A registry's `credHelpers` mapping and its place among the keys (both undefined: no mapping). */
interface Mapping {
  credHelper?: string
  credHelperAt?: number
}

const mappingOf = ({ credHelper, credHelperAt }: PreviousEntry): Mapping => ({
  ...(credHelper !== undefined ? { credHelper } : {}),
  ...(credHelperAt !== undefined ? { credHelperAt } : {})
})

const isMapping = (value: unknown): value is Mapping =>
  isObject(value) &&
  optional(value.credHelper, v => typeof v === 'string') &&
  optional(value.credHelperAt, v => Number.isInteger(v) && (v as number) >= 0)

const releasedFile = (authFile: string): string => `${authFile}.registry-login-released`

async function readReleased(authFile: string): Promise<Released[]> {
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
      typeof item.wrote === 'string' &&
      optional(item.earlier, isObject) &&
      optional(item.mapping, isMapping)
  )
}

async function writeReleased(authFile: string, items: Released[]): Promise<void> {
  if (items.length === 0) rmSync(releasedFile(authFile), { force: true })
  else writePrivateFile(releasedFile(authFile), JSON.stringify({ version: 1, released: items }))
}

/** Notes that this step's entry, replaced by a later login, is over, and what it had replaced. */
async function release(record: PreviousEntry): Promise<void> {
  if (!record.wrote) return
  const items = await readReleased(record.authFile)
  items.push({
    registry: record.registry,
    wrote: record.wrote,
    ...(record.entry ? { earlier: record.entry } : {}),
    mapping: mappingOf(record)
  })
  await writeReleased(record.authFile, items)
}

/**
 * The entry and mapping to put back: the backup's, unless the job whose entry they are released it
 * (then what that job had replaced, and so on).
 */
async function unreleased(
  authFile: string,
  registry: string,
  earlier: { entry?: AuthEntry; mapping: Mapping }
): Promise<{ entry?: AuthEntry; mapping: Mapping }> {
  if (!earlier.entry) return earlier
  const items = await readReleased(authFile)
  if (items.length === 0) return earlier
  let current = earlier
  for (;;) {
    const candidate: AuthEntry | undefined = current.entry
    const at: number = candidate ? items.findIndex(item => item.registry === registry && matches(candidate, item.wrote)) : -1
    if (at < 0) break
    const item = items[at]!
    current = { ...(item.earlier ? { entry: item.earlier } : {}), mapping: item.mapping ?? current.mapping }
    items.splice(at, 1)
  }
  maskEntry(current.entry)
  await writeReleased(authFile, items)
  return current
}
