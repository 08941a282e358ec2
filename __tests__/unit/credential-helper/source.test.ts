import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { jest } from '@jest/globals'
import { helperFiles, readHelperConfig, writeHelperConfig } from '../../../src/credential-helper/config.js'
import { credentialSource, jobCredentialSource } from '../../../src/credential-helper/source.js'
import { createInputReader } from '../../../src/inputs/reader.js'
import { parseInputs } from '../../../src/step/parse-step.js'
import { startIamServer, type IamServer } from '../../helpers/iam-server.js'
import { captureStdout, type StdoutCapture } from '../../helpers/stdout.js'

const API_KEY = 'ibm-helper-source-key-Rt5Yu7Io9'
let server: IamServer
let runnerTemp: string
let dir: string
let stdout: StdoutCapture

beforeEach(async () => {
  server = await startIamServer({ apiKeys: [API_KEY] })
  runnerTemp = mkdtempSync(path.join(os.tmpdir(), 'helper-source-'))
  dir = path.join(runnerTemp, 'registry-login-helper-b')
  mkdirSync(dir)
  stdout = captureStdout()
})
afterEach(async () => {
  stdout.restore()
  await server.close()
  rmSync(runnerTemp, { recursive: true, force: true })
})

/** Main's login plan for these inputs, as main saves it. */
const specOf = (inputs: Record<string, string>) =>
  parseInputs(
    createInputReader(name => inputs[name] ?? ''),
    {}
  ).plan

/** Saves an IBM API-key plan for `registries` the way main saves it. */
async function saveIbmPlan(into: string, registries: string[], apiKey = API_KEY): Promise<string> {
  const { config } = helperFiles(into)
  writeHelperConfig(config, {
    version: 2,
    spec: specOf({ provider: 'ibm', registry: registries.join(','), 'api-key': apiKey, 'credential-helper': 'true' }),
    env: { REGISTRY_LOGIN_ENDPOINT_IBM_IAM: server.url, REGISTRY_LOGIN_HTTP_ATTEMPTS: '1' },
    usernames: Object.fromEntries(registries.map(host => [host, 'iambearer']))
  })
  return config
}

/** The helper's source for an IBM API-key plan saved the way main saves it. */
async function source(apiKey = API_KEY) {
  return { source: credentialSource(await saveIbmPlan(dir, ['us.icr.io', 'de.icr.io'], apiKey), {}) }
}

test('one exchange serves every registry of the plan until the token nears its expiry', async () => {
  server.expiration = Math.floor(Date.now() / 1000) + 3600
  const { source: helper } = await source()
  expect(helper.usernames).toEqual({ 'us.icr.io': 'iambearer', 'de.icr.io': 'iambearer' })
  const first = await helper.credential('us.icr.io')
  const again = await helper.credential('us.icr.io')
  const other = await helper.credential('de.icr.io')
  expect(server.requests).toHaveLength(1)
  expect(first).toMatchObject({ username: 'iambearer', password: server.issued[0] })
  expect(again.password).toBe(first.password)
  expect(other.password).toBe(first.password)
})

test('a token with less than 15 minutes left is exchanged again (#20)', async () => {
  const { source: helper } = await source()
  let now = Date.now()
  const config = helperFiles(dir).config
  const clocked = credentialSource(config, {}, () => now)
  server.expiration = Math.floor(now / 1000) + 3600
  await clocked.credential('us.icr.io')
  now += 46 * 60_000
  await clocked.credential('us.icr.io')
  expect(server.requests).toHaveLength(2)
  expect(server.issued[1]).not.toBe(server.issued[0])
  expect(helper.usernames).toEqual({ 'us.icr.io': 'iambearer', 'de.icr.io': 'iambearer' })
})

test("a refusal is the cloud's own error", async () => {
  const { source: helper } = await source('ibm-not-a-key-IAM-knows-000')
  await expect(helper.credential('us.icr.io')).rejects.toThrow(
    /IBM Cloud IAM answered HTTP 400 BXNIM0415E: Provided API key could not be found/
  )
})

