import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { cacheEntries, readCache, writeCache } from '../../../src/credential-helper/cache.js'
import { carriedEnv, readHelperConfig } from '../../../src/credential-helper/config.js'
import { registryHostWithPort, serverHost } from '../../../src/credential-helper/hosts.js'
import { answer, NOT_FOUND, type CredentialSource } from '../../../src/credential-helper/protocol.js'
import { createInputReader } from '../../../src/inputs/reader.js'
import { parseInputs } from '../../../src/step/parse-step.js'
import { maskSecret } from '../../../src/log/secrets.js'
import { thrownInputError } from '../../helpers/thrown.js'
import { captureStdout, type StdoutCapture } from '../../helpers/stdout.js'

let stdout: StdoutCapture
beforeEach(() => {
  stdout = captureStdout()
})
afterEach(() => stdout.restore())

const SECRET = 'fresh-registry-password-Qw3Er5Ty7'

function source(mint: (host: string) => Promise<{ username: string; password: string }>): {
  load: () => CredentialSource
  loads: () => number
} {
  let loads = 0
  return {
    loads: () => loads,
    load: () => {
      loads++
      return { usernames: { 'us.icr.io': 'iambearer', 'cr.yandex': 'iam' }, credential: mint }
    }
  }
}
const minting = source(async host => ({ username: host === 'cr.yandex' ? 'iam' : 'iambearer', password: SECRET }))

