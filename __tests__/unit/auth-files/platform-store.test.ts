// docker's platform credential store (#20): detected as docker detects it, routed to the file; and the
// http(s):// forms docker's logout erases, backed up and put back.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Backup, loadBackup } from '../../../src/auth-files/backup.js'
import { AuthFileChanges } from '../../../src/auth-files/changes.js'
import { readAuthEntry, writeAuthEntry } from '../../../src/auth-files/auth-file.js'
import { restoreRecords, type RestoreReport } from '../../../src/auth-files/restore.js'
import type { SavedBackup } from '../../../src/auth-files/backup.js'
import { logoutBlocked, planStorage, platformStore, StoragePlans } from '../../../src/auth-files/routing.js'
import { destination, type StorageView } from '../../../src/auth-files/storage-rules.js'
import { clients } from '../../../src/clients/index.js'
import type { ClientId } from '../../../src/types.js'
import { fakeClientContext } from '../../helpers/contexts.js'
import { captureStdout, type StdoutCapture } from '../../helpers/stdout.js'

/** Post's restore of the whole backup at once (each file's records; post does it per file under the file's lock). */
function restoreBackup(backup: SavedBackup): RestoreReport {
  const report = restoreRecords(backup, backup.records)
  rmSync(backup.file, { force: true })
  return report
}

const REGISTRY = 'us.icr.io'
const view = (settings: Partial<StorageView> = {}): StorageView => ({ othersConfigured: false, platformStore: '', ...settings })
const dir = (): string => mkdtempSync(path.join(os.tmpdir(), 'platform-store-'))

describe("the platform's store, as docker/cli DetectDefaultStore picks it", () => {
  const cases: Array<[NodeJS.Platform, string[], string]> = [
    ['win32', ['docker-credential-wincred'], 'wincred'],
    ['win32', [], ''],
    ['darwin', ['docker-credential-osxkeychain'], 'osxkeychain'],
    ['darwin', ['docker-credential-secretservice'], ''],
    ['linux', ['docker-credential-secretservice'], 'secretservice'],
    ['linux', ['pass', 'docker-credential-pass', 'docker-credential-secretservice'], 'pass'],
    // `pass` on PATH decides for pass; without its helper there is no store, secretservice or not
    ['linux', ['pass', 'docker-credential-secretservice'], ''],
    ['linux', [], ''],
    ['freebsd', ['docker-credential-secretservice', 'docker-credential-pass'], '']
  ]
  test.each(cases)('%s with %j on PATH: %j', async (platform, onPath, store) => {
    await expect(platformStore(fakeClientContext({}, { onPath }), platform)).resolves.toBe(store)
  })

  const clientsOn = (settings: Partial<StorageView>): Record<string, string> =>
    Object.fromEntries(
      (['docker', 'docker-config', 'podman', 'helm', 'oras'] as const).map(id => {
        const d = destination(clients[id].storage, view(settings))
        return [id, d.kind === 'file' ? 'file' : `${d.kind} ${d.kind === 'store' ? d.store : d.helper}`]
      })
    )

  test('an empty config with a platform store on PATH: docker and helm would use the store; docker-config, the containers tools and the oras CLI the file', () => {
    expect(clientsOn({ platformStore: 'secretservice' })).toEqual({
      docker: 'store secretservice',
      'docker-config': 'file',
      podman: 'file',
      helm: 'store secretservice',
      oras: 'file'
    })
    // anything configured (another login, any mapping, a credsStore) turns detection off
    for (const configured of [{ othersConfigured: true }, { credHelper: '' }])
      expect(clientsOn({ platformStore: 'secretservice', ...configured }).docker).toBe('file')
  })

  test('docker on an empty config with the store on PATH: routed to the file with "" (a configured file detects no store)', () => {
    expect(planStorage([clients.docker], view({ platformStore: 'wincred' }), REGISTRY, 'C:\\Users\\r\\.docker\\config.json')).toEqual({
      kind: 'route',
      credHelper: '',
      aliases: [],
      from: [{ client: 'docker', destination: { kind: 'store', store: 'wincred', detected: true } }]
    })
  })
})

let stdout: StdoutCapture
beforeEach(() => {
  stdout = captureStdout()
})
afterEach(() => stdout.restore())

