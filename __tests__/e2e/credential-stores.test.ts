// Runners whose auth files already hand registries to a credential helper or store (#13): the real
// docker, podman, skopeo and helm log in anyway, and post leaves the helper mapping and the store
// exactly as they were.
import { spawn } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { clientSandbox } from '../../harness/client-env.js'
import { helmAvailable, helmPush, pathWithHelm } from '../../harness/helm.js'
import { pushWith } from '../../harness/image.js'
import { runAction } from '../../harness/run-action.js'
import { localCloudForFile, REPOSITORY_ENV } from '../helpers/local-cloud.js'

const cloud = localCloudForFile({ clouds: ['yandex'] })
const HOST = 'registry.yandexcloud.net'
const basic = (user: string, secret: string): string => Buffer.from(`${user}:${secret}`).toString('base64')
const readJson = (file: string): Record<string, any> => JSON.parse(readFileSync(file, 'utf8'))

let keyJson = ''
beforeAll(() => {
  keyJson = cloud().emulators.yandex.createAuthorizedKey().json
})

/**
 * `docker-credential-<name>`: a credential helper speaking docker's protocol (get/store/erase/list)
 * over a JSON file, logging every call, as Docker Desktop's or a keychain's helper would.
 */
function testStore(dir: string, name: string, held: Record<string, { Username: string; Secret: string }>) {
  const bin = path.join(dir, 'bin')
  const file = path.join(dir, `${name}-store.json`)
  const calls = `${file}.calls`
  mkdirSync(bin, { recursive: true })
  writeFileSync(file, JSON.stringify(held))
  const script = path.join(bin, `docker-credential-${name}`)
  writeFileSync(
    script,
    `#!${process.execPath}
const fs = require('fs')
const file = ${JSON.stringify(file)}
const read = () => JSON.parse(fs.readFileSync(file, 'utf8'))
let input = ''
process.stdin.on('data', d => { input += d })
process.stdin.on('end', () => {
  const verb = process.argv[2]
  const creds = read()
  const server = verb === 'store' ? JSON.parse(input).ServerURL : input.trim()
  fs.appendFileSync(${JSON.stringify(calls)}, verb + ' ' + server + '\\n')
  const missing = () => { process.stdout.write('credentials not found in native keychain\\n'); process.exit(1) }
  if (verb === 'store') { const c = JSON.parse(input); creds[c.ServerURL] = { Username: c.Username, Secret: c.Secret }; fs.writeFileSync(file, JSON.stringify(creds)) }
  else if (verb === 'get') { if (!creds[server]) missing(); process.stdout.write(JSON.stringify({ ServerURL: server, ...creds[server] })) }
  else if (verb === 'erase') { if (!creds[server]) missing(); delete creds[server]; fs.writeFileSync(file, JSON.stringify(creds)) }
  else if (verb === 'list') process.stdout.write(JSON.stringify(Object.fromEntries(Object.entries(creds).map(([k, v]) => [k, v.Username]))))
  else { process.stderr.write('unknown verb ' + verb + '\\n'); process.exit(1) }
})
`
  )
  chmodSync(script, 0o755)
  return {
    bin,
    text: () => readFileSync(file, 'utf8'),
    calls: () => (existsSync(calls) ? readFileSync(calls, 'utf8').trim().split('\n') : [])
  }
}

/** Pushes with only the `auths` entries of `file` (skopeo reads a '' mapping as a helper named ''). */
async function pushWithAuths(file: string, ref: string) {
  const copy = `${file}.auths-only.json`
  writeFileSync(copy, JSON.stringify({ auths: readJson(file).auths ?? {} }))
  return pushWith(copy, ref)
}

const env = (sandbox: ReturnType<typeof clientSandbox>, extra: Record<string, string> = {}) => ({
  ...cloud().env,
  ...sandbox.env,
  ...REPOSITORY_ENV,
  ...extra
})
const NOTICE_TAIL = 'so nothing in that helper or store is read, replaced or erased; post puts the mapping back as it was.'

