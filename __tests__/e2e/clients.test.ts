// The clients beyond the containers tools: helm (real binary) and docker-config (no binary).
import { clientSandbox } from '../../harness/client-env.js'
import { helmAvailable, helmPush, pathWithHelm } from '../../harness/helm.js'
import { pushWith } from '../../harness/image.js'
import { runAction } from '../../harness/run-action.js'
import { localCloudForFile } from '../helpers/local-cloud.js'

const cloud = localCloudForFile({ clouds: ['ibm'] })

const helmTest = helmAvailable() ? test : test.skip

helmTest('helm logs in with its own registry config, pushes a chart, and is logged out by post', async () => {
  const sandbox = clientSandbox()
  // helm (Go) trusts the local CA through SSL_CERT_FILE
  const env = { ...cloud().env, ...sandbox.env, PATH: pathWithHelm(), SSL_CERT_FILE: cloud().pki.ca }
  let pushed = { ok: false, output: '' }
  const { main, post } = await runAction(
    { provider: 'ibm', region: 'de', 'api-key': cloud().emulators.ibm.createApiKey(), clients: 'helm' },
    { env, between: async () => void (pushed = await helmPush(sandbox.files.helm, 'de.icr.io/charts', env)) }
  )
  expect(main.code).toBe(0)
  expect(main.log).toContain('helm: logged into de.icr.io as iambearer')
  expect(pushed.output).toMatch(/Pushed: de.icr.io\/charts\/hello:0.1.0/)
  expect(pushed.ok).toBe(true)
  expect(post!.code).toBe(0)
  expect(sandbox.auths(sandbox.files.helm)).toEqual({})
  expect((await helmPush(sandbox.files.helm, 'de.icr.io/charts', env)).ok).toBe(false)
})

test("docker-config writes docker's config.json (0600) that other tools push with, and post removes the entry", async () => {
  const sandbox = clientSandbox()
  let pushed = false
  let mode = 0
  const { main, post } = await runAction(
    { provider: 'ibm', region: 'au', 'api-key': cloud().emulators.ibm.createApiKey(), clients: 'docker-config' },
    {
      env: { ...cloud().env, ...sandbox.env },
      between: async () => {
        pushed = (await pushWith(sandbox.files.docker, 'au.icr.io/acme/kaniko:v1')).ok
        mode = (await import('node:fs')).statSync(sandbox.files.docker).mode & 0o777
      }
    }
  )
  expect(main.code).toBe(0)
  expect(pushed).toBe(true)
  expect(mode).toBe(0o600)
  expect(post!.code).toBe(0)
  expect(sandbox.auths(sandbox.files.docker)).toEqual({})
})

test('a client that is not installed fails before any cloud call, naming the client', async () => {
  const sandbox = clientSandbox()
  const before = cloud().emulators.ibm.requests.length
  const { main } = await runAction(
    { provider: 'ibm', region: 'us', 'api-key': cloud().emulators.ibm.createApiKey(), clients: 'podman,oras' },
    { env: { ...cloud().env, ...sandbox.env, PATH: '/usr/bin:/bin' }, skipPost: true }
  )
  expect(main.code).toBe(1)
  expect(main.log).toMatch(
    /::error::registry-login: Input 'clients' asks for 'oras', but 'oras' is not on PATH\. Install it: add oras-project\/setup-oras/
  )
  expect(cloud().emulators.ibm.requests.length).toBe(before)
})

test("isolated-config: credentials go to a per-job directory that later steps are pointed at; the user's files are untouched; post removes it", async () => {
  const sandbox = clientSandbox()
  const { mkdirSync, writeFileSync, existsSync, readFileSync } = await import('node:fs')
  mkdirSync(sandbox.env.DOCKER_CONFIG, { recursive: true })
  const before = JSON.stringify({ auths: { 'us.icr.io': { auth: Buffer.from('someone:else').toString('base64') } } })
  writeFileSync(sandbox.files.docker, before)
  let pushed = { docker: false, containers: false }
  let jobEnv: Record<string, string> = {}
  const { main, post } = await runAction(
    { provider: 'ibm', region: 'us', 'api-key': cloud().emulators.ibm.createApiKey(), clients: 'docker,podman', 'isolated-config': 'true' },
    {
      env: { ...cloud().env, ...sandbox.env },
      between: async (step: { jobEnv: Record<string, string> }) => {
        jobEnv = step.jobEnv
        pushed = {
          docker: (await pushWith(`${jobEnv.DOCKER_CONFIG}/config.json`, 'us.icr.io/acme/isolated:docker')).ok,
          containers: (await pushWith(jobEnv.REGISTRY_AUTH_FILE ?? '', 'us.icr.io/acme/isolated:podman')).ok
        }
      }
    }
  )
  expect(main.code).toBe(0)
  const dir = jobEnv.DOCKER_CONFIG?.replace(/\/docker$/, '') ?? ''
  expect(dir).toMatch(/registry-login-config-/)
  expect(jobEnv.REGISTRY_AUTH_FILE).toBe(`${dir}/containers/auth.json`)
  expect(jobEnv.HELM_REGISTRY_CONFIG).toBe(`${dir}/helm/registry.json`)
  expect(pushed).toEqual({ docker: true, containers: true })
  expect(readFileSync(sandbox.files.docker, 'utf8')).toBe(before)
  expect(existsSync(sandbox.files.containers)).toBe(false)
  expect(post!.code).toBe(0)
  expect(existsSync(dir)).toBe(false)
  expect(readFileSync(sandbox.files.docker, 'utf8')).toBe(before)
})
