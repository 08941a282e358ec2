import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Backup, loadBackup } from '../../../src/auth-files/backup.js'
import { AuthFileChanges } from '../../../src/auth-files/changes.js'
import { restoreRecords, type RestoreReport } from '../../../src/auth-files/restore.js'
import type { SavedBackup } from '../../../src/auth-files/backup.js'
import { readAuthEntry } from '../../../src/auth-files/auth-file.js'
import { planStorage, StoragePlans, type StoragePlan } from '../../../src/auth-files/routing.js'
import { destination, type Destination, type Elsewhere, type StorageView } from '../../../src/auth-files/storage-rules.js'
import { clients } from '../../../src/clients/index.js'
import type { ClientId } from '../../../src/types.js'
import { credentialHelpersIn, externalCredentialHelpers } from '../../../src/auth-files/registries-conf.js'
import { runMain } from '../../../src/main.js'
import { actionEnv, type ActionEnv } from '../../helpers/action-env.js'
import { fakeClientContext, testProviderContext } from '../../helpers/contexts.js'
import { startIamServer, type IamServer } from '../../helpers/iam-server.js'
import { captureStdout, type StdoutCapture } from '../../helpers/stdout.js'

/** Post's restore of the whole backup at once (each file's records; post does it per file under the file's lock). */
function restoreBackup(backup: SavedBackup): RestoreReport {
  const report = restoreRecords(backup, backup.records)
  rmSync(backup.file, { force: true })
  return report
}

function thrown(fn: () => unknown): Error {
  try {
    fn()
  } catch (error) {
    return error as Error
  }
  throw new Error('expected an error')
}

const REGISTRY = 'registry.yandexcloud.net'
const view = (settings: Partial<StorageView> = {}): StorageView => ({ othersConfigured: false, platformStore: '', ...settings })
const FILE: Destination = { kind: 'file' }
const helper = (name: string): Elsewhere => ({ kind: 'helper', helper: name })
const store = (name: string, detected = false): Elsewhere => ({ kind: 'store', store: name, detected })

describe("where each client keeps a registry's credential", () => {
  // docker/cli getConfiguredCredentialStore; containers/image pkg/docker/config; oras-go v2 DynamicStore (helm, oras)
  const table: Array<[string, Partial<StorageView>, Record<'docker' | 'podman' | 'helm', Destination>]> = [
    ['nothing configured', {}, { docker: FILE, podman: FILE, helm: FILE }],
    ['credHelpers maps the registry to yc', { credHelper: 'yc' }, { docker: helper('yc'), podman: helper('yc'), helm: helper('yc') }],
    ['credHelpers maps it to ""', { credHelper: '' }, { docker: FILE, podman: helper(''), helm: FILE }],
    [
      'a global credsStore',
      { credsStore: 'desktop', othersConfigured: true },
      { docker: store('desktop'), podman: FILE, helm: store('desktop') }
    ],
    [
      'credsStore, and "" for the registry',
      { credsStore: 'desktop', credHelper: '', othersConfigured: true },
      { docker: FILE, podman: helper(''), helm: store('desktop') }
    ],
    [
      'credsStore, and a helper for the registry',
      { credsStore: 'desktop', credHelper: 'yc', othersConfigured: true },
      { docker: helper('yc'), podman: helper('yc'), helm: helper('yc') }
    ],
    [
      'an empty file, a platform store on PATH',
      { platformStore: 'pass' },
      { docker: store('pass', true), podman: FILE, helm: store('pass', true) }
    ],
    [
      'other logins in the file, a platform store on PATH',
      { platformStore: 'pass', othersConfigured: true },
      { docker: FILE, podman: FILE, helm: FILE }
    ]
  ]
  test.each(table)('%s', (_, settings, expected) => {
    const got = Object.fromEntries(
      (['docker', 'podman', 'helm'] as const).map(id => [id, destination(clients[id].storage, view(settings))])
    )
    expect(got).toEqual(expected)
  })

  test('every client declares its rules: docker-config as docker (but its logout removes one entry, and the entry it writes turns detection off), buildah/skopeo as podman, oras as helm but without detection', () => {
    expect(clients['docker-config'].storage).toEqual({ ...clients.docker.storage, detectsPlatformStore: false, logoutErasesSchemes: false })
    expect(clients.buildah.storage).toBe(clients.podman.storage)
    expect(clients.skopeo.storage).toBe(clients.podman.storage)
    expect(clients.oras.storage).toEqual({ ...clients.helm.storage, detectsPlatformStore: false })
  })
})

