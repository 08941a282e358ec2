import { existsSync, lstatSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { readAuthEntry, writeAuthEntry } from '../../../src/auth-files/auth-file.js'
import { ActionError } from '../../../src/log/errors.js'
import { clients } from '../../../src/clients/index.js'
import { runClient } from '../../../src/clients/login-command.js'
import { runMain } from '../../../src/main.js'
import type { RegistryCredential } from '../../../src/types.js'
import { fakeClientContext, testProviderContext } from '../../helpers/contexts.js'
import { startIamServer, type IamServer } from '../../helpers/iam-server.js'
import { stepPerTest } from '../../helpers/step.js'

const step = stepPerTest()

const credential: RegistryCredential = { registry: 'us.icr.io', username: 'iambearer', password: 'eyJ-client-test-password' }

describe('a client missing from PATH', () => {
  let server: IamServer
  beforeEach(async () => {
    server = await startIamServer({ apiKeys: ['ibm-key-for-path-test'] })
  })
  afterEach(async () => server.close())

  test('fails main with an error naming the client, before any credential is fetched', async () => {
    step.env.setInputs({ provider: 'ibm', region: 'us', 'api-key': 'ibm-key-for-path-test', clients: 'docker-config, docker, podman' })
    const cctx = fakeClientContext({ ...process.env }, { onPath: ['docker'] })
    await runMain({
      providerContext: testProviderContext({ ...process.env, REGISTRY_LOGIN_ENDPOINT_IBM_IAM: server.url }),
      clientContext: cctx
    })

    expect(process.exitCode).toBe(1)
    expect(step.stdout.lines().filter(line => line.startsWith('::error::'))).toEqual([
      "::error::registry-login: Input 'clients' asks for 'podman', but 'podman' is not on PATH. Install it: GitHub's ubuntu runners have podman, buildah and skopeo; on other Debian/Ubuntu runners run 'sudo apt-get install -y podman' in an earlier step; on Windows and Linux, redhat-actions/podman-install installs it; or drop 'podman' from 'clients'."
    ])
    // docker-config needs no binary; docker was found; podman was not
    expect(cctx.whichAsked).toEqual(['docker', 'podman'])
    expect(server.requests).toHaveLength(0)
    expect(cctx.calls).toEqual([])
    expect(step.env.state()).toEqual({})
    expect(existsSync(step.env.files.dockerConfig)).toBe(false)
  })

  test('with every binary present, the same inputs log in', async () => {
    step.env.setInputs({ provider: 'ibm', region: 'us', 'api-key': 'ibm-key-for-path-test', clients: 'docker-config, docker, podman' })
    const cctx = fakeClientContext({ ...process.env }, { onPath: ['docker', 'podman'] })
    await runMain({
      providerContext: testProviderContext({ ...process.env, REGISTRY_LOGIN_ENDPOINT_IBM_IAM: server.url }),
      clientContext: cctx
    })
    expect(process.exitCode).toBeUndefined()
    expect(cctx.calls.map(call => call.command).sort()).toEqual(['docker', 'podman'])
  })
})

describe('client commands', () => {
  const cases: Array<[keyof typeof clients, string[], string[]]> = [
    [
      'docker',
      ['--config', '/d', 'login', '--username', 'iambearer', '--password-stdin', 'us.icr.io'],
      ['--config', '/d', 'logout', 'us.icr.io']
    ],
    [
      'podman',
      ['login', '--authfile', '/d/config.json', '--username', 'iambearer', '--password-stdin', 'us.icr.io'],
      ['logout', '--authfile', '/d/config.json', 'us.icr.io']
    ],
    [
      'buildah',
      ['login', '--authfile', '/d/config.json', '--username', 'iambearer', '--password-stdin', 'us.icr.io'],
      ['logout', '--authfile', '/d/config.json', 'us.icr.io']
    ],
    [
      'skopeo',
      ['login', '--authfile', '/d/config.json', '--username', 'iambearer', '--password-stdin', 'us.icr.io'],
      ['logout', '--authfile', '/d/config.json', 'us.icr.io']
    ],
    [
      'helm',
      ['registry', 'login', '--registry-config', '/d/config.json', '--username', 'iambearer', '--password-stdin', 'us.icr.io'],
      ['registry', 'logout', '--registry-config', '/d/config.json', 'us.icr.io']
    ],
    [
      'oras',
      ['login', '--registry-config', '/d/config.json', '--username', 'iambearer', '--password-stdin', 'us.icr.io'],
      ['logout', '--registry-config', '/d/config.json', 'us.icr.io']
    ]
  ]

  test.each(cases)('%s logs in with the password on stdin and logs out of the same file', async (id, loginArgs, logoutArgs) => {
    const client = clients[id]
    const ctx = fakeClientContext({}, { behaviour: () => ({ exitCode: 0, stdout: '', stderr: '' }) })
    await client.login(credential, '/d/config.json', ctx)
    await client.logout('us.icr.io', '/d/config.json', ctx)
    expect(client.binary).toBe(id)
    expect(ctx.calls).toEqual([
      { command: id, args: loginArgs, stdin: credential.password },
      { command: id, args: logoutArgs, stdin: undefined }
    ])
  })

  test.each(['podman', 'buildah', 'skopeo', 'helm', 'oras'] as const)('%s: logout when not logged in is not a failure', async id => {
    const ctx = fakeClientContext({}, { behaviour: () => ({ exitCode: 125, stdout: '', stderr: 'Error: not logged into us.icr.io' }) })
    await expect(clients[id].logout('us.icr.io', '/d/config.json', ctx)).resolves.toBeUndefined()
  })

  test('a failed login quotes the last three lines the client said', async () => {
    const ctx = fakeClientContext(
      {},
      { behaviour: () => ({ exitCode: 1, stdout: 'ignored', stderr: 'one\ntwo\nthree\nError: unauthorized: bad credentials\n' }) }
    )
    await expect(clients.podman.login(credential, '/d/config.json', ctx)).rejects.toThrow(
      "'podman login' exited with code 1: two / three / Error: unauthorized: bad credentials"
    )
  })

  test('runClient falls back to stdout, then to "no output"', async () => {
    const said = fakeClientContext({}, { behaviour: () => ({ exitCode: 3, stdout: 'only stdout\n', stderr: '  ' }) })
    await expect(runClient(said, 'oras', ['login'])).rejects.toThrow("'oras login' exited with code 3: only stdout")
    const silent = fakeClientContext({}, { behaviour: () => ({ exitCode: 4, stdout: '', stderr: '' }) })
    await expect(runClient(silent, 'oras', ['login'])).rejects.toThrow("'oras login' exited with code 4: no output")
    const ok = fakeClientContext({}, { behaviour: () => ({ exitCode: 0, stdout: 'fine', stderr: 'chatter' }) })
    await expect(runClient(ok, 'oras', ['login'])).resolves.toBe('fine')
  })

  test('docker failures name the subcommand, not the --config option in front of it', async () => {
    const ctx = fakeClientContext({}, { behaviour: () => ({ exitCode: 1, stdout: '', stderr: 'permission denied' }) })
    await expect(clients.docker.login(credential, '/d/config.json', ctx)).rejects.toThrow(
      "'docker login' exited with code 1: permission denied"
    )
    // docker has no "not logged in" failure to ignore: a failed logout is reported
    await expect(clients.docker.logout('us.icr.io', '/d/config.json', ctx)).rejects.toThrow(
      "'docker logout' exited with code 1: permission denied"
    )
  })

  test('helm failures name its subcommand', async () => {
    const ctx = fakeClientContext({}, { behaviour: () => ({ exitCode: 1, stdout: '', stderr: 'Error: unauthorized' }) })
    await expect(clients.helm.login(credential, '/d/config.json', ctx)).rejects.toThrow(
      "'helm login' exited with code 1: Error: unauthorized"
    )
  })
})

describe('docker-config client and auth files', () => {
  test('writes base64(user:password) straight into config.json, 0600, keeping the rest; logout removes only that entry', async () => {
    const file = step.env.files.dockerConfig
    mkdirSync(path.dirname(file), { recursive: true })
    writeFileSync(file, JSON.stringify({ auths: { 'ghcr.io': { auth: 'Z2g6cGF0' } }, psFormat: 'table {{.ID}}' }))
    const ctx = fakeClientContext({})
    await clients['docker-config'].login(credential, file, ctx)
    expect(ctx.calls).toEqual([])
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      auths: { 'ghcr.io': { auth: 'Z2g6cGF0' }, 'us.icr.io': { auth: Buffer.from(`iambearer:${credential.password}`).toString('base64') } },
      psFormat: 'table {{.ID}}'
    })
    await clients['docker-config'].logout('us.icr.io', file, ctx)
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ auths: { 'ghcr.io': { auth: 'Z2g6cGF0' } }, psFormat: 'table {{.ID}}' })
    // logging out again, with nothing there, is fine
    await clients['docker-config'].logout('us.icr.io', file, ctx)
  })

  test('creates a missing file and directory; an empty file counts as empty', async () => {
    const file = path.join(step.env.dir, 'new', 'deep', 'config.json')
    expect(readAuthEntry(file, 'us.icr.io')).toBeUndefined()
    writeAuthEntry(file, 'us.icr.io', { auth: 'eA==' })
    expect(readAuthEntry(file, 'us.icr.io')).toEqual({ auth: 'eA==' })
    writeFileSync(file, '  \n')
    expect(readAuthEntry(file, 'us.icr.io')).toBeUndefined()
  })

  test('a file that is not a JSON object is refused, not overwritten', async () => {
    const file = path.join(step.env.dir, 'array.json')
    writeFileSync(file, '[1,2]')
    expect(() => writeAuthEntry(file, 'us.icr.io', { auth: 'eA==' })).toThrow(`${file} does not hold a JSON object`)
    expect(readFileSync(file, 'utf8')).toBe('[1,2]')
  })

  test("a symlinked auth file (a dotfile manager's) is written through: the link stays, its target gets the entry", async () => {
    const target = path.join(step.env.dir, 'elsewhere.json')
    writeFileSync(target, '{"auths":{"other.example":{"auth":"bz1v"}}}')
    const file = path.join(step.env.dir, 'link.json')
    symlinkSync(target, file)
    writeAuthEntry(file, 'us.icr.io', { auth: 'eA==' })
    expect(lstatSync(file).isSymbolicLink()).toBe(true)
    expect(JSON.parse(readFileSync(target, 'utf8')).auths).toEqual({ 'other.example': { auth: 'bz1v' }, 'us.icr.io': { auth: 'eA==' } })
    expect(statSync(target).mode & 0o777).toBe(0o600)
    writeAuthEntry(file, 'us.icr.io', undefined)
    expect(lstatSync(file).isSymbolicLink()).toBe(true)
    expect(JSON.parse(readFileSync(target, 'utf8')).auths).toEqual({ 'other.example': { auth: 'bz1v' } })
  })

  test('an auth file path that is a directory: a clear error naming the file and the fix, no raw EISDIR', async () => {
    const file = path.join(step.env.dir, 'config-dir.json')
    mkdirSync(file)
    expect(() => writeAuthEntry(file, 'us.icr.io', { auth: 'eA==' })).toThrow(
      `The auth file ${file} cannot be read (EISDIR: it is a directory), so the action cannot add its login to it (nor put back what it held). Fix its path or permissions in an earlier step, or set 'isolated-config: true' to use a fresh per-job auth file.`
    )
    expect(() => readAuthEntry(file, 'us.icr.io')).toThrow(ActionError)
  })

  test('an auth file that is not JSON: a clear error naming the file and the fix', async () => {
    const file = path.join(step.env.dir, 'broken.json')
    writeFileSync(file, '{"auths": {,}')
    expect(() => writeAuthEntry(file, 'us.icr.io', { auth: 'eA==' })).toThrow(
      `The auth file ${file} does not hold a JSON object, so the action cannot add its login to it (nor put back what it held). Fix or delete the file in an earlier step, or set 'isolated-config: true' to use a fresh per-job auth file.`
    )
    expect(() => readAuthEntry(file, 'us.icr.io')).toThrow(/does not hold a JSON object/)
  })
})