test("a job with two logins: the launcher found first on PATH serves the other login's registries from that login's plan", async () => {
  server.expiration = Math.floor(Date.now() / 1000) + 3600
  const own = await saveIbmPlan(dir, ['us.icr.io'])
  const earlierDir = path.join(runnerTemp, 'registry-login-helper-a')
  mkdirSync(earlierDir, { mode: 0o700 }) // as mkdtemp makes it
  await saveIbmPlan(earlierDir, ['jp.icr.io', 'us.icr.io'])
  mkdirSync(path.join(runnerTemp, 'registry-login-helper-c')) // an installation post already emptied
  const job = jobCredentialSource(own, {})
  expect(job.usernames).toEqual({ 'us.icr.io': 'iambearer', 'jp.icr.io': 'iambearer' })
  await job.credential('us.icr.io')
  await job.credential('jp.icr.io')
  expect(server.requests).toHaveLength(2)
  await expect(job.credential('de.icr.io')).rejects.toThrow(/no login of this job covers de\.icr\.io/)
})

test.each([
  ['a symlink to a directory elsewhere', (at: string, elsewhere: string) => symlinkSync(elsewhere, at)],
  ['a directory others can open', (at: string) => (mkdirSync(at), chmodSync(at, 0o755))]
])('an installation this job did not make (%s) is never served (#12)', async (_, plant) => {
  const own = await saveIbmPlan(dir, ['us.icr.io'])
  const elsewhere = mkdtempSync(path.join(os.tmpdir(), 'planted-'))
  try {
    const at = path.join(runnerTemp, 'registry-login-helper-a')
    plant(at, elsewhere)
    await saveIbmPlan(at, ['jp.icr.io'])
    const job = jobCredentialSource(own, {})
    expect(job.usernames).toEqual({ 'us.icr.io': 'iambearer' })
    await expect(job.credential('jp.icr.io')).rejects.toThrow(/no login of this job covers jp\.icr\.io/)
    expect(server.requests).toHaveLength(0)
  } finally {
    rmSync(elsewhere, { recursive: true, force: true })
  }
})

test('a configuration carries only the variables main carries: never the OIDC request URL or a proxy (#12)', async () => {
  const { config } = helperFiles(dir)
  const env = {
    REGISTRY_LOGIN_ENDPOINT_IBM_IAM: server.url,
    GITHUB_REPOSITORY: 'o/r',
    ACTIONS_ID_TOKEN_REQUEST_URL: 'https://evil.example/',
    HTTPS_PROXY: 'http://evil.example:3128'
  }
  const spec = specOf({ provider: 'ibm', registry: 'us.icr.io', token: 'ibm-token-123456' })
  writeFileSync(config, JSON.stringify({ version: 2, spec, env, usernames: {} }), { mode: 0o600 })
  expect(readHelperConfig(config).env).toEqual({ REGISTRY_LOGIN_ENDPOINT_IBM_IAM: server.url, GITHUB_REPOSITORY: 'o/r' })
  writeFileSync(config, JSON.stringify({ version: 2, spec: { ...spec, provider: 'aws' }, env: {}, usernames: {} }), { mode: 0o600 })
  expect(() => readHelperConfig(config)).toThrow(/unknown shape/)
  writeFileSync(config, JSON.stringify({ version: 1, inputs: { provider: 'ibm' }, env: {}, usernames: {} }), { mode: 0o600 })
  expect(() => readHelperConfig(config)).toThrow(/unknown shape/)
})

