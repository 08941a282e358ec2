import { mkdirSync, mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { findBinary, quoteForCmd, spawnTarget } from '../../../src/process/find-binary.js'
import { requireClients } from '../../../src/clients/availability.js'
import { clients } from '../../../src/clients/index.js'
import type { ClientId } from '../../../src/types.js'
import { InputError } from '../../../src/log/errors.js'
import { platformOf, type Platform } from '../../../src/runner/platform.js'
import { fakeClientContext } from '../../helpers/contexts.js'

const linux = platformOf('linux', '/home/runner', 1001)
const darwin = platformOf('darwin', '/Users/runner', 501)
const win32 = platformOf('win32', 'C:\\Users\\runneradmin')

// What a GitHub runner of each OS sets, and nothing the clients' overrides read.
const runnerEnv = {
  linux: { HOME: '/home/runner', XDG_RUNTIME_DIR: '/run/user/1001' },
  darwin: { HOME: '/Users/runner' },
  win32: { USERPROFILE: 'C:\\Users\\runneradmin', APPDATA: 'C:\\Users\\runneradmin\\AppData\\Roaming', HOME: 'C:\\msys-home-ignored' }
}

describe('auth file locations with no override, per OS', () => {
  const table: Array<[ClientId, string, string, string]> = [
    ['docker', '/home/runner/.docker/config.json', '/Users/runner/.docker/config.json', 'C:\\Users\\runneradmin\\.docker\\config.json'],
    [
      'docker-config',
      '/home/runner/.docker/config.json',
      '/Users/runner/.docker/config.json',
      'C:\\Users\\runneradmin\\.docker\\config.json'
    ],
    ['oras', '/home/runner/.docker/config.json', '/Users/runner/.docker/config.json', 'C:\\Users\\runneradmin\\.docker\\config.json'],
    [
      'helm',
      '/home/runner/.config/helm/registry/config.json',
      '/Users/runner/Library/Preferences/helm/registry/config.json',
      'C:\\Users\\runneradmin\\AppData\\Roaming\\helm\\registry\\config.json'
    ],
    [
      'podman',
      '/run/user/1001/containers/auth.json',
      '/Users/runner/.config/containers/auth.json',
      'C:\\Users\\runneradmin\\.config\\containers\\auth.json'
    ]
  ]
  test.each(table)('%s', (id, onLinux, onMac, onWindows) => {
    expect(clients[id].authFile(runnerEnv.linux, linux)).toBe(onLinux)
    expect(clients[id].authFile(runnerEnv.darwin, darwin)).toBe(onMac)
    expect(clients[id].authFile(runnerEnv.win32, win32)).toBe(onWindows)
  })

  test.each(['buildah', 'skopeo'] as const)('%s (Linux only) follows podman on Linux', id => {
    expect(clients[id].authFile(runnerEnv.linux, linux)).toBe('/run/user/1001/containers/auth.json')
    expect(clients[id].authFile({}, linux)).toBe('/run/containers/1001/auth.json')
  })

  test('without HOME or USERPROFILE the OS home directory is used', () => {
    expect(clients.docker.authFile({}, linux)).toBe('/home/runner/.docker/config.json')
    expect(clients.docker.authFile({}, win32)).toBe('C:\\Users\\runneradmin\\.docker\\config.json')
    expect(clients.helm.authFile({}, win32)).toBe('C:\\Users\\runneradmin\\AppData\\Roaming\\helm\\registry\\config.json')
    expect(clients.helm.authFile({}, darwin)).toBe('/Users/runner/Library/Preferences/helm/registry/config.json')
  })
})

describe('overrides are honoured on every OS', () => {
  const platforms: Array<[string, Platform, string]> = [
    ['linux', linux, '/o'],
    ['darwin', darwin, '/o'],
    ['win32', win32, 'D:\\o']
  ]
  test.each(platforms)('%s', (_name, platform, dir) => {
    const j = platform.path.join
    expect(clients.docker.authFile({ DOCKER_CONFIG: dir }, platform)).toBe(j(dir, 'config.json'))
    expect(clients.oras.authFile({ DOCKER_CONFIG: dir }, platform)).toBe(j(dir, 'config.json'))
    expect(clients.helm.authFile({ HELM_REGISTRY_CONFIG: j(dir, 'r.json'), HELM_CONFIG_HOME: dir }, platform)).toBe(j(dir, 'r.json'))
    expect(clients.helm.authFile({ HELM_CONFIG_HOME: dir, XDG_CONFIG_HOME: 'x' }, platform)).toBe(j(dir, 'registry', 'config.json'))
    expect(clients.helm.authFile({ XDG_CONFIG_HOME: dir, APPDATA: 'a' }, platform)).toBe(j(dir, 'helm', 'registry', 'config.json'))
    expect(clients.podman.authFile({ REGISTRY_AUTH_FILE: j(dir, 'a.json'), DOCKER_CONFIG: 'd' }, platform)).toBe(j(dir, 'a.json'))
    expect(clients.podman.authFile({ DOCKER_CONFIG: dir, XDG_RUNTIME_DIR: '/x' }, platform)).toBe(j(dir, 'config.json'))
  })
})

describe('binary lookup', () => {
  /** A fake file system for other OSes' paths: the executables that exist. */
  const files =
    (...present: string[]) =>
    async (file: string) =>
      present.includes(file)

  test('Windows: PATH (any case of its name) with every PATHEXT extension, first directory first, never the bare name', async () => {
    const env = { Path: 'C:\\bin;"C:\\Program Files\\helm";C:\\tools', PATHEXT: '.COM;.EXE;.BAT;.CMD' }
    expect(await findBinary('helm', env, win32, files('C:\\Program Files\\helm\\helm.exe', 'C:\\tools\\helm.exe'))).toBe(
      'C:\\Program Files\\helm\\helm.exe'
    )
    expect(await findBinary('podman', env, win32, files('C:\\bin\\podman', 'C:\\tools\\podman.cmd'))).toBe('C:\\tools\\podman.cmd')
    expect(await findBinary('docker', env, win32, files('C:\\bin\\docker.cmd', 'C:\\bin\\docker.exe'))).toBe('C:\\bin\\docker.exe')
    expect(await findBinary('oras', env, win32, files('C:\\bin\\oras'))).toBe('')
    // no PATHEXT: Windows' own default list
    expect(await findBinary('oras', { PATH: 'C:\\bin' }, win32, files('C:\\bin\\oras.bat'))).toBe('C:\\bin\\oras.bat')
    // a name that carries its extension is tried as is
    expect(await findBinary('helm.exe', env, win32, files('C:\\tools\\helm.exe'))).toBe('C:\\tools\\helm.exe')
    // relative PATH entries (the current directory) are never searched
    expect(await findBinary('helm', { PATH: '.;bin', PATHEXT: '.EXE' }, win32, files('.\\helm.exe', 'bin\\helm.exe', 'helm.exe'))).toBe('')
  })

  test.each([
    ['linux', linux],
    ['darwin', darwin]
  ] as const)('%s: PATH split on ":", no extensions, relative entries skipped', async (_name, platform) => {
    const env = { PATH: 'bin:/usr/local/bin:/opt/homebrew/bin', PATHEXT: '.EXE' }
    expect(await findBinary('helm', env, platform, files('/opt/homebrew/bin/helm', 'bin/helm'))).toBe('/opt/homebrew/bin/helm')
    expect(await findBinary('helm', env, platform, files('/usr/local/bin/helm.exe'))).toBe('')
  })

  test('the real file system: only an executable file counts', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rl-bin-'))
    try {
      const here = platformOf(process.platform, os.homedir())
      for (const sub of ['a/oras', 'b', 'c']) mkdirSync(path.join(dir, sub), { recursive: true }) // a/oras: a directory named like the binary
      writeFileSync(path.join(dir, 'b', 'oras'), '', { mode: 0o644 }) // not executable
      writeFileSync(path.join(dir, 'c', 'oras'), '#!/bin/sh\n')
      chmodSync(path.join(dir, 'c', 'oras'), 0o755)
      const env = { PATH: ['a', 'b', 'c'].map(d => path.join(dir, d)).join(path.delimiter) }
      expect(await findBinary('oras', env, here)).toBe(path.join(dir, 'c', 'oras'))
      expect(await findBinary('helm', env, here)).toBe('')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('starting a binary', () => {
  test('an .exe, and anything off Windows, is started directly with its arguments untouched', () => {
    const args = ['login', '--username', 'iam bearer', 'us.icr.io']
    expect(spawnTarget('C:\\bin\\helm.exe', args, {}, win32)).toEqual({
      command: 'C:\\bin\\helm.exe',
      args,
      windowsVerbatimArguments: false
    })
    expect(spawnTarget('/usr/bin/podman.cmd', args, {}, linux)).toEqual({
      command: '/usr/bin/podman.cmd',
      args,
      windowsVerbatimArguments: false
    })
  })

  test('a .cmd or .bat goes through cmd.exe /d /s /c with every cmd metacharacter escaped', () => {
    const target = spawnTarget(
      'C:\\Program Files\\podman\\podman.CMD',
      ['login', '--authfile', 'C:\\a b\\auth.json', '--username', 'u&calc', 'us.icr.io'],
      { ComSpec: 'C:\\Windows\\system32\\cmd.exe' },
      win32
    )
    expect(target.command).toBe('C:\\Windows\\system32\\cmd.exe')
    expect(target.windowsVerbatimArguments).toBe(true)
    expect(target.args.slice(0, 3)).toEqual(['/d', '/s', '/c'])
    expect(target.args[3]).toBe(
      '"C:\\Program^ Files\\podman\\podman.CMD ^"login^" ^"--authfile^" ^"C:\\a^ b\\auth.json^" ^"--username^" ^"u^&calc^" ^"us.icr.io^""'
    )
    expect(spawnTarget('C:\\x.bat', [], {}, win32).command).toBe('cmd.exe')
  })

  test.each([
    ['plain', '^"plain^"'],
    ['100%', '^"100^%^"'],
    ['a"b', '^"a\\^"b^"'],
    ['trail\\', '^"trail\\\\^"'],
    ['x|y>z<w^v!(u)', '^"x^|y^>z^<w^^v^!^(u^)^"']
  ])('quoteForCmd(%j)', (arg, quoted) => {
    expect(quoteForCmd(arg)).toBe(quoted)
  })

  test('a line break cannot be passed to a batch file', () => {
    expect(() => spawnTarget('C:\\x.cmd', ['a\r\nb'], {}, win32)).toThrow('line break')
  })
})

describe('clients the runner cannot run', () => {
  test.each([
    [
      'buildah',
      darwin,
      "Input 'clients' asks for 'buildah', which does not run on macOS (only on Linux). Drop 'buildah' from 'clients' on this runner (docker, docker-config, helm, oras and podman work here), or run the job on a Linux runner."
    ],
    ['skopeo', win32, "Input 'clients' asks for 'skopeo', which does not run on Windows (only on Linux)."]
  ] as const)('%s is refused on %o before any binary lookup', async (id, platform, message) => {
    const ctx = fakeClientContext({})
    const error = await requireClients([clients.docker, clients[id]], ctx, platform).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InputError)
    expect((error as Error).message).toContain(message)
    expect(ctx.whichAsked).toEqual([])
  })

  test.each([
    ['linux', linux],
    ['darwin', darwin],
    ['win32', win32]
  ] as const)('%s: docker, docker-config, helm, oras and podman pass', async (_name, platform) => {
    const ctx = fakeClientContext({})
    await expect(
      requireClients([clients.docker, clients['docker-config'], clients.helm, clients.oras, clients.podman], ctx, platform)
    ).resolves.toBeUndefined()
    expect(ctx.whichAsked).toEqual(['docker', 'helm', 'oras', 'podman'])
  })

  test('buildah and skopeo pass on Linux', async () => {
    await expect(requireClients([clients.buildah, clients.skopeo], fakeClientContext({}), linux)).resolves.toBeUndefined()
  })
})

describe('a missing client names what installs it', () => {
  const hints: Array<[ClientId, string]> = [
    ['docker', 'docker/setup-docker-action'],
    ['helm', 'azure/setup-helm'],
    ['oras', 'oras-project/setup-oras'],
    ['podman', 'sudo apt-get install -y podman'],
    ['buildah', 'sudo apt-get install -y buildah'],
    ['skopeo', 'sudo apt-get install -y skopeo']
  ]
  test.each(hints)('%s', async (id, hint) => {
    const error = await requireClients([clients[id]], fakeClientContext({}, { onPath: [] }), linux).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InputError)
    expect((error as Error).message).toContain(`Input 'clients' asks for '${id}', but '${id}' is not on PATH. Install it: `)
    expect((error as Error).message).toContain(hint)
    expect((error as Error).message).toContain(`or drop '${id}' from 'clients'.`)
  })
})
