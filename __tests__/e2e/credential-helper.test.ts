// credential-helper: true against the local cloud with tokens that expire after a few seconds
// (LOCAL_CLOUD_TOKEN_TTL_SECONDS): later steps push and pull after the expiry through
// docker-credential-registry-login, while the same operations after a plain login are refused.
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { clientSandbox } from '../../harness/client-env.js'
import { ALIBABA_INSTANCE, ALIBABA_OIDC_PROVIDER_ARN } from '../../harness/emulators/alibaba.js'
import { ALIBABA_DEFAULT_AUDIENCE } from '../../src/providers/alibaba/auth.js'
import { githubDefaultAudience } from '../../src/net/oidc.js'
import { helmPush, pathWithHelm } from '../../harness/helm.js'
import { pushWith, pushWithPodman } from '../../harness/image.js'
import { runAction, runnerView } from '../../harness/run-action.js'
import { localCloudForFile, REPOSITORY_ENV, stateFileOf, type ClientSandbox } from '../helpers/local-cloud.js'
import { expectMaskedLikeTheRunner, expectNoSecretIn } from '../helpers/secret-scan.js'

const TTL_SECONDS = 3
const cloud = localCloudForFile({ tokenTtlSeconds: TTL_SECONDS })
const HELPER = 'docker-credential-registry-login'
const ALL_CLIENTS = 'docker,podman,skopeo,helm'

interface Outcome {
  ok: boolean
  output: string
}

const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))
/** Every credential minted before this point has expired (the registry refuses it). */
const pastTheLifetime = (): Promise<void> => sleep(TTL_SECONDS * 1000 + 1000)

function run(
  command: string,
  args: string[],
  env: Record<string, string>,
  stdin = ''
): Promise<Outcome & { code: number; stdout: string; stderr: string }> {
  return new Promise(resolve => {
    const child = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', d => (stdout += d))
    child.stderr.on('data', d => (stderr += d))
    child.on('error', error => resolve({ ok: false, code: 1, stdout, stderr: String(error), output: String(error) }))
    child.on('close', code => resolve({ ok: code === 0, code: code ?? 1, stdout, stderr, output: stdout + stderr }))
    child.stdin.end(stdin)
  })
}

/** Env of a runner step: the local cloud, the sandbox's auth files, helm on PATH and trusting the CA. */
function stepEnv(sandbox: ClientSandbox): Record<string, string> {
  return { ...cloud().env, ...sandbox.env, ...REPOSITORY_ENV, PATH: pathWithHelm(), SSL_CERT_FILE: cloud().pki.ca }
}

/** Each client's own registry command, run as a later step of the job (its env, its PATH). */
async function clientOperations(
  sandbox: ClientSandbox,
  env: Record<string, string>,
  host: string,
  tag: string,
  gap: () => Promise<void> = () => Promise.resolve()
): Promise<Record<string, Outcome>> {
  const skopeo = await pushWith(sandbox.files.containers, `${host}/acme/helper:${tag}`, env)
  await gap()
  const podman = await pushWithPodman(env, `${host}/acme/helper:${tag}-podman`)
  await gap()
  // docker has no engine here: `manifest inspect` is its client-side registry command (a pull of the manifest).
  const docker = await run('docker', ['manifest', 'inspect', `${host}/acme/helper:${tag}`], env)
  await gap()
  const helm = await helmPush(sandbox.files.helm, `${host}/charts-${tag}`, env)
  return { skopeo, podman, docker, helm }
}

const okOf = (outcomes: Record<string, Outcome>): Record<string, boolean> =>
  Object.fromEntries(Object.entries(outcomes).map(([k, v]) => [k, v.ok]))

/** Every secret-bearing field of every `auths` entry of a docker-format auth file. */
function storedPasswords(file: string): string[] {
  if (!existsSync(file)) return []
  const json = JSON.parse(readFileSync(file, 'utf8')) as { auths?: Record<string, Record<string, unknown>> }
  return Object.values(json.auths ?? {}).flatMap(entry =>
    ['auth', 'password', 'identitytoken', 'registrytoken'].flatMap(field =>
      typeof entry[field] === 'string' && entry[field] ? [String(entry[field])] : []
    )
  )
}

/** Every registry password the cloud has issued so far (the IAM tokens the helper minted among them). */
const issuedPasswords = (name: string): string[] => (cloud().store.issued.get(name) ?? []).map(c => c.password)

const credHelpersOf = (file: string): Record<string, string> | undefined =>
  existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { credHelpers?: Record<string, string> }).credHelpers : undefined

