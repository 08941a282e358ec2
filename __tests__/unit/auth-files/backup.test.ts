import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { readAuthEntry, readCredHelper, writeAuthEntry, writeCredHelper } from '../../../src/auth-files/auth-file.js'
import { Backup, loadBackup } from '../../../src/auth-files/backup.js'
import { ownership, restoreRecords, type RestoreReport } from '../../../src/auth-files/restore.js'
import type { SavedBackup } from '../../../src/auth-files/backup.js'

/** Post's restore of the whole backup at once (each file's records; post does it per file under the file's lock). */
function restoreBackup(backup: SavedBackup): RestoreReport {
  const report = restoreRecords(backup, backup.records)
  rmSync(backup.file, { force: true })
  return report
}

const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'backup-'))
const read = (file: string): Record<string, unknown> => JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>

describe('credHelpers mapping', () => {
  test('set, read and remove one registry, keeping the rest of the file', async () => {
    const file = path.join(tmp(), 'config.json')
    writeFileSync(file, JSON.stringify({ credsStore: 'desktop', credHelpers: { 'gcr.io': 'gcloud' }, plugins: { x: 1 } }))
    writeCredHelper(file, 'cr.yandex', '')
    expect(readCredHelper(file, 'cr.yandex')).toBe('')
    expect(readCredHelper(file, 'gcr.io')).toBe('gcloud')
    writeCredHelper(file, 'cr.yandex', undefined)
    expect(readCredHelper(file, 'cr.yandex')).toBeUndefined()
    expect(read(file)).toEqual({ credsStore: 'desktop', credHelpers: { 'gcr.io': 'gcloud' }, plugins: { x: 1 } })
  })

  test('an emptied credHelpers map is dropped', async () => {
    const file = path.join(tmp(), 'config.json')
    writeCredHelper(file, 'us.icr.io', 'registry-login')
    writeCredHelper(file, 'us.icr.io', undefined)
    expect(read(file)).toEqual({})
  })
})

