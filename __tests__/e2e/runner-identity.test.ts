// auth: runner-identity against the emulated metadata services on their own addresses (169.254.169.254,
// 100.100.100.200, metadata.nebius.internal): each cloud's real clients push with the VM's identity; a VM without
// one, an IBM profile that does not trust the instance, no metadata call without the method, the helper past expiry;
// and the pod paths with a cluster's projected token: IBM's cr-token grant and Alibaba's RRSA (AssumeRoleWithOIDC).
import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { clientSandbox } from '../../harness/client-env.js'
import { ALIBABA_INSTANCE, ALIBABA_RRSA_PROVIDER_ARN } from '../../harness/emulators/alibaba.js'
import { pushWith } from '../../harness/image.js'
import { runAction } from '../../harness/run-action.js'
import { localCloudForFile, REPOSITORY_ENV, stateFileOf } from '../helpers/local-cloud.js'
import { expectMaskedLikeTheRunner, expectNoSecretIn } from '../helpers/secret-scan.js'

const TTL_SECONDS = 4
const cloud = localCloudForFile({ tokenTtlSeconds: TTL_SECONDS, metadata: true })
const metadata = () => cloud().metadata!
const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))
const ALIBABA_HOST = `${ALIBABA_INSTANCE.name}-registry.${ALIBABA_INSTANCE.region}.cr.aliyuncs.com`

const issued = (name: string): string[] => [...(cloud().store.issued.get(name) ?? [])].map(c => c.password)

const vms = [
  { name: 'yandex', inputs: { provider: 'yandex' }, host: 'registry.yandexcloud.net', username: 'iam', path: '/computeMetadata/' },
  {
    name: 'nebius',
    inputs: { provider: 'nebius', region: 'eu-north1' },
    host: 'cr.eu-north1.nebius.cloud',
    username: 'iam',
    path: '/v1/iam/sa/token'
  },
  {
    name: 'alibaba',
    inputs: { provider: 'alibaba', registry: ALIBABA_HOST, 'instance-id': ALIBABA_INSTANCE.id },
    host: ALIBABA_HOST,
    username: undefined,
    path: '/latest/'
  },
  {
    name: 'ibm',
    inputs: { provider: 'ibm', region: 'us-south', 'trusted-profile': 'Profile-0a1b2c3d-runner' },
    host: 'us.icr.io',
    username: 'iambearer',
    path: '/instance_identity/'
  }
]

test.each(vms)('$name VM: auth runner-identity logs skopeo in with the identity from the metadata service and pushes', async vm => {
  const sandbox = clientSandbox()
  const before = metadata().requests.length
  let pushed = false
  const { main, post } = await runAction(
    { ...vm.inputs, auth: 'runner-identity', clients: 'skopeo' },
    {
      env: { ...cloud().env, ...sandbox.env, RUNNER_DEBUG: '1' },
      between: async () => void (pushed = (await pushWith(sandbox.files.containers, `${vm.host}/acme/vm:${vm.name}`)).ok)
    }
  )
  expect(main.log).not.toMatch(/::error::/)
  expect(main.code).toBe(0)
  if (vm.username) expect(main.outputs.username).toBe(vm.username)
  expect(pushed).toBe(true)
  const asked = metadata().requests.slice(before)
  expect(asked.length).toBeGreaterThan(0)
  expect(asked.every(r => r.path.startsWith(vm.path))).toBe(true)
  expect(post!.code).toBe(0)
  expectNoSecretIn([main.log, main.stderr, post!.log, stateFileOf(main)], issued(vm.name))
})

test('a Yandex VM without a service account: the metadata service answers 404, one error says so and how to link one', async () => {
  metadata().vm.yandex = false
  try {
    const sandbox = clientSandbox()
    const { main } = await runAction(
      { provider: 'yandex', auth: 'runner-identity', clients: 'skopeo' },
      { env: { ...cloud().env, ...sandbox.env } }
    )
    expect(main.code).toBe(1)
    expect(main.log.match(/::error::/g)).toHaveLength(1)
    expect(main.log).toMatch(
      /^::error::registry-login: This runner is not a Yandex Cloud VM with a linked service account: its metadata service answered HTTP 404.*yc compute instance update/m
    )
  } finally {
    metadata().vm.yandex = true
  }
})