/** The helper directory main saved for post. */
const helperDirOf = (main: { state: Record<string, string> }): string => JSON.parse(main.state['registry-login'] ?? '{}').credentialHelper

test('IBM API key: after the token expired, docker, podman, skopeo and helm still pull and push through the helper; no auth file ever holds a password; post removes it all', async () => {
  const apiKey = cloud().emulators.ibm.createApiKey()
  const sandbox = clientSandbox()
  // An earlier mapping of the same registry, and another registry's, must come back after post.
  mkdirSync(sandbox.env.DOCKER_CONFIG, { recursive: true })
  const earlier = { credHelpers: { 'us.icr.io': 'secretservice', 'other.example': 'pass' } }
  writeFileSync(sandbox.files.docker, JSON.stringify(earlier))
  const env = stepEnv(sandbox)
  let during: Record<string, { credHelpers: Record<string, string> | undefined; passwords: string[] }> = {}
  let outcomes: Record<string, Outcome> = {}
  let protocol: Record<string, Awaited<ReturnType<typeof run>>> = {}
  let getAccepted = false
  let modes: number[] = []
  let helperDir = ''
  let launcher = ''
  let issuedBefore = 0
  const { main, post } = await runAction(
    { provider: 'ibm', region: 'us', 'api-key': apiKey, clients: ALL_CLIENTS, 'credential-helper': 'true' },
    {
      env: { ...env, RUNNER_DEBUG: '1' },
      between: async (step, later) => {
        during = Object.fromEntries(
          Object.entries(sandbox.files).map(([name, file]) => [
            name,
            { credHelpers: credHelpersOf(file), passwords: storedPasswords(file) }
          ])
        )
        helperDir = helperDirOf(step)
        launcher = path.join(step.jobPath[0] ?? '', HELPER)
        modes = ['config.json', 'cache.json'].map(name => statSync(path.join(helperDir, name)).mode & 0o777)
        issuedBefore = issuedPasswords('ibm').length
        await pastTheLifetime()
        // Between the clients, past half the token's lifetime, when the helper stops handing out the cached one
        // (net/policies.ts): each client's helper call mints, and its output must carry the mask.
        outcomes = await clientOperations(sandbox, later.env, 'us.icr.io', 'ibm', () => sleep((TTL_SECONDS * 1000) / 2 + 300))
        // The protocol exactly as the clients drive it, past the lifetime of what the clients were handed: a mint.
        await pastTheLifetime()
        const get = await run(HELPER, ['get'], later.env, 'us.icr.io')
        // Checked at once: the token lives TTL_SECONDS, and the calls below may take longer on a loaded machine.
        const answered = JSON.parse(get.stdout || '{}') as { Username?: string; Secret?: string }
        getAccepted = cloud().store.accepts('ibm', answered.Username, answered.Secret)
        protocol = {
          get,
          getUrl: await run(HELPER, ['get'], later.env, 'https://us.icr.io/v2/'),
          foreign: await run(HELPER, ['get'], later.env, 'https://index.docker.io/v1/'),
          list: await run(HELPER, ['list'], later.env),
          store: await run(HELPER, ['store'], later.env, JSON.stringify({ ServerURL: 'us.icr.io', Username: 'x', Secret: 'y' })),
          erase: await run(HELPER, ['erase'], later.env, 'us.icr.io'),
          unknown: await run(HELPER, ['frobnicate'], later.env)
        }
      }
    }
  )
  expect(main.code).toBe(0)
  expect(main.log).toContain(`${HELPER} is on PATH for the later steps`)
  expect(launcher.startsWith(helperDir)).toBe(true)
  expect(modes).toEqual([0o600, 0o600])
  for (const file of ['docker', 'containers', 'helm']) {
    expect(during[file]?.credHelpers).toMatchObject({ 'us.icr.io': 'registry-login' })
    expect(during[file]?.passwords).toEqual([])
  }
  expect(during.docker?.credHelpers).toEqual({ 'us.icr.io': 'registry-login', 'other.example': 'pass' })
  expect(okOf(outcomes)).toEqual({ skopeo: true, podman: true, docker: true, helm: true })

  const answer = JSON.parse(protocol.get?.stdout ?? '{}')
  expect(answer).toMatchObject({ ServerURL: 'us.icr.io', Username: 'iambearer' })
  expect(getAccepted).toBe(true)
  // The get minted (the cached credential was past its lifetime): its stderr holds only the ::add-mask:: lines
  // for the answer, which the runner consumes, and blank lines.
  const getStderr = runnerView(protocol.get?.stderr ?? '')
  expect(getStderr.lines.filter(line => line !== '')).toEqual([])
  expect(getStderr.masks).toEqual(expect.arrayContaining([answer.Secret, Buffer.from(`iambearer:${answer.Secret}`).toString('base64')]))
  expect(JSON.parse(protocol.getUrl?.stdout ?? '{}')).toMatchObject({ ServerURL: 'us.icr.io', Username: 'iambearer' })
  expect(protocol.foreign).toMatchObject({ code: 1, stdout: 'credentials not found in native keychain\n' })
  expect(JSON.parse(protocol.list?.stdout ?? '')).toEqual({ 'us.icr.io': 'iambearer' })
  expect(protocol.store).toMatchObject({ code: 0, stdout: '' })
  expect(protocol.erase).toMatchObject({ code: 0, stdout: '' })
  expect(protocol.unknown?.code).toBe(1)
  expect(protocol.unknown?.stderr).toMatch(/unknown action 'frobnicate'/)

  expect(post!.code).toBe(0)
  expect(credHelpersOf(sandbox.files.docker)).toEqual(earlier.credHelpers)
  expect(credHelpersOf(sandbox.files.containers)).toBeUndefined()
  expect(credHelpersOf(sandbox.files.helm)).toBeUndefined()
  for (const file of Object.values(sandbox.files)) expect(storedPasswords(file)).toEqual([])
  expect(existsSync(helperDir)).toBe(false)
  expect(existsSync(launcher)).toBe(false)
  expectNoSecretIn([main.log, main.stderr, post!.log, post!.stderr, stateFileOf(main), main.summary], [apiKey])
  // Step debug is on in the later step too. The helper's stderr, which the clients pass through, is read as the
  // runner reads it: no log line holds a secret, the API key is never announced, and every token the helper
  // minted in the later step was announced with ::add-mask:: in the output of the client that ran it.
  const laterMinted = issuedPasswords('ibm').slice(issuedBefore)
  expect(laterMinted.length).toBeGreaterThanOrEqual(Object.keys(outcomes).length)
  const masked = expectMaskedLikeTheRunner([...Object.values(outcomes).map(o => o.output), ...Object.values(protocol).map(p => p.stderr)], {
    never: [apiKey],
    minted: issuedPasswords('ibm')
  })
  for (const token of laterMinted) expect(masked.has(token)).toBe(true)
  // Each client passed the helper's stderr on: its own output announced a token the helper minted for it.
  for (const [client, outcome] of Object.entries(outcomes))
    expect([client, runnerView(outcome.output).masks.some(value => laterMinted.includes(value))]).toEqual([client, true])
}, 90_000)