describe('an empty docker config with the platform store on PATH', () => {
  test.each([
    ['no config.json at all', undefined],
    ['an empty auths map', '{\n\t"auths": {}\n}']
  ])('%s: the login goes to the file, post leaves no credsStore and no mapping', async (_, text) => {
    const home = dir()
    const file = path.join(home, 'config.json')
    if (text !== undefined) writeFileSync(file, text)
    const ctx = fakeClientContext({}, { onPath: ['docker', 'docker-credential-secretservice'] })
    const plans = await StoragePlans.make([{ ...clients.docker, authFile: () => file }], [REGISTRY], ctx)
    const backup = new Backup(path.join(home, 'backup.json'))
    const changes = new AuthFileChanges({ version: 1, logins: [] }, {}, backup)
    await changes.login(
      file,
      REGISTRY,
      async () => {
        plans.route(file, REGISTRY, changes)
        // what docker login writes now that the file is configured: the entry, no credsStore
        writeAuthEntry(file, REGISTRY, { auth: 'aWFtOnQx' })
        await Promise.resolve()
      },
      () => undefined
    )
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ credHelpers: { [REGISTRY]: '' }, auths: { [REGISTRY]: { auth: 'aWFtOnQx' } } })
    expect(stdout.lines().filter(l => l.startsWith('::notice::'))).toEqual([
      `::notice::${REGISTRY}: ${file} hands it to the platform credential store 'secretservice' (docker-credential-secretservice); for this job docker will store this login in the file instead (credHelpers["${REGISTRY}"] = ""), so nothing in that helper or store is read, replaced or erased; post puts the mapping back as it was.`
    ])
    // post: docker's logout goes to the file while the mapping is there
    await expect(logoutBlocked({ ...clients.docker, authFile: () => file }, file, REGISTRY, ctx)).resolves.toBeUndefined()
    writeAuthEntry(file, REGISTRY, undefined)
    expect(restoreBackup(loadBackup(backup.file))).toEqual({ leftAlone: [], failures: [] })
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ auths: {} })
    // a second post (the mapping gone, the file empty again): docker's logout would reach the store, so it is skipped
    await expect(logoutBlocked({ ...clients.docker, authFile: () => file }, file, REGISTRY, ctx)).resolves.toMatch(
      /hands us\.icr\.io to the platform credential store 'secretservice' \(docker-credential-secretservice\), which this step never wrote to/
    )
  })

  test.each<[ClientId, boolean]>([
    ['oras', false],
    ['docker-config', false],
    ['helm', true],
    ['podman', false]
  ])('%s: routed only where it detects the store itself (%s)', async (id, routed) => {
    const file = path.join(dir(), 'config.json')
    const ctx = fakeClientContext({}, { onPath: ['docker-credential-secretservice'] })
    const plans = await StoragePlans.make([{ ...clients[id], authFile: () => file }], [REGISTRY], ctx)
    plans.route(file, REGISTRY, new AuthFileChanges({ version: 1, logins: [] }, {}))
    if (routed) expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ credHelpers: { [REGISTRY]: '' } })
    else expect(existsSync(file)).toBe(false)
  })
})

describe("docker logout's http:// and https:// forms", () => {
  const earlier: { auths: Record<string, Record<string, string>> } = {
    auths: {
      [`https://${REGISTRY}`]: { auth: 'ZWFybGllcjpodHRwcw==', email: 'x@example.com' },
      [REGISTRY]: { auth: 'ZWFybGllcjpob3N0' },
      [`http://${REGISTRY}`]: { auth: 'ZWFybGllcjpodHRw' },
      'ghcr.io': { auth: 'b2N0bzpnaGNy' }
    }
  }
  /** main for docker into `file`: back up, route, the login; returns the backup file. */
  async function main(file: string, ids: ClientId[] = ['docker']): Promise<string> {
    const ctx = fakeClientContext({}, { onPath: [] })
    const plans = await StoragePlans.make(
      ids.map(id => ({ ...clients[id], authFile: () => file })),
      [REGISTRY],
      ctx
    )
    const backup = new Backup(path.join(path.dirname(file), 'backup.json'))
    const changes = new AuthFileChanges({ version: 1, logins: [] }, {}, backup)
    for (const _ of ids) {
      await changes.login(
        file,
        REGISTRY,
        async () => {
          plans.route(file, REGISTRY, changes)
          writeAuthEntry(file, REGISTRY, { auth: 'aWFtOnQxLmpvYg==' })
          await Promise.resolve()
        },
        () => undefined
      )
    }
    return backup.file
  }
  /** What `docker logout host` does to the file: host, http://host and https://host go. */
  const dockerLogout = (file: string): void => {
    for (const name of [REGISTRY, `http://${REGISTRY}`, `https://${REGISTRY}`]) writeAuthEntry(file, name, undefined)
  }

  test('every form docker logout erases is backed up in main and put back by post, byte for byte', async () => {
    const file = path.join(dir(), 'config.json')
    writeFileSync(file, JSON.stringify(earlier))
    const backupFile = await main(file)
    expect(loadBackup(backupFile).records.map(r => r.registry)).toEqual([REGISTRY, `http://${REGISTRY}`, `https://${REGISTRY}`])
    dockerLogout(file)
    expect(restoreBackup(loadBackup(backupFile))).toEqual({ leftAlone: [], failures: [] })
    const after = JSON.parse(readFileSync(file, 'utf8'))
    for (const name of Object.keys(earlier.auths)) expect(JSON.stringify(after.auths[name])).toBe(JSON.stringify(earlier.auths[name]))
    expect(after).toEqual(earlier)
  })

  test('docker-config alone (its logout removes one entry) backs up no other form; forms not in the file are not recorded', async () => {
    const file = path.join(dir(), 'config.json')
    writeFileSync(file, JSON.stringify(earlier))
    expect(loadBackup(await main(file, ['docker-config'])).records.map(r => r.registry)).toEqual([REGISTRY])
    const bare = path.join(dir(), 'config.json')
    writeFileSync(bare, JSON.stringify({ auths: { [`http://${REGISTRY}`]: { auth: 'eDp5' } } }))
    expect(loadBackup(await main(bare, ['docker-config', 'docker'])).records.map(r => r.registry)).toEqual([REGISTRY, `http://${REGISTRY}`])
  })

  test('a form a later login rewrote since (and post did not log out) is left as that login left it', async () => {
    const file = path.join(dir(), 'config.json')
    writeFileSync(file, JSON.stringify(earlier))
    const backupFile = await main(file)
    writeAuthEntry(file, `https://${REGISTRY}`, { auth: 'bGF0ZXI6am9i' })
    const report = restoreBackup(loadBackup(backupFile))
    expect(report.leftAlone.map(r => r.registry)).toEqual([`https://${REGISTRY}`])
    expect(readAuthEntry(file, `https://${REGISTRY}`)).toEqual({ auth: 'bGF0ZXI6am9i' })
    expect(readAuthEntry(file, REGISTRY)).toEqual(earlier.auths[REGISTRY])
  })
})
