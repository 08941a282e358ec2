import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { generateKeyPairSync } from 'node:crypto'
import os from 'node:os'
import path from 'node:path'
import { clientSandbox } from '../../harness/client-env.js'
import { pushWith } from '../../harness/image.js'
import { runAction } from '../../harness/run-action.js'
import { expectNoAuthEntries, localCloudForFile, REPOSITORY_ENV, stateFileOf } from '../helpers/local-cloud.js'
import { expectNoSecretIn } from '../helpers/secret-scan.js'

const cloud = localCloudForFile({ clouds: ['nebius'] })
afterEach(() => cloud().clearFaults())

interface NebiusKey {
  serviceAccountId: string
  publicKeyId: string
  privateKeyPem: string
  credentialsFile: string
}
const nebius = (): {
  requests: Array<{ transport: string; grant: string; ok: boolean; error?: string; audience?: string; subject?: string }>
  createServiceAccount(): string
  createKey(id: string): NebiusKey
  createStaticKey(): string
  addFederatedCredentials(id: string, options?: { subject?: string; audience?: string }): void
} => cloud().emulators.nebius
const TWELVE_HOURS = 12 * 3600 * 1000

/** Runs the action with `inputs`, pushing to eu-north1 with docker's file and to us-central1 with podman's. */
async function loginTwoRegionsAndPush(inputs: Record<string, string>) {
  const sandbox = clientSandbox()
  let pushed: Record<string, boolean> = {}
  const run = await runAction(
    { provider: 'nebius', region: 'eu-north1, us-central1', clients: 'docker,podman', ...inputs },
    {
      env: { ...cloud().env, ...sandbox.env, ...REPOSITORY_ENV },
      between: async () => {
        pushed = {
          docker: (await pushWith(sandbox.files.docker, 'cr.eu-north1.nebius.cloud/e00registry/hello:docker')).ok,
          podman: (await pushWith(sandbox.files.containers, 'cr.us-central1.nebius.cloud/e00registry/hello:podman')).ok
        }
      }
    }
  )
  return { ...run, sandbox, pushed }
}

async function expectLoggedOutAfterPost(run: Awaited<ReturnType<typeof loginTwoRegionsAndPush>>): Promise<void> {
  expect(run.post!.code).toBe(0)
  expectNoAuthEntries(run.sandbox)
  expect((await pushWith(run.sandbox.files.containers, 'cr.eu-north1.nebius.cloud/e00registry/hello:after')).ok).toBe(false)
}

function expectTwoRegionLogin(run: Awaited<ReturnType<typeof loginTwoRegionsAndPush>>): void {
  expect(run.main.code).toBe(0)
  expect(run.main.outputs.registries).toBe('cr.eu-north1.nebius.cloud,cr.us-central1.nebius.cloud')
  expect(run.main.outputs.username).toBe('iam')
  expect(run.pushed).toEqual({ docker: true, podman: true })
}

function expectTwelveHourExpiry(run: Awaited<ReturnType<typeof loginTwoRegionsAndPush>>): void {
  const expiresAt = Date.parse(run.main.outputs['expires-at'] ?? '')
  expect(Math.abs(expiresAt - (Date.now() + TWELVE_HOURS))).toBeLessThan(5 * 60 * 1000)
}

test('service-account credentials file, exchanged over HTTPS: two regions, one exchange, push, logout', async () => {
  const sa = nebius().createServiceAccount()
  const key = nebius().createKey(sa)
  const before = nebius().requests.length
  const run = await loginTwoRegionsAndPush({ 'service-account-key': key.credentialsFile })
  expectTwoRegionLogin(run)
  expectTwelveHourExpiry(run)
  expect(nebius().requests.slice(before)).toEqual([{ transport: 'http', grant: 'jwt', ok: true }])
  expect(
    cloud()
      .tokenService.seen.filter(s => s.ok)
      .map(s => s.username)
  ).toContain('iam')
  await expectLoggedOutAfterPost(run)
  const pemLines = key.privateKeyPem.split('\n').filter(line => line.length > 20 && !line.startsWith('-----'))
  expectNoSecretIn(
    [run.main.log, run.main.stderr, run.post!.log, stateFileOf(run.main), run.main.summary],
    [key.credentialsFile, ...pemLines]
  )
})