// These five wait out the tokens' lifetime side by side (jest runs every concurrent test of a describe block as one
// group, so the block keeps them apart from the serial tests): each has its own sandbox, key or cloud, and what a
// case counts (GitHub token requests, issued passwords) is its own audience's or its own cloud's.
describe('after the lifetime, side by side', () => {
  test.concurrent(
    'the same operations after a plain login fail with 401 once the token expired',
    async () => {
      const sandbox = clientSandbox()
      let outcomes: Record<string, Outcome> = {}
      const { main } = await runAction(
        { provider: 'ibm', region: 'us', 'api-key': cloud().emulators.ibm.createApiKey(), clients: ALL_CLIENTS },
        {
          env: stepEnv(sandbox),
          between: async (_step, later) => {
            await pastTheLifetime()
            outcomes = await clientOperations(sandbox, later.env, 'us.icr.io', 'ibm')
          }
        }
      )
      expect(main.code).toBe(0)
      expect(okOf(outcomes)).toEqual({ skopeo: false, podman: false, docker: false, helm: false })
      for (const outcome of Object.values(outcomes)) expect(outcome.output).toMatch(/401|unauthorized|invalid username\/password/i)
    },
    60_000
  )

  interface KeylessCase {
    cloud: 'yandex' | 'nebius' | 'alibaba'
    host: string
    /** The step's inputs, and the audience of the GitHub OIDC tokens this login asks for (each case its own). */
    inputs: () => { inputs: Record<string, string>; audience: string }
  }

  const keyless: KeylessCase[] = [
    {
      cloud: 'yandex',
      host: 'cr.yandex',
      inputs: () => {
        const sa = cloud().emulators.yandex.createServiceAccount()
        cloud().emulators.yandex.addFederatedCredential(sa, cloud().github.subject)
        // GitHub's default audience (https://github.com/<owner>), which Yandex's federation expects by default.
        return {
          inputs: { provider: 'yandex', registry: 'cr.yandex', 'service-account-id': sa },
          audience: githubDefaultAudience(REPOSITORY_ENV) ?? ''
        }
      }
    },
    {
      cloud: 'nebius',
      host: 'cr.eu-north1.nebius.cloud',
      inputs: () => {
        const sa = cloud().emulators.nebius.createServiceAccount()
        // An audience of its own (the credential demands it), apart from Yandex's default one.
        cloud().emulators.nebius.addFederatedCredentials(sa, { subject: cloud().github.subject, audience: 'nebius-helper' })
        return {
          inputs: { provider: 'nebius', region: 'eu-north1', 'service-account-id': sa, audience: 'nebius-helper' },
          audience: 'nebius-helper'
        }
      }
    },
    {
      cloud: 'alibaba',
      host: `${ALIBABA_INSTANCE.name}-registry.${ALIBABA_INSTANCE.region}.cr.aliyuncs.com`,
      inputs: () => ({
        inputs: {
          provider: 'alibaba',
          registry: `${ALIBABA_INSTANCE.name}-registry.${ALIBABA_INSTANCE.region}.cr.aliyuncs.com`,
          'instance-id': ALIBABA_INSTANCE.id,
          'role-arn': cloud().emulators.alibaba.createRole('github-helper'),
          'oidc-provider-arn': ALIBABA_OIDC_PROVIDER_ARN
        },
        audience: ALIBABA_DEFAULT_AUDIENCE
      })
    }
  ]

  test.concurrent.each(keyless)(
    "$cloud keyless: the helper asks the job's GitHub OIDC service for a new token and exchanges it after the first one expired",
    async ({ cloud: name, host, inputs }) => {
      const sandbox = clientSandbox()
      let pushed: Outcome = { ok: false, output: '' }
      let inspected: Outcome = { ok: false, output: '' }
      let oidcRequests = { main: 0, helper: 0 }
      let passwords: string[] = []
      let issuedBefore = 0
      const login = inputs()
      // Only this case's GitHub token requests: the cases run side by side, each with its own audience.
      const ours = (): number =>
        cloud().github.requests.filter((request: { audience?: string }) => request.audience === login.audience).length
      const before = ours()
      const { main, post } = await runAction(
        { ...login.inputs, clients: 'docker,skopeo', 'credential-helper': 'true' },
        {
          env: stepEnv(sandbox),
          between: async (_step, later) => {
            const afterMain = ours()
            passwords = [...storedPasswords(sandbox.files.docker), ...storedPasswords(sandbox.files.containers)]
            issuedBefore = issuedPasswords(name).length
            await pastTheLifetime()
            pushed = await pushWith(sandbox.files.containers, `${host}/acme/keyless:v1`, later.env)
            inspected = await run('docker', ['manifest', 'inspect', `${host}/acme/keyless:v1`], later.env)
            oidcRequests = { main: afterMain - before, helper: ours() - afterMain }
          }
        }
      )
      expect(main.code).toBe(0)
      expect(passwords).toEqual([])
      expect(pushed.output).not.toMatch(/unauthorized/i)
      expect(pushed.ok).toBe(true)
      expect(inspected.ok).toBe(true)
      // skopeo's get minted with a new GitHub token; docker's get came after that credential expired too, or from the cache.
      expect(oidcRequests.helper).toBeGreaterThanOrEqual(1)
      expectNoSecretIn([main.log, post!.log], [...issuedPasswords(name), ...cloud().github.minted])
      // The clients' output as the runner reads it: the helper announced each token it minted, nothing else shows one.
      const masked = expectMaskedLikeTheRunner([pushed.output, inspected.output], {
        never: cloud().github.minted,
        minted: issuedPasswords(name)
      })
      const laterMinted = issuedPasswords(name).slice(issuedBefore)
      expect(laterMinted.length).toBeGreaterThanOrEqual(1)
      for (const token of laterMinted) expect(masked.has(token)).toBe(true)
      expect(post!.code).toBe(0)
      expect(credHelpersOf(sandbox.files.docker)).toBeUndefined()
      expect(credHelpersOf(sandbox.files.containers)).toBeUndefined()
      expect(existsSync(helperDirOf(main))).toBe(false)
    },
    60_000
  )

  test.concurrent("a cloud refusal inside the helper shows the cloud's own message in each client's error", async () => {
    const apiKey = cloud().emulators.ibm.createApiKey()
    const sandbox = clientSandbox()
    let outcomes: Record<string, Outcome> = {}
    const { main, post } = await runAction(
      { provider: 'ibm', region: 'de', 'api-key': apiKey, clients: 'docker,skopeo,helm', 'credential-helper': 'true' },
      {
        env: stepEnv(sandbox),
        between: async (_step, later) => {
          cloud().emulators.ibm.deleteApiKey(apiKey)
          await pastTheLifetime()
          outcomes = {
            skopeo: await pushWith(sandbox.files.containers, 'de.icr.io/acme/refused:v1', later.env),
            docker: await run('docker', ['manifest', 'inspect', 'de.icr.io/acme/refused:v1'], later.env),
            helm: await helmPush(sandbox.files.helm, 'de.icr.io/charts-refused', later.env)
          }
        }
      }
    )
    expect(main.code).toBe(0)
    for (const [client, outcome] of Object.entries(outcomes)) {
      expect([client, outcome.ok]).toEqual([client, false])
      expect([client, outcome.output]).toEqual([client, expect.stringContaining('BXNIM0415E: Provided API key could not be found')])
      expect(outcome.output).not.toContain(apiKey)
    }
    expect(post!.code).toBe(0)
  })
})

