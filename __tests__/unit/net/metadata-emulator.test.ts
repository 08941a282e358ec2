// The local cloud's metadata services (harness/metadata.js) refuse what the clouds refuse: a request without the
// cloud's header (Metadata-Flavor: Google, Metadata: true, Metadata-Flavor: ibm), Alibaba's credentials without a
// hardened-mode session token or a token asked with a TTL out of range, IBM's calls without the version, its IAM token
// without the instance token or for a profile the instance is not linked to. The end-to-end tests rely on this.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { createAlibabaEmulator } from '../../../harness/emulators/alibaba.js'
import { createGithubOidc } from '../../../harness/github.js'
import { createMetadataHandler, IBM_RUNNER_PROFILE } from '../../../harness/metadata.js'
import { CredentialStore } from '../../../harness/store.js'

let server: http.Server
let port: number

beforeAll(async () => {
  const store = new CredentialStore()
  const alibaba = createAlibabaEmulator({ store, github: createGithubOidc() })
  const { handler } = createMetadataHandler({ store, alibaba, tokenTtlSeconds: 600 })
  server = http.createServer((req, res) => void handler(req, res))
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as AddressInfo).port
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise(done => server.close(done))
})

/** One request to the emulator as `host` (the service it plays), with the headers given and nothing else. */
function ask(host: string, method: string, path: string, headers: Record<string, string> = {}, body = '') {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers: { ...headers, host } }, res => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

const YANDEX_TOKEN = '/computeMetadata/v1/instance/service-accounts/default/token'

test('Yandex (Google metadata API): without Metadata-Flavor: Google, or with another flavor, 403; with it a token', async () => {
  expect((await ask('169.254.169.254', 'GET', YANDEX_TOKEN)).status).toBe(403)
  expect((await ask('169.254.169.254', 'GET', YANDEX_TOKEN, { 'Metadata-Flavor': 'ibm' })).status).toBe(403)
  const ok = await ask('169.254.169.254', 'GET', YANDEX_TOKEN, { 'Metadata-Flavor': 'Google' })
  expect(ok.status).toBe(200)
  expect(JSON.parse(ok.body)).toEqual({ access_token: expect.stringMatching(/^t1\./), expires_in: 600, token_type: 'Bearer' })
})

test('Nebius: without Metadata: true, 400; with it an access token and expires_at', async () => {
  expect((await ask('metadata.nebius.internal', 'GET', '/v1/iam/sa/token')).status).toBe(400)
  expect((await ask('metadata.nebius.internal', 'GET', '/v1/iam/sa/token', { Metadata: 'yes' })).status).toBe(400)
  const ok = await ask('metadata.nebius.internal', 'GET', '/v1/iam/sa/token', { Metadata: 'true' })
  expect(ok.status).toBe(200)
  expect(Object.keys(JSON.parse(ok.body))).toEqual(['access_token', 'expires_at'])
})

test("Alibaba hardened mode: no credentials without the session token; the token's TTL must be 1 to 21600 s", async () => {
  const CREDS = '/latest/meta-data/ram/security-credentials/'
  expect((await ask('100.100.100.200', 'GET', CREDS)).status).toBe(401)
  expect((await ask('100.100.100.200', 'GET', CREDS, { 'X-aliyun-ecs-metadata-token': 'guessed' })).status).toBe(401)
  expect((await ask('100.100.100.200', 'PUT', '/latest/api/token')).status).toBe(400)
  expect((await ask('100.100.100.200', 'PUT', '/latest/api/token', { 'X-aliyun-ecs-metadata-token-ttl-seconds': '21601' })).status).toBe(
    400
  )
  expect((await ask('100.100.100.200', 'GET', '/latest/api/token', { 'X-aliyun-ecs-metadata-token-ttl-seconds': '300' })).status).toBe(400)
  const session = await ask('100.100.100.200', 'PUT', '/latest/api/token', { 'X-aliyun-ecs-metadata-token-ttl-seconds': '300' })
  expect(session.status).toBe(200)
  const token = { 'X-aliyun-ecs-metadata-token': session.body }
  const role = await ask('100.100.100.200', 'GET', CREDS, token)
  expect(role).toEqual({ status: 200, body: 'ecs-runner' })
  const triple = JSON.parse((await ask('100.100.100.200', 'GET', `${CREDS}ecs-runner`, token)).body)
  expect(Object.keys(triple).sort()).toEqual(['AccessKeyId', 'AccessKeySecret', 'Code', 'Expiration', 'LastUpdated', 'SecurityToken'])
  expect(triple.Code).toBe('Success')
})

test('IBM VPC: the version on both calls, Metadata-Flavor: ibm on the token call, the instance token as bearer, a linked profile', async () => {
  const json = { 'Content-Type': 'application/json' }
  const put = (query: string, headers: Record<string, string>, body = '{"expires_in":300}') =>
    ask('169.254.169.254', 'PUT', `/instance_identity/v1/token${query}`, { ...json, ...headers }, body)
  expect((await put('', { 'Metadata-Flavor': 'ibm' })).status).toBe(400)
  expect((await put('?version=2022-03-01', {})).status).toBe(400)
  expect((await put('?version=2022-03-01', { 'Metadata-Flavor': 'ibm' }, '{"expires_in":7200}')).status).toBe(400)
  const identity = await put('?version=2022-03-01', { 'Metadata-Flavor': 'ibm' })
  expect(identity.status).toBe(200)
  const bearer = { Authorization: `Bearer ${JSON.parse(identity.body).access_token as string}` }
  const iam = (query: string, headers: Record<string, string>, profile: string) =>
    ask(
      '169.254.169.254',
      'POST',
      `/instance_identity/v1/iam_token${query}`,
      { ...json, ...headers },
      JSON.stringify({ trusted_profile: { id: profile } })
    )
  expect((await iam('', bearer, IBM_RUNNER_PROFILE)).status).toBe(400)
  expect((await iam('?version=2022-03-01', {}, IBM_RUNNER_PROFILE)).status).toBe(401)
  expect((await iam('?version=2022-03-01', { Authorization: 'Bearer eyJguessed' }, IBM_RUNNER_PROFILE)).status).toBe(401)
  const other = await iam('?version=2022-03-01', bearer, 'Profile-ffffffff-other')
  expect(other.status).toBe(400)
  expect(other.body).toMatch(/not linked to this instance/)
  const ok = await iam('?version=2022-03-01', bearer, IBM_RUNNER_PROFILE)
  expect(ok.status).toBe(200)
  expect(Object.keys(JSON.parse(ok.body)).sort()).toEqual(['access_token', 'created_at', 'expires_at', 'expires_in'])
})
