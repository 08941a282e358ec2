import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { clientSandbox } from '../../harness/client-env.js'
import { pushWith } from '../../harness/image.js'
import { runAction } from '../../harness/run-action.js'
import { expectNoAuthEntries, localCloudForFile, REPOSITORY_ENV, stateFileOf } from '../helpers/local-cloud.js'
import { expectNoSecretIn } from '../helpers/secret-scan.js'
import { containerRegistrySunsetWarning } from '../../src/providers/yandex/hosts.js'

const cloud = localCloudForFile({ clouds: ['yandex'] })

const ALL_CLIENTS = 'docker,podman,buildah,skopeo'
const BOTH = 'registry.yandexcloud.net, cr.yandex'
const HOSTS = ['registry.yandexcloud.net', 'cr.yandex']
const yandex = () => cloud().emulators.yandex

interface Case {
  name: string
  inputs: () => Record<string, string>
  username: string
  expires: boolean
  secrets: () => string[]
  warns?: RegExp
}

let keyFile: ReturnType<ReturnType<typeof yandex>['createAuthorizedKey']>
let oauthToken = ''
let apiKey = ''
let federatedSa = ''
let iamToken = ''

const cases: Case[] = [
  {
    name: 'oidc (workload identity federation)',
    inputs: () => ({ 'service-account-id': federatedSa }),
    username: 'iam',
    expires: true,
    secrets: () => []
  },
  {
    name: 'service-account-key exchanged for an IAM token (JSON text)',
    inputs: () => ({ 'service-account-key': keyFile.json }),
    username: 'iam',
    expires: true,
    secrets: () => [keyFile.json, JSON.parse(keyFile.json).private_key]
  },
  {
    name: 'service-account-key as json_key (exchange: false, key file path)',
    inputs: () => {
      const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'yc-key-')), 'key.json')
      writeFileSync(file, keyFile.json)
      return { 'service-account-key': file, exchange: 'false' }
    },
    username: 'json_key',
    expires: false,
    secrets: () => [keyFile.json, JSON.parse(keyFile.json).private_key],
    warns: /long-lived service-account key/
  },
  {
    name: 'token (a ready IAM token)',
    inputs: () => ({ token: iamToken }),
    username: 'iam',
    expires: false,
    secrets: () => [iamToken]
  },
  {
    name: 'oauth-token exchanged for an IAM token',
    inputs: () => ({ 'oauth-token': oauthToken }),
    username: 'iam',
    expires: true,
    secrets: () => [oauthToken]
  },
  {
    name: 'oauth-token as oauth (exchange: false)',
    inputs: () => ({ 'oauth-token': oauthToken, exchange: 'false' }),
    username: 'oauth',
    expires: false,
    secrets: () => [oauthToken],
    warns: /long-lived OAuth token/
  },
  {
    name: 'api-key',
    inputs: () => ({ 'api-key': apiKey }),
    username: 'api_key',
    expires: false,
    secrets: () => [apiKey],
    warns: /api_key login for Cloud Registry only/
  }
]

beforeAll(() => {
  keyFile = yandex().createAuthorizedKey()
  oauthToken = yandex().createOAuthToken()
  apiKey = yandex().createApiKey()
  federatedSa = yandex().createServiceAccount()
  yandex().addFederatedCredential(federatedSa, cloud().github.subject)
  iamToken = `t1.${Date.now()}-given-iam-token`
  cloud().store.issue('yandex', 'iam', iamToken, Date.now() + 3_600_000)
})

const runnerEnv = (sandboxEnv: Record<string, string>): Record<string, string> => ({ ...cloud().env, ...sandboxEnv, ...REPOSITORY_ENV })