test('docker: a registry mapped to a missing helper (yc configure-docker, no docker-credential-yc) logs in to the file; post puts the mapping back exactly', async () => {
  const sandbox = clientSandbox()
  mkdirSync(sandbox.env.DOCKER_CONFIG, { recursive: true })
  const before = {
    auths: { 'ghcr.io': { auth: basic('octo', 'earlier-ghcr') } },
    credHelpers: { 'container-registry.cloud.yandex.net': 'yc', [HOST]: 'yc', 'cr.cloud.yandex.net': 'yc', 'cr.yandex': 'yc' },
    currentContext: 'default'
  }
  writeFileSync(sandbox.files.docker, JSON.stringify(before))
  let during: Record<string, any> = {}
  let pushed = { ok: false, output: '' }
  const { main, post } = await runAction(
    { provider: 'yandex', registry: HOST, 'service-account-key': keyJson, clients: 'docker' },
    {
      env: env(sandbox),
      between: async () => {
        during = readJson(sandbox.files.docker)
        pushed = await pushWithAuths(sandbox.files.docker, `${HOST}/crp0registry/stores:yc`)
      }
    }
  )
  expect({ code: main.code, log: main.code === 0 ? '' : main.log }).toEqual({ code: 0, log: '' })
  expect(main.log).toContain(
    `::notice::${HOST}: ${sandbox.files.docker} hands it to the credential helper 'yc' (docker-credential-yc, credHelpers); for this job docker will store this login in the file instead (credHelpers["${HOST}"] = ""), ${NOTICE_TAIL}`
  )
  expect(main.log).toContain(`docker: logged into ${HOST} as iam`)
  expect(during.credHelpers).toEqual({ ...before.credHelpers, [HOST]: '' })
  expect(Buffer.from(during.auths[HOST].auth, 'base64').toString()).toMatch(/^iam:t1\./)
  expect(pushed).toEqual({ ok: true, output: expect.any(String) })

  expect(post!.code).toBe(0)
  const after = readJson(sandbox.files.docker)
  expect(JSON.stringify(after.credHelpers)).toBe(JSON.stringify(before.credHelpers))
  expect(after).toEqual(before)
})

test("docker: a global credsStore keeps what it held: this registry's login goes to the file, the store is never called", async () => {
  const sandbox = clientSandbox()
  const teststore = testStore(sandbox.dir, 'teststore', {
    [HOST]: { Username: 'earlier', Secret: 'earlier-secret' },
    // docker logout also erases the http(s):// forms of the host, each through its own mapping
    [`https://${HOST}`]: { Username: 'earlier-https', Secret: 'earlier-https-secret' },
    'ghcr.io': { Username: 'octo', Secret: 'ghcr-secret' }
  })
  const storeBefore = teststore.text()
  mkdirSync(sandbox.env.DOCKER_CONFIG, { recursive: true })
  const before = { auths: { [HOST]: {}, 'ghcr.io': {} }, credsStore: 'teststore' }
  writeFileSync(sandbox.files.docker, JSON.stringify(before))
  let during: Record<string, any> = {}
  let pushed = { ok: false, output: '' }
  const { main, post } = await runAction(
    { provider: 'yandex', registry: HOST, 'service-account-key': keyJson, clients: 'docker,docker-config' },
    {
      env: env(sandbox, { PATH: `${teststore.bin}:${process.env.PATH}` }),
      between: async () => {
        during = readJson(sandbox.files.docker)
        pushed = await pushWithAuths(sandbox.files.docker, `${HOST}/crp0registry/stores:store`)
      }
    }
  )
  expect({ code: main.code, log: main.code === 0 ? '' : main.log }).toEqual({ code: 0, log: '' })
  expect(main.log.split('\n').filter((line: string) => line.startsWith('::notice::'))).toEqual([
    `::notice::${HOST}: ${sandbox.files.docker} hands it to the credential store 'teststore' (docker-credential-teststore, credsStore); for this job docker, docker-config will store this login in the file instead (credHelpers["${HOST}"] = ""), ${NOTICE_TAIL}`
  ])
  expect(during.credHelpers).toEqual({ [HOST]: '', [`http://${HOST}`]: '', [`https://${HOST}`]: '' })
  expect(during.credsStore).toBe('teststore')
  expect(pushed).toEqual({ ok: true, output: expect.any(String) })

  expect(post!.code).toBe(0)
  // The store still holds the earlier credential for the registry and the others' untouched; nothing stored or erased.
  expect(teststore.text()).toBe(storeBefore)
  expect(teststore.calls().filter(call => /^(store|erase) /.test(call))).toEqual([])
  expect(readJson(sandbox.files.docker)).toEqual(before)
})

