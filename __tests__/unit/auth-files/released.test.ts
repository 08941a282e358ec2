// The hand-over note next to a shared auth file: who wrote each item, when it expires, and who removes stale ones.
import { existsSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { writeAuthEntry } from '../../../src/auth-files/auth-file.js'
import { Backup, loadBackup } from '../../../src/auth-files/backup.js'
import type { PreviousEntry } from '../../../src/auth-files/backup-records.js'
import { dropStaleNotes, isStale, release, unreleased } from '../../../src/auth-files/released.js'
import { restoreRecords } from '../../../src/auth-files/restore.js'
import { HANDOVER_NOTE_CLOCK_SLACK_MS as SLACK, HANDOVER_NOTE_LIFETIME_MS as LIFETIME } from '../../../src/net/policies.js'

const REGISTRY = 'us.icr.io'
const U = { auth: Buffer.from('user:original').toString('base64') }
const A = { auth: Buffer.from('a:token-of-job-a').toString('base64') }
const B = { auth: Buffer.from('b:token-of-job-b').toString('base64') }
const JOB_A = { GITHUB_RUN_ID: '4242', GITHUB_JOB: 'build', GITHUB_RUN_ATTEMPT: '2' }
const NOW = Date.UTC(2026, 11, 7, 12, 0, 0)
const ENTRY_ONLY = { entry: true, mapping: false }

interface NoteJson {
  version: number
  released: Array<Record<string, unknown>>
}

/**
 * The situation the note is for: U in the file, job A logs in over it, job B over A. Returns A's record (its
 * backup's, with the fingerprint of what A wrote) and the note's path; nothing released yet.
 */
function aThenB(): { file: string; note: string; recordOfA: PreviousEntry } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'released-'))
  const file = path.join(dir, 'config.json')
  writeFileSync(file, JSON.stringify({ auths: { [REGISTRY]: U } }))
  const backups: string[] = []
  for (const [name, entry] of [
    ['a', A],
    ['b', B]
  ] as const) {
    const backup = new Backup(path.join(dir, `${name}.json`))
    backup.remember(file, REGISTRY)
    writeAuthEntry(file, REGISTRY, entry)
    backup.noteWritten(file, REGISTRY, true)
    backups.push(backup.file)
  }
  const recordOfA = loadBackup(backups[0]!).records[0]!
  return { file, note: `${file}.registry-login-released`, recordOfA }
}

const readNote = (note: string): NoteJson => JSON.parse(readFileSync(note, 'utf8')) as NoteJson
const writeNote = (note: string, items: Array<Record<string, unknown>>): void =>
  writeFileSync(note, JSON.stringify({ version: 1, released: items }), { mode: 0o600 })
/** What B's post would put back, asked at `now`: U when it follows A's note, A (the backup's) when it does not. */
const restoredBy = (file: string, now: number): unknown => unreleased(file, REGISTRY, { entry: A, mapping: {} }, now).entry

describe('what a hand-over note item carries', () => {
  test("the job that wrote it (run id, job, attempt) and an expiry one lifetime after it was written; a 1.0.0 reader's fields unchanged", () => {
    const { note, recordOfA } = aThenB()
    release(recordOfA, ENTRY_ONLY, NOW, JOB_A)
    const json = readNote(note)
    expect(json.version).toBe(1)
    expect(json.released).toEqual([
      {
        registry: REGISTRY,
        wrote: recordOfA.wrote,
        earlier: U,
        mapping: {},
        by: { runId: '4242', job: 'build', attempt: '2' },
        expires: NOW + LIFETIME
      }
    ])
  })

  test('outside a runner (no GITHUB_* variables) the writer is empty, the expiry the same', () => {
    const { note, recordOfA } = aThenB()
    release(recordOfA, ENTRY_ONLY, NOW, {})
    expect(readNote(note).released[0]).toMatchObject({ by: {}, expires: NOW + LIFETIME })
  })

  test('the lifetime is the longest a job can run (5 days, self-hosted)', () => {
    expect(LIFETIME).toBe(5 * 24 * 60 * 60 * 1000)
  })
})

describe('rules: which items are stale', () => {
  test.each([
    ['written just now', NOW + LIFETIME, false],
    ['one millisecond before its expiry', NOW + 1, false],
    ['at its expiry', NOW, true],
    ['past its expiry', NOW - 1, true],
    ['exactly one lifetime ahead', NOW + LIFETIME, false],
    ['a lifetime and the slack of file times ahead', NOW + LIFETIME + SLACK, false],
    ['dated further ahead than that (a clock set back, or not ours)', NOW + LIFETIME + SLACK + 1, true]
  ])('expiry %s', (_name, expires, stale) => {
    expect(isStale(expires, NOW)).toBe(stale)
  })
})