describe('the plan for one auth file and registry', () => {
  const users = (...ids: ClientId[]) => ids.map(id => clients[id])
  const plan = (ids: ClientId[], settings: Partial<StorageView>): StoragePlan =>
    planStorage(users(...ids), view(settings), REGISTRY, '/h/config.json')

  const routes: Array<[string, ClientId[], Partial<StorageView>, StoragePlan]> = [
    ['docker, nothing configured: the file as it is', ['docker'], {}, { kind: 'file' }],
    [
      'docker, missing yc helper: "" for the job',
      ['docker', 'docker-config'],
      { credHelper: 'yc' },
      {
        kind: 'route',
        credHelper: '',
        aliases: [],
        from: [
          { client: 'docker', destination: helper('yc') },
          { client: 'docker-config', destination: helper('yc') }
        ]
      }
    ],
    [
      'docker, credsStore: "" for the job, also for the http(s):// forms docker logout erases',
      ['docker'],
      { credsStore: 'desktop', othersConfigured: true },
      {
        kind: 'route',
        credHelper: '',
        aliases: [`http://${REGISTRY}`, `https://${REGISTRY}`],
        from: [{ client: 'docker', destination: store('desktop') }]
      }
    ],
    [
      'podman, yc helper: no mapping for the job',
      ['podman', 'buildah', 'skopeo'],
      { credHelper: 'yc' },
      {
        kind: 'route',
        credHelper: undefined,
        aliases: [],
        from: ['podman', 'buildah', 'skopeo'].map(client => ({ client, destination: helper('yc') }))
      }
    ],
    ['podman, credsStore: ignored, the file', ['podman'], { credsStore: 'desktop', othersConfigured: true }, { kind: 'file' }],
    [
      'podman, "" (a helper named ""): no mapping',
      ['podman'],
      { credHelper: '' },
      { kind: 'route', credHelper: undefined, aliases: [], from: [{ client: 'podman', destination: helper('') }] }
    ],
    [
      'helm, yc helper, no store: ""',
      ['helm'],
      { credHelper: 'yc' },
      { kind: 'route', credHelper: '', aliases: [], from: [{ client: 'helm', destination: helper('yc') }] }
    ],
    [
      'docker and podman sharing a file with a yc helper: no mapping',
      ['docker', 'podman'],
      { credHelper: 'yc' },
      {
        kind: 'route',
        credHelper: undefined,
        aliases: [],
        from: [
          { client: 'docker', destination: helper('yc') },
          { client: 'podman', destination: helper('yc') }
        ]
      }
    ],
    [
      'our own helper (credential-helper mode): routed too',
      ['docker'],
      { credHelper: 'registry-login' },
      { kind: 'route', credHelper: '', aliases: [], from: [{ client: 'docker', destination: helper('registry-login') }] }
    ],
    [
      'helm, an empty config, the platform store on PATH: "" (a configured file detects no store)',
      ['helm'],
      { platformStore: 'secretservice' },
      { kind: 'route', credHelper: '', aliases: [], from: [{ client: 'helm', destination: store('secretservice', true) }] }
    ],
    [
      'oras, an empty config, the platform store on PATH: the oras CLI never detects one',
      ['oras'],
      { platformStore: 'secretservice' },
      { kind: 'file' }
    ]
  ]
  test.each(routes)('%s', (_, ids, settings, expected) => {
    expect(plan(ids, settings)).toEqual(expected)
  })

  const blocked: Array<[string, ClientId[], Partial<StorageView>, RegExp]> = [
    [
      'helm with a global credsStore',
      ['helm'],
      { credsStore: 'desktop', othersConfigured: true },
      /^Client 'helm' would keep the login for registry\.yandexcloud\.net in the credential store 'desktop' \(docker-credential-desktop, credsStore\) \(\/h\/config\.json\), and no credHelpers setting points it at the file for that registry alone: continuing would replace the credential that store holds for registry\.yandexcloud\.net, and post's logout would erase it\. Set 'isolated-config: true' \(a fresh per-job config\), remove "credsStore" from \/h\/config\.json, or drop 'helm' from 'clients'\.$/
    ],
    [
      'oras with credsStore and a yc helper (removing yc lands in the store)',
      ['docker', 'oras'],
      { credsStore: 'osxkeychain', credHelper: 'yc', othersConfigured: true },
      /^Client 'oras' would keep the login for .* in the credential store 'osxkeychain' \(docker-credential-osxkeychain, credsStore\)/
    ],
    [
      'docker and podman sharing a file with a credsStore',
      ['docker', 'podman'],
      { credsStore: 'desktop', othersConfigured: true },
      /^Clients 'docker' and 'podman' share \/h\/config\.json, which hands registry\.yandexcloud\.net to the credential store 'desktop'.*credHelpers\["registry\.yandexcloud\.net"\] = "".*Set 'isolated-config: true', or give the containers tools their own auth file \(REGISTRY_AUTH_FILE\)\.$/
    ],
    [
      'a hostile store name is shown safely',
      ['helm'],
      { credsStore: 'x\n::error::owned', othersConfigured: true },
      /'x\\x0a:\u200b:error:\u200b:owned'/
    ]
  ]
  test.each(blocked)('%s: fails', (_, ids, settings, message) => {
    expect(thrown(() => plan(ids, settings)).message).toMatch(message)
  })
})