test("docker: post run a second time (the mapping is back, the backup gone) does not log out through the credsStore: the store's earlier credential stays", async () => {
  const sandbox = clientSandbox()
  const teststore = testStore(sandbox.dir, 'teststore', {
    [HOST]: { Username: 'earlier', Secret: 'earlier-secret' },
    'ghcr.io': { Username: 'octo', Secret: 'ghcr-secret' }
  })
  const storeBefore = teststore.text()
  mkdirSync(sandbox.env.DOCKER_CONFIG, { recursive: true })
  const before = { auths: { [HOST]: {}, 'ghcr.io': {} }, credsStore: 'teststore' }
  writeFileSync(sandbox.files.docker, JSON.stringify(before))
  const run = await runAction(
    { provider: 'yandex', registry: HOST, 'service-account-key': keyJson, clients: 'docker' },
    { env: env(sandbox, { PATH: `${teststore.bin}:${process.env.PATH}` }), deferPost: true }
  )
  expect(run.main.code).toBe(0)
  const first = await run.runPost!()
  const second = await run.runPost!()
  expect([first.code, second.code]).toEqual([0, 0])
  expect(second.log).toContain(`docker: not logged out of ${HOST}`)
  expect(teststore.calls().filter(call => /^(store|erase) /.test(call))).toEqual([])
  expect(teststore.text()).toBe(storeBefore)
  expect(readJson(sandbox.files.docker)).toEqual(before)
})

test('docker: a config that already sends the registry to the file ("") under a credsStore: post does not erase the store\'s http(s):// credentials through docker logout', async () => {
  const sandbox = clientSandbox()
  const teststore = testStore(sandbox.dir, 'teststore', {
    [`https://${HOST}`]: { Username: 'earlier-https', Secret: 'earlier-https-secret' },
    [`http://${HOST}`]: { Username: 'earlier-http', Secret: 'earlier-http-secret' }
  })
  const storeBefore = teststore.text()
  mkdirSync(sandbox.env.DOCKER_CONFIG, { recursive: true })
  const before = { auths: {}, credsStore: 'teststore', credHelpers: { [HOST]: '' } }
  writeFileSync(sandbox.files.docker, JSON.stringify(before))
  const { main, post } = await runAction(
    { provider: 'yandex', registry: HOST, 'service-account-key': keyJson, clients: 'docker' },
    { env: env(sandbox, { PATH: `${teststore.bin}:${process.env.PATH}` }) }
  )
  expect({ code: main.code, log: main.code === 0 ? '' : main.log }).toEqual({ code: 0, log: '' })
  expect(post!.code).toBe(0)
  expect(post!.log).toContain(`docker: not logged out of ${HOST}`)
  expect(teststore.calls().filter(call => /^(store|erase) /.test(call))).toEqual([])
  expect(teststore.text()).toBe(storeBefore)
  expect(readJson(sandbox.files.docker)).toEqual(before)
})

const STORE_SETTINGS = { credsStore: 'teststore' }
const HELPER_SETTINGS = { credHelpers: { 'cr.yandex': 'yc', [HOST]: 'teststore' }, currentContext: 'default' }
test.each([
  ['a global credsStore', 'A post, B post', STORE_SETTINGS],
  ["a helper mapping (yc's)", 'A post, B post', HELPER_SETTINGS],
  ['a global credsStore', 'B post, A post', STORE_SETTINGS],
  ["a helper mapping (yc's)", 'B post, A post', HELPER_SETTINGS]
])(
  'docker: two jobs interleaved on a config with %s (A main, B main, %s) leave the config and the store as they were',
  async (_, order, settings) => {
    const sandbox = clientSandbox()
    const teststore = testStore(sandbox.dir, 'teststore', { [HOST]: { Username: 'earlier', Secret: 'earlier-secret' } })
    const storeBefore = teststore.text()
    mkdirSync(sandbox.env.DOCKER_CONFIG, { recursive: true })
    const before = { auths: { 'ghcr.io': { auth: basic('octo', 'earlier-ghcr') } }, ...settings }
    writeFileSync(sandbox.files.docker, JSON.stringify(before))
    const job = () =>
      runAction(
        { provider: 'yandex', registry: HOST, 'service-account-key': keyJson, clients: 'docker' },
        { env: env(sandbox, { PATH: `${teststore.bin}:${process.env.PATH}` }), deferPost: true }
      )
    const a = await job()
    const b = await job()
    expect([a.main.code, b.main.code]).toEqual([0, 0])
    const posts = order === 'A post, B post' ? [a, b] : [b, a]
    for (const job of posts) expect((await job.runPost!()).code).toBe(0)
    const after = readJson(sandbox.files.docker)
    expect(JSON.stringify(after)).toBe(JSON.stringify({ ...before, auths: { 'ghcr.io': before.auths['ghcr.io'] } }))
    expect(teststore.text()).toBe(storeBefore)
    expect(teststore.calls().filter(call => /^(store|erase) /.test(call))).toEqual([])
  }
)

