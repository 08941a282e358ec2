import { clientSandbox } from '../../harness/client-env.js'
import { ALIBABA_INSTANCE, ALIBABA_OIDC_PROVIDER_ARN, ALIBABA_PERSONAL_INSTANCE } from '../../harness/emulators/alibaba.js'
import { pushWith } from '../../harness/image.js'
import { runAction } from '../../harness/run-action.js'
import { expectNoAuthEntries, localCloudForFile, stateFileOf } from '../helpers/local-cloud.js'
import { expectNoSecretIn } from '../helpers/secret-scan.js'

const cloud = localCloudForFile({ clouds: ['alibaba'] })

const EE_HOST = `${ALIBABA_INSTANCE.name}-registry.${ALIBABA_INSTANCE.region}.cr.aliyuncs.com`
const EE_VPC_HOST = `${ALIBABA_INSTANCE.name}-registry-vpc.${ALIBABA_INSTANCE.region}.cr.aliyuncs.com`
const PERSONAL_HOST = 'registry.cn-hangzhou.aliyuncs.com'
const CRPI_HOST = `${ALIBABA_PERSONAL_INSTANCE.id}.${ALIBABA_PERSONAL_INSTANCE.region}.personal.cr.aliyuncs.com`

const emulator = (): any => cloud().emulators.alibaba
/** The ::error:: annotation as the runner shows it (workflow-command escapes %25 %0D %0A undone). */
const annotation = (log: string): string =>
  (/^::error::(.*)$/m.exec(log)?.[1] ?? '').replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')

test('keyless: GitHub OIDC -> STS AssumeRoleWithOIDC -> Enterprise GetAuthorizationToken; docker and podman push; post logs out', async () => {
  const roleArn = emulator().createRole('github-push')
  const sandbox = clientSandbox()
  let pushed: Record<string, boolean> = {}
  const { main, post } = await runAction(
    {
      provider: 'alibaba',
      registry: `${EE_HOST}, ${EE_VPC_HOST}, ${PERSONAL_HOST}`,
      'instance-id': ALIBABA_INSTANCE.id,
      'role-arn': roleArn,
      'oidc-provider-arn': ALIBABA_OIDC_PROVIDER_ARN,
      clients: 'docker,podman'
    },
    {
      env: { ...cloud().env, ...sandbox.env, GITHUB_RUN_ID: '4242', GITHUB_RUN_ATTEMPT: '2' },
      between: async () => {
        pushed = {
          docker: (await pushWith(sandbox.files.docker, `${EE_HOST}/acme/hello:oidc`)).ok,
          containers: (await pushWith(sandbox.files.containers, `${EE_VPC_HOST}/acme/hello:oidc-vpc`)).ok,
          personal: (await pushWith(sandbox.files.containers, `${PERSONAL_HOST}/acme/hello:oidc`)).ok
        }
      }
    }
  )
  expect(main.code).toBe(0)
  expect(main.outputs.registries).toBe(`${EE_HOST},${EE_VPC_HOST},${PERSONAL_HOST}`)
  expect(main.outputs.username).toBe('temp_user_cr')
  expect(Date.parse(main.outputs['expires-at'] ?? '')).toBeGreaterThan(Date.now())
  expect(pushed).toEqual({ docker: true, containers: true, personal: true })
  // One STS call (anonymous, default session name from the run), one GetAuthorizationToken for both hosts, with STS credentials.
  const sts = emulator().requests.filter((r: any) => r.api === 'sts')
  expect(sts).toEqual([
    { api: 'sts', action: 'AssumeRoleWithOIDC', roleArn, sessionName: 'github-actions-4242-2', duration: '3600', signed: false }
  ])
  const cr = emulator().requests.filter((r: any) => r.api === 'rpc')
  expect(cr).toHaveLength(1)
  expect(cr[0]).toMatchObject({ action: 'GetAuthorizationToken', instanceId: ALIBABA_INSTANCE.id, sts: true, region: 'cn-hangzhou' })
  const roa = emulator().requests.filter((r: any) => r.api === 'roa')
  expect(roa).toHaveLength(1)
  expect(roa[0]).toMatchObject({ sts: true, region: 'cn-hangzhou' })
  expect(roa[0].accessKeyId).toBe(cr[0].accessKeyId)
  expect(roa[0].accessKeyId).toMatch(/^STS\./)
  expect((cloud().github.requests as Array<{ audience?: string }>).map(r => r.audience)).toContain('sts.aliyuncs.com')
  expect(post!.code).toBe(0)
  expectNoAuthEntries(sandbox)
  expect((await pushWith(sandbox.files.containers, `${EE_HOST}/acme/hello:after`)).ok).toBe(false)
})