describe('the protocol', () => {
  test.each([
    ['us.icr.io', 'us.icr.io', 'iambearer'],
    ['https://us.icr.io', 'us.icr.io', 'iambearer'],
    ['https://US.ICR.IO/v2/\n', 'us.icr.io', 'iambearer'],
    ['cr.yandex/crp0123456789', 'cr.yandex', 'iam']
  ])('get %j answers for %s', async (stdin, host, username) => {
    const reply = await answer('get', stdin, minting.load)
    expect(reply.exitCode).toBe(0)
    expect(reply.stderr).toBe('')
    expect(JSON.parse(reply.stdout)).toEqual({ ServerURL: host, Username: username, Secret: SECRET })
  })

  test.each(['https://index.docker.io/v1/', 'icr.io', 'us.icr.io.evil.example', '', 'constructor', '__proto__'])(
    'get %j (not a registry of the plan) is "not found", so clients go anonymous',
    async stdin => {
      const reply = await answer('get', stdin, minting.load)
      expect(reply).toMatchObject({ exitCode: 1, stdout: `${NOT_FOUND}\n` })
      expect(reply.stderr).toMatch(/not a registry this job's login covers/)
    }
  )

  test('list names the registries and usernames', async () => {
    const reply = await answer('list', '', minting.load)
    expect(reply).toEqual({ exitCode: 0, stderr: '', stdout: '{"us.icr.io":"iambearer","cr.yandex":"iam"}\n' })
  })

  test.each(['store', 'erase'])('%s succeeds without effect and without loading the plan', async verb => {
    const counted = source(async () => ({ username: 'x', password: 'y' }))
    expect(await answer(verb, '{"ServerURL":"us.icr.io","Username":"u","Secret":"s"}', counted.load)).toEqual({
      exitCode: 0,
      stdout: '',
      stderr: ''
    })
    expect(counted.loads()).toBe(0)
  })

  test.each([undefined, 'version', 'get\n::add-mask::x'])(
    'an unknown verb %j fails on stderr and stdout, without command markers',
    async verb => {
      const reply = await answer(verb, '', minting.load)
      expect(reply.exitCode).toBe(1)
      expect(reply.stderr).toMatch(/^docker-credential-registry-login: unknown action/)
      expect(reply.stdout + reply.stderr).not.toMatch(/\n::|^::/)
    }
  )

  test("a cloud refusal is the cloud's message, on stdout (the client's error) and stderr, with secrets redacted and controls escaped", async () => {
    maskSecret(SECRET)
    const refusing = source(async () => {
      throw new Error(`IBM Cloud IAM answered HTTP 400 BXNIM0415E: Provided API key could not be found. key=${SECRET}\n::warning::x`)
    })
    const reply = await answer('get', 'us.icr.io', refusing.load)
    expect(reply.exitCode).toBe(1)
    expect(reply.stdout).toMatch(
      /^registry-login could not get a credential for us\.icr\.io: IBM Cloud IAM answered HTTP 400 BXNIM0415E: Provided API key could not be found\. key=\*\*\*\\x0a:\u200b:warning/
    )
    expect(reply.stdout.trimEnd().split('\n')).toHaveLength(1)
    expect(reply.stderr).toBe(`docker-credential-registry-login: ${reply.stdout}`)
    expect(reply.stdout + reply.stderr).not.toContain(SECRET)
  })
})

describe('hosts', () => {
  test.each([
    ['us.icr.io', 'us.icr.io'],
    ['cr.yandex/crp123', 'cr.yandex'],
    ['Registry.Example:5000/ns', 'registry.example:5000']
  ])('registryHostWithPort(%j) = %j', (registry, host) => expect(registryHostWithPort(registry)).toBe(host))

  test.each([
    ['https://us.icr.io/', 'us.icr.io'],
    ['  http://us.icr.io:443/v2/  ', 'us.icr.io:443'],
    ['oci://cr.yandex/x', 'cr.yandex']
  ])('serverHost(%j) = %j', (url, host) => expect(serverHost(url)).toBe(host))
})

describe('the cache', () => {
  test('entries per host; written 0600; a missing or corrupt file is an empty cache', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'helper-cache-'))
    try {
      const file = path.join(dir, 'cache.json')
      expect(readCache(file)).toEqual({})
      const expiresAt = new Date(10_000)
      const cache = cacheEntries(
        [
          { registry: 'cr.yandex/crp1', username: 'iam', password: 'a', expiresAt },
          { registry: 'us.icr.io', username: 'iambearer', password: 'b' }
        ],
        5_000
      )
      expect(cache).toEqual({
        'cr.yandex': { username: 'iam', password: 'a', obtainedAt: 5_000, expiresAt: 10_000 },
        'us.icr.io': { username: 'iambearer', password: 'b', obtainedAt: 5_000 }
      })
      writeCache(file, cache)
      expect(statSync(file).mode & 0o777).toBe(0o600)
      expect(readCache(file)).toEqual(cache)
      writeFileSync(file, '{"us.icr.io":{"username":1}} trailing')
      expect(readCache(file)).toEqual({})
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('the saved plan', () => {
  test('the plan the helper saves is plain data: written and read back as JSON it is the same plan', () => {
    const values: Record<string, string> = { provider: 'ibm', region: 'us', 'api-key': 'k-123456789', 'credential-helper': 'true' }
    const first = parseInputs(createInputReader(name => values[name] ?? ''))
    expect(first.credentialHelper).toBe(true)
    expect(JSON.parse(JSON.stringify(first.plan))).toEqual(first.plan)
    expect(first.plan).toMatchObject({
      provider: 'ibm',
      auth: 'api-key',
      registries: ['us.icr.io'],
      data: { kind: 'api-key', apiKey: 'k-123456789' }
    })
  })

  test("another cloud's key set on the step is not saved for this cloud's helper; the plan re-parses the same (#12)", () => {
    const foreign = { 'access-key-secret': 'alibaba-secret-Zx8Cv6Bn4', 'service-account-key': '{"private_key":"yandex-pem-Lk2Jh4"}' }
    const values: Record<string, string> = {
      provider: 'ibm',
      registry: 'us.icr.io',
      'api-key': 'k-123456789',
      'credential-helper': 'true',
      ...foreign
    }
    const first = parseInputs(
      createInputReader(name => values[name] ?? ''),
      {}
    )
    const saved = JSON.stringify(first.plan)
    expect(saved).toContain('k-123456789')
    for (const secret of ['alibaba-secret-Zx8Cv6Bn4', 'yandex-pem-Lk2Jh4']) expect(saved).not.toContain(secret)
    expect(first.plan).toMatchObject({ provider: 'ibm', auth: 'api-key', registries: ['us.icr.io'] })
  })

  test('main carries the endpoint overrides and the GitHub context, not its other variables', () => {
    const env = {
      REGISTRY_LOGIN_ENDPOINT_IBM_IAM: 'https://iam.example',
      GITHUB_REPOSITORY_OWNER: 'acme',
      GITHUB_RUN_ID: '7',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'bearer',
      INPUT_API_KEY: 'k',
      HOME: '/root'
    }
    expect(carriedEnv(env)).toEqual({
      REGISTRY_LOGIN_ENDPOINT_IBM_IAM: 'https://iam.example',
      GITHUB_REPOSITORY_OWNER: 'acme',
      GITHUB_RUN_ID: '7'
    })
  })

  test('every REGISTRY_LOGIN_* variable the docs document is carried; any other one (a stray secret) is not written (#9)', () => {
    const documented = [
      ...new Set(
        [...readFileSync('docs/environment.md', 'utf8').matchAll(/^\| `(REGISTRY_LOGIN_[A-Z0-9_]+)` \|/gm)].map(m => m[1] as string)
      )
    ]
    expect(documented.length).toBeGreaterThanOrEqual(16)
    const stray = {
      REGISTRY_LOGIN_DEPLOY_TOKEN: 'hunter2-secret',
      REGISTRY_LOGIN_ENDPOINT_EVIL: 'https://evil.example',
      REGISTRY_LOGIN_: 'x'
    }
    const env = { ...Object.fromEntries(documented.map(name => [name, `value of ${name}`])), ...stray }
    expect(carriedEnv(env)).toEqual(Object.fromEntries(documented.map(name => [name, `value of ${name}`])))
  })

  test.each([
    ['missing', undefined, /cannot read its configuration .* \(ENOENT\): the registry-login step that set it up has ended/],
    ['not JSON', 'nope', /cannot read its configuration .* \(not JSON\)/],
    ['another shape', '{"version":2}', /has an unknown shape/]
  ])('a %s configuration is a clear error', async (_name, content, message) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'helper-config-'))
    try {
      const file = path.join(dir, 'config.json')
      if (content !== undefined) writeFileSync(file, content)
      expect(() => readHelperConfig(file)).toThrow(message)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('the credential-helper input', () => {
  const base = { provider: 'ibm', region: 'us', 'api-key': 'k-123456789', 'credential-helper': 'true' }
  const parse = (values: Record<string, string>) => parseInputs(createInputReader(name => values[name] ?? ''))

  test.each([
    [
      { clients: 'docker,docker-config' },
      "Input 'credential-helper' is true, but client 'docker-config' is for tools that read docker's config.json without running a credential helper",
      "Use client 'docker'"
    ],
    [{ logout: 'false' }, "Input 'credential-helper' is true, but 'logout' is false", "Leave 'logout' at true"],
    [{ 'credential-helper': 'maybe' }, "Input 'credential-helper' must be true or false, got 'maybe'", '']
  ])('%j is refused, naming the input and the fix', (extra, problem, fix) => {
    const error = thrownInputError(() => parse({ ...base, ...extra }))
    expect(error.input).toBe('credential-helper')
    expect(error.message).toContain(problem)
    expect(error.message).toContain(fix)
  })

  test.each([
    [{}, true],
    [{ 'credential-helper': '' }, false],
    [{ 'credential-helper': 'false', clients: 'docker-config' }, false]
  ])('%j parses to %s', (extra, on) => expect(parse({ ...base, ...extra }).credentialHelper).toBe(on))
})