test("podman and skopeo: a credHelpers mapping in their auth file is removed for the job (they read '' as a helper name) and put back in post; the helper's credential is untouched", async () => {
  const sandbox = clientSandbox()
  const teststore = testStore(sandbox.dir, 'teststore', { [HOST]: { Username: 'earlier', Secret: 'earlier-secret' } })
  const storeBefore = teststore.text()
  const before = {
    credHelpers: { 'cr.yandex': 'yc', [HOST]: 'teststore', 'quay.io': 'secretservice' },
    auths: { 'quay.io': { auth: basic('q', 'quay-secret') } }
  }
  writeFileSync(sandbox.files.containers, JSON.stringify(before))
  let during: Record<string, any> = {}
  let pushed = { ok: false, output: '' }
  const { main, post } = await runAction(
    { provider: 'yandex', registry: HOST, 'service-account-key': keyJson, clients: 'podman,skopeo' },
    {
      env: env(sandbox, { PATH: `${teststore.bin}:${process.env.PATH}` }),
      between: async () => {
        during = readJson(sandbox.files.containers)
        pushed = await pushWith(sandbox.files.containers, `${HOST}/crp0registry/stores:podman`)
      }
    }
  )
  expect({ code: main.code, log: main.code === 0 ? '' : main.log }).toEqual({ code: 0, log: '' })
  expect(main.log).toContain(
    `::notice::${HOST}: ${sandbox.files.containers} hands it to the credential helper 'teststore' (docker-credential-teststore, credHelpers); for this job podman, skopeo will store this login in the file instead (no credHelpers entry for ${HOST}), ${NOTICE_TAIL}`
  )
  for (const client of ['podman', 'skopeo']) expect(main.log).toContain(`${client}: logged into ${HOST} as iam`)
  expect(during.credHelpers).toEqual({ 'cr.yandex': 'yc', 'quay.io': 'secretservice' })
  expect(pushed).toEqual({ ok: true, output: expect.any(String) })

  expect(post!.code).toBe(0)
  const after = readJson(sandbox.files.containers)
  expect(JSON.stringify(after.credHelpers)).toBe(JSON.stringify(before.credHelpers))
  expect(after).toEqual(before)
  expect(teststore.text()).toBe(storeBefore)
  expect(teststore.calls()).toEqual([])
})

test('buildah ignores a credsStore in its auth file (containers/image reads only credHelpers, and drops the rest when it writes): no notice, the store never called, post puts credsStore back', async () => {
  const sandbox = clientSandbox()
  const teststore = testStore(sandbox.dir, 'teststore', { [HOST]: { Username: 'earlier', Secret: 'earlier-secret' } })
  writeFileSync(sandbox.files.containers, JSON.stringify({ credsStore: 'teststore' }))
  let pushed = { ok: false, output: '' }
  const { main, post } = await runAction(
    { provider: 'yandex', registry: HOST, 'service-account-key': keyJson, clients: 'buildah' },
    {
      env: env(sandbox, { PATH: `${teststore.bin}:${process.env.PATH}` }),
      between: async () => void (pushed = await pushWith(sandbox.files.containers, `${HOST}/crp0registry/stores:buildah`))
    }
  )
  expect({ code: main.code, log: main.code === 0 ? '' : main.log }).toEqual({ code: 0, log: '' })
  expect(main.log).not.toContain('::notice::')
  expect(pushed).toEqual({ ok: true, output: expect.any(String) })
  expect(post!.code).toBe(0)
  expect(readJson(sandbox.files.containers)).toEqual({ credsStore: 'teststore', auths: {} })
  expect(teststore.calls()).toEqual([])
})

const helmTest = helmAvailable() ? test : test.skip