test('AccessKey -> Enterprise GetAuthorizationToken (RPC) and Personal /tokens (ROA) for registry.<region> and crpi- hosts; skopeo pushes', async () => {
  const key = emulator().createAccessKey()
  const sandbox = clientSandbox()
  let pushed: boolean[] = []
  const before = emulator().requests.length
  const { main, post } = await runAction(
    {
      provider: 'alibaba',
      registry: `${PERSONAL_HOST}\n${CRPI_HOST}\n${EE_HOST}`,
      'instance-id': ALIBABA_INSTANCE.id,
      'access-key-id': key.id,
      'access-key-secret': key.secret,
      clients: 'skopeo'
    },
    {
      env: { ...cloud().env, ...sandbox.env },
      between: async () => {
        pushed = [
          (await pushWith(sandbox.files.containers, `${PERSONAL_HOST}/acme/hello:ak`)).ok,
          (await pushWith(sandbox.files.containers, `${CRPI_HOST}/acme/hello:ak`)).ok,
          (await pushWith(sandbox.files.containers, `${EE_HOST}/acme/hello:ak`)).ok
        ]
      }
    }
  )
  expect(main.code).toBe(0)
  expect(main.outputs.username).toBe('cr_temp_user')
  expect(pushed).toEqual([true, true, true])
  const calls = emulator().requests.slice(before)
  expect(calls).toHaveLength(2)
  expect(calls[0]).toMatchObject({ api: 'roa', region: 'cn-hangzhou', sts: false, accessKeyId: undefined })
  expect(calls[1]).toMatchObject({ api: 'rpc', region: 'cn-hangzhou', sts: false, accessKeyId: key.id, instanceId: ALIBABA_INSTANCE.id })
  expect(post!.code).toBe(0)
  expect(sandbox.auths(sandbox.files.containers)).toEqual({})
  expectNoSecretIn([main.log, main.stderr, post!.log, stateFileOf(main), main.summary], [key.secret])
})

test('STS credentials (AccessKey + security token) for the Enterprise instance by instance-name and region', async () => {
  const sts = emulator().issueStsCredentials()
  const sandbox = clientSandbox()
  let pushed = false
  const { main } = await runAction(
    {
      provider: 'alibaba',
      region: ALIBABA_INSTANCE.region,
      'instance-name': ALIBABA_INSTANCE.name,
      'instance-id': ALIBABA_INSTANCE.id,
      'access-key-id': sts.id,
      'access-key-secret': sts.secret,
      'security-token': sts.token,
      clients: 'podman'
    },
    {
      env: { ...cloud().env, ...sandbox.env },
      between: async () => void (pushed = (await pushWith(sandbox.files.containers, `${EE_HOST}/acme/hello:sts`)).ok)
    }
  )
  expect(main.code).toBe(0)
  expect(main.outputs.registry).toBe(EE_HOST)
  expect(pushed).toBe(true)
  // The registry password lives no longer than the STS credentials (the emulator issued them for 1 h too).
  expect(Date.parse(main.outputs['expires-at'] ?? '')).toBeLessThanOrEqual(sts.expiresAt)
  expectNoSecretIn([main.log, main.stderr, stateFileOf(main), main.summary], [sts.secret, sts.token])
})