test('separate key inputs (private key from a file), exchanged over gRPC', async () => {
  const sa = nebius().createServiceAccount()
  const key = nebius().createKey(sa)
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nebius-key-'))
  const keyFile = path.join(dir, 'private.pem')
  writeFileSync(keyFile, key.privateKeyPem)
  const before = nebius().requests.length
  const run = await loginTwoRegionsAndPush({
    'service-account-id': sa,
    'public-key-id': key.publicKeyId,
    'private-key': keyFile,
    'token-exchange': 'grpc'
  })
  rmSync(dir, { recursive: true, force: true })
  expectTwoRegionLogin(run)
  expectTwelveHourExpiry(run)
  expect(nebius().requests.slice(before)).toEqual([{ transport: 'grpc', grant: 'jwt', ok: true }])
  expect(run.main.log).toMatch(/service-account key exchanged for an access token over gRPC/)
  await expectLoggedOutAfterPost(run)
})

test('auto falls back to gRPC when the HTTPS gateway refuses (HTTP 404), and says so', async () => {
  const sa = nebius().createServiceAccount()
  const key = nebius().createKey(sa)
  cloud().inject({ host: 'auth.eu.nebius.com', path: '/oauth2/token/exchange', kind: 'status', status: 404 })
  const before = nebius().requests.length
  const run = await loginTwoRegionsAndPush({ 'service-account-key': key.credentialsFile })
  expectTwoRegionLogin(run)
  expect(nebius().requests.slice(before)).toEqual([{ transport: 'grpc', grant: 'jwt', ok: true }])
  expect(run.main.log).toMatch(/::warning::.*HTTP 404.*Falling back to the gRPC TokenExchangeService/)
  await expectLoggedOutAfterPost(run)
})