describe('backup and restore', () => {
  test('puts back the earlier entry and the earlier credHelpers mapping, removes what the job added', async () => {
    const dir = tmp()
    const file = path.join(dir, 'config.json')
    writeFileSync(file, JSON.stringify({ auths: { 'us.icr.io': { auth: 'b2xkOm9sZA==' } }, credHelpers: { 'cr.yandex': 'yc' } }))
    const backup = new Backup(path.join(dir, 'backup.json'))
    backup.remember(file, 'us.icr.io')
    backup.remember(file, 'cr.yandex')
    writeAuthEntry(file, 'us.icr.io', { auth: 'bmV3Om5ldw==' })
    writeCredHelper(file, 'cr.yandex', '')
    writeAuthEntry(file, 'cr.yandex', { auth: 'bmV3Om5ldw==' })

    expect(restoreBackup(loadBackup(backup.file))).toEqual({ leftAlone: [], failures: [] })
    expect(read(file)).toEqual({ auths: { 'us.icr.io': { auth: 'b2xkOm9sZA==' } }, credHelpers: { 'cr.yandex': 'yc' } })
  })

  test('a mapping goes back to its place among the credHelpers keys, even after a client rewrote the map in its own order', async () => {
    const dir = tmp()
    const file = path.join(dir, 'config.json')
    const before = { credHelpers: { 'gcr.io': 'gcloud', 'registry.yandexcloud.net': 'yc', 'cr.yandex': 'yc' } }
    writeFileSync(file, JSON.stringify(before))
    const backup = new Backup(path.join(dir, 'backup.json'))
    backup.remember(file, 'registry.yandexcloud.net')
    // docker (Go) writes map keys sorted
    writeFileSync(file, JSON.stringify({ credHelpers: { 'cr.yandex': 'yc', 'gcr.io': 'gcloud', 'registry.yandexcloud.net': '' } }))
    expect(restoreBackup(loadBackup(backup.file))).toEqual({ leftAlone: [], failures: [] })
    expect(Object.keys(read(file).credHelpers as object)).toEqual(['cr.yandex', 'registry.yandexcloud.net', 'gcr.io'])
    expect(read(file)).toEqual(before)
  })

  test.each([
    ['the action added a mapping, then post removed it', async (file: string) => writeCredHelper(file, 'us.icr.io', 'registry-login')],
    [
      'docker dropped it when it saved (omitempty)',
      async (file: string) => writeFileSync(file, JSON.stringify({ auths: { 'us.icr.io': { auth: 'bmV3Om5ldw==' } } }))
    ]
  ])('an empty credHelpers map the file had comes back: %s (#9)', async (_name, change) => {
    const dir = tmp()
    const file = path.join(dir, 'config.json')
    const before = { auths: {}, credHelpers: {} }
    writeFileSync(file, JSON.stringify(before))
    const backup = new Backup(path.join(dir, 'backup.json'))
    backup.remember(file, 'us.icr.io')
    backup.remember(file, 'de.icr.io')
    await change(file)
    writeCredHelper(file, 'de.icr.io', '')
    expect(restoreBackup(loadBackup(backup.file))).toEqual({ leftAlone: [], failures: [] })
    expect(read(file)).toEqual(before)
  })

  test('a file without a credHelpers map gets none', async () => {
    const dir = tmp()
    const file = path.join(dir, 'config.json')
    writeFileSync(file, JSON.stringify({ auths: {} }))
    const backup = new Backup(path.join(dir, 'backup.json'))
    backup.remember(file, 'us.icr.io')
    writeCredHelper(file, 'us.icr.io', 'registry-login')
    expect(restoreBackup(loadBackup(backup.file))).toEqual({ leftAlone: [], failures: [] })
    expect(read(file)).toEqual({ auths: {} })
  })

  test('settings a containers tool dropped when it rewrote a shared docker config.json (credsStore, proxies) come back; present ones are left alone', async () => {
    const dir = tmp()
    const file = path.join(dir, 'config.json')
    writeFileSync(
      file,
      JSON.stringify({ credsStore: 'desktop', proxies: { default: { httpProxy: 'http://p:3128' } }, currentContext: 'a', auths: {} })
    )
    const backup = new Backup(path.join(dir, 'backup.json'))
    backup.remember(file, 'us.icr.io')
    backup.remember(file, 'de.icr.io')
    // podman login keeps only auths and credHelpers; a later step changed currentContext
    writeFileSync(file, JSON.stringify({ auths: { 'us.icr.io': { auth: 'bmV3Om5ldw==' } }, currentContext: 'b' }))
    expect(restoreBackup(loadBackup(backup.file))).toEqual({ leftAlone: [], failures: [] })
    expect(read(file)).toEqual({
      auths: {},
      currentContext: 'b',
      credsStore: 'desktop',
      proxies: { default: { httpProxy: 'http://p:3128' } }
    })
  })
})