helmTest('helm with a global credsStore fails before any cloud call, naming the store and the fix; nothing is changed', async () => {
  const sandbox = clientSandbox()
  const teststore = testStore(sandbox.dir, 'teststore', { [HOST]: { Username: 'earlier', Secret: 'earlier-secret' } })
  mkdirSync(path.dirname(sandbox.files.helm), { recursive: true })
  const before = JSON.stringify({ credsStore: 'teststore' })
  writeFileSync(sandbox.files.helm, before)
  const requests = cloud().emulators.yandex.requests.length
  const { main, post } = await runAction(
    { provider: 'yandex', registry: HOST, 'service-account-key': keyJson, clients: 'helm' },
    { env: env(sandbox, { PATH: `${teststore.bin}:${pathWithHelm()}` }) }
  )
  expect(main.code).toBe(1)
  expect(main.log).toContain(
    `::error::registry-login: Client 'helm' would keep the login for ${HOST} in the credential store 'teststore' (docker-credential-teststore, credsStore) (${sandbox.files.helm}), and no credHelpers setting points it at the file for that registry alone: ` +
      `continuing would replace the credential that store holds for ${HOST}, and post's logout would erase it. Set 'isolated-config: true' (a fresh per-job config), remove "credsStore" from ${sandbox.files.helm}, or drop 'helm' from 'clients'.`
  )
  expect(cloud().emulators.yandex.requests.length).toBe(requests)
  expect(post!.code).toBe(0)
  expect(readFileSync(sandbox.files.helm, 'utf8')).toBe(before)
  expect(teststore.calls()).toEqual([])
})

helmTest('helm with a registry mapped to a missing helper logs in to its file and pushes; post puts the mapping back', async () => {
  const sandbox = clientSandbox()
  mkdirSync(path.dirname(sandbox.files.helm), { recursive: true })
  const before = { credHelpers: { [HOST]: 'yc' } }
  writeFileSync(sandbox.files.helm, JSON.stringify(before))
  let during: Record<string, any> = {}
  let pushed = { ok: false, output: '' }
  const runEnv = env(sandbox, { PATH: pathWithHelm(), SSL_CERT_FILE: cloud().pki.ca })
  const { main, post } = await runAction(
    { provider: 'yandex', registry: HOST, 'service-account-key': keyJson, clients: 'helm' },
    {
      env: runEnv,
      between: async () => {
        during = readJson(sandbox.files.helm)
        pushed = await helmPush(sandbox.files.helm, `${HOST}/crp0registry/charts`, runEnv)
      }
    }
  )
  expect({ code: main.code, log: main.code === 0 ? '' : main.log }).toEqual({ code: 0, log: '' })
  expect(main.log).toContain(`helm: logged into ${HOST} as iam`)
  expect(main.log).toContain(
    `::notice::${HOST}: ${sandbox.files.helm} hands it to the credential helper 'yc' (docker-credential-yc, credHelpers); for this job helm will store this login in the file instead`
  )
  expect(pushed.output).toMatch(/Pushed: registry.yandexcloud.net\/crp0registry\/charts\/hello:0.1.0/)
  expect(pushed.ok).toBe(true)
  expect(during.credHelpers).toEqual({ [HOST]: '' })
  expect(Buffer.from(during.auths[HOST].auth, 'base64').toString()).toMatch(/^iam:t1\./)
  expect(post!.code).toBe(0)
  expect(readJson(sandbox.files.helm)).toEqual({ ...before, auths: {} })
})

