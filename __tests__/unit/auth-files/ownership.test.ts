// Ownership in every mode, at the auth-file layer (#21): two jobs sharing one docker config, every order of their
// main and post steps, auth-files or credential-helper mode on either side, a failed login on either side,
// identical logins: the job still running keeps its login, and after both posts the file is byte for byte what
// it was, with nothing of either job next to it.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { readAuthEntry, readAuthFile, readCredHelper, writeAuthEntry, writeCredHelper } from '../../../src/auth-files/auth-file.js'
import { Backup, loadBackup } from '../../../src/auth-files/backup.js'
import { claim, claimsFileOf, holderOf } from '../../../src/auth-files/claims.js'
import { fingerprint } from '../../../src/auth-files/fingerprint.js'
import { ownership, restoreRecords } from '../../../src/auth-files/restore.js'
import { CLAIM_TTL_MS } from '../../../src/net/policies.js'
import { captureStdout, type StdoutCapture } from '../../helpers/stdout.js'

const REG = 'us.icr.io'
const HELPER = 'registry-login'
const b64 = (text: string): string => Buffer.from(text).toString('base64')
const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'ownership-'))

let stdout: StdoutCapture
beforeEach(() => (stdout = captureStdout()))
afterEach(() => stdout.restore())

type Kind = 'auth-files' | 'helper'
interface Job {
  name: 'A' | 'B'
  kind: Kind
  fails: boolean
  entry: { auth: string }
  backup?: string
}

/** Where docker takes the registry's credential from, as docker/cli reads a config (storage-rules.ts). */
function dockerSource(file: string): string {
  const json = readAuthFile(file)
  const helper = readCredHelper(file, REG)
  if (helper === '') return 'file'
  if (helper !== undefined) return `helper ${helper}`
  return json?.credsStore ? `store ${json.credsStore as string}` : 'file'
}

/**
 * main of one job, as the modes run it: back up, route past a helper or store (auth-files mode), log in (a
 * refused login writes nothing), note what it left; credential-helper mode maps the registry to its helper
 * (a refused key fails main at the cloud call, before anything is written).
 */
function main(dir: string, file: string, job: Job): void {
  if (job.kind === 'helper' && job.fails) return
  const backup = new Backup(path.join(dir, `backup-${job.name}.json`), `claim-${job.name}`)
  backup.remember(file, REG)
  job.backup = backup.file
  if (job.kind === 'helper') {
    writeCredHelper(file, REG, HELPER)
    backup.noteMapped(file, REG)
    return
  }
  backup.startLogin(file, REG)
  if (dockerSource(file) !== 'file') writeCredHelper(file, REG, '', { keepEmpty: true })
  if (!job.fails) writeAuthEntry(file, REG, job.entry)
  backup.noteWritten(file, REG, !job.fails)
}

/** post of one job: docker's logout only where the entry is still this job's (and reaches the file), then the restore. */
function post(file: string, job: Job): void {
  if (!job.backup) return
  const saved = loadBackup(job.backup)
  const owner = ownership(saved, file, REG)
  if (job.kind === 'auth-files' && (owner === 'ours' || owner === 'unknown') && dockerSource(file) === 'file')
    writeAuthEntry(file, REG, undefined)
  expect(restoreRecords(saved, saved.records).failures).toEqual([])
  rmSync(job.backup)
}

/** The login docker uses now is this job's own: its entry through the file, or (credential-helper mode) its helper. */
function keepsItsLogin(file: string, job: Job): void {
  if (job.kind === 'helper') expect({ job: job.name, source: dockerSource(file) }).toEqual({ job: job.name, source: `helper ${HELPER}` })
  else
    expect({ job: job.name, source: dockerSource(file), entry: readAuthEntry(file, REG) }).toEqual({
      job: job.name,
      source: 'file',
      entry: job.entry
    })
}

/** Files as docker writes them (tabs, no final line break): byte for byte after both posts. */
const STARTS = {
  'an earlier login for the registry': {
    auths: { 'a.example': { auth: b64('a:1') }, [REG]: { auth: b64('someone:earlier') }, 'z.example': { auth: b64('z:1') } }
  },
  'a credsStore (docker routed to the file for the job)': { auths: {}, credsStore: 'desktop' },
  'an earlier credHelpers mapping of the registry': {
    auths: { 'a.example': { auth: b64('a:1') } },
    credHelpers: { 'gcr.io': 'gcloud', [REG]: 'ecr-login' }
  }
}

const ORDERS = ['AmApBmBp', 'AmBmApBp', 'AmBmBpAp', 'BmBpAmAp', 'BmAmBpAp', 'BmAmApBp']
const PAIRS: Array<[Kind, Kind]> = [
  ['auth-files', 'auth-files'],
  ['helper', 'helper'],
  ['auth-files', 'helper'],
  ['helper', 'auth-files']
]
const FAILS = ['none', 'A', 'B'] as const

