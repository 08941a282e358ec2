/** The hand-over note `<authfile>.registry-login-released` between jobs sharing an auth file. */
/*
 * Job A logs in, job B logs in over it (B's backup holds A's entry as "earlier"), A's post finds B's entry
 * and leaves it. Without a word from A, B's post would later put A's entry back: a login whose job is over.
 * So A's post leaves a note next to the auth file (0600): "the entry with this fingerprint is over; what was
 * there before it is this". B's post, about to restore an entry, follows such notes instead.
 *
 * A note holds an earlier entry in clear outside RUNNER_TEMP, so it must not outlive its use: if B never runs
 * its post (a cancelled runner), nothing would consume it. Each item names the job that wrote it and expires
 * when every job that could still consume it is over (net/policies.ts HANDOVER_NOTE_LIFETIME_MS after it was
 * written: only a job that logged in before then can need it). Whoever reads the notes next (a later main
 * backing up the file, a post) removes stale items: expired, dated further ahead than a lifetime (a clock set
 * back, or not ours), or not well-formed.
 */
import { rmSync, statSync } from 'node:fs'
import type { AuthEntry } from './auth-file.js'
import { isMapping, isObject, mappingOf, maskEntry, optional, type Mapping, type PreviousEntry } from './backup-records.js'
import { matches } from './fingerprint.js'
import { HANDOVER_NOTE_CLOCK_SLACK_MS, HANDOVER_NOTE_LIFETIME_MS } from '../net/policies.js'
import { readTextFile, writePrivateFile } from '../runner/files.js'

/** The job whose post wrote an item: the runner's GITHUB_RUN_ID, GITHUB_JOB and GITHUB_RUN_ATTEMPT. */
export interface NoteWriter {
  runId?: string
  job?: string
  attempt?: string
}

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
  /** Who wrote the item (absent in notes of 1.0.0). */
  by?: NoteWriter
  /** Epoch milliseconds after which no job can need the item (absent in 1.0.0: the file's time plus a lifetime). */
  expires?: number
}

/** What to put back for a registry: an entry (undefined: none) and its mapping. */
export interface Earlier {
  entry?: AuthEntry
  mapping: Mapping
}

const releasedFile = (authFile: string): string => `${authFile}.registry-login-released`

const isWriter = (value: unknown): value is NoteWriter =>
  isObject(value) && ['runId', 'job', 'attempt'].every(key => optional(value[key], v => typeof v === 'string'))

const isReleased = (item: unknown): item is Released =>
  isObject(item) &&
  typeof item.registry === 'string' &&
  (typeof item.wrote === 'string' || typeof item.mapped === 'string') &&
  optional(item.wrote, v => typeof v === 'string') &&
  optional(item.mapped, v => typeof v === 'string') &&
  optional(item.earlier, isObject) &&
  optional(item.mapping, isMapping) &&
  optional(item.by, isWriter) &&
  optional(item.expires, Number.isFinite)

/**
 * Whether an item can no longer be needed: past its expiry, or dated further ahead than one lifetime (and the
 * slack of file times: a clock set back, or a note this action did not write, would never expire).
 */
export function isStale(expires: number, now: number): boolean {
  return now >= expires || expires > now + HANDOVER_NOTE_LIFETIME_MS + HANDOVER_NOTE_CLOCK_SLACK_MS
}

function fileTimeOf(file: string): number {
  try {
    return statSync(file).mtimeMs
  } catch {
    return 0 // gone since it was read: its items count as expired
  }
}

/** The live items of the note; stale and ill-formed ones are removed from the file as it is read. */
function readReleased(authFile: string, now: number): Released[] {
  const file = releasedFile(authFile)
  let json: unknown
  try {
    json = JSON.parse(readTextFile(file) ?? '')
  } catch {
    return [] // none, or unreadable: restore what the backup says
  }
  const items: unknown[] = isObject(json) && Array.isArray(json.released) ? json.released : []
  // An item of 1.0.0 has no expiry: it was written no later than the file was last changed. It gets one, so
  // that rewriting the file (which changes that time) does not extend its life.
  const fileTime = fileTimeOf(file)
  const dated = items.filter(isReleased).map(item => ({ ...item, expires: item.expires ?? fileTime + HANDOVER_NOTE_LIFETIME_MS }))
  const live = dated.filter(item => !isStale(item.expires, now))
  if (live.length !== items.length || items.some(item => isObject(item) && item.expires === undefined)) writeReleased(authFile, live)
  return live
}

function writeReleased(authFile: string, items: Released[]): void {
  if (items.length === 0) rmSync(releasedFile(authFile), { force: true })
  else writePrivateFile(releasedFile(authFile), JSON.stringify({ version: 1, released: items }))
}

/** The job running this step, as the runner names it. */
function writerOf(env: NodeJS.ProcessEnv): NoteWriter {
  return {
    ...(env.GITHUB_RUN_ID ? { runId: env.GITHUB_RUN_ID } : {}),
    ...(env.GITHUB_JOB ? { job: env.GITHUB_JOB } : {}),
    ...(env.GITHUB_RUN_ATTEMPT ? { attempt: env.GITHUB_RUN_ATTEMPT } : {})
  }
}

/**
 * Notes that this step's entry (or, `slots.mapping` alone, its mapping), replaced by a later login, is over,
 * and what it had replaced.
 */
export function release(
  record: PreviousEntry,
  slots: { entry: boolean; mapping: boolean } = { entry: true, mapping: false },
  now = Date.now(),
  env: NodeJS.ProcessEnv = process.env
): void {
  const wrote = slots.entry ? record.wrote : undefined
  const mapped = !wrote && slots.mapping ? record.mapped : undefined
  if (!wrote && !mapped) return
  const items = readReleased(record.authFile, now)
  items.push({
    registry: record.registry,
    ...(wrote ? { wrote, ...(record.entry ? { earlier: record.entry } : {}) } : mapped ? { mapped } : {}),
    mapping: mappingOf(record),
    by: writerOf(env),
    expires: now + HANDOVER_NOTE_LIFETIME_MS
  })
  writeReleased(record.authFile, items)
}

/** Removes the stale items of the note next to `authFile` (the whole note when none is left); main, before backing the file up. */
export function dropStaleNotes(authFile: string, now = Date.now()): void {
  readReleased(authFile, now)
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
export function unreleased(authFile: string, registry: string, earlier: Earlier, now = Date.now()): Earlier {
  const items = readReleased(authFile, now)
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
