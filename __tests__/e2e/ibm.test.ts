import { clientSandbox } from '../../harness/client-env.js'
import { pushWith } from '../../harness/image.js'
import { runAction } from '../../harness/run-action.js'
import { expectNoAuthEntries, localCloudForFile, stateFileOf } from '../helpers/local-cloud.js'
import { expectNoSecretIn } from '../helpers/secret-scan.js'

const cloud = localCloudForFile({ clouds: ['ibm'] })

const ALL_CLIENTS = 'docker,podman,buildah,skopeo'

test('API key exchanged for an IAM token logs every client into two regions, pushes, and post removes it all', async () => {
  const apiKey = cloud().emulators.ibm.createApiKey()
  const sandbox = clientSandbox()
  let pushedWhileLoggedIn: Record<string, boolean> = {}
  const { main, post } = await runAction(
    { provider: 'ibm', region: 'us-south, eu-de', 'api-key': apiKey, clients: ALL_CLIENTS },
    {
      env: { ...cloud().env, ...sandbox.env, RUNNER_DEBUG: '1' },
      between: async () => {
        pushedWhileLoggedIn = {
          docker: (await pushWith(sandbox.files.docker, 'us.icr.io/acme/hello:docker')).ok,
          containers: (await pushWith(sandbox.files.containers, 'de.icr.io/acme/hello:containers')).ok
        }
      }
    }
  )
  expect(main.code).toBe(0)
  expect(main.outputs.registry).toBe('us.icr.io')
  expect(main.outputs.registries).toBe('us.icr.io,de.icr.io')
  expect(main.outputs.username).toBe('iambearer')
  expect(Date.parse(main.outputs['expires-at'] ?? '')).toBeGreaterThan(Date.now())
  expect(main.outputs.password).toBeUndefined()
  expect(pushedWhileLoggedIn).toEqual({ docker: true, containers: true })

  const issued = cloud()
    .tokenService.seen.filter(s => s.ok)
    .map(s => s.username)
  expect(issued).toContain('iambearer')
  expect(post!.code).toBe(0)
  expectNoAuthEntries(sandbox)
  expect((await pushWith(sandbox.files.containers, 'us.icr.io/acme/hello:after')).ok).toBe(false)
  expectNoSecretIn([main.log, main.stderr, post!.log, post!.stderr, stateFileOf(main), main.summary], [apiKey])
})

test('exchange: false logs in with the API key itself as iamapikey', async () => {
  const apiKey = cloud().emulators.ibm.createApiKey()
  const sandbox = clientSandbox()
  let pushed = false
  const { main } = await runAction(
    { provider: 'ibm', registry: 'jp.icr.io', 'api-key': apiKey, exchange: 'false', clients: 'skopeo' },
    {
      env: { ...cloud().env, ...sandbox.env },
      between: async () => void (pushed = (await pushWith(sandbox.files.containers, 'jp.icr.io/acme/key:v1')).ok)
    }
  )
  expect(main.code).toBe(0)
  expect(main.outputs.username).toBe('iamapikey')
  expect(pushed).toBe(true)
  expect(main.log).toMatch(/long-lived API key/)
})

test('the whole apikey.json pasted into api-key logs in with its apikey, and the log says so once (#19)', async () => {
  const apiKey = cloud().emulators.ibm.createApiKey()
  // The file the IBM Cloud console downloads (and ibmcloud iam api-key-create --file writes).
  const apikeyJson = JSON.stringify({ name: 'ci-push', description: 'CI', createdAt: '2026-12-01T10:00+0000', apikey: apiKey }, null, '\t')
  const sandbox = clientSandbox()
  let pushed = false
  const { main, post } = await runAction(
    { provider: 'ibm', region: 'us-south', 'api-key': apikeyJson, clients: 'docker' },
    {
      env: { ...cloud().env, ...sandbox.env },
      between: async () => void (pushed = (await pushWith(sandbox.files.docker, 'us.icr.io/acme/apikey-json:v1')).ok)
    }
  )
  expect(main.code).toBe(0)
  expect(main.outputs.username).toBe('iambearer')
  expect(pushed).toBe(true)
  const notes = main.log.split('\n').filter((line: string) => line.includes('holds an IBM Cloud API key file'))
  expect(notes).toEqual([
    "Input 'api-key' holds an IBM Cloud API key file (apikey.json): using its 'apikey' field as an IBM Cloud API key."
  ])
  expect(post!.code).toBe(0)
  expectNoSecretIn([main.log, main.stderr, post!.log, post!.stderr, stateFileOf(main), main.summary], [apiKey])
})

test("an unknown API key fails with IAM's own message, and no auth file gets an entry", async () => {
  const sandbox = clientSandbox()
  const { main, post } = await runAction(
    { provider: 'ibm', region: 'us', 'api-key': 'not-a-key-IAM-knows-0123456789', clients: ALL_CLIENTS },
    { env: { ...cloud().env, ...sandbox.env } }
  )
  expect(main.code).toBe(1)
  expect(main.log).toMatch(/::error::.*BXNIM0415E: Provided API key could not be found/)
  expect(main.log).not.toContain('not-a-key-IAM-knows')
  expect(post!.code).toBe(0)
  expectNoAuthEntries(sandbox)
})

test('an expired IAM token is refused by the registry; main fails and leaves nothing behind', async () => {
  // A token IAM issued an hour ago: the registry no longer takes it.
  const token = `eyJ${Date.now()}expired`
  cloud().store.issue('ibm', 'iambearer', token, Date.now() - 1000)
  const sandbox = clientSandbox()
  const { main } = await runAction({ provider: 'ibm', region: 'uk', token, clients: 'podman' }, { env: { ...cloud().env, ...sandbox.env } })
  expect(main.code).toBe(1)
  expect(main.log).toMatch(/::error::.*podman login.*exited with code/)
  expect(sandbox.auths(sandbox.files.containers)).toEqual({})
})

test('post restores the entry a client had before the action logged in', async () => {
  const apiKey = cloud().emulators.ibm.createApiKey()
  const sandbox = clientSandbox()
  const earlier = { auth: Buffer.from('someone:earlier-password').toString('base64') }
  const { mkdirSync, writeFileSync } = await import('node:fs')
  mkdirSync(sandbox.env.DOCKER_CONFIG, { recursive: true })
  writeFileSync(sandbox.files.docker, JSON.stringify({ auths: { 'us.icr.io': earlier, 'other.example': earlier } }))
  const { main, post } = await runAction(
    { provider: 'ibm', region: 'us', 'api-key': apiKey, clients: 'docker' },
    { env: { ...cloud().env, ...sandbox.env } }
  )
  expect(main.code).toBe(0)
  expect(post!.code).toBe(0)
  expect(sandbox.auths(sandbox.files.docker)).toEqual({ 'us.icr.io': earlier, 'other.example': earlier })
})