/** Runs the steps of `order` ("AmBmApBp"), checking after each post that the job still running keeps its login. */
function run(dir: string, file: string, jobs: Record<'A' | 'B', Job>, order: string): void {
  const running = new Set<'A' | 'B'>()
  for (const step of order.match(/[AB][mp]/g)!) {
    const job = jobs[step[0] as 'A' | 'B']
    if (step[1] === 'm') {
      main(dir, file, job)
      if (!job.fails) running.add(job.name)
      continue
    }
    post(file, job)
    running.delete(job.name)
    for (const other of running) keepsItsLogin(file, jobs[other])
  }
}

const cases = Object.keys(STARTS).flatMap(start =>
  PAIRS.flatMap(([a, b]) => ORDERS.flatMap(order => FAILS.map(fails => [start, a, b, order, fails] as const)))
)

test.each(cases)('starting with %s: A %s, B %s, order %s, failed login: %s', (start, kindA, kindB, order, fails) => {
  const dir = tmp()
  const file = path.join(dir, 'config.json')
  const before = JSON.stringify(STARTS[start as keyof typeof STARTS], null, '\t')
  writeFileSync(file, before)
  run(
    dir,
    file,
    {
      A: { name: 'A', kind: kindA, fails: fails === 'A', entry: { auth: b64('iamapikey:key-of-job-a') } },
      B: { name: 'B', kind: kindB, fails: fails === 'B', entry: { auth: b64('iamapikey:key-of-job-b') } }
    },
    order
  )
  expect(readFileSync(file, 'utf8')).toBe(before)
  expect(readdirSync(dir)).toEqual(['config.json'])
})

test.each(ORDERS)('identical logins (the same static key in two jobs): the latest claim tells whose it is, %s', order => {
  const dir = tmp()
  const file = path.join(dir, 'config.json')
  const before = JSON.stringify(STARTS['an earlier login for the registry'], null, '\t')
  writeFileSync(file, before)
  const same = { auth: b64('iamapikey:the-same-key') }
  run(
    dir,
    file,
    { A: { name: 'A', kind: 'auth-files', fails: false, entry: same }, B: { name: 'B', kind: 'auth-files', fails: false, entry: same } },
    order
  )
  expect(readFileSync(file, 'utf8')).toBe(before)
  expect(readdirSync(dir)).toEqual(['config.json'])
})

describe('what a failed login records', () => {
  test("nothing written: no claim on the entry, so post leaves the later job's login (no logout, no restore)", () => {
    const dir = tmp()
    const file = path.join(dir, 'config.json')
    writeFileSync(file, '{}')
    const a: Job = { name: 'A', kind: 'auth-files', fails: true, entry: { auth: b64('a:refused') } }
    main(dir, file, a)
    expect(JSON.parse(readFileSync(a.backup!, 'utf8')).records).toEqual([{ authFile: file, registry: REG, noted: true }])
    writeAuthEntry(file, REG, { auth: b64('b:later') })
    expect(ownership(loadBackup(a.backup!), file, REG)).toBe('unclaimed')
    post(file, a)
    expect(readAuthEntry(file, REG)).toEqual({ auth: b64('b:later') })
  })

  test('a client that wrote before it failed: that entry is claimed and taken away by post', () => {
    const dir = tmp()
    const file = path.join(dir, 'config.json')
    writeFileSync(file, '{}')
    const backup = new Backup(path.join(dir, 'backup.json'), 'a')
    backup.remember(file, REG)
    backup.startLogin(file, REG)
    writeAuthEntry(file, REG, { auth: b64('a:half-done') })
    backup.noteWritten(file, REG, false)
    const saved = loadBackup(backup.file)
    expect(ownership(saved, file, REG)).toBe('ours')
    restoreRecords(saved, saved.records)
    expect(readFileSync(file, 'utf8')).toBe('{"auths":{}}')
    expect(readdirSync(dir).sort()).toEqual(['backup.json', 'config.json'])
  })

  test('main ended during a login (its outcome never noted): post cannot tell, so it logs out and restores as before', () => {
    const dir = tmp()
    const file = path.join(dir, 'config.json')
    writeFileSync(file, '{}')
    const backup = new Backup(path.join(dir, 'backup.json'), 'a')
    backup.remember(file, REG)
    backup.startLogin(file, REG)
    writeAuthEntry(file, REG, { auth: b64('a:killed-mid-login') })
    expect(ownership(loadBackup(backup.file), file, REG)).toBe('unknown')
  })

  test('a login that went through but left no entry in the file (a client keeping it elsewhere): unknown, so post logs out', () => {
    const dir = tmp()
    const file = path.join(dir, 'config.json')
    writeFileSync(file, '{}')
    const backup = new Backup(path.join(dir, 'backup.json'), 'a')
    backup.remember(file, REG)
    backup.startLogin(file, REG)
    backup.noteWritten(file, REG, true)
    expect(ownership(loadBackup(backup.file), file, REG)).toBe('unknown')
  })
})