// Side by side (jest runs every concurrent test of a describe block as one group, so the block keeps them apart from
// the serial tests that inject faults): each case has its own sandbox and repository, and what it checks of the
// clouds is its own (the token service's requests for its repository, the tokens its own main masked).
describe('each method, side by side', () => {
  test.concurrent.each(cases)('$name: logs docker, podman, buildah and skopeo into both hosts, pushes, and post logs out', async c => {
    const sandbox = clientSandbox()
    const tag = c.username
    const repository = `crp0registry/hello-${cases.indexOf(c)}`
    const issuedBefore = cloud().store.issued.get('yandex')?.length ?? 0
    const seenBefore = cloud().tokenService.seen.length
    let pushed: Record<string, boolean> = {}
    let pushOutput = ''
    const { main, post } = await runAction(
      { provider: 'yandex', registry: BOTH, clients: ALL_CLIENTS, ...c.inputs() },
      {
        env: runnerEnv(sandbox.env),
        between: async () => {
          for (const host of HOSTS) {
            const viaDocker = await pushWith(sandbox.files.docker, `${host}/${repository}:${tag}-docker`)
            const viaContainers = await pushWith(sandbox.files.containers, `${host}/${repository}:${tag}-containers`)
            pushed[`${host} docker`] = viaDocker.ok
            pushed[`${host} containers`] = viaContainers.ok
            pushOutput += viaDocker.output + viaContainers.output
          }
        }
      }
    )
    expect({ code: main.code, log: main.code === 0 ? '' : main.log }).toEqual({ code: 0, log: '' })
    expect(main.outputs.registries).toBe('registry.yandexcloud.net,cr.yandex')
    expect(main.outputs.username).toBe(c.username)
    if (c.expires) expect(Date.parse(main.outputs['expires-at'] ?? '')).toBeGreaterThan(Date.now() + 11 * 3_600_000)
    else expect(main.outputs['expires-at'] ?? '').toBe('')
    for (const client of ['docker', 'podman', 'buildah', 'skopeo']) {
      for (const host of HOSTS) expect(main.log).toContain(`${client}: logged into ${host} as ${c.username}`)
    }
    expect({ pushed, pushOutput: Object.values(pushed).every(Boolean) ? '' : pushOutput }).toEqual({
      pushed: {
        'registry.yandexcloud.net docker': true,
        'registry.yandexcloud.net containers': true,
        'cr.yandex docker': true,
        'cr.yandex containers': true
      },
      pushOutput: ''
    })
    // The token service saw this method's username with real credentials, for this case's pushes.
    expect(
      cloud()
        .tokenService.seen.slice(seenBefore)
        .some(s => s.ok && s.username === c.username && s.scopes.some((scope: string) => scope.startsWith(`repository:${repository}:`)))
    ).toBe(true)
    // cr.yandex is being shut down: a warning annotation says what is true today and points at Cloud Registry.
    expect(main.log).toContain(`::warning::${containerRegistrySunsetWarning(['cr.yandex'], new Date())}`)
    if (c.warns) expect(main.log).toMatch(c.warns)

    expect(post!.code).toBe(0)
    expectNoAuthEntries(sandbox)
    expect((await pushWith(sandbox.files.containers, `registry.yandexcloud.net/${repository}:${tag}-after`)).ok).toBe(false)
    // Neither the input secrets nor the IAM tokens issued during this run show up in logs, state or summary.
    const issuedNow = (cloud().store.issued.get('yandex') ?? []).slice(issuedBefore).map((i: { password: string }) => i.password)
    // An exchanging method's main masked an IAM token the cloud issued while the case ran.
    if (c.expires) expect(issuedNow.some(token => main.stdout.includes(`::add-mask::${token}`))).toBe(true)
    expectNoSecretIn([main.log, main.stderr, post!.log, post!.stderr, stateFileOf(main), main.summary], [...c.secrets(), ...issuedNow])
  })
})

test('the default host is registry.yandexcloud.net, and the private-endpoint host is accepted without a warning', async () => {
  const sandbox = clientSandbox()
  const { main } = await runAction(
    { provider: 'yandex', 'service-account-key': keyFile.json, clients: 'skopeo' },
    { env: runnerEnv(sandbox.env), skipPost: true }
  )
  expect(main.code).toBe(0)
  expect(main.outputs.registries).toBe('registry.yandexcloud.net')
  expect(main.log).not.toMatch(/::warning::/)

  const pe = clientSandbox()
  const private_ = await runAction(
    { provider: 'yandex', registry: 'registry.pe.yandexcloud.net', 'api-key': apiKey, clients: 'podman' },
    {
      env: runnerEnv(pe.env),
      between: async () => void expect((await pushWith(pe.files.containers, 'registry.pe.yandexcloud.net/crp0/pe:v1')).ok).toBe(true)
    }
  )
  expect(private_.main.code).toBe(0)
  expect(private_.main.log).not.toMatch(/::warning::/)
  expect(private_.post!.code).toBe(0)
})

