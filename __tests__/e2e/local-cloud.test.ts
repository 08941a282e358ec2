// The local cloud itself: its emulators refuse what the real clouds refuse, and its faults work.
import { clientSandbox } from '../../harness/client-env.js'
import { httpsCall } from '../../harness/https-call.js'
import { runAction } from '../../harness/run-action.js'
import { localCloudForFile } from '../helpers/local-cloud.js'

const cloud = localCloudForFile({ clouds: ['ibm'] })

const iam = (apikey: string) =>
  httpsCall('https://iam.cloud.ibm.com/identity/token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'urn:ibm:params:oauth:grant-type:apikey', apikey }).toString(),
    ca: cloud().pki.ca
  })
const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`
const registryToken = (user: string, pass: string, cloudName = 'ibm') =>
  httpsCall(`https://token.${cloudName}.registry.test/token?service=${cloudName}-registry&scope=repository:a/b:push`, {
    headers: { authorization: basic(user, pass) },
    ca: cloud().pki.ca
  })

describe('GitHub OIDC emulator', () => {
  test('issues a token for the requested audience only with the runner request token', async () => {
    const url = `${cloud().env.ACTIONS_ID_TOKEN_REQUEST_URL}&audience=sts.example`
    const refused = await httpsCall(url, { headers: { authorization: 'Bearer wrong' }, ca: cloud().pki.ca })
    expect(refused.status).toBe(401)
    const ok = await httpsCall(url, {
      headers: { authorization: `Bearer ${cloud().env.ACTIONS_ID_TOKEN_REQUEST_TOKEN}` },
      ca: cloud().pki.ca
    })
    expect(ok.status).toBe(200)
    const jwt = JSON.parse(ok.body).value as string
    expect(cloud().github.verify(jwt, 'sts.example')).toMatchObject({
      iss: 'https://token.actions.githubusercontent.com',
      aud: 'sts.example',
      sub: cloud().github.subject
    })
  })

  test('verification rejects another audience, a tampered payload and an expired token', () => {
    const jwt = cloud().github.mint('aud-a')
    expect(() => cloud().github.verify(jwt, 'aud-b')).toThrow(/audience/)
    const [h, , s] = jwt.split('.')
    const forged = Buffer.from(
      JSON.stringify({ iss: 'https://token.actions.githubusercontent.com', sub: 'repo:evil/x:ref:refs/heads/main', aud: 'aud-a', exp: 9e9 })
    ).toString('base64url')
    expect(() => cloud().github.verify(`${h}.${forged}.${s}`, 'aud-a')).toThrow(/signature/)
    const expired = cloud().github.mint('aud-a', { exp: Math.floor(Date.now() / 1000) - 60 })
    expect(() => cloud().github.verify(expired, 'aud-a')).toThrow(/expired/)
  })
})

describe('IBM IAM emulator and the registry token service', () => {
  test('IAM refuses an unknown API key with its documented error body, and accepts a known one', async () => {
    const refused = await iam('unknown-key')
    expect(refused.status).toBe(400)
    expect(JSON.parse(refused.body)).toMatchObject({ errorCode: 'BXNIM0415E', errorMessage: 'Provided API key could not be found.' })
    const ok = await iam(cloud().emulators.ibm.createApiKey())
    expect(ok.status).toBe(200)
    expect(JSON.parse(ok.body)).toMatchObject({ token_type: 'Bearer', expires_in: 3600, refresh_token: 'not_supported' })
  })

  test('the registry takes only a token IAM issued, with the right username, not yet expired, for its own cloud', async () => {
    const token = JSON.parse((await iam(cloud().emulators.ibm.createApiKey())).body).access_token as string
    expect((await registryToken('iambearer', token)).status).toBe(200)
    expect((await registryToken('iambearer', `${token}x`)).status).toBe(401)
    expect((await registryToken('iamapikey', token)).status).toBe(401)
    expect((await registryToken('iambearer', 'made-up')).status).toBe(401)
    cloud().store.issue('ibm', 'iambearer', 'old-token', Date.now() - 1)
    expect((await registryToken('iambearer', 'old-token')).status).toBe(401)
  })
})

