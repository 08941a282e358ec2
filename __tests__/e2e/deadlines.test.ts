// Deadlines and retries through the built action, with the real clients against the local cloud:
// a hung client in main and in post is killed with its children; a registry answering 503 twice
// is logged into on the third attempt; one answering 429 waits its Retry-After (read by the action) or the rate-limit delay;
// a refused credential is not retried.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { clientSandbox } from '../../harness/client-env.js'
import { pushWith } from '../../harness/image.js'
import { runAction } from '../../harness/run-action.js'
import { realBinaries } from '../helpers/acceptance.js'
import { localCloudForFile } from '../helpers/local-cloud.js'
import { parseRegistryFault } from '../../harness/local-cloud.js'
import { helmAvailable, pathWithHelm } from '../../harness/helm.js'

const cloud = localCloudForFile({ clouds: ['ibm'] })
afterEach(() => cloud().clearFaults())

const REAL = realBinaries(['docker', 'podman'])
const someoneElse = { auth: Buffer.from('someone:else-password').toString('base64') }

/**
 * A `docker` first on PATH that, for `verb`, starts a child that sleeps and waits for it (so both
 * hang), writing the child's pid to a file; every other command runs the real docker.
 * `ignoreTerm` makes the shim and its child ignore SIGTERM, so only SIGKILL ends them.
 */
function hangingDocker(verb: 'login' | 'logout', ignoreTerm = false): { dir: string; pidFile: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'registry-login-hang-'))
  const pidFile = path.join(dir, 'child.pid')
  writeFileSync(
    path.join(dir, 'docker'),
    [
      '#!/bin/bash',
      `case " $* " in *" ${verb} "*)`,
      ignoreTerm ? "  trap '' TERM" : '',
      `  sleep 600 & echo $! > '${pidFile}'`,
      '  wait; wait; exit 0 ;;',
      'esac',
      `exec '${REAL.docker}' "$@"`,
      ''
    ].join('\n')
  )
  chmodSync(path.join(dir, 'docker'), 0o755)
  return { dir, pidFile }
}

/** Running and not a zombie waiting for its reaper. */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return false
  }
}

const childPid = (pidFile: string): number => Number(readFileSync(pidFile, 'utf8').trim())

/** Whether the shim's child is gone, allowing a moment for a SIGKILL to land (up to 10 s: npm test runs the unit tests beside). */
async function gone(pidFile: string): Promise<boolean> {
  const pid = childPid(pidFile)
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise(resolve => setTimeout(resolve, 100))
  return pid > 0 && !alive(pid)
}
const backupFiles = (temp: string): string[] => readdirSync(temp).filter(name => /^registry-login-[0-9a-f]+\.json$/.test(name))

test('a login that hangs in main is killed with its child at the deadline; main fails naming the client and the override', async () => {
  const sandbox = clientSandbox()
  const shim = hangingDocker('login')
  const started = Date.now()
  const { main, post, temp } = await runAction(
    { provider: 'ibm', region: 'us', 'api-key': cloud().emulators.ibm.createApiKey(), clients: 'docker' },
    { env: { ...cloud().env, ...sandbox.env, PATH: `${shim.dir}:${process.env.PATH}`, REGISTRY_LOGIN_CLIENT_TIMEOUT_MS: '1500' } }
  )
  expect(main.code).toBe(1)
  expect(main.log).toContain(
    "::error::registry-login: 'docker login' did not finish within 1.5 s and was stopped, with the processes it started. If it is only slow, raise the environment variable REGISTRY_LOGIN_CLIENT_TIMEOUT_MS (milliseconds)."
  )
  // the hung login is not retried: one attempt, then the error
  expect(main.log).not.toMatch(/attempt 1 of/)
  expect(await gone(shim.pidFile)).toBe(true)
  expect(Date.now() - started).toBeLessThan(60_000)
  expect(post!.code).toBe(0)
  expect(sandbox.auths(sandbox.files.docker)).toEqual({})
  expect(backupFiles(temp)).toEqual([])
})

test("a cancelled step (the runner's SIGTERM to the action) takes the hung client and its child along", async () => {
  const sandbox = clientSandbox()
  const shim = hangingDocker('login')
  const { main } = await runAction(
    { provider: 'ibm', region: 'us', 'api-key': cloud().emulators.ibm.createApiKey(), clients: 'docker' },
    {
      env: { ...cloud().env, ...sandbox.env, PATH: `${shim.dir}:${process.env.PATH}` },
      skipPost: true,
      onSpawn: (step, child) => {
        // cancel main once the hung client has started its child, as the runner does on "Cancel workflow"
        const poll = setInterval(() => {
          if (step === 'main' && existsSync(shim.pidFile) && readFileSync(shim.pidFile, 'utf8').trim()) {
            clearInterval(poll)
            child.kill('SIGTERM')
          }
        }, 50)
        child.once('close', () => clearInterval(poll))
      }
    }
  )
  expect(main.signal).toBe('SIGTERM')
  expect(await gone(shim.pidFile)).toBe(true)
})