test("a wrong key (deleted in IAM) fails with IAM's message, request id and a hint; nothing is stored", async () => {
  const deleted = yandex().createAuthorizedKey()
  yandex().deleteKey(deleted.id)
  const sandbox = clientSandbox()
  const { main, post } = await runAction(
    { provider: 'yandex', registry: BOTH, 'service-account-key': deleted.json, clients: ALL_CLIENTS },
    { env: runnerEnv(sandbox.env) }
  )
  expect(main.code).toBe(1)
  expect(main.log).toMatch(
    new RegExp(
      `::error::registry-login: Yandex Cloud IAM answered HTTP 401 UNAUTHENTICATED: Key ${deleted.id} not found or deleted \\(request id [0-9a-f-]{36}\\)\\. IAM does not accept key ${deleted.id} of service account ${deleted.serviceAccountId}`
    )
  )
  expect(post!.code).toBe(0)
  expectNoAuthEntries(sandbox)
  expectNoSecretIn([main.log, main.stderr], [deleted.json, JSON.parse(deleted.json).private_key])
})

test("a key whose private key does not match (another key's id) fails with IAM's signature message", async () => {
  const real = yandex().createAuthorizedKey()
  const other = yandex().createAuthorizedKey(real.serviceAccountId)
  const forged = JSON.stringify({ ...JSON.parse(real.json), private_key: JSON.parse(other.json).private_key })
  const sandbox = clientSandbox()
  const { main } = await runAction(
    { provider: 'yandex', 'service-account-key': forged, clients: 'skopeo' },
    { env: runnerEnv(sandbox.env), skipPost: true }
  )
  expect(main.code).toBe(1)
  expect(main.log).toMatch(new RegExp(`::error::.*HTTP 401 UNAUTHENTICATED: Invalid JWT: signature does not match key ${real.id}`))
  expectNoAuthEntries(sandbox)
})

test("a wrong subject (another repository) fails with the federation's message and names the subject to add", async () => {
  const sandbox = clientSandbox()
  const original = cloud().github.subject
  cloud().github.subject = 'repo:acme/other:ref:refs/heads/main'
  try {
    const { main, post } = await runAction(
      { provider: 'yandex', registry: BOTH, 'service-account-id': federatedSa, clients: ALL_CLIENTS },
      { env: runnerEnv(sandbox.env) }
    )
    expect(main.code).toBe(1)
    expect(main.log).toContain(
      `::error::registry-login: Yandex Cloud workload identity federation answered HTTP 400 invalid_grant: No federated credential of service account ${federatedSa} matches subject repo:acme/other:ref:refs/heads/main. Service account ${federatedSa} needs a federated credential whose external subject id is exactly this job's subject 'repo:acme/other:ref:refs/heads/main'`
    )
    expect(main.log).toMatch(/X-Client-Request-Id [0-9a-f-]{36}/)
    expect(post!.code).toBe(0)
    expectNoAuthEntries(sandbox)
  } finally {
    cloud().github.subject = original
  }
})

test('keyless login without id-token: write fails with a clear error', async () => {
  const sandbox = clientSandbox()
  const env = runnerEnv(sandbox.env)
  delete env.ACTIONS_ID_TOKEN_REQUEST_URL
  delete env.ACTIONS_ID_TOKEN_REQUEST_TOKEN
  const { main } = await runAction({ provider: 'yandex', 'service-account-id': federatedSa, clients: 'skopeo' }, { env, skipPost: true })
  expect(main.code).toBe(1)
  expect(main.log).toMatch(/::error::.*Keyless login needs a GitHub OIDC token.*permissions: id-token: write/)
})

test("an expired OAuth token fails with IAM's message; an expired IAM token is refused by the registry", async () => {
  const expired = yandex().createOAuthToken()
  yandex().expireOAuthToken(expired)
  const sandbox = clientSandbox()
  const { main } = await runAction(
    { provider: 'yandex', 'oauth-token': expired, clients: 'docker' },
    { env: runnerEnv(sandbox.env), skipPost: true }
  )
  expect(main.code).toBe(1)
  expect(main.log).toMatch(
    /::error::registry-login: Yandex Cloud IAM answered HTTP 401 UNAUTHENTICATED: Token is invalid or has expired\. \(request id [0-9a-f-]{36}\)\. Check the 'oauth-token' secret/
  )
  expect(main.log).not.toContain(expired)

  const stale = `t1.${Date.now()}-expired-iam-token`
  cloud().store.issue('yandex', 'iam', stale, Date.now() - 1000)
  const sandbox2 = clientSandbox()
  const second = await runAction({ provider: 'yandex', token: stale, clients: 'podman' }, { env: runnerEnv(sandbox2.env) })
  expect(second.main.code).toBe(1)
  expect(second.main.log).toMatch(/::error::.*podman login.*exited with code/)
  expect(second.post!.code).toBe(0)
  expectNoAuthEntries(sandbox2)
})