describe('fault injection through the built action', () => {
  test('a 429 then success: the action retries and logs in', async () => {
    const sandbox = clientSandbox()
    cloud().inject({ host: 'iam.cloud.ibm.com', kind: 'status', status: 429, times: 1 })
    const { main } = await runAction(
      { provider: 'ibm', region: 'us', 'api-key': cloud().emulators.ibm.createApiKey(), clients: 'docker-config' },
      { env: { ...cloud().env, ...sandbox.env, REGISTRY_LOGIN_HTTP_RETRY_DELAY_MS: '10' }, skipPost: true }
    )
    expect(main.code).toBe(0)
    expect(main.log).toMatch(/IBM Cloud IAM: attempt 1 of 4 failed \(IBM Cloud IAM answered HTTP 429/)
    expect(Object.keys(sandbox.auths(sandbox.files.docker))).toEqual(['us.icr.io'])
  })

  test("500 on every attempt: the action gives up with the cloud's error, and writes nothing", async () => {
    const sandbox = clientSandbox()
    cloud().inject({ host: 'iam.cloud.ibm.com', kind: 'status', status: 500, times: 4 })
    const { main } = await runAction(
      { provider: 'ibm', region: 'us', 'api-key': cloud().emulators.ibm.createApiKey(), clients: 'docker-config' },
      { env: { ...cloud().env, ...sandbox.env, REGISTRY_LOGIN_HTTP_RETRY_DELAY_MS: '10' } }
    )
    expect(main.code).toBe(1)
    expect(main.log).toMatch(/::error::registry-login: IBM Cloud IAM answered HTTP 500 BXNIM500E: Injected fault/)
    expect(sandbox.auths(sandbox.files.docker)).toEqual({})
  })

  test('a cloud that does not answer in time: each attempt times out, then a clear error', async () => {
    const sandbox = clientSandbox()
    cloud().inject({ host: 'iam.cloud.ibm.com', kind: 'delay', ms: 1500, times: 2 })
    const { main } = await runAction(
      { provider: 'ibm', region: 'us', 'api-key': cloud().emulators.ibm.createApiKey(), clients: 'docker-config' },
      {
        env: {
          ...cloud().env,
          ...sandbox.env,
          REGISTRY_LOGIN_HTTP_TIMEOUT_MS: '300',
          REGISTRY_LOGIN_HTTP_ATTEMPTS: '2',
          REGISTRY_LOGIN_HTTP_RETRY_DELAY_MS: '10'
        },
        skipPost: true
      }
    )
    expect(main.code).toBe(1)
    expect(main.log).toMatch(/attempt 1 of 2 failed \(Could not reach IBM Cloud IAM: no answer within 300 ms/)
    expect(main.log).toMatch(/::error::registry-login: Could not reach IBM Cloud IAM: no answer within 300 ms/)
  })

  test('a malformed body and a reset connection become clear errors', async () => {
    const sandbox = clientSandbox()
    cloud().inject({ host: 'iam.cloud.ibm.com', kind: 'malformed' })
    const malformed = await runAction(
      { provider: 'ibm', region: 'us', 'api-key': cloud().emulators.ibm.createApiKey(), clients: 'docker-config' },
      { env: { ...cloud().env, ...sandbox.env }, skipPost: true }
    )
    expect(malformed.main.log).toMatch(/::error::registry-login: IBM Cloud IAM answered HTTP 200 with a body that is not JSON/)
    cloud().inject({ host: 'iam.cloud.ibm.com', kind: 'reset', times: 4 })
    const reset = await runAction(
      { provider: 'ibm', region: 'us', 'api-key': cloud().emulators.ibm.createApiKey(), clients: 'docker-config' },
      { env: { ...cloud().env, ...sandbox.env, REGISTRY_LOGIN_HTTP_RETRY_DELAY_MS: '10' }, skipPost: true }
    )
    expect(reset.main.log).toMatch(/::error::registry-login: Could not reach IBM Cloud IAM/)
  })
})