test.each([
  ['the logout ends on SIGTERM', false],
  ['the logout ignores SIGTERM and gets SIGKILL', true]
])(
  'a docker logout that hangs in post (%s) is killed at its deadline; post restores the earlier entry, removes its files and ends',
  async (_name, ignoreTerm) => {
    const sandbox = clientSandbox()
    mkdirSync(path.dirname(sandbox.files.docker), { recursive: true })
    writeFileSync(sandbox.files.docker, JSON.stringify({ auths: { 'us.icr.io': someoneElse } }))
    const shim = hangingDocker('logout', ignoreTerm)
    const { main, post, temp } = await runAction(
      { provider: 'ibm', region: 'us', 'api-key': cloud().emulators.ibm.createApiKey(), clients: 'docker,podman' },
      { env: { ...cloud().env, ...sandbox.env, PATH: `${shim.dir}:${process.env.PATH}`, REGISTRY_LOGIN_LOGOUT_TIMEOUT_MS: '1000' } }
    )
    expect(main.code).toBe(0)
    expect(post!.code).toBe(0)
    expect(post!.log).toMatch(
      /::warning::docker: logout of us\.icr\.io failed: 'docker logout' did not finish within 1 s and was stopped, with the processes it started\. If it is only slow, raise the environment variable REGISTRY_LOGIN_LOGOUT_TIMEOUT_MS/
    )
    expect(await gone(shim.pidFile)).toBe(true)
    // podman logged out normally; docker's earlier entry is back, byte for byte what it was
    expect(sandbox.auths(sandbox.files.docker)).toEqual({ 'us.icr.io': someoneElse })
    expect(sandbox.auths(sandbox.files.containers)).toEqual({})
    expect(backupFiles(temp)).toEqual([])
  }
)

test('isolated-config: a hung logout still leaves no per-job directory behind', async () => {
  const sandbox = clientSandbox()
  const shim = hangingDocker('logout')
  const { main, post, temp } = await runAction(
    { provider: 'ibm', region: 'us', 'api-key': cloud().emulators.ibm.createApiKey(), clients: 'docker', 'isolated-config': 'true' },
    { env: { ...cloud().env, ...sandbox.env, PATH: `${shim.dir}:${process.env.PATH}`, REGISTRY_LOGIN_LOGOUT_TIMEOUT_MS: '1000' } }
  )
  expect(main.code).toBe(0)
  const dir = main.jobEnv.DOCKER_CONFIG?.replace(/\/docker$/, '') ?? ''
  expect(dir).toMatch(/registry-login-config-/)
  expect(post!.code).toBe(0)
  expect(post!.log).toMatch(/::warning::docker: logout of us\.icr\.io failed: 'docker logout' did not finish within 1 s/)
  expect(await gone(shim.pidFile)).toBe(true)
  expect(existsSync(dir)).toBe(false)
  expect(backupFiles(temp)).toEqual([])
})

test('post as a whole is bounded: once its budget is spent, the rest is not logged out but still restored', async () => {
  const sandbox = clientSandbox()
  mkdirSync(path.dirname(sandbox.files.docker), { recursive: true })
  writeFileSync(sandbox.files.docker, JSON.stringify({ auths: { 'de.icr.io': someoneElse } }))
  const shim = hangingDocker('logout')
  let postStarted = 0
  const { main, post } = await runAction(
    { provider: 'ibm', registry: 'us.icr.io, de.icr.io', 'api-key': cloud().emulators.ibm.createApiKey(), clients: 'docker' },
    {
      env: { ...cloud().env, ...sandbox.env, PATH: `${shim.dir}:${process.env.PATH}`, REGISTRY_LOGIN_POST_TIMEOUT_MS: '1200' },
      between: async () => void (postStarted = Date.now())
    }
  )
  expect(main.code).toBe(0)
  expect(post!.code).toBe(0)
  expect(Date.now() - postStarted).toBeLessThan(15_000)
  expect(post!.log).toMatch(
    /::warning::docker: logout of de\.icr\.io failed: 'docker logout' did not finish within 1\.\d s .*REGISTRY_LOGIN_POST_TIMEOUT_MS/
  )
  expect(post!.log).toMatch(
    /::warning::docker: logout of us\.icr\.io skipped: post reached its deadline \(REGISTRY_LOGIN_POST_TIMEOUT_MS\)/
  )
  expect(sandbox.auths(sandbox.files.docker)).toEqual({ 'de.icr.io': someoneElse })
})