test('IAM answering 503 once is retried; the login then succeeds', async () => {
  cloud().inject({ host: 'iam.api.cloud.yandex.net', path: '/iam/v1/tokens', kind: 'status', status: 503, times: 1 })
  const sandbox = clientSandbox()
  const { main } = await runAction(
    { provider: 'yandex', 'service-account-key': keyFile.json, clients: 'skopeo' },
    { env: { ...runnerEnv(sandbox.env), REGISTRY_LOGIN_HTTP_RETRY_DELAY_MS: '10' }, skipPost: true }
  )
  cloud().clearFaults()
  expect(main.code).toBe(0)
  expect(main.log).toMatch(
    /Yandex Cloud IAM: attempt 1 of \d+ failed \(Yandex Cloud IAM answered HTTP 503 UNAVAILABLE: Injected fault \(request id [0-9a-f-]{36}\)\.\); retrying/
  )
  expect(main.outputs.username).toBe('iam')
})

test('status code 14 (UNAVAILABLE) in the error body is retried whatever the HTTP status; other codes at HTTP 400 are final', async () => {
  const unavailable = JSON.stringify({ code: 14, message: 'The service is currently unavailable', details: [] })
  cloud().inject({ host: 'iam.api.cloud.yandex.net', path: '/iam/v1/tokens', kind: 'status', status: 400, body: unavailable, times: 1 })
  const sandbox = clientSandbox()
  const { main } = await runAction(
    { provider: 'yandex', 'service-account-key': keyFile.json, clients: 'skopeo' },
    { env: { ...runnerEnv(sandbox.env), REGISTRY_LOGIN_HTTP_RETRY_DELAY_MS: '10' }, skipPost: true }
  )
  expect(main.code).toBe(0)
  expect(main.log).toMatch(
    /Yandex Cloud IAM: attempt 1 of \d+ failed \(Yandex Cloud IAM answered HTTP 400 UNAVAILABLE: The service is currently unavailable\.\); retrying/
  )

  cloud().inject({
    host: 'iam.api.cloud.yandex.net',
    path: '/iam/v1/tokens',
    kind: 'status',
    status: 400,
    body: JSON.stringify({ code: 3, message: 'bad request' }),
    times: 1
  })
  const final = await runAction(
    { provider: 'yandex', 'service-account-key': keyFile.json, clients: 'skopeo' },
    { env: { ...runnerEnv(clientSandbox().env), REGISTRY_LOGIN_HTTP_RETRY_DELAY_MS: '10' }, skipPost: true }
  )
  cloud().clearFaults()
  expect(final.main.code).toBe(1)
  expect(final.main.log).not.toMatch(/attempt 1 of/)
  expect(final.main.log).toMatch(/::error::.*Yandex Cloud IAM answered HTTP 400 INVALID_ARGUMENT: bad request/)
})

/** The action's node processes with their clock set to REGISTRY_LOGIN_TEST_NOW (see the helper). */
const SHIFT_CLOCK = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'helpers', 'shift-clock.cjs')

describe('cr.yandex by date, side by side', () => {
  test.concurrent.each([
    [
      'before the read-only date',
      '2026-10-20T09:00:00Z',
      /is being shut down: it goes read-only on 2026-11-10 .* and is switched off on 2026-12-14\./
    ],
    ['between the dates', '2026-11-20T09:00:00Z', /is read-only since 2026-11-10 and is switched off on 2026-12-14: pushes fail unless/],
    [
      'after the switch-off',
      '2026-12-20T09:00:00Z',
      /was switched off on 2026-12-14: only registries migrated to Cloud Registry still answer/
    ]
  ])('cr.yandex %s (%s): the warning says what is true that day, with the migration command', async (_name, day, says) => {
    const sandbox = clientSandbox()
    const { main, post } = await runAction(
      { provider: 'yandex', registry: 'cr.yandex', token: iamToken, clients: 'skopeo' },
      { env: { ...runnerEnv(sandbox.env), NODE_OPTIONS: `--require ${SHIFT_CLOCK}`, REGISTRY_LOGIN_TEST_NOW: day } }
    )
    expect(main.code).toBe(0)
    expect(main.log).toContain(`::warning::${containerRegistrySunsetWarning(['cr.yandex'], new Date(day))}`)
    expect(main.log).toMatch(says)
    expect(main.log).toContain('`yc cloud-registry v1 migration start-folder <folder id>`')
    expect(main.log).toContain('skopeo: logged into cr.yandex as iam')
    expect(post!.code).toBe(0)
    expectNoAuthEntries(sandbox)
  })
})