test("the instance's permanent username/password is passed through", async () => {
  emulator().setPassword('ci@1357924680135792', 'Permanent-Passw0rd!')
  const sandbox = clientSandbox()
  let pushed = false
  const { main } = await runAction(
    { provider: 'alibaba', registry: EE_HOST, username: 'ci@1357924680135792', password: 'Permanent-Passw0rd!', clients: 'docker' },
    {
      env: { ...cloud().env, ...sandbox.env },
      between: async () => void (pushed = (await pushWith(sandbox.files.docker, `${EE_HOST}/acme/hello:pw`)).ok)
    }
  )
  expect(main.code).toBe(0)
  expect(main.outputs.username).toBe('ci@1357924680135792')
  expect(main.outputs['expires-at']).toBe('')
  expect(pushed).toBe(true)
  expect(main.log).not.toContain('Permanent-Passw0rd!')
})

test("a wrong AccessKey secret fails with SignatureDoesNotMatch and the server's string-to-sign; nothing is logged in", async () => {
  const key = emulator().createAccessKey()
  const wrong = `${key.secret.slice(0, -1)}${key.secret.endsWith('x') ? 'y' : 'x'}`
  const sandbox = clientSandbox()
  const { main, post } = await runAction(
    {
      provider: 'alibaba',
      registry: EE_HOST,
      'instance-id': ALIBABA_INSTANCE.id,
      'access-key-id': key.id,
      'access-key-secret': wrong,
      clients: 'docker,podman'
    },
    { env: { ...cloud().env, ...sandbox.env } }
  )
  expect(main.code).toBe(1)
  const shown = annotation(main.log)
  expect(shown).toMatch(
    new RegExp(
      `HTTP 400 SignatureDoesNotMatch: Specified signature is not matched with our calculation\\. server string to sign is:POST&%2F&AccessKeyId%3D${key.id}%26Action%3DGetAuthorizationToken%26Format%3DJSON%26InstanceId%3D${ALIBABA_INSTANCE.id}%26`
    )
  )
  expect(shown).toMatch(/Timestamp%3D\d{4}-\d\d-\d\dT\d\d%253A\d\d%253A\d\dZ%26Version%3D2018-12-01 \(request id [0-9A-F-]{36}\)/)
  expect(main.log).toMatch(/Check 'access-key-secret'/)
  expectNoSecretIn([main.log, main.stderr], [wrong, key.secret])
  expect(post!.code).toBe(0)
  expectNoAuthEntries(sandbox)
})

test('a stale timestamp (clocks 20 minutes apart) is refused with InvalidTimeStamp.Expired', async () => {
  const key = emulator().createAccessKey()
  emulator().clockSkewMs = 20 * 60 * 1000
  try {
    const sandbox = clientSandbox()
    const { main } = await runAction(
      { provider: 'alibaba', region: 'cn-shanghai', 'access-key-id': key.id, 'access-key-secret': key.secret, clients: 'skopeo' },
      { env: { ...cloud().env, ...sandbox.env }, skipPost: true }
    )
    expect(main.code).toBe(1)
    expect(main.log).toMatch(
      /::error::.*\/tokens, cn-shanghai\) answered HTTP 400 InvalidTimeStamp\.Expired: Specified time stamp or date value is expired\..*clock/
    )
  } finally {
    emulator().clockSkewMs = 0
  }
})

test('a role whose trust policy does not cover this repository: STS refuses, with its message and a hint', async () => {
  const roleArn = emulator().createRole('other-repo-only', { subject: 'repo:someone/else:ref:refs/heads/main' })
  const sandbox = clientSandbox()
  const before = emulator().requests.filter((r: any) => r.api === 'rpc').length
  const { main } = await runAction(
    {
      provider: 'alibaba',
      registry: EE_HOST,
      'instance-id': ALIBABA_INSTANCE.id,
      'role-arn': roleArn,
      'oidc-provider-arn': ALIBABA_OIDC_PROVIDER_ARN,
      clients: 'docker'
    },
    { env: { ...cloud().env, ...sandbox.env }, skipPost: true }
  )
  expect(main.code).toBe(1)
  expect(main.log).toMatch(
    /::error::.*AssumeRoleWithOIDC\) answered HTTP 403 AuthenticationFail\.NoPermission: You are not authorized to assume the role acs:ram::\d+:role\/other-repo-only/
  )
  expect(main.log).toMatch(/trust policy/)
  expect(emulator().requests.filter((r: any) => r.api === 'rpc')).toHaveLength(before)
})