test.each(['docker', 'podman'])('%s: a registry answering 503 twice and then 200 is logged into on the third attempt', async client => {
  const sandbox = clientSandbox()
  // Three token requests get 503: the client's first, the action's own look for a Retry-After (none), the client's second.
  cloud().registryFault('ibm', { kind: 'status', status: 503, times: 3 })
  const served = cloud().faultsServed.length
  const seen = cloud().tokenService.seen.length
  let pushed = false
  const { main, post } = await runAction(
    { provider: 'ibm', region: 'us', 'api-key': cloud().emulators.ibm.createApiKey(), clients: client },
    {
      env: { ...cloud().env, ...sandbox.env, REGISTRY_LOGIN_CLIENT_RETRY_DELAY_MS: '50', REGISTRY_LOGIN_CLIENT_RATE_LIMIT_DELAY_MS: '50' },
      between: async () =>
        void (pushed = (
          await pushWith(client === 'docker' ? sandbox.files.docker : sandbox.files.containers, `us.icr.io/acme/retried:${client}`)
        ).ok)
    }
  )
  expect(main.code).toBe(0)
  expect(cloud().faultsServed.slice(served)).toEqual(
    Array(3).fill({ host: 'token.ibm.registry.test', path: '/token', kind: 'status', status: 503 })
  )
  expect(
    cloud()
      .tokenService.seen.slice(seen)
      .filter(s => s.ok && s.scopes.length === 0)
  ).toHaveLength(1)
  const retries = main.log.split('\n').filter((line: string) => line.startsWith(`${client} login to us.icr.io: attempt`))
  expect(retries).toHaveLength(2)
  expect(retries[0]).toMatch(/attempt 1 of 3 failed \(.*503.*\); retrying in \d+ ms/)
  expect(main.log).toContain(`${client}: logged into us.icr.io as iambearer`)
  expect(pushed).toBe(true)
  expect(post!.code).toBe(0)
})

test.each([
  // The registry still pauses when the action asks it (times=2: the client's token request, then the action's): its
  // Retry-After (1 s) is the wait, shorter than the rate-limit delay it replaces.
  ['docker', 2, '1000'],
  ['podman', 2, '1000'],
  // The registry answers the action's own request at once (times=1): no Retry-After to read, the rate-limit delay
  // (2 s here, set by its variable).
  ['podman', 1, '2000']
] as const)(
  '%s: a registry answering 429 with Retry-After (%s token requests) is logged into after the wait, within the deadlines (#20)',
  async (client, times, wait) => {
    const sandbox = clientSandbox()
    // The fault as LOCAL_CLOUD_REGISTRY_FAULT writes it: the next token requests of the registry get 429, Retry-After: 1.
    cloud().registryFault('ibm', parseRegistryFault(`429,retry-after=1,times=${times}`))
    const served = cloud().faultsServed.length
    const seen = cloud().tokenService.seen.length
    let pushed = false
    const { main, post } = await runAction(
      { provider: 'ibm', region: 'us', 'api-key': cloud().emulators.ibm.createApiKey(), clients: client },
      {
        env: { ...cloud().env, ...sandbox.env, REGISTRY_LOGIN_CLIENT_RATE_LIMIT_DELAY_MS: '2000' },
        between: async () =>
          void (pushed = (
            await pushWith(client === 'docker' ? sandbox.files.docker : sandbox.files.containers, `us.icr.io/acme/rate-limited:${client}`)
          ).ok)
      }
    )
    expect({ code: main.code, log: main.code === 0 ? '' : main.log }).toEqual({ code: 0, log: '' })
    expect(cloud().faultsServed.slice(served)).toEqual(
      Array(times).fill({ host: 'token.ibm.registry.test', path: '/token', kind: 'status', status: 429 })
    )
    const retries = main.log.split('\n').filter((line: string) => line.startsWith(`${client} login to us.icr.io: attempt`))
    expect(retries).toHaveLength(1)
    expect(retries[0]).toMatch(
      new RegExp(
        `^${client} login to us\\.icr\\.io: attempt 1 of 3 failed \\(.*(toomanyrequests|too many requests).*\\); retrying in ${wait} ms$`
      )
    )
    expect(main.log.includes(`${client} login to us.icr.io: the registry asks to wait 1 s (its Retry-After)`)).toBe(times === 2)
    expect(main.ms).toBeGreaterThanOrEqual(Number(wait))
    expect(main.ms).toBeLessThan(60_000)
    // The action's own token request (the one a fault did not answer) carried no credential.
    const ours = cloud()
      .tokenService.seen.slice(seen)
      .filter((request: { userAgent?: string }) => request.userAgent?.startsWith('registry-login/'))
    expect(ours.map((request: { username: string; ok: boolean }) => [request.username, request.ok])).toEqual(
      times === 1 ? [['', false]] : []
    )
    expect(main.log).toContain(`${client}: logged into us.icr.io as iambearer`)
    expect(pushed).toBe(true)
    expect(post!.code).toBe(0)
  }
)