test('an Alibaba ECS instance without a RAM role: no role listed, one error naming the fix', async () => {
  const role = metadata().vm.alibabaRole
  metadata().vm.alibabaRole = ''
  try {
    const sandbox = clientSandbox()
    const { main } = await runAction(
      { provider: 'alibaba', registry: ALIBABA_HOST, 'instance-id': ALIBABA_INSTANCE.id, auth: 'runner-identity', clients: 'skopeo' },
      { env: { ...cloud().env, ...sandbox.env } }
    )
    expect(main.code).toBe(1)
    expect(main.log.match(/::error::/g)).toHaveLength(1)
    expect(main.log).toMatch(
      /^::error::registry-login: This runner is not an Alibaba Cloud ECS instance with an attached RAM role: .*HTTP 404.*AttachInstanceRamRole/m
    )
  } finally {
    metadata().vm.alibabaRole = role
  }
})

test('an IBM trusted profile that does not trust the instance is refused with the reason and the link command', async () => {
  const sandbox = clientSandbox()
  const { main } = await runAction(
    { provider: 'ibm', region: 'us-south', auth: 'runner-identity', 'trusted-profile': 'Profile-ffffffff-other', clients: 'skopeo' },
    { env: { ...cloud().env, ...sandbox.env } }
  )
  expect(main.code).toBe(1)
  expect(main.log.match(/::error::/g)).toHaveLength(1)
  expect(main.log).toMatch(
    /^::error::registry-login: The IBM Cloud VPC metadata service answered HTTP 400: .*not linked to this instance.*trusted-profile-link-create/m
  )
})

test('without auth runner-identity no metadata service is asked, whatever else is set', async () => {
  const before = metadata().requests.length
  const sandbox = clientSandbox()
  const apiKey = cloud().emulators.ibm.createApiKey()
  const { main } = await runAction(
    { provider: 'ibm', region: 'us-south', 'api-key': apiKey, clients: 'skopeo' },
    { env: { ...cloud().env, ...sandbox.env } }
  )
  expect(main.code).toBe(0)
  const { main: failed } = await runAction({ provider: 'yandex', clients: 'skopeo' }, { env: { ...cloud().env, ...sandbox.env } })
  expect(failed.code).toBe(1)
  expect(metadata().requests.slice(before)).toEqual([])
})

test('credential-helper mode: past the token lifetime the helper asks the Yandex metadata service again and the push works', async () => {
  const sandbox = clientSandbox()
  let asked = 0
  let pushed = { ok: false, output: '' }
  const { main, post } = await runAction(
    { provider: 'yandex', auth: 'runner-identity', clients: 'skopeo', 'credential-helper': 'true' },
    {
      env: { ...cloud().env, ...sandbox.env, ...REPOSITORY_ENV },
      between: async (_step, later) => {
        const before = metadata().requests.length
        await sleep(TTL_SECONDS * 1000 + 1000)
        pushed = await pushWith(sandbox.files.containers, 'registry.yandexcloud.net/acme/helper:identity', later.env)
        asked = metadata().requests.length - before
      }
    }
  )
  expect(main.code).toBe(0)
  expect(pushed.output).not.toMatch(/unauthorized/i)
  expect(pushed.ok).toBe(true)
  expect(asked).toBeGreaterThanOrEqual(1)
  expect(post!.code).toBe(0)
  expectNoSecretIn([main.log, post!.log], issued('yandex'))
  // The later step's output as the runner shows it: the helper announces what it minted as mask commands.
  const masked = expectMaskedLikeTheRunner([pushed.output], { never: [], minted: issued('yandex') })
  expect(issued('yandex').filter(token => masked.has(token)).length).toBeGreaterThanOrEqual(1)
}, 60_000)

/** A projected service-account token as the kubelet writes it into a runner pod, in a file of its own. */
function podTokenFile(audience: string, serviceAccount = 'github-runner'): { file: string; token: string } {
  const token = cloud().kube.mint({ namespace: 'arc-runners', serviceAccount, audience })
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'pod-token-')), 'sa-token')
  writeFileSync(file, `${token}\n`)
  return { file, token }
}

