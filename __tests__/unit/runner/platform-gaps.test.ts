// The smaller platform gaps of #20, each on the platform's own rule: rootless podman's runtime
// directory, case-insensitive "same file" on Windows and macOS, USERPROFILE for registries.conf,
// junctions for the isolated config on Windows.
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileKey, namesIgnoreCase } from '../../../src/auth-files/file-key.js'
import { externalCredentialHelpers, userRegistriesDir } from '../../../src/auth-files/registries-conf.js'
import { StoragePlans } from '../../../src/auth-files/routing.js'
import { podmanAuthFile, type DirOwner } from '../../../src/clients/containers.js'
import { clients } from '../../../src/clients/index.js'
import { linkKind } from '../../../src/modes/isolated-config.js'
import { platformOf } from '../../../src/runner/platform.js'
import { fakeClientContext } from '../../helpers/contexts.js'

const linux = platformOf('linux', '/home/runner', 1001)
const root = platformOf('linux', '/root', 0)
const win32 = platformOf('win32', 'C:\\Users\\runneradmin')
const darwin = platformOf('darwin', '/Users/runner', 501)

describe('rootless podman without XDG_RUNTIME_DIR: the runtime directory podman sets for itself (containers/storage homedir.GetRuntimeDir)', () => {
  const owned =
    (dirs: Record<string, { uid: number; mode: number }>): DirOwner =>
    dir =>
      dirs[dir]
  test.each<[string, NodeJS.ProcessEnv, Record<string, { uid: number; mode: number }>, string]>([
    ["/run/user/<uid>, this user's and 0700", {}, { '/run/user/1001': { uid: 1001, mode: 0o700 } }, '/run/user/1001/containers/auth.json'],
    [
      '/run/user/<uid> group-writable: the temp directory',
      {},
      { '/run/user/1001': { uid: 1001, mode: 0o770 } },
      '/tmp/storage-run-1001/containers/auth.json'
    ],
    ["/run/user/<uid> another user's", {}, { '/run/user/1001': { uid: 0, mode: 0o700 } }, '/tmp/storage-run-1001/containers/auth.json'],
    [
      'no /run/user/<uid> (a container job), TMPDIR set',
      { TMPDIR: '/var/tmp/job' },
      {},
      '/var/tmp/job/storage-run-1001/containers/auth.json'
    ],
    ['XDG_RUNTIME_DIR set: podman keeps it', { XDG_RUNTIME_DIR: '/run/user/1001' }, {}, '/run/user/1001/containers/auth.json'],
    ['REGISTRY_AUTH_FILE wins', { REGISTRY_AUTH_FILE: '/w/auth.json' }, {}, '/w/auth.json']
  ])('%s', (_, env, dirs, file) => {
    expect(podmanAuthFile(env, linux, owned(dirs))).toBe(file)
  })

  test('root (not rootless) sets nothing: /run/containers/0; skopeo and buildah read /run/containers/<uid>; other OSes keep their file', () => {
    expect(podmanAuthFile({}, root, () => ({ uid: 0, mode: 0o700 }))).toBe('/run/containers/0/auth.json')
    expect(clients.skopeo.authFile({}, linux)).toBe('/run/containers/1001/auth.json')
    expect(clients.buildah.authFile({}, linux)).toBe('/run/containers/1001/auth.json')
    expect(podmanAuthFile({ HOME: '/Users/runner' }, darwin)).toBe('/Users/runner/.config/containers/auth.json')
    expect(clients.podman.authFile).toBe(podmanAuthFile)
  })
})

describe('"the same file" where the file system ignores case (NTFS, APFS)', () => {
  test('the rule per OS', () => {
    expect([namesIgnoreCase('win32'), namesIgnoreCase('darwin'), namesIgnoreCase('linux')]).toEqual([true, true, false])
  })

  test('two spellings of one path are one key on win32 and darwin, two on linux', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'file-key-'))
    const a = path.join(dir, 'Docker', 'Config.json')
    const b = path.join(dir, 'docker', 'config.JSON')
    for (const platform of ['win32', 'darwin'] as const) expect(fileKey(a, platform)).toBe(fileKey(b, platform))
    expect(fileKey(a, 'linux')).not.toBe(fileKey(b, 'linux'))
  })

  test('docker and podman on one config.json spelled two ways are planned together: the credsStore conflict is found', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'file-key-'))
    mkdirSync(path.join(dir, 'docker'))
    symlinkSync(path.join(dir, 'docker'), path.join(dir, 'link'))
    const file = path.join(dir, 'docker', 'config.json')
    writeFileSync(file, JSON.stringify({ credsStore: 'desktop' }))
    const ctx = fakeClientContext({
      HOME: dir,
      DOCKER_CONFIG: path.join(dir, 'docker'),
      REGISTRY_AUTH_FILE: path.join(dir, 'link', 'config.json')
    })
    const error = await StoragePlans.make([clients.docker, clients.podman], ['us.icr.io'], ctx).catch((e: Error) => e)
    expect((error as Error).message).toMatch(
      /^Clients 'docker' and 'podman' share .*config\.json, which hands us\.icr\.io to the credential store 'desktop'/
    )
  })
})

describe('registries.conf under the home containers/image finds', () => {
  test('Windows: USERPROFILE (runners may not set HOME), else the account home; elsewhere HOME, never a relative path', () => {
    expect(userRegistriesDir({ USERPROFILE: 'C:\\Users\\runner' }, win32)).toBe('C:\\Users\\runner\\.config\\containers')
    expect(userRegistriesDir({ HOME: 'C:\\msys-home' }, win32)).toBe('C:\\Users\\runneradmin\\.config\\containers')
    expect(userRegistriesDir({ HOME: '/home/u' }, linux)).toBe('/home/u/.config/containers')
    expect(userRegistriesDir({}, linux)).toBe('/home/runner/.config/containers')
  })

  test('with HOME unset, the credential helpers of the account home registries.conf are still found', () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'conf-home-'))
    const conf = path.join(home, '.config', 'containers', 'registries.conf')
    mkdirSync(path.dirname(conf), { recursive: true })
    writeFileSync(conf, 'credential-helpers = ["secretservice"]\n')
    const none = { conf: path.join(home, 'none.conf'), dropIns: path.join(home, 'none.d') }
    expect(externalCredentialHelpers({}, none, platformOf('linux', home, 1001))).toEqual({ helpers: ['secretservice'], file: conf })
  })
})

describe('isolated config entries on Windows', () => {
  test('directories by junction (no admin rights or Developer Mode needed), files copied; symlinks elsewhere', () => {
    expect([linkKind('win32', true), linkKind('win32', false)]).toEqual(['junction', 'copy'])
    expect([linkKind('linux', true), linkKind('darwin', false)]).toEqual(['symlink', 'symlink'])
  })
})