test("a later step's own endpoint override never redirects the saved key: the helper logs in where main decided (#12)", async () => {
  const { config } = helperFiles(dir)
  const inputs = { provider: 'ibm', registry: 'us.icr.io', 'api-key': API_KEY, 'credential-helper': 'true' }
  // Main ran without an override (the real IAM host, which this machine cannot reach); the calling step sets one.
  writeHelperConfig(config, {
    version: 2,
    spec: specOf(inputs),
    env: { REGISTRY_LOGIN_HTTP_ATTEMPTS: '1', REGISTRY_LOGIN_HTTP_TIMEOUT_MS: '3000' },
    usernames: { 'us.icr.io': 'iambearer' }
  })
  const helper = credentialSource(config, { REGISTRY_LOGIN_ENDPOINT_IBM_IAM: server.url })
  await expect(helper.credential('us.icr.io')).rejects.toThrow(/IBM Cloud IAM/)
  expect(server.requests).toHaveLength(0)
})

test('a cache that cannot be read or written (a directory in its place) costs an exchange per get, never the answer (#12)', async () => {
  server.expiration = Math.floor(Date.now() / 1000) + 3600
  const { source: helper } = await source()
  mkdirSync(helperFiles(dir).cache)
  expect(await helper.credential('us.icr.io')).toMatchObject({ username: 'iambearer', password: server.issued[0] })
  expect(await helper.credential('us.icr.io')).toMatchObject({ password: server.issued[1] })
  expect(server.requests).toHaveLength(2)
})

test('a get still minting while post removes the installation answers from the mint and never re-creates the directory (#21)', async () => {
  server.expiration = Math.floor(Date.now() / 1000) + 3600
  // The configuration is read when the get starts; post removes the installation before the mint returns.
  const { source: helper } = await source()
  rmSync(dir, { recursive: true, force: true })
  expect(await helper.credential('us.icr.io')).toMatchObject({ username: 'iambearer', password: server.issued[0] })
  expect(existsSync(dir)).toBe(false)
  expect(readdirSync(runnerTemp)).toEqual([])
})

describe('a credential minted in a later step is masked where the runner sees it: the stderr clients pass on (#21)', () => {
  let stderr: string[]
  let spy: jest.SpiedFunction<typeof process.stderr.write>
  beforeEach(() => {
    stderr = []
    spy = jest.spyOn(process.stderr, 'write').mockImplementation(((chunk: string) => {
      stderr.push(String(chunk))
      return true
    }) as typeof process.stderr.write)
  })
  afterEach(() => spy.mockRestore())

  test('a fresh mint announces it once, in ::add-mask:: lines that each start a line; a cached answer announces nothing', async () => {
    server.expiration = Math.floor(Date.now() / 1000) + 3600
    const helper = credentialSource(await saveIbmPlan(dir, ['us.icr.io']), { GITHUB_ACTIONS: 'true' })
    await helper.credential('us.icr.io')
    const token = server.issued[0] ?? ''
    const text = stderr.join('')
    expect(text.startsWith('\n')).toBe(true)
    expect(text.split('\n')).toEqual(
      expect.arrayContaining([`::add-mask::${token}`, `::add-mask::${Buffer.from(`iambearer:${token}`).toString('base64')}`])
    )
    stderr.length = 0
    await helper.credential('us.icr.io')
    expect(stderr).toEqual([])
  })

  test('outside GitHub Actions (a developer running it by hand) nothing is announced', async () => {
    server.expiration = Math.floor(Date.now() / 1000) + 3600
    await credentialSource(await saveIbmPlan(dir, ['us.icr.io']), {}).credential('us.icr.io')
    expect(stderr).toEqual([])
  })

  test('with step debug on, no line of stderr but a mask command holds the minted token or the saved key', async () => {
    server.expiration = Math.floor(Date.now() / 1000) + 3600
    const helper = credentialSource(await saveIbmPlan(dir, ['us.icr.io']), { GITHUB_ACTIONS: 'true', RUNNER_DEBUG: '1' })
    await helper.credential('us.icr.io')
    const token = server.issued[0] ?? ''
    const lines = stderr.join('').split('\n')
    const holding = lines.filter(line => line.includes(token) || line.includes(API_KEY))
    expect(holding.length).toBeGreaterThan(0)
    expect(holding.every(line => line.startsWith('::add-mask::'))).toBe(true)
    expect(stderr.join('')).not.toContain(API_KEY)
  })
})