test('IBM pod: the projected token exchanged at IAM (cr-token grant) for the trusted profile; no metadata service asked', async () => {
  const profile = cloud().emulators.ibm.createPodProfile({ namespace: 'arc-runners', serviceAccount: 'github-runner' })
  const { file, token } = podTokenFile('iam')
  const before = metadata().requests.length
  const grants = cloud().emulators.ibm.requests.length
  const sandbox = clientSandbox()
  let pushed = false
  const { main, post } = await runAction(
    {
      provider: 'ibm',
      region: 'us-south',
      auth: 'runner-identity',
      'trusted-profile': profile,
      'identity-token-file': file,
      clients: 'skopeo'
    },
    {
      env: { ...cloud().env, ...sandbox.env },
      between: async () => void (pushed = (await pushWith(sandbox.files.containers, 'us.icr.io/acme/pod:ibm')).ok)
    }
  )
  expect(main.log).not.toMatch(/::error::/)
  expect(main.code).toBe(0)
  expect(main.outputs.username).toBe('iambearer')
  expect(pushed).toBe(true)
  expect(cloud().emulators.ibm.requests.slice(grants)).toEqual([{ grantType: 'urn:ibm:params:oauth:grant-type:cr-token' }])
  expect(metadata().requests.slice(before)).toEqual([])
  expect(post!.code).toBe(0)
  expectNoSecretIn([main.log, main.stderr, post!.log, stateFileOf(main)], [token, ...issued('ibm')])
})

test("IBM pod: a profile that does not trust the pod's service account is IAM's refusal, in one error with the fix", async () => {
  const profile = cloud().emulators.ibm.createPodProfile({ namespace: 'arc-runners', serviceAccount: 'github-runner' })
  const { file } = podTokenFile('iam', 'some-other-account')
  const sandbox = clientSandbox()
  const { main } = await runAction(
    {
      provider: 'ibm',
      region: 'us-south',
      auth: 'runner-identity',
      'trusted-profile': profile,
      'identity-token-file': file,
      clients: 'skopeo'
    },
    { env: { ...cloud().env, ...sandbox.env } }
  )
  expect(main.code).toBe(1)
  expect(main.log.match(/::error::/g)).toHaveLength(1)
  expect(main.log).toMatch(
    /^::error::registry-login: IBM Cloud IAM answered HTTP 400 BXNIM0102E: Trusted profile Profile-\w+-pod does not trust this compute resource.*must trust this pod: a compute-resource trust rule/m
  )
})

test("Alibaba ACK pod with RRSA: the webhook's variables, the pod token through STS AssumeRoleWithOIDC, a push", async () => {
  const roleArn = cloud().emulators.alibaba.createRole(`rrsa-runner-${Date.now()}`, {
    subject: 'system:serviceaccount:arc-runners:github-runner',
    provider: ALIBABA_RRSA_PROVIDER_ARN
  })
  const { file, token } = podTokenFile('sts.aliyuncs.com')
  const before = metadata().requests.length
  const calls = cloud().emulators.alibaba.requests.length
  const sandbox = clientSandbox()
  let pushed = false
  const { main, post } = await runAction(
    { provider: 'alibaba', registry: ALIBABA_HOST, 'instance-id': ALIBABA_INSTANCE.id, auth: 'runner-identity', clients: 'skopeo' },
    {
      env: {
        ...cloud().env,
        ...sandbox.env,
        ALIBABA_CLOUD_ROLE_ARN: roleArn,
        ALIBABA_CLOUD_OIDC_PROVIDER_ARN: ALIBABA_RRSA_PROVIDER_ARN,
        ALIBABA_CLOUD_OIDC_TOKEN_FILE: file
      },
      between: async () => void (pushed = (await pushWith(sandbox.files.containers, `${ALIBABA_HOST}/acme/pod:rrsa`)).ok)
    }
  )
  expect(main.log).not.toMatch(/::error::/)
  expect(main.code).toBe(0)
  expect(pushed).toBe(true)
  const sts = cloud()
    .emulators.alibaba.requests.slice(calls)
    .filter((r: { api: string }) => r.api === 'sts')
  expect(sts).toEqual([expect.objectContaining({ action: 'AssumeRoleWithOIDC', roleArn })])
  expect(metadata().requests.slice(before)).toEqual([])
  expect(post!.code).toBe(0)
  expectNoSecretIn([main.log, main.stderr, post!.log, stateFileOf(main)], [token, ...issued('alibaba')])
})