describe('post writes only over its own login, the earlier entry or nothing, checked right before the write', () => {
  test('an entry another login wrote without the action (a plain docker login) after this step is left, and so is its mapping', () => {
    const dir = tmp()
    const file = path.join(dir, 'config.json')
    writeFileSync(file, JSON.stringify({ auths: {}, credsStore: 'desktop' }))
    const a: Job = { name: 'A', kind: 'auth-files', fails: false, entry: { auth: b64('a:1') } }
    main(dir, file, a)
    writeAuthEntry(file, REG, { auth: b64('plain:login') })
    const saved = loadBackup(a.backup!)
    expect(ownership(saved, file, REG)).toBe('foreign')
    expect(restoreRecords(saved, saved.records).leftAlone.map(r => r.registry)).toEqual([REG])
    expect(readAuthEntry(file, REG)).toEqual({ auth: b64('plain:login') })
    expect(readCredHelper(file, REG)).toBe('')
  })

  test('a mapping another helper took since credential-helper mode mapped the registry is left as it is', () => {
    const dir = tmp()
    const file = path.join(dir, 'config.json')
    writeFileSync(file, '{}')
    const a: Job = { name: 'A', kind: 'helper', fails: false, entry: { auth: '' } }
    main(dir, file, a)
    writeCredHelper(file, REG, 'ecr-login')
    const saved = loadBackup(a.backup!)
    expect(restoreRecords(saved, saved.records).leftAlone.map(r => r.registry)).toEqual([REG])
    expect(readCredHelper(file, REG)).toBe('ecr-login')
  })

  test("credential-helper mode never writes the entry: post leaves the registry's entry alone, whoever's it is", () => {
    const dir = tmp()
    const file = path.join(dir, 'config.json')
    const earlier = { auth: b64('iamapikey:long-lived-key-of-b') }
    writeFileSync(file, JSON.stringify({ auths: { [REG]: earlier } }))
    const a: Job = { name: 'A', kind: 'helper', fails: false, entry: { auth: '' } }
    main(dir, file, a)
    writeAuthEntry(file, REG, undefined) // B's post logged B out meanwhile
    post(file, a)
    expect(readFileSync(file, 'utf8')).toBe('{"auths":{}}') // the file's own layout kept
  })
})

describe('claims', () => {
  test('the latest matching claim holds the slot; a lapsed claim is dropped by the next read, and the file with the last one', () => {
    const file = path.join(tmp(), 'config.json')
    const value = { credHelper: HELPER }
    claim(file, 'a', REG, 'mapping', fingerprint(value))
    claim(file, 'b', REG, 'mapping', fingerprint(value))
    expect(holderOf(file, REG, 'mapping', value)).toBe('b')
    expect(holderOf(file, REG, 'mapping', { credHelper: 'other' })).toBeUndefined()
    expect(holderOf(file, REG, 'entry', value)).toBeUndefined()
    claim(file, 'a', REG, 'mapping', fingerprint(value))
    expect(holderOf(file, REG, 'mapping', value)).toBe('a')
    const claims = JSON.parse(readFileSync(claimsFileOf(file), 'utf8')) as { claims: Array<{ id: string; expires: number }> }
    expect(claims.claims.map(c => c.id)).toEqual(['b', 'a'])
    // both lapse: the next read drops them and the file
    writeFileSync(claimsFileOf(file), JSON.stringify({ ...claims, claims: claims.claims.map(c => ({ ...c, expires: Date.now() - 1 })) }))
    expect(holderOf(file, REG, 'mapping', value)).toBeUndefined()
    expect(readdirSync(path.dirname(file))).toEqual([])
  })

  test('a claim lives CLAIM_TTL_MS (the longest job, 5 days) from when it was made', () => {
    const file = path.join(tmp(), 'config.json')
    claim(file, 'a', REG, 'entry', 'x:y', 1_000)
    expect(JSON.parse(readFileSync(claimsFileOf(file), 'utf8'))).toEqual({
      version: 1,
      claims: [{ id: 'a', registry: REG, slot: 'entry', print: 'x:y', expires: 1_000 + CLAIM_TTL_MS }]
    })
    expect(CLAIM_TTL_MS).toBe(5 * 24 * 60 * 60 * 1000)
  })

  test('a claims file that is not JSON counts as none, and the next claim replaces it', () => {
    const file = path.join(tmp(), 'config.json')
    writeFileSync(claimsFileOf(file), 'garbage')
    expect(holderOf(file, REG, 'entry', {})).toBeUndefined()
    claim(file, 'a', REG, 'entry', fingerprint({}))
    expect(holderOf(file, REG, 'entry', {})).toBe('a')
  })
})