test.each([
  [{ clients: 'docker-config' }, /Input 'credential-helper' is true, but client 'docker-config'/],
  [{ logout: 'false' }, /Input 'credential-helper' is true, but 'logout' is false/]
])('refused before any cloud call: %j', async (extra, error) => {
  const sandbox = clientSandbox()
  const before = cloud().emulators.ibm.requests.length
  const { main } = await runAction(
    { provider: 'ibm', region: 'us', 'api-key': cloud().emulators.ibm.createApiKey(), 'credential-helper': 'true', ...extra },
    { env: stepEnv(sandbox), skipPost: true }
  )
  expect(main.code).toBe(1)
  expect(main.log).toMatch(error)
  expect(cloud().emulators.ibm.requests.length).toBe(before)
  expect(main.jobPath).toEqual([])
})

test("with isolated-config: the helper is mapped in the job's own config, another cloud's key on the step is never saved, post removes both (#12)", async () => {
  const apiKey = cloud().emulators.ibm.createApiKey()
  const foreignSecret = 'alibaba-secret-never-for-ibm-Xy7Wq2'
  const sandbox = clientSandbox()
  const userConfig = JSON.stringify({ auths: {}, credHelpers: { 'other.example': 'pass' } })
  mkdirSync(path.dirname(sandbox.files.docker), { recursive: true })
  writeFileSync(sandbox.files.docker, userConfig)
  let savedConfig = ''
  let isolatedHelpers: Record<string, string> | undefined
  let docker: Outcome = { ok: false, output: '' }
  const { main, post } = await runAction(
    {
      provider: 'ibm',
      region: 'us',
      'api-key': apiKey,
      'access-key-secret': foreignSecret,
      clients: 'docker',
      'isolated-config': 'true',
      'credential-helper': 'true'
    },
    {
      env: { ...stepEnv(sandbox), RUNNER_DEBUG: '1' },
      between: async (step, later) => {
        savedConfig = readFileSync(path.join(helperDirOf(step), 'config.json'), 'utf8')
        isolatedHelpers = credHelpersOf(path.join(later.env.DOCKER_CONFIG ?? '', 'config.json'))
        await pastTheLifetime()
        docker = await run('docker', ['manifest', 'inspect', 'us.icr.io/acme/isolated-helper:v1'], later.env)
      }
    }
  )
  expect(main.code).toBe(0)
  expect(isolatedHelpers).toEqual({ 'other.example': 'pass', 'us.icr.io': 'registry-login' }) // the user's other mappings carried over
  expect(savedConfig).toContain(apiKey)
  expect(savedConfig).not.toContain(foreignSecret)
  // Reached the registry with a helper-minted credential: only a missing manifest, never a refusal.
  expect(docker.output).not.toMatch(/unauthorized|401|error getting credentials/i)
  expect(docker.output).toMatch(/no such manifest/)
  expect(readFileSync(sandbox.files.docker, 'utf8')).toBe(userConfig)
  expect(post!.code).toBe(0)
  expect(existsSync(helperDirOf(main))).toBe(false)
  expect(existsSync(main.jobEnv.DOCKER_CONFIG ?? '/nonexistent')).toBe(false)
  expectNoSecretIn([main.log, main.stderr, post!.log, post!.stderr], [apiKey, foreignSecret, ...issuedPasswords('ibm')])
  expectMaskedLikeTheRunner([docker.output], { never: [apiKey, foreignSecret], minted: issuedPasswords('ibm') })
})