test.each([
  // The action reads the registry's Retry-After (30 s) while the fault lasts; its own delay is short.
  ['the Retry-After', 2, '100', '30000'],
  // The registry answers the action's look at once: the policy's delay (20 s) is the wait.
  ['the rate-limit delay', 1, '20000', '20000']
] as const)(
  "a 429 whose wait (%s) would end past main's deadline fails the login at once, naming the wait and REGISTRY_LOGIN_MAIN_TIMEOUT_MS (#20)",
  async (_wait, times, delay, expected) => {
    const sandbox = clientSandbox()
    cloud().registryFault('ibm', parseRegistryFault(`429,retry-after=30,times=${times}`))
    const { main } = await runAction(
      { provider: 'ibm', region: 'us', 'api-key': cloud().emulators.ibm.createApiKey(), clients: 'podman' },
      // main may take 8 s in all
      {
        env: { ...cloud().env, ...sandbox.env, REGISTRY_LOGIN_MAIN_TIMEOUT_MS: '8000', REGISTRY_LOGIN_CLIENT_RATE_LIMIT_DELAY_MS: delay },
        skipPost: true
      }
    )
    expect(main.code).toBe(1)
    expect(main.ms).toBeLessThan(8_000)
    expect(main.log).toMatch(
      new RegExp(
        `::error::registry-login: podman login to us\\.icr\\.io: attempt 1 of 3 failed \\('podman login' exited with code 125: .*too many requests to registry\\), and the next one is not made: its wait of ${expected} ms would end past the step's deadline \\(\\d+ ms left\\)\\. If the registry needs longer, raise the environment variable REGISTRY_LOGIN_MAIN_TIMEOUT_MS \\(milliseconds\\)\\.`
      )
    )
    expect(main.log).not.toMatch(/retrying in/)
  }
)

const helmTest = helmAvailable() ? test : test.skip
helmTest(
  'helm waits out a 429 with Retry-After itself (oras-go): logged in on the first attempt, no wait of the action (#20)',
  async () => {
    const sandbox = clientSandbox()
    cloud().registryFault('ibm', parseRegistryFault('429,retry-after=2,times=1'))
    const served = cloud().faultsServed.length
    const { main, post } = await runAction(
      { provider: 'ibm', region: 'us', 'api-key': cloud().emulators.ibm.createApiKey(), clients: 'helm' },
      { env: { ...cloud().env, ...sandbox.env, PATH: pathWithHelm(), SSL_CERT_FILE: cloud().pki.ca } }
    )
    expect({ code: main.code, log: main.code === 0 ? '' : main.log }).toEqual({ code: 0, log: '' })
    expect(cloud().faultsServed.slice(served)).toHaveLength(1)
    expect(main.log).not.toMatch(/helm login to us\.icr\.io: attempt/)
    expect(main.ms).toBeGreaterThanOrEqual(2_000)
    expect(main.log).toContain('helm: logged into us.icr.io as iambearer')
    expect(post!.code).toBe(0)
  }
)

test('a credential the registry refuses (401) is not retried, and the error names the user and registry, never the password', async () => {
  const sandbox = clientSandbox()
  const apiKey = cloud().emulators.ibm.createApiKey()
  // exchange: false logs in as iamapikey with the key itself; a key IAM no longer knows is refused by the registry
  cloud().emulators.ibm.deleteApiKey(apiKey)
  const seen = cloud().tokenService.seen.length
  const { main } = await runAction(
    { provider: 'ibm', region: 'us', 'api-key': apiKey, exchange: 'false', clients: 'podman' },
    { env: { ...cloud().env, ...sandbox.env, REGISTRY_LOGIN_CLIENT_RETRY_DELAY_MS: '50' }, skipPost: true }
  )
  expect(main.code).toBe(1)
  expect(
    cloud()
      .tokenService.seen.slice(seen)
      .map(s => s.ok)
  ).toEqual([false])
  expect(main.log).not.toMatch(/attempt 1 of/)
  expect(main.log).toMatch(
    /::error::registry-login: 'podman login' exited with code 125: .*invalid username\/password\. The registry us\.icr\.io refused the credential of user 'iamapikey' \(not retried\)\. Check that the credential belongs to this registry/
  )
  expect(main.log).not.toContain(apiKey)
})