test('docker: an earlier https:// and http:// entry for the host (which docker logout erases too) survives main and post byte for byte', async () => {
  const sandbox = clientSandbox()
  mkdirSync(sandbox.env.DOCKER_CONFIG, { recursive: true })
  const before: { auths: Record<string, Record<string, string>> } = {
    auths: {
      [`https://${HOST}`]: { auth: basic('earlier-https', 'https-secret'), email: 'ops@example.com' },
      'ghcr.io': { auth: basic('octo', 'earlier-ghcr') },
      [`http://${HOST}`]: { auth: basic('earlier-http', 'http-secret') }
    }
  }
  writeFileSync(sandbox.files.docker, JSON.stringify(before))
  let during: Record<string, any> = {}
  let pushed = { ok: false, output: '' }
  const { main, post } = await runAction(
    { provider: 'yandex', registry: HOST, 'service-account-key': keyJson, clients: 'docker' },
    {
      env: env(sandbox),
      between: async () => {
        during = readJson(sandbox.files.docker)
        pushed = await pushWithAuths(sandbox.files.docker, `${HOST}/crp0registry/stores:forms`)
      }
    }
  )
  expect({ code: main.code, log: main.code === 0 ? '' : main.log }).toEqual({ code: 0, log: '' })
  expect(pushed).toEqual({ ok: true, output: expect.any(String) })
  for (const form of [`https://${HOST}`, `http://${HOST}`])
    expect(JSON.stringify(during.auths[form])).toBe(JSON.stringify(before.auths[form]))
  expect(post!.code).toBe(0)
  expect(post!.log).toContain(`docker: logged out of ${HOST}`)
  const after = readJson(sandbox.files.docker)
  for (const name of Object.keys(before.auths)) expect(JSON.stringify(after.auths[name])).toBe(JSON.stringify(before.auths[name]))
  expect(after).toEqual(before)
})

/** An empty docker config, and a file-backed stand-in for the Linux platform store's helper on PATH. */
function platformStoreRunner() {
  const sandbox = clientSandbox()
  const secretservice = testStore(sandbox.dir, 'secretservice', { 'ghcr.io': { Username: 'octo', Secret: 'ghcr-secret' } })
  mkdirSync(sandbox.env.DOCKER_CONFIG, { recursive: true })
  // what docker itself leaves in a config after a login and a logout: nothing configured
  const before = '{\n\t"auths": {}\n}'
  writeFileSync(sandbox.files.docker, before)
  // docker picks `pass` over secretservice when `pass` is on PATH: this runner has none
  const PATH = [secretservice.bin, ...(process.env.PATH ?? '').split(':').filter(dir => !existsSync(path.join(dir, 'pass')))].join(':')
  return { sandbox, secretservice, before, storeBefore: secretservice.text(), runEnv: env(sandbox, { PATH }) }
}

test('docker on an empty config with the platform store (docker-credential-secretservice) on PATH: the login goes to the file, post leaves the config as it was and the store untouched', async () => {
  const { sandbox, secretservice, before, storeBefore, runEnv } = platformStoreRunner()
  let during: Record<string, any> = {}
  let pushed = { ok: false, output: '' }
  const { main, post } = await runAction(
    { provider: 'yandex', registry: HOST, 'service-account-key': keyJson, clients: 'docker' },
    {
      env: runEnv,
      between: async () => {
        during = readJson(sandbox.files.docker)
        pushed = await pushWithAuths(sandbox.files.docker, `${HOST}/crp0registry/stores:platform`)
      }
    }
  )
  expect({ code: main.code, log: main.code === 0 ? '' : main.log }).toEqual({ code: 0, log: '' })
  expect(main.log).toContain(
    `::notice::${HOST}: ${sandbox.files.docker} hands it to the platform credential store 'secretservice' (docker-credential-secretservice); for this job docker will store this login in the file instead (credHelpers["${HOST}"] = ""), ${NOTICE_TAIL}`
  )
  expect(during.credsStore).toBeUndefined()
  expect(during.credHelpers).toEqual({ [HOST]: '' })
  expect(Buffer.from(during.auths[HOST].auth, 'base64').toString()).toMatch(/^iam:t1\./)
  expect(pushed).toEqual({ ok: true, output: expect.any(String) })
  expect(post!.code).toBe(0)
  expect(post!.log).toContain(`docker: logged out of ${HOST}`)
  expect(readJson(sandbox.files.docker)).toEqual(JSON.parse(before))
  expect(secretservice.text()).toBe(storeBefore)
  expect(secretservice.calls()).toEqual([])
})

