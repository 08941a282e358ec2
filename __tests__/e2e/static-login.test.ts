// Coming from docker/login-action: `username` + `password` for every cloud, run as a runner runs the
// built action, with the real docker against each cloud's local registry.
import { clientSandbox } from '../../harness/client-env.js'
import { ALIBABA_INSTANCE } from '../../harness/emulators/alibaba.js'
import { pushWith } from '../../harness/image.js'
import { runAction } from '../../harness/run-action.js'
import { expectNoAuthEntries, localCloudForFile, stateFileOf } from '../helpers/local-cloud.js'
import { expectNoSecretIn } from '../helpers/secret-scan.js'

const cloud = localCloudForFile({ clouds: ['ibm', 'yandex', 'nebius', 'alibaba'] })

interface Case {
  name: string
  /** The inputs and the secrets in them, made against the running cloud. */
  make: () => { inputs: Record<string, string>; secrets: string[] }
  image: string
  /** The username the clients end up with, and what the log says about how the inputs were read. */
  username: string
  says: RegExp
  warns?: RegExp
}

const ALIBABA_EE_HOST = `${ALIBABA_INSTANCE.name}-registry.${ALIBABA_INSTANCE.region}.cr.aliyuncs.com`

const cases: Case[] = [
  {
    name: 'IBM username iamapikey: the API key is exchanged for an IAM token and logged in as iambearer',
    make: () => {
      const apiKey = cloud().emulators.ibm.createApiKey()
      return { inputs: { provider: 'ibm', registry: 'us.icr.io', username: 'iamapikey', password: apiKey }, secrets: [apiKey] }
    },
    image: 'us.icr.io/acme/static:ibm',
    username: 'iambearer',
    says: /\(ibm: API key \(username iamapikey \+ password\) exchanged for a short-lived IAM access token, logged in as iambearer/
  },
  {
    name: 'Yandex username api_key: the API key as is, on Cloud Registry',
    make: () => {
      const apiKey = cloud().emulators.yandex.createApiKey()
      return { inputs: { provider: 'yandex', username: 'api_key', password: apiKey }, secrets: [apiKey] }
    },
    image: 'registry.yandexcloud.net/crp0registry/static:api-key',
    username: 'api_key',
    says: /\(yandex: service-account API key \(api_key, given as username api_key \+ password\)\)/
  },
  {
    name: 'Yandex username json_key (yc-cr-login style): the key is exchanged for an IAM token',
    make: () => {
      const key = cloud().emulators.yandex.createAuthorizedKey()
      return {
        inputs: { provider: 'yandex', username: 'json_key', password: key.json },
        secrets: [key.json, JSON.parse(key.json).private_key]
      }
    },
    image: 'registry.yandexcloud.net/crp0registry/static:json-key',
    username: 'iam',
    says: /authorized key exchanged for an IAM token \(iam, given as username json_key \+ password\)/
  },
  {
    name: 'Yandex username oauth with exchange false: logged in as oauth, with the Cloud Registry warning',
    make: () => {
      const token = cloud().emulators.yandex.createOAuthToken()
      return { inputs: { provider: 'yandex', username: 'oauth', password: token, exchange: 'false' }, secrets: [token] }
    },
    image: 'registry.yandexcloud.net/crp0registry/static:oauth',
    username: 'oauth',
    says: /Yandex ID OAuth token passed to the registry \(oauth, given as username oauth \+ password\)/,
    warns: /::warning::Yandex Cloud Registry's documentation lists only IAM tokens and API keys/
  },
  {
    name: 'Nebius username iam: the static key as is',
    make: () => {
      const key = cloud().emulators.nebius.createStaticKey()
      return { inputs: { provider: 'nebius', region: 'eu-north1', username: 'iam', password: key }, secrets: [key] }
    },
    image: 'cr.eu-north1.nebius.cloud/e00registry/static:nebius',
    username: 'iam',
    says: /static key or access token \(iam, given as username iam \+ password\)/
  },
  {
    name: "Alibaba username and password: the instance's access credential",
    make: () => {
      const password = 'Static-Login-Passw0rd-71'
      cloud().emulators.alibaba.setPassword('ci@1357924680135792', password)
      return { inputs: { provider: 'alibaba', registry: ALIBABA_EE_HOST, username: 'ci@1357924680135792', password }, secrets: [password] }
    },
    image: `${ALIBABA_EE_HOST}/acme/static:alibaba`,
    username: 'ci@1357924680135792',
    says: /\(alibaba: instance access credential/
  }
]

test.each(cases)('$name', async c => {
  const { inputs, secrets } = c.make()
  const sandbox = clientSandbox()
  let pushed = { ok: false, output: '' }
  const { main, post } = await runAction(
    { ...inputs, clients: 'docker' },
    {
      env: { ...cloud().env, ...sandbox.env, RUNNER_DEBUG: '1' },
      between: async () => void (pushed = await pushWith(sandbox.files.docker, c.image))
    }
  )
  expect({ code: main.code, log: main.code === 0 ? '' : main.log }).toEqual({ code: 0, log: '' })
  expect(main.outputs.username).toBe(c.username)
  expect(main.log).toMatch(c.says)
  expect(main.log).toContain(`docker: logged into ${c.image.split('/')[0]} as ${c.username}`)
  if (c.warns) expect(main.log).toMatch(c.warns)
  expect(pushed).toEqual({ ok: true, output: expect.any(String) })
  expect(post!.code).toBe(0)
  expectNoAuthEntries(sandbox)
  expect((await pushWith(sandbox.files.docker, c.image)).ok).toBe(false)
  expectNoSecretIn([main.log, main.stderr, post!.log, post!.stderr, stateFileOf(main), main.summary], secrets)
})

test('an unknown username fails before any cloud call, names username and the usernames the cloud knows', async () => {
  const apiKey = cloud().emulators.ibm.createApiKey()
  const before = cloud().emulators.ibm.requests.length
  const sandbox = clientSandbox()
  const { main } = await runAction(
    { provider: 'ibm', region: 'us', username: 'admin', password: apiKey, clients: 'docker' },
    { env: { ...cloud().env, ...sandbox.env } }
  )
  expect(main.code).toBe(1)
  expect(main.log).toMatch(
    /::error::registry-login: Input 'username' is 'admin', which IBM Cloud Container Registry does not know as a registry username\. Use one of: iamapikey \(password: an IBM Cloud API key\), iambearer \(password: an IAM access token\)\./
  )
  expect(cloud().emulators.ibm.requests.length).toBe(before)
  expectNoAuthEntries(sandbox)
  expectNoSecretIn([main.log, main.stderr], [apiKey])
})

test('aliyun/acr-login#19: a RAM user without a registry account gets USER_NOT_EXIST from Personal /tokens, with what works instead', async () => {
  const key = cloud().emulators.alibaba.createAccessKey({ registered: false })
  const sandbox = clientSandbox()
  const { main } = await runAction(
    { provider: 'alibaba', region: 'cn-hangzhou', 'access-key-id': key.id, 'access-key-secret': key.secret, clients: 'docker' },
    { env: { ...cloud().env, ...sandbox.env } }
  )
  expect(main.code).toBe(1)
  expect(main.log).toMatch(
    /::error::.*answered HTTP 404 USER_NOT_EXIST: user is not exist\..*Personal Edition does not know this RAM user yet/
  )
  expect(main.log).toMatch(/Instance > Access Credentials.*'username' and 'password'.*Enterprise Edition instance/)
  expectNoAuthEntries(sandbox)
  expectNoSecretIn([main.log, main.stderr], [key.secret])
})
