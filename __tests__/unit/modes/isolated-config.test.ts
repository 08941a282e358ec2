import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import os from 'node:os'
import { ActionError } from '../../../src/log/errors.js'
import { readStorageSettings } from '../../../src/auth-files/auth-file.js'
import path from 'node:path'
import { adviseIsolation, createIsolatedConfig, removeIsolatedConfig } from '../../../src/modes/isolated-config.js'
import { parseInputs } from '../../../src/step/parse-step.js'
import { createInputReader } from '../../../src/inputs/reader.js'

test('a fresh 0700 directory under RUNNER_TEMP with one auth file location per client family', async () => {
  const temp = mkdtempSync(path.join(os.tmpdir(), 'iso-'))
  const { dir, env } = createIsolatedConfig({ RUNNER_TEMP: temp })
  expect(path.dirname(dir)).toBe(temp)
  expect(statSync(dir).mode & 0o777).toBe(0o700)
  expect(env).toEqual({
    DOCKER_CONFIG: path.join(dir, 'docker'),
    REGISTRY_AUTH_FILE: path.join(dir, 'containers', 'auth.json'),
    HELM_REGISTRY_CONFIG: path.join(dir, 'helm', 'registry.json')
  })
  const second = createIsolatedConfig({ RUNNER_TEMP: temp })
  expect(second.dir).not.toBe(dir)
  removeIsolatedConfig(dir)
  expect(existsSync(dir)).toBe(false)
})

test('removal refuses any directory the action did not make', async () => {
  const other = mkdtempSync(path.join(os.tmpdir(), 'not-ours-'))
  mkdirSync(path.join(other, 'keep'))
  expect(() => removeIsolatedConfig(other)).toThrow(/refusing to remove/)
  expect(existsSync(path.join(other, 'keep'))).toBe(true)
})

test("input 'isolated-config' is a boolean, false by default", () => {
  const read = (extra: Record<string, string>) =>
    parseInputs(createInputReader(name => ({ provider: 'ibm', region: 'us', token: 'tok-123456', ...extra })[name] ?? ''))
  expect(read({}).isolatedConfig).toBe(false)
  expect(read({ 'isolated-config': 'true' }).isolatedConfig).toBe(true)
  expect(() => read({ 'isolated-config': 'sometimes' })).toThrow("Input 'isolated-config' must be true or false, got 'sometimes'.")
})