describe('routing in auth files, and post putting the mapping back', () => {
  const dir = (): string => mkdtempSync(path.join(os.tmpdir(), 'stores-'))
  let stdout: StdoutCapture
  beforeEach(() => {
    stdout = captureStdout()
  })
  afterEach(() => stdout.restore())

  const cases: Array<[string, ClientId[], object]> = [
    [
      'docker: the yc helper among others',
      ['docker'],
      { auths: { 'gcr.io': {} }, credHelpers: { 'cr.yandex': 'yc', [REGISTRY]: 'yc', 'gcr.io': 'gcloud' }, plugins: { x: 1 } }
    ],
    ['docker: a global credsStore', ['docker'], { credsStore: 'desktop', currentContext: 'default' }],
    ['podman: its only mapping', ['podman'], { credHelpers: { [REGISTRY]: 'yc' }, auths: {} }],
    ['podman: one mapping among others', ['podman'], { credHelpers: { a: 'x', [REGISTRY]: 'yc', b: 'y' } }]
  ]
  test.each(cases)('%s', async (_, ids, before) => {
    const home = dir()
    const file = path.join(home, 'config.json')
    writeFileSync(file, JSON.stringify(before))
    const users = ids.map(id => ({ ...clients[id], authFile: () => file }))
    const ctx = fakeClientContext({})
    const plans = await StoragePlans.make(users, [REGISTRY], ctx)
    const backup = new Backup(path.join(home, 'backup.json'))
    backup.remember(file, REGISTRY)
    const changes = new AuthFileChanges({ version: 1, logins: [] }, {}, backup)
    plans.route(file, REGISTRY, changes)
    plans.route(file, REGISTRY, changes)

    const during = JSON.parse(readFileSync(file, 'utf8'))
    for (const id of ids)
      expect(
        destination(
          clients[id].storage,
          view({
            ...(REGISTRY in (during.credHelpers ?? {}) ? { credHelper: during.credHelpers[REGISTRY] } : {}),
            ...(during.credsStore ? { credsStore: during.credsStore } : {})
          })
        )
      ).toEqual(FILE)
    const notices = stdout.lines().filter(l => l.startsWith('::notice::'))
    expect(notices).toHaveLength(1)
    expect(notices[0]).toMatch(
      new RegExp(
        `^::notice::${REGISTRY.replace(/\./g, '\\.')}: .*config\\.json hands it to the credential (helper 'yc'|store 'desktop').*; for this job ${ids[0]} will store this login in the file instead .*post puts the mapping back as it was\\.$`
      )
    )

    await clients['docker-config'].login({ registry: REGISTRY, username: 'iam', password: 't1.job' }, file, ctx)
    expect(restoreBackup(loadBackup(backup.file))).toEqual({ leftAlone: [], failures: [] })
    // The mapping byte for byte (key order too); the rest as it was, apart from the emptied auths map logout leaves.
    const after = JSON.parse(readFileSync(file, 'utf8'))
    expect(JSON.stringify(after.credHelpers)).toBe(JSON.stringify((before as { credHelpers?: object }).credHelpers))
    expect(after).toEqual({ auths: {}, ...before })
  })

  test("without post (logout: false) the notice says the mapping stays; our own helper's mapping is routed without a notice", async () => {
    const file = path.join(dir(), 'config.json')
    writeFileSync(file, JSON.stringify({ credHelpers: { [REGISTRY]: 'yc', 'cr.yandex': 'registry-login' } }))
    const plans = await StoragePlans.make([{ ...clients.docker, authFile: () => file }], [REGISTRY, 'cr.yandex'], fakeClientContext({}))
    const changes = new AuthFileChanges({ version: 1, logins: [] }, {})
    plans.route(file, REGISTRY, changes)
    plans.route(file, 'cr.yandex', changes)
    expect(stdout.lines().filter(l => l.startsWith('::notice::'))).toEqual([
      expect.stringMatching(/'logout' is false, so the mapping stays changed after the job\.$/)
    ])
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ credHelpers: { [REGISTRY]: '', 'cr.yandex': '' } })
  })
})