describe("B's post follows a live note and removes a stale one", () => {
  test('live: B puts back what was there before A, and uses the note up', () => {
    const { file, note, recordOfA } = aThenB()
    release(recordOfA, ENTRY_ONLY, NOW, JOB_A)
    expect(restoredBy(file, NOW + LIFETIME - 1)).toEqual(U)
    expect(existsSync(note)).toBe(false)
  })

  test("expired: the note is removed and B's backup counts (A's entry, as before notes existed)", () => {
    const { file, note, recordOfA } = aThenB()
    release(recordOfA, ENTRY_ONLY, NOW, JOB_A)
    expect(restoredBy(file, NOW + LIFETIME)).toEqual(A)
    expect(existsSync(note)).toBe(false)
  })

  test('dated more than a lifetime ahead: removed', () => {
    const { file, note, recordOfA } = aThenB()
    release(recordOfA, ENTRY_ONLY, NOW + SLACK + 1, JOB_A)
    expect(restoredBy(file, NOW)).toEqual(A)
    expect(existsSync(note)).toBe(false)
  })

  test('a post with nothing to put back (no earlier entry) still removes stale items', () => {
    const { file, note, recordOfA } = aThenB()
    release(recordOfA, ENTRY_ONLY, NOW, JOB_A)
    expect(unreleased(file, REGISTRY, { mapping: {} }, NOW + LIFETIME).entry).toBeUndefined()
    expect(existsSync(note)).toBe(false)
  })

  test('a later release keeps the live items and drops the stale ones', () => {
    const { note, recordOfA } = aThenB()
    writeNote(note, [
      { registry: 'old.example', wrote: 'x', expires: NOW - 1 },
      { registry: 'live.example', wrote: 'y', expires: NOW + 1000 }
    ])
    release(recordOfA, ENTRY_ONLY, NOW, JOB_A)
    expect(readNote(note).released.map(item => item.registry)).toEqual(['live.example', REGISTRY])
  })
})

describe('notes written by 1.0.0 (no writer, no expiry): the file was changed last no earlier than they were written', () => {
  const legacy = (recordOfA: PreviousEntry): Record<string, unknown> => ({
    registry: REGISTRY,
    wrote: recordOfA.wrote,
    earlier: U,
    mapping: {}
  })

  test('a recent one is followed, even read at once (a file time runs up to a millisecond ahead of Date.now())', () => {
    const { file, note, recordOfA } = aThenB()
    writeNote(note, [legacy(recordOfA)])
    const ahead = (Date.now() + 30_000) / 1000
    utimesSync(note, ahead, ahead)
    expect(restoredBy(file, Date.now())).toEqual(U)
  })

  test('one older than a lifetime is removed', () => {
    const { file, note, recordOfA } = aThenB()
    writeNote(note, [legacy(recordOfA)])
    const old = (Date.now() - LIFETIME - 60_000) / 1000
    utimesSync(note, old, old)
    expect(restoredBy(file, Date.now())).toEqual(A)
    expect(existsSync(note)).toBe(false)
  })

  test('a kept one gets its expiry written down, so that rewriting the file does not extend its life', () => {
    const { file, note, recordOfA } = aThenB()
    writeNote(note, [legacy(recordOfA), { registry: 'gone.example', wrote: 'x', expires: 1 }])
    const changed = Math.floor((Date.now() - 60_000) / 1000)
    utimesSync(note, changed, changed)
    dropStaleNotes(file, Date.now())
    expect(readNote(note).released).toEqual([{ ...legacy(recordOfA), expires: changed * 1000 + LIFETIME }])
  })
})

describe('ill-formed items are removed, the well-formed ones kept', () => {
  test.each([
    ['an expiry that is not a number', { expires: 'soon' }],
    ['an expiry of null', { expires: null }],
    ['a writer that is not an object', { by: 'job' }],
    ['a writer with a number for a run id', { by: { runId: 1001 } }],
    ['no fingerprint', { wrote: undefined }]
  ])('%s', (_name, change) => {
    const { file, note } = aThenB()
    const good = { registry: 'good.example', wrote: 'y', by: { runId: '1' }, expires: NOW + 1000 }
    writeNote(note, [{ ...good, registry: 'bad.example', ...change }, good])
    dropStaleNotes(file, NOW)
    expect(readNote(note).released).toEqual([good])
  })
})

describe('a later main removes stale notes the first time it touches the file', () => {
  test('an expired note goes, a live one stays', () => {
    for (const [expires, kept] of [
      [Date.now() - 1, false],
      [Date.now() + 60_000, true]
    ] as const) {
      const { file, note } = aThenB()
      writeNote(note, [{ registry: REGISTRY, wrote: 'x', earlier: U, expires }])
      new Backup(path.join(path.dirname(file), 'c.json')).remember(file, REGISTRY)
      expect([expires, existsSync(note)]).toEqual([expires, kept])
    }
  })

  test('dropStaleNotes without a note, or with only live items, writes nothing', () => {
    const { file, note } = aThenB()
    dropStaleNotes(file, NOW)
    expect(existsSync(note)).toBe(false)
    writeNote(note, [{ registry: REGISTRY, wrote: 'x', expires: NOW + 1000 }])
    const before = readFileSync(note, 'utf8')
    dropStaleNotes(file, NOW)
    expect(readFileSync(note, 'utf8')).toBe(before)
  })

  test("a later post removes them too (the restore of a job that never saw the registry's note)", () => {
    const { file, note } = aThenB()
    const backup = new Backup(path.join(path.dirname(file), 'c.json'))
    backup.remember(file, 'other.example')
    writeNote(note, [{ registry: REGISTRY, wrote: 'x', earlier: U, expires: Date.now() - 1 }])
    const saved = loadBackup(backup.file)
    restoreRecords(saved, saved.records)
    expect(existsSync(note)).toBe(false)
  })
})