describe('two jobs on one auth file: each post touches only its own login', () => {
  const U = { auth: Buffer.from('user:original').toString('base64') }
  const A = { auth: Buffer.from('a:token-of-job-a').toString('base64') }
  const B = { auth: Buffer.from('b:token-of-job-b').toString('base64') }

  /** main of one job: back up, "log in" (write the entry), note what it wrote. */
  async function login(file: string, entry: Record<string, unknown>, backupFile: string): Promise<string> {
    const backup = new Backup(backupFile)
    backup.remember(file, 'us.icr.io')
    writeAuthEntry(file, 'us.icr.io', entry)
    backup.noteWritten(file, 'us.icr.io', true)
    return backup.file
  }
  /** post of one job: log out only if still ours, then restore. */
  async function post(file: string, backupFile: string): Promise<string[]> {
    const backup = loadBackup(backupFile)
    if (ownership(backup, file, 'us.icr.io') === 'ours') writeAuthEntry(file, 'us.icr.io', undefined)
    const report = restoreBackup(backup)
    expect(report.failures).toEqual([])
    return report.leftAlone.map(r => r.registry)
  }

  test.each([
    ['A main, B main, A post, B post', ['A', 'B']],
    ['A main, B main, B post, A post', ['B', 'A']]
  ])('%s: each entry stays until its own post; at the end the original is back and no note is left', async (_name, order) => {
    const dir = tmp()
    const file = path.join(dir, 'config.json')
    writeFileSync(file, JSON.stringify({ auths: { 'us.icr.io': U } }))
    const backups = { A: await login(file, A, path.join(dir, 'a.json')), B: await login(file, B, path.join(dir, 'b.json')) }
    const entry = (): unknown => (read(file).auths as Record<string, unknown>)['us.icr.io']
    expect(entry()).toEqual(B)

    const [first, second] = order as ['A' | 'B', 'A' | 'B']
    const leftAlone = await post(file, backups[first])
    // A's post leaves B's login in place; B's post puts A's back while A's job still runs
    expect(entry()).toEqual(first === 'A' ? B : A)
    expect(leftAlone).toEqual(first === 'A' ? ['us.icr.io'] : [])
    await post(file, backups[second])
    expect(read(file)).toEqual({ auths: { 'us.icr.io': U } })
    expect(readdirSync(dir).sort()).toEqual(['config.json'])
  })

  test("a job that logged in where there was nothing: the later job's post removes it all", async () => {
    const dir = tmp()
    const file = path.join(dir, 'config.json')
    const a = await login(file, A, path.join(dir, 'a.json'))
    const b = await login(file, B, path.join(dir, 'b.json'))
    await post(file, a)
    await post(file, b)
    expect(read(file)).toEqual({ auths: {} })
    expect(readdirSync(dir)).toEqual(['config.json'])
  })
})

describe('loadBackup says what is wrong with a backup', () => {
  test.each([
    ['missing', undefined, 'is missing'],
    ['not JSON', '{', 'is not valid JSON'],
    ['no records', '{"version":2}', 'does not hold what the main step writes there'],
    ['version 1 (a list)', '[]', 'does not hold what the main step writes there']
  ])('%s', async (_name, content, reason) => {
    const file = path.join(tmp(), 'backup.json')
    if (content !== undefined) writeFileSync(file, content)
    expect(() => loadBackup(file)).toThrow(`the backup file ${file} ${reason}`)
  })

  test('a directory where the file should be: cannot be read', async () => {
    const dir = tmp()
    expect(() => loadBackup(dir)).toThrow(`the backup file ${dir} cannot be read (EISDIR)`)
  })
})

describe('one auth file under two spellings (docker: DOCKER_CONFIG/config.json, podman: REGISTRY_AUTH_FILE through a symlink)', () => {
  test("the second client's backup is not this step's own login, so post leaves no credential behind", async () => {
    const dir = tmp()
    const file = path.join(dir, 'config.json')
    const linked = path.join(tmp(), 'link')
    symlinkSync(dir, linked)
    const spelled = path.join(linked, 'config.json')
    const ours = { auth: Buffer.from('iambearer:token-of-this-step').toString('base64') }
    const backup = new Backup(path.join(dir, 'backup.json'))
    // main: docker logs in through one spelling, then podman through the other, one after the other
    for (const authFile of [file, spelled]) {
      backup.remember(authFile, 'us.icr.io')
      writeAuthEntry(authFile, 'us.icr.io', ours)
      backup.noteWritten(authFile, 'us.icr.io', true)
    }
    // post: the clients' logouts remove the entry, then the backup is restored
    writeAuthEntry(spelled, 'us.icr.io', undefined)
    const saved = loadBackup(backup.file)
    expect(ownership(saved, spelled, 'us.icr.io')).not.toBe('foreign')
    restoreBackup(saved)
    expect(readAuthEntry(file, 'us.icr.io')).toBeUndefined()
  })
})
