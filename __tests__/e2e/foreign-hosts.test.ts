// Against the local cloud, with real credentials the emulators issued and the real clients behind an
// argv-recording shim: every cloud and method refuses a foreign, lookalike, loopback or metadata host,
// and another cloud's real registry, before any call. The cloud server, GitHub's OIDC service and the
// registries' token services record nothing, and no client runs.
import { clientSandbox } from '../../harness/client-env.js'
import { ALIBABA_INSTANCE, ALIBABA_OIDC_PROVIDER_ARN } from '../../harness/emulators/alibaba.js'
import { runAction } from '../../harness/run-action.js'
import { argvShim, realBinaries } from '../helpers/acceptance.js'
import { expectNoAuthEntries, localCloudForFile, REPOSITORY_ENV } from '../helpers/local-cloud.js'

/** Every request the local cloud's API server got (GitHub's OIDC service included). */
const requests: Array<{ host?: string; path?: string }> = []
const cloud = localCloudForFile({ log: entry => void requests.push(entry as { host?: string; path?: string }) })
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const em = (): any => cloud().emulators

const EE_HOST = `${ALIBABA_INSTANCE.name}-registry.${ALIBABA_INSTANCE.region}.cr.aliyuncs.com`

/** Each method with a credential the local cloud would accept, and its cloud's own registry host. */
const METHODS: Array<{ name: string; own: string; inputs: () => Record<string, string> }> = [
  { name: 'ibm api-key', own: 'us.icr.io', inputs: () => ({ provider: 'ibm', 'api-key': em().ibm.createApiKey() }) },
  {
    name: 'ibm api-key, exchange false',
    own: 'us.icr.io',
    inputs: () => ({ provider: 'ibm', 'api-key': em().ibm.createApiKey(), exchange: 'false' })
  },
  { name: 'ibm token', own: 'us.icr.io', inputs: () => ({ provider: 'ibm', token: `eyJ-ready-iam-token-${Date.now()}` }) },
  {
    name: 'yandex oidc',
    own: 'registry.yandexcloud.net',
    inputs: () => {
      const sa = em().yandex.createServiceAccount()
      em().yandex.addFederatedCredential(sa, cloud().github.subject)
      return { provider: 'yandex', 'service-account-id': sa }
    }
  },
  {
    name: 'yandex service-account-key',
    own: 'registry.yandexcloud.net',
    inputs: () => ({ provider: 'yandex', 'service-account-key': em().yandex.createAuthorizedKey().json })
  },
  {
    name: 'yandex json_key',
    own: 'cr.yandex',
    inputs: () => ({ provider: 'yandex', 'service-account-key': em().yandex.createAuthorizedKey().json, exchange: 'false' })
  },
  {
    name: 'yandex oauth-token',
    own: 'registry.yandexcloud.net',
    inputs: () => ({ provider: 'yandex', 'oauth-token': em().yandex.createOAuthToken() })
  },
  {
    name: 'yandex api-key',
    own: 'registry.yandexcloud.net',
    inputs: () => ({ provider: 'yandex', 'api-key': em().yandex.createApiKey() })
  },
  {
    name: 'nebius oidc',
    own: 'cr.eu-north1.nebius.cloud',
    inputs: () => {
      const sa = em().nebius.createServiceAccount()
      em().nebius.addFederatedCredentials(sa, { subject: cloud().github.subject })
      return { provider: 'nebius', 'service-account-id': sa }
    }
  },
  {
    name: 'nebius service-account-key',
    own: 'cr.eu-north1.nebius.cloud',
    inputs: () => ({ provider: 'nebius', 'service-account-key': em().nebius.createKey(em().nebius.createServiceAccount()).credentialsFile })
  },
  { name: 'nebius token', own: 'cr.eu-north1.nebius.cloud', inputs: () => ({ provider: 'nebius', token: em().nebius.createStaticKey() }) },
  {
    name: 'ibm username iamapikey',
    own: 'us.icr.io',
    inputs: () => ({ provider: 'ibm', username: 'iamapikey', password: em().ibm.createApiKey() })
  },
  {
    name: 'yandex username api_key',
    own: 'registry.yandexcloud.net',
    inputs: () => ({ provider: 'yandex', username: 'api_key', password: em().yandex.createApiKey() })
  },
  {
    name: 'nebius username iam',
    own: 'cr.eu-north1.nebius.cloud',
    inputs: () => ({ provider: 'nebius', username: 'iam', password: em().nebius.createStaticKey() })
  },
  {
    name: 'alibaba access-key',
    own: EE_HOST,
    inputs: () => {
      const key = em().alibaba.createAccessKey()
      return { provider: 'alibaba', 'instance-id': ALIBABA_INSTANCE.id, 'access-key-id': key.id, 'access-key-secret': key.secret }
    }
  },
  {
    name: 'alibaba oidc',
    own: EE_HOST,
    inputs: () => ({
      provider: 'alibaba',
      'instance-id': ALIBABA_INSTANCE.id,
      'role-arn': em().alibaba.createRole(`foreign-${Date.now()}`),
      'oidc-provider-arn': ALIBABA_OIDC_PROVIDER_ARN
    })
  }
]

