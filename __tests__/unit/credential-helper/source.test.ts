import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { helperFiles, writeHelperConfig } from '../../../src/credential-helper/config.js'
import { credentialSource } from '../../../src/credential-helper/source.js'
import { startIamServer, type IamServer } from '../../helpers/iam-server.js'
import { captureStdout, type StdoutCapture } from '../../helpers/stdout.js'

const API_KEY = 'ibm-helper-source-key-Rt5Yu7Io9'
let server: IamServer
let dir: string
let stdout: StdoutCapture

beforeEach(async () => {
  server = await startIamServer({ apiKeys: [API_KEY] })
  dir = mkdtempSync(path.join(os.tmpdir(), 'registry-login-helper-'))
  stdout = captureStdout()
})
afterEach(async () => {
  stdout.restore()
  await server.close()
  rmSync(dir, { recursive: true, force: true })
})

/** The helper's source for an IBM API-key plan saved the way main saves it. */
async function source(apiKey = API_KEY) {
  const { config, cache } = helperFiles(dir)
  await writeHelperConfig(config, {
    version: 1,
    inputs: { provider: 'ibm', registry: 'us.icr.io,de.icr.io', 'api-key': apiKey, 'credential-helper': 'true' },
    env: { REGISTRY_LOGIN_ENDPOINT_IBM_IAM: server.url, REGISTRY_LOGIN_HTTP_ATTEMPTS: '1' },
    usernames: { 'us.icr.io': 'iambearer', 'de.icr.io': 'iambearer' }
  })
  return { cache, source: await credentialSource(config, {}) }
}

test('one exchange serves every registry of the plan until the token nears its expiry', async () => {
  server.expiration = Math.floor(Date.now() / 1000) + 3600
  const { source: helper } = await source()
  expect(helper.usernames).toEqual({ 'us.icr.io': 'iambearer', 'de.icr.io': 'iambearer' })
  const first = await helper.credential('us.icr.io')
  const again = await helper.credential('us.icr.io')
  const other = await helper.credential('de.icr.io')
  expect(server.requests).toHaveLength(1)
  expect(first).toMatchObject({ username: 'iambearer', password: server.issued[0] })
  expect(again.password).toBe(first.password)
  expect(other.password).toBe(first.password)
})

test('a token with less than 60 s left is exchanged again', async () => {
  server.expiration = Math.floor(Date.now() / 1000) + 50
  const { source: helper } = await source()
  await helper.credential('us.icr.io')
  await helper.credential('us.icr.io')
  expect(server.requests).toHaveLength(2)
  expect(server.issued[1]).not.toBe(server.issued[0])
})

test("a refusal is the cloud's own error", async () => {
  const { source: helper } = await source('ibm-not-a-key-IAM-knows-000')
  await expect(helper.credential('us.icr.io')).rejects.toThrow(/IBM Cloud IAM answered HTTP 400 BXNIM0415E: Provided API key could not be found/)
})