test('a RAM user without cr:GetAuthorizationToken gets NoPrivilege with the policy hint', async () => {
  const key = emulator().createAccessKey({ allowed: false })
  const sandbox = clientSandbox()
  const { main } = await runAction(
    {
      provider: 'alibaba',
      registry: EE_HOST,
      'instance-id': ALIBABA_INSTANCE.id,
      'access-key-id': key.id,
      'access-key-secret': key.secret,
      clients: 'docker'
    },
    { env: { ...cloud().env, ...sandbox.env }, skipPost: true }
  )
  expect(main.code).toBe(1)
  expect(main.log).toMatch(/HTTP 403 NoPrivilege: Access denied for this user\..*cr:GetAuthorizationToken/)
})

test('a 503 from the ACR API is retried with a freshly signed request', async () => {
  const key = emulator().createAccessKey()
  cloud().inject({ host: 'cr.cn-hangzhou.aliyuncs.com', path: '/tokens', kind: 'status', status: 503, times: 1 })
  const sandbox = clientSandbox()
  const before = emulator().requests.length
  const { main } = await runAction(
    { provider: 'alibaba', region: 'cn-hangzhou', 'access-key-id': key.id, 'access-key-secret': key.secret, clients: 'skopeo' },
    { env: { ...cloud().env, ...sandbox.env, REGISTRY_LOGIN_HTTP_RETRY_DELAY_MS: '10' }, skipPost: true }
  )
  cloud().clearFaults()
  expect(main.code).toBe(0)
  expect(main.log).toMatch(/503/)
  expect(emulator().requests.slice(before)).toHaveLength(1)
  expect(Object.keys(sandbox.auths(sandbox.files.containers))).toEqual([PERSONAL_HOST])
})

test.each([
  ['sts.aliyuncs.com', 'Throttling', ['throttled', 'sts', 'rpc']],
  ['sts.aliyuncs.com', 'Throttling.User', ['throttled', 'sts', 'rpc']],
  [`cr.${ALIBABA_INSTANCE.region}.aliyuncs.com`, 'Throttling.Api', ['sts', 'throttled', 'rpc']]
])("keyless: %s throttling (HTTP 400, Code %s) is Alibaba's 'try again': retried, then logged in", async (host, code, calls) => {
  const roleArn = emulator().createRole('github-throttled')
  emulator().throttle(host, { times: 1, code })
  const sandbox = clientSandbox()
  const before = emulator().requests.length
  const { main } = await runAction(
    {
      provider: 'alibaba',
      registry: EE_HOST,
      'instance-id': ALIBABA_INSTANCE.id,
      'role-arn': roleArn,
      'oidc-provider-arn': ALIBABA_OIDC_PROVIDER_ARN,
      clients: 'podman'
    },
    { env: { ...cloud().env, ...sandbox.env, REGISTRY_LOGIN_HTTP_RETRY_DELAY_MS: '10' }, skipPost: true }
  )
  expect(main.code).toBe(0)
  expect(
    emulator()
      .requests.slice(before)
      .map((r: { api: string }) => r.api)
  ).toEqual(calls)
  expect(main.log).toMatch(new RegExp(`attempt 1 of 4 failed \\(Alibaba Cloud .*HTTP 400 ${code.replace('.', '\\.')}: Request was denied`))
  expect(Object.keys(sandbox.auths(sandbox.files.containers))).toEqual([EE_HOST])
})