describe('a credHelpers setting the clients cannot read fails before any login', () => {
  test.each([
    ['an array', ['yc'], 'is not a map of registry to helper name'],
    ['a number for the registry', { [REGISTRY]: 5 }, `maps ${REGISTRY} to something other than a helper name`],
    ['an object for another registry', { 'cr.yandex': { helper: 'yc' } }, 'maps cr.yandex to something other than a helper name'],
    ['a hostile key', { 'x\n::warning::y': 1 }, 'maps x\\x0a:\u200b:warning:\u200b:y to something other']
  ])('%s', async (_, credHelpers, says) => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'registry-login-unit-')), 'config.json')
    const text = JSON.stringify({ credHelpers, credsStore: 'desktop' })
    writeFileSync(file, text)
    const error = await StoragePlans.make([{ ...clients.docker, authFile: () => file }], [REGISTRY], fakeClientContext({})).catch(
      (e: Error) => e
    )
    expect(error).toBeInstanceOf(Error)
    expect((error as Error).message).toContain(`The auth file ${file} has a "credHelpers" setting that ${says}`)
    expect((error as Error).message).toContain("'isolated-config: true'")
    expect(readFileSync(file, 'utf8')).toBe(text)
  })
})

describe('main', () => {
  let env: ActionEnv
  let stdout: StdoutCapture
  let server: IamServer
  beforeEach(async () => {
    env = actionEnv()
    stdout = captureStdout()
    server = await startIamServer({ apiKeys: ['ibm-key-for-store-test'] })
  })
  afterEach(async () => {
    stdout.restore()
    env.restore()
    await server.close()
  })
  const run = async (clientIds: string, config: object, onPath?: string[]) => {
    mkdirSync(path.dirname(env.files.dockerConfig), { recursive: true })
    writeFileSync(env.files.dockerConfig, JSON.stringify(config))
    env.setInputs({ provider: 'ibm', region: 'us', 'api-key': 'ibm-key-for-store-test', clients: clientIds })
    const cctx = fakeClientContext({ ...process.env }, onPath ? { onPath } : {})
    await runMain({
      providerContext: testProviderContext({ ...process.env, REGISTRY_LOGIN_ENDPOINT_IBM_IAM: server.url }),
      clientContext: cctx
    })
    return cctx
  }

  test('docker-config logs into a registry docker hands to a store: the file for this registry, the store untouched', async () => {
    await run('docker-config', { credsStore: 'desktop' })
    expect(process.exitCode).toBeUndefined()
    expect(JSON.parse(readFileSync(env.files.dockerConfig, 'utf8')).credHelpers).toEqual({ 'us.icr.io': '' })
    expect(readAuthEntry(env.files.dockerConfig, 'us.icr.io')).toHaveProperty('auth')
    expect(stdout.lines().filter(l => l.startsWith('::notice::'))).toHaveLength(1)
  })

  test('with isolated-config, a registries.conf credential helper still fails before any cloud call (the config does not change it)', async () => {
    const conf = path.join(env.dir, '.config/containers/registries.conf')
    mkdirSync(path.dirname(conf), { recursive: true })
    writeFileSync(conf, 'credential-helpers = ["secretservice"]\n')
    mkdirSync(path.dirname(env.files.dockerConfig), { recursive: true })
    env.setInputs({ provider: 'ibm', region: 'us', 'api-key': 'ibm-key-for-store-test', clients: 'podman', 'isolated-config': 'true' })
    const cctx = fakeClientContext({ ...process.env })
    await runMain({
      providerContext: testProviderContext({ ...process.env, REGISTRY_LOGIN_ENDPOINT_IBM_IAM: server.url }),
      clientContext: cctx
    })
    expect(process.exitCode).toBe(1)
    expect(stdout.lines().filter(l => l.startsWith('::error::'))).toEqual([
      expect.stringMatching(/^::error::registry-login: Client 'podman' would use the credential helpers 'secretservice'/)
    ])
    expect(server.requests).toHaveLength(0)
    expect(cctx.calls).toEqual([])
  })

  test.each([
    ['helm', { credsStore: 'desktop' }, /Client 'helm' would keep the login for us\.icr\.io in the credential store 'desktop'/],
    ['docker,podman', { credsStore: 'wincred' }, /Clients 'docker' and 'podman' share .*config\.json/]
  ])('%s with %j fails before any cloud call, and the file is left alone', async (ids, config, message) => {
    // podman shares docker's config.json here (no REGISTRY_AUTH_FILE); helm's file is pointed at it too
    delete process.env.REGISTRY_AUTH_FILE
    process.env.HELM_REGISTRY_CONFIG = env.files.dockerConfig
    const cctx = await run(ids, config)
    expect(process.exitCode).toBe(1)
    expect(stdout.lines().filter(l => l.startsWith('::error::'))).toEqual([expect.stringMatching(message)])
    expect(server.requests).toHaveLength(0)
    expect(cctx.calls).toEqual([])
    expect(JSON.parse(readFileSync(env.files.dockerConfig, 'utf8'))).toEqual(config)
  })
})