test('isolated-config on an empty config with the platform store on PATH: the per-job config keeps the login, the shared store is never written', async () => {
  const { sandbox, secretservice, before, storeBefore, runEnv } = platformStoreRunner()
  let during: Record<string, any> = {}
  let pushed = { ok: false, output: '' }
  let isolated = ''
  const { main, post } = await runAction(
    { provider: 'yandex', registry: HOST, 'service-account-key': keyJson, clients: 'docker', 'isolated-config': 'true' },
    {
      env: runEnv,
      between: async (step: { jobEnv: Record<string, string> }) => {
        isolated = `${step.jobEnv.DOCKER_CONFIG}/config.json`
        during = readJson(isolated)
        pushed = await pushWithAuths(isolated, `${HOST}/crp0registry/stores:isolated`)
      }
    }
  )
  expect({ code: main.code, log: main.code === 0 ? '' : main.log }).toEqual({ code: 0, log: '' })
  expect(isolated).toMatch(/registry-login-config-/)
  expect(during.credsStore).toBeUndefined()
  expect(Buffer.from(during.auths[HOST].auth, 'base64').toString()).toMatch(/^iam:t1\./)
  expect(pushed).toEqual({ ok: true, output: expect.any(String) })
  expect(post!.code).toBe(0)
  expect(existsSync(isolated)).toBe(false)
  expect(readFileSync(sandbox.files.docker, 'utf8')).toBe(before)
  expect(secretservice.text()).toBe(storeBefore)
  expect(secretservice.calls()).toEqual([])
})

/** A later step's command, with that step's environment (no --authfile: the tools' default paths). */
function laterStep(command: string, args: string[], stepEnv: Record<string, string>): Promise<{ ok: boolean; output: string }> {
  return new Promise(resolve => {
    const child = spawn(command, args, { env: stepEnv, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', d => void (output += d))
    child.stderr.on('data', d => void (output += d))
    child.on('close', code => resolve({ ok: code === 0, output }))
  })
}

test.each([
  ['a missing helper (yc configure-docker)', 'yc'],
  ['"" (a docker route to the file)', '']
])(
  "podman, buildah and skopeo on a docker config that hands the registry to %s: they log in, a later pull and inspect work, post leaves docker's config byte for byte",
  async (_, helper) => {
    const sandbox = clientSandbox()
    mkdirSync(sandbox.env.DOCKER_CONFIG, { recursive: true })
    const dockerBefore = JSON.stringify({
      credHelpers: { 'cr.yandex': 'yc', [HOST]: helper },
      auths: { 'ghcr.io': { auth: basic('octo', 'g') } }
    })
    writeFileSync(sandbox.files.docker, dockerBefore)
    const containersBefore = { auths: { 'quay.io': { auth: basic('q', 'quay-secret') } } }
    writeFileSync(sandbox.files.containers, JSON.stringify(containersBefore))
    const ref = `${HOST}/crp0registry/stores:routed-${helper || 'empty'}`
    let later: Record<string, { ok: boolean; output: string }> = {}
    const { main, post } = await runAction(
      { provider: 'yandex', registry: HOST, 'service-account-key': keyJson, clients: 'podman,buildah,skopeo' },
      {
        env: env(sandbox),
        between: async (_main: unknown, step: { env: Record<string, string> }) => {
          const pushed = await pushWith(sandbox.files.containers, ref)
          later = {
            pushed,
            inspect: await laterStep('skopeo', ['inspect', `docker://${ref}`], step.env),
            pull: await laterStep('podman', ['pull', '-q', ref], step.env)
          }
        }
      }
    )
    expect({ code: main.code, log: main.code === 0 ? '' : main.log }).toEqual({ code: 0, log: '' })
    for (const client of ['podman', 'buildah', 'skopeo']) expect(main.log).toContain(`${client}: logged into ${HOST} as iam`)
    expect(main.log.split('\n').filter((line: string) => line.startsWith('::notice::'))).toEqual([
      `::notice::${HOST}: ${sandbox.files.docker} hands it to the credential helper '${helper}' (docker-credential-${helper}), which podman, buildah and skopeo read too and would fail on; their login and logout run without docker's config (DOCKER_CONFIG pointed at a directory that does not exist), so that file and its helper are not touched. Later steps find this login in their own auth file first.`
    ])
    expect(later).toEqual({
      pushed: { ok: true, output: expect.any(String) },
      inspect: { ok: true, output: expect.any(String) },
      pull: { ok: true, output: expect.any(String) }
    })
    expect(readFileSync(sandbox.files.docker, 'utf8')).toBe(dockerBefore)
    expect(post!.code).toBe(0)
    for (const client of ['podman', 'buildah', 'skopeo']) expect(post!.log).not.toContain(`${client}: logout of ${HOST} failed`)
    expect(readFileSync(sandbox.files.docker, 'utf8')).toBe(dockerBefore)
    expect(readJson(sandbox.files.containers)).toEqual(containersBefore)
  }
)