/** Another cloud's registry, served by the local cloud: a leak there would reach a real token service. */
const OTHER_CLOUD: Record<string, string> = {
  ibm: 'registry.yandexcloud.net',
  yandex: 'cr.eu-north1.nebius.cloud',
  nebius: EE_HOST,
  alibaba: 'us.icr.io'
}

const shim = argvShim(realBinaries(['docker', 'podman', 'skopeo']))

const cases = METHODS.flatMap(m => {
  const provider = m.name.split(' ')[0] ?? ''
  return [`${m.own}.evil.example.com`, 'localhost:5000', '169.254.169.254', OTHER_CLOUD[provider] ?? ''].map(host => ({ ...m, host }))
})

// The refusals run side by side (none may send anything, so the counts below stay exact while they overlap); the
// control, which does send, runs after them, outside this block.
describe('foreign hosts', () => {
  test.concurrent.each(cases)('$name refuses $host before any call', async ({ inputs, host }) => {
    const sandbox = clientSandbox()
    const before = { requests: requests.length, tokens: cloud().tokenService.seen.length, argv: shim.lines().length }
    const { main, post } = await runAction(
      { ...inputs(), registry: host, clients: 'docker,podman,skopeo' },
      { env: { ...cloud().env, ...sandbox.env, ...REPOSITORY_ENV, RUNNER_DEBUG: '1', PATH: `${shim.dir}:${process.env.PATH ?? ''}` } }
    )
    expect(main.code).toBe(1)
    const errors = (main.stdout as string).split('\n').filter(line => line.startsWith('::error::'))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toContain(`Input 'registry' has '${host.replace(/:\d+$/, '')}`)
    expect(requests.slice(before.requests)).toEqual([])
    expect(cloud().tokenService.seen.slice(before.tokens)).toEqual([])
    expect(shim.lines().slice(before.argv)).toEqual([])
    expect(post?.code).toBe(0)
    expectNoAuthEntries(sandbox)
  })
})

test('control: a login to the own host is seen by the cloud, the token service and the clients', async () => {
  const sandbox = clientSandbox()
  const before = { requests: requests.length, tokens: cloud().tokenService.seen.length, argv: shim.lines().length }
  const { main } = await runAction(
    { provider: 'ibm', 'api-key': em().ibm.createApiKey(), registry: 'us.icr.io', clients: 'docker' },
    { env: { ...cloud().env, ...sandbox.env, PATH: `${shim.dir}:${process.env.PATH ?? ''}` } }
  )
  expect(main.code).toBe(0)
  expect(requests.slice(before.requests)).toEqual(expect.arrayContaining([expect.objectContaining({ host: 'iam.cloud.ibm.com' })]))
  expect(cloud().tokenService.seen.length).toBeGreaterThan(before.tokens)
  // docker login in main, docker logout in post
  expect(
    shim
      .lines()
      .slice(before.argv)
      .map(call => `${call.bin} ${call.argv.find(arg => arg === 'login' || arg === 'logout')}`)
  ).toEqual(['docker login', 'docker logout'])
})