describe('isolated-config carries over the docker setup, less its credentials', () => {
  function userDockerDir(): string {
    const home = mkdtempSync(path.join(os.tmpdir(), 'iso-home-'))
    const docker = path.join(home, '.docker')
    mkdirSync(path.join(docker, 'cli-plugins'), { recursive: true })
    writeFileSync(path.join(docker, 'cli-plugins', 'docker-hello'), '#!/bin/sh\n', { mode: 0o755 })
    mkdirSync(path.join(docker, 'buildx', 'instances'), { recursive: true })
    mkdirSync(path.join(docker, 'contexts', 'meta', 'abc'), { recursive: true })
    writeFileSync(path.join(docker, 'contexts', 'meta', 'abc', 'meta.json'), '{"Name":"remote"}')
    writeFileSync(path.join(docker, 'config.json.lock'), '')
    writeFileSync(
      path.join(docker, 'config.json'),
      JSON.stringify({
        auths: { 'us.icr.io': { auth: 'dXNlcjpwYXNz' } },
        credsStore: 'desktop',
        credHelpers: { '123.dkr.ecr.us-east-1.amazonaws.com': 'ecr-login' },
        proxies: { default: { httpsProxy: 'http://proxy:3128' } },
        currentContext: 'remote',
        aliases: { builder: 'buildx' }
      })
    )
    return docker
  }

  test('config.json without auths and credsStore; contexts copied; plugins and buildx linked; lock files left out', async () => {
    const docker = userDockerDir()
    const temp = mkdtempSync(path.join(os.tmpdir(), 'iso-'))
    const { env } = createIsolatedConfig({ RUNNER_TEMP: temp, DOCKER_CONFIG: docker })
    const to = env.DOCKER_CONFIG
    expect(JSON.parse(readFileSync(path.join(to, 'config.json'), 'utf8'))).toEqual({
      credHelpers: { '123.dkr.ecr.us-east-1.amazonaws.com': 'ecr-login' },
      proxies: { default: { httpsProxy: 'http://proxy:3128' } },
      currentContext: 'remote',
      aliases: { builder: 'buildx' }
    })
    expect(statSync(path.join(to, 'config.json')).mode & 0o777).toBe(0o600)
    expect(lstatSync(path.join(to, 'contexts')).isDirectory()).toBe(true)
    expect(readFileSync(path.join(to, 'contexts', 'meta', 'abc', 'meta.json'), 'utf8')).toBe('{"Name":"remote"}')
    for (const linked of ['cli-plugins', 'buildx']) expect(readlinkSync(path.join(to, linked))).toBe(path.join(docker, linked))
    expect(existsSync(path.join(to, 'config.json.lock'))).toBe(false)
  })

  test.each([
    ['an array', ['yc'], undefined],
    ['non-string values', { 'registry.yandexcloud.net': 5, 'cr.yandex': 'yc', 'x.io': { a: 1 } }, { 'cr.yandex': 'yc' }]
  ])(
    'credHelpers docker cannot read (%s) are left out of the copy, so the routing check in it does not fail the step',
    async (_, credHelpers, copied) => {
      const docker = mkdtempSync(path.join(os.tmpdir(), 'iso-docker-'))
      writeFileSync(path.join(docker, 'config.json'), JSON.stringify({ credsStore: 'desktop', credHelpers, currentContext: 'default' }))
      const { env } = createIsolatedConfig({ RUNNER_TEMP: mkdtempSync(path.join(os.tmpdir(), 'iso-')), DOCKER_CONFIG: docker })
      const file = path.join(env.DOCKER_CONFIG, 'config.json')
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ ...(copied ? { credHelpers: copied } : {}), currentContext: 'default' })
      expect(readStorageSettings(file, 'registry.yandexcloud.net')).toEqual({ othersConfigured: Boolean(copied) })
    }
  )

  test('removal deletes the links, never what they point to', async () => {
    const docker = userDockerDir()
    const { dir } = createIsolatedConfig({ RUNNER_TEMP: mkdtempSync(path.join(os.tmpdir(), 'iso-')), DOCKER_CONFIG: docker })
    removeIsolatedConfig(dir)
    expect(existsSync(dir)).toBe(false)
    expect(existsSync(path.join(docker, 'cli-plugins', 'docker-hello'))).toBe(true)
    expect(existsSync(path.join(docker, 'buildx', 'instances'))).toBe(true)
  })

  test('no user docker directory: an empty isolated one; an unreadable config.json is left behind with a warning', async () => {
    const temp = mkdtempSync(path.join(os.tmpdir(), 'iso-'))
    const none = createIsolatedConfig({ RUNNER_TEMP: temp, DOCKER_CONFIG: path.join(temp, 'absent') })
    expect(readdirSync(none.env.DOCKER_CONFIG)).toEqual([])
    const docker = mkdtempSync(path.join(os.tmpdir(), 'iso-bad-'))
    writeFileSync(path.join(docker, 'config.json'), '{not json')
    const written: string[] = []
    const original = process.stdout.write
    process.stdout.write = ((chunk: string) => void written.push(chunk)) as unknown as typeof process.stdout.write
    let bad: Awaited<ReturnType<typeof createIsolatedConfig>>
    try {
      bad = createIsolatedConfig({ RUNNER_TEMP: temp, DOCKER_CONFIG: docker })
    } finally {
      process.stdout.write = original
    }
    expect(readdirSync(bad.env.DOCKER_CONFIG)).toEqual([])
    expect(written.filter(line => line.startsWith('::warning::'))).toEqual([
      expect.stringMatching(
        new RegExp(
          `^::warning::The docker config ${path.join(docker, 'config.json')} is not carried over to the isolated config: it cannot be read as JSON`
        )
      )
    ])
  })

  test('a docker setup that cannot be carried over (a FIFO in contexts/): one clear error, and no per-job directory left that post would not know of', async () => {
    const temp = mkdtempSync(path.join(os.tmpdir(), 'iso-'))
    const docker = mkdtempSync(path.join(os.tmpdir(), 'iso-fifo-'))
    mkdirSync(path.join(docker, 'contexts'))
    execFileSync('mkfifo', [path.join(docker, 'contexts', 'pipe')])
    let error: unknown
    try {
      createIsolatedConfig({ RUNNER_TEMP: temp, DOCKER_CONFIG: docker })
    } catch (thrown) {
      error = thrown
    }
    expect(error).toBeInstanceOf(ActionError)
    expect((error as Error).message).toMatch(
      new RegExp(`^Could not carry the docker setup in ${docker} over to the isolated config: .*FIFO.*isolated-config: false`)
    )
    expect(readdirSync(temp)).toEqual([])
  })

  test("a second isolated step of the same job keeps the first one's logins", async () => {
    const temp = mkdtempSync(path.join(os.tmpdir(), 'iso-'))
    const first = createIsolatedConfig({ RUNNER_TEMP: temp })
    mkdirSync(first.env.DOCKER_CONFIG, { recursive: true })
    const config = { auths: { 'us.icr.io': { auth: 'dXNlcjpwYXNz' } }, credsStore: 'pass' }
    writeFileSync(path.join(first.env.DOCKER_CONFIG, 'config.json'), JSON.stringify(config))
    mkdirSync(path.dirname(first.env.REGISTRY_AUTH_FILE), { recursive: true })
    writeFileSync(first.env.REGISTRY_AUTH_FILE, '{"auths":{"de.icr.io":{"auth":"eDp5"}}}')
    const second = createIsolatedConfig({ RUNNER_TEMP: temp, ...first.env })
    expect(JSON.parse(readFileSync(path.join(second.env.DOCKER_CONFIG, 'config.json'), 'utf8'))).toEqual(config)
    expect(readFileSync(second.env.REGISTRY_AUTH_FILE, 'utf8')).toBe('{"auths":{"de.icr.io":{"auth":"eDp5"}}}')
  })
})

describe('self-hosted runners: isolation stays opt-in, with a notice', () => {
  test.each([
    [{ RUNNER_ENVIRONMENT: 'self-hosted' }, false, true],
    [{ RUNNER_ENVIRONMENT: 'self-hosted' }, true, false],
    [{ RUNNER_ENVIRONMENT: 'github-hosted' }, false, false],
    [{}, false, false]
  ])('%j, isolated %s: notice %s', (env, isolated, notice) => {
    const written: string[] = []
    const original = process.stdout.write
    process.stdout.write = ((chunk: string) => void written.push(chunk)) as unknown as typeof process.stdout.write
    try {
      adviseIsolation(env, isolated)
    } finally {
      process.stdout.write = original
    }
    expect(
      written.some(line =>
        line.startsWith(
          "::notice::Self-hosted runner: jobs running at the same time share the clients' auth files. Set 'isolated-config: true'"
        )
      )
    ).toBe(notice)
  })
})