test('gRPC survives a connection reset and an HTTP 503 in front of the service (retried)', async () => {
  const sa = nebius().createServiceAccount()
  const key = nebius().createKey(sa)
  cloud().inject({ host: 'tokens.iam.api.nebius.cloud', kind: 'reset' })
  cloud().inject({ host: 'tokens.iam.api.nebius.cloud', kind: 'status', status: 503 })
  const sandbox = clientSandbox()
  const { main } = await runAction(
    { provider: 'nebius', region: 'eu-west1', 'service-account-key': key.credentialsFile, 'token-exchange': 'grpc', clients: 'skopeo' },
    { env: { ...cloud().env, ...sandbox.env, ...REPOSITORY_ENV, REGISTRY_LOGIN_HTTP_RETRY_DELAY_MS: '10' }, skipPost: true }
  )
  expect(main.code).toBe(0)
  expect(main.log).toMatch(/Nebius IAM token exchange \(gRPC\): attempt 1 of 4 failed \(Could not reach/)
  expect(main.log).toMatch(/attempt 2 of 4 failed \(Nebius IAM token exchange \(gRPC\) answered gRPC status UNAVAILABLE \(14\): HTTP 503/)
  expect(main.outputs.registry).toBe('cr.eu-west1.nebius.cloud')
})

test('federated credentials (keyless): the GitHub OIDC token is exchanged over gRPC', async () => {
  const sa = nebius().createServiceAccount()
  nebius().addFederatedCredentials(sa, { subject: cloud().github.subject })
  const before = nebius().requests.length
  const run = await loginTwoRegionsAndPush({ 'service-account-id': sa })
  expectTwoRegionLogin(run)
  expectTwelveHourExpiry(run)
  // GitHub's own default audience, asked for explicitly.
  expect(nebius().requests.slice(before)).toEqual([
    { transport: 'grpc', grant: 'federated', ok: true, audience: 'https://github.com/acme', subject: cloud().github.subject }
  ])
  await expectLoggedOutAfterPost(run)
})

test('federated credentials with an explicit audience that the credential demands', async () => {
  const sa = nebius().createServiceAccount()
  nebius().addFederatedCredentials(sa, { audience: 'nebius-federation' })
  const ok = await loginTwoRegionsAndPush({ 'service-account-id': sa, audience: 'nebius-federation' })
  expectTwoRegionLogin(ok)
  const wrong = await loginTwoRegionsAndPush({ 'service-account-id': sa })
  expect(wrong.main.code).toBe(1)
  expect(wrong.main.log).toMatch(
    /::error::.*UNAUTHENTICATED \(16\): invalid actor_token: audience https:\/\/github.com\/acme is not nebius-federation/
  )
})

test('a static key logs in as iam without any exchange', async () => {
  const staticKey = nebius().createStaticKey()
  const before = nebius().requests.length
  const run = await loginTwoRegionsAndPush({ token: staticKey })
  expectTwoRegionLogin(run)
  expect(run.main.outputs['expires-at']).toBe('')
  expect(nebius().requests.length).toBe(before)
  await expectLoggedOutAfterPost(run)
  expectNoSecretIn([run.main.log, run.main.stderr, run.post!.log, run.main.summary], [staticKey])
})

test("a region outside this version's list (us-north1): one notice, cr.us-north1.nebius.cloud logged in with docker and podman, push, logout; a malformed id refused", async () => {
  const staticKey = nebius().createStaticKey()
  const sandbox = clientSandbox()
  let pushed: Record<string, boolean> = {}
  const run = await runAction(
    { provider: 'nebius', region: 'eu-north1, us-north1', clients: 'docker,podman', token: staticKey },
    {
      env: { ...cloud().env, ...sandbox.env, ...REPOSITORY_ENV },
      between: async () => {
        pushed = {
          docker: (await pushWith(sandbox.files.docker, 'cr.us-north1.nebius.cloud/e00registry/hello:docker')).ok,
          podman: (await pushWith(sandbox.files.containers, 'cr.us-north1.nebius.cloud/e00registry/hello:podman')).ok
        }
      }
    }
  )
  expect(run.main.code).toBe(0)
  expect(run.main.outputs.registries).toBe('cr.eu-north1.nebius.cloud,cr.us-north1.nebius.cloud')
  const notices = run.main.log.split('\n').filter((line: string) => line.startsWith('::notice::'))
  expect(notices).toHaveLength(1)
  expect(notices[0]).toContain("'region' has 'us-north1', which is not in this version's list of regions; using cr.us-north1.nebius.cloud.")
  expect(pushed).toEqual({ docker: true, podman: true })
  expect(run.post!.code).toBe(0)
  expectNoAuthEntries(sandbox)

  const malformed = await runAction(
    { provider: 'nebius', region: 'us-north-1', clients: 'docker', token: staticKey },
    { env: { ...cloud().env, ...clientSandbox().env, ...REPOSITORY_ENV }, skipPost: true }
  )
  expect(malformed.main.code).toBe(1)
  expect(malformed.main.log).toMatch(/::error::.*Input 'region' has 'us-north-1', which is not a Nebius AI Cloud region/)
})

describe("refusals carry the cloud's own message and leave no auth entry", () => {
  function wrongKeyFile(): string {
    // A registered key id with a private key that is not its pair.
    const sa = nebius().createServiceAccount()
    const key = nebius().createKey(sa)
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
    const file = JSON.parse(key.credentialsFile) as { 'subject-credentials': Record<string, string> }
    file['subject-credentials']['private-key'] = other
    return JSON.stringify(file)
  }

  function expectNothingLeft(run: Awaited<ReturnType<typeof loginTwoRegionsAndPush>>): void {
    expect(run.main.code).toBe(1)
    expect(run.pushed).toEqual({ docker: false, podman: false })
    expect(run.post!.code).toBe(0)
    expectNoAuthEntries(run.sandbox)
  }

  test("a wrong key over HTTPS: the gateway's invalid_grant, no fallback to gRPC", async () => {
    const before = nebius().requests.length
    const run = await loginTwoRegionsAndPush({ 'service-account-key': wrongKeyFile() })
    expectNothingLeft(run)
    expect(run.main.log).toMatch(
      /::error::.*Nebius IAM token exchange \(HTTPS\) answered HTTP 400 invalid_grant: invalid JWT: signature does not verify\..*auth-public-key list/
    )
    expect(
      nebius()
        .requests.slice(before)
        .map(r => r.transport)
    ).toEqual(['http'])
  })

  test('a wrong key over gRPC: UNAUTHENTICATED with the grpc-message', async () => {
    const run = await loginTwoRegionsAndPush({ 'service-account-key': wrongKeyFile(), 'token-exchange': 'grpc' })
    expectNothingLeft(run)
    expect(run.main.log).toMatch(
      /::error::.*Nebius IAM token exchange \(gRPC\) answered gRPC status UNAUTHENTICATED \(16\): invalid JWT: signature does not verify\./
    )
  })

  test('an unknown federated subject: PERMISSION_DENIED naming the subject', async () => {
    const sa = nebius().createServiceAccount()
    nebius().addFederatedCredentials(sa, { subject: 'repo:acme/app:ref:refs/heads/release' })
    const run = await loginTwoRegionsAndPush({ 'service-account-id': sa })
    expectNothingLeft(run)
    expect(run.main.log).toContain(`PERMISSION_DENIED (7): federated subject ${cloud().github.subject} is not allowed to act as ${sa}.`)
    expect(run.main.log).toContain(`exactly this job's subject '${cloud().github.subject}'`)
  })

  test('federated credentials over the HTTPS gateway (token-exchange: http) are refused as the real one reportedly does', async () => {
    const sa = nebius().createServiceAccount()
    nebius().addFederatedCredentials(sa)
    const run = await loginTwoRegionsAndPush({ 'service-account-id': sa, 'token-exchange': 'http' })
    expectNothingLeft(run)
    expect(run.main.log).toMatch(
      /::error::.*HTTP 400 invalid_request: subject_token_type urn:nebius:params:oauth:token-type:subject_identifier is not supported/
    )
  })
})