describe('review fixes: credential helpers and helm config home', () => {
  test('docker-config writes the file; a registry a helper owns is routed to the file by main (credential-store.test.ts)', async () => {
    const file = path.join(step.env.dir, 'helper', 'config.json')
    mkdirSync(path.dirname(file), { recursive: true })
    const ctx = fakeClientContext({})
    // A helper for another registry, or an empty one, leaves this registry to the file.
    writeFileSync(file, JSON.stringify({ credHelpers: { 'other.example': 'x', 'us.icr.io': '' } }))
    await clients['docker-config'].login(credential, file, ctx)
    expect(readAuthEntry(file, 'us.icr.io')).toEqual({ auth: Buffer.from('iambearer:eyJ-client-test-password').toString('base64') })
  })

  test('helm: HELM_REGISTRY_CONFIG, else HELM_CONFIG_HOME/registry/config.json, else the XDG default', () => {
    expect(clients.helm.authFile({ HELM_REGISTRY_CONFIG: '/r.json', HELM_CONFIG_HOME: '/h' })).toBe('/r.json')
    expect(clients.helm.authFile({ HELM_CONFIG_HOME: '/h', XDG_CONFIG_HOME: '/x' })).toBe('/h/registry/config.json')
    expect(clients.helm.authFile({ XDG_CONFIG_HOME: '/x' })).toBe('/x/helm/registry/config.json')
    expect(clients.helm.authFile({ HOME: '/home/u' })).toBe('/home/u/.config/helm/registry/config.json')
  })
})