describe('registries.conf credential-helpers (podman, buildah, skopeo)', () => {
  test.each([
    [
      'credential-helpers = ["secretservice", "containers-auth.json"]\n[[registry]]\nlocation = "x"',
      ['secretservice', 'containers-auth.json']
    ],
    ["unqualified-search-registries = ['docker.io']\ncredential-helpers = [ 'pass' ]", ['pass']],
    ['# credential-helpers = ["pass"]\nshort-name-mode = "enforcing"', undefined],
    ['[[registry]]\ncredential-helpers = ["not", "top-level"]', undefined],
    ['credential-helpers = []', []]
  ])('%j', (toml, helpers) => {
    expect(credentialHelpersIn(toml)).toEqual(helpers)
  })

  const home = (): string => mkdtempSync(path.join(os.tmpdir(), 'stores-home-'))
  const write = (file: string, text: string): void => {
    mkdirSync(path.dirname(file), { recursive: true })
    writeFileSync(file, text)
  }

  test('the user file, then its drop-ins in name order; CONTAINERS_REGISTRIES_CONF replaces the main file', async () => {
    const h = home()
    expect(externalCredentialHelpers({ HOME: h })).toEqual({ helpers: [], file: '/etc/containers/registries.conf' })
    write(path.join(h, '.config/containers/registries.conf'), 'credential-helpers = ["containers-auth.json", "secretservice"]\n')
    expect(externalCredentialHelpers({ HOME: h })).toEqual({
      helpers: ['secretservice'],
      file: path.join(h, '.config/containers/registries.conf')
    })
    write(path.join(h, '.config/containers/registries.conf.d/50-a.conf'), 'credential-helpers = ["pass"]\n')
    write(path.join(h, '.config/containers/registries.conf.d/90-b.conf'), 'credential-helpers = ["containers-auth.json"]\n')
    expect(externalCredentialHelpers({ HOME: h })).toEqual({
      helpers: [],
      file: path.join(h, '.config/containers/registries.conf.d/90-b.conf')
    })
    const own = path.join(h, 'own.conf')
    write(own, 'credential-helpers = ["ecr-login"]\n')
    write(path.join(h, '.config/containers/registries.conf.d/90-b.conf'), '')
    expect(externalCredentialHelpers({ HOME: h, CONTAINERS_REGISTRIES_CONF: own })).toEqual({
      helpers: ['pass'],
      file: path.join(h, '.config/containers/registries.conf.d/50-a.conf')
    })
  })

  test("the system's drop-ins count unless the user's own registries.conf is the main file, and before the user's drop-ins", async () => {
    const h = home()
    const system = { conf: path.join(h, 'etc/registries.conf'), dropIns: path.join(h, 'etc/registries.conf.d') }
    write(path.join(system.dropIns, '50-helpers.conf'), 'credential-helpers = ["secretservice"]\n')
    write(path.join(h, '.config/containers/registries.conf.d/10-shortnames.conf'), 'short-name-mode = "permissive"\n')
    expect(externalCredentialHelpers({ HOME: h }, system)).toEqual({
      helpers: ['secretservice'],
      file: path.join(system.dropIns, '50-helpers.conf')
    })
    expect(externalCredentialHelpers({ HOME: h, CONTAINERS_REGISTRIES_CONF: path.join(h, 'none.conf') }, system)).toEqual({
      helpers: ['secretservice'],
      file: path.join(system.dropIns, '50-helpers.conf')
    })
    write(path.join(h, '.config/containers/registries.conf.d/10-shortnames.conf'), 'credential-helpers = ["pass"]\n')
    expect(externalCredentialHelpers({ HOME: h }, system)).toEqual({
      helpers: ['pass'],
      file: path.join(h, '.config/containers/registries.conf.d/10-shortnames.conf')
    })
    write(path.join(h, '.config/containers/registries.conf.d/10-shortnames.conf'), '')
    write(path.join(h, '.config/containers/registries.conf'), 'short-name-mode = "permissive"\n')
    expect(externalCredentialHelpers({ HOME: h }, system)).toEqual({
      helpers: [],
      file: path.join(h, '.config/containers/registries.conf')
    })
  })

  test('an external helper there fails the plan for the containers tools, naming it and the file; docker is not concerned', async () => {
    const h = home()
    const conf = path.join(h, '.config/containers/registries.conf')
    write(conf, 'credential-helpers = ["secretservice", "containers-auth.json"]\n')
    const ctx = fakeClientContext({ HOME: h, REGISTRY_AUTH_FILE: path.join(h, 'auth.json'), DOCKER_CONFIG: path.join(h, 'docker') })
    const error = await StoragePlans.make([clients.docker, clients.skopeo], [REGISTRY], ctx).catch((e: Error) => e)
    expect(error).toBeInstanceOf(Error)
    expect((error as Error).message).toBe(
      `Client 'skopeo' would use the credential helpers 'secretservice' (docker-credential-secretservice) that ${conf} lists in credential-helpers: its login may go to them instead of the auth file, ` +
        `and its logout erases ${REGISTRY} from every one of them, so post would erase credentials the job did not write. ` +
        `Remove "credential-helpers" from ${conf} (or point CONTAINERS_REGISTRIES_CONF at a file without it) in an earlier step, or drop 'skopeo' from 'clients'.`
    )
    await expect(StoragePlans.make([clients.docker], [REGISTRY], ctx)).resolves.toBeInstanceOf(StoragePlans)
  })
})
