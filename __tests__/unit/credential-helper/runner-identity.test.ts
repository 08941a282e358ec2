// Credential-helper mode with auth: runner-identity: the helper mints again from the runner's own identity (the
// metadata service) when its cached token nears expiry, with the endpoint override main carried and nothing else.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { carriedEnv, helperFiles, writeHelperConfig } from '../../../src/credential-helper/config.js'
import { credentialSource } from '../../../src/credential-helper/source.js'
import { createInputReader } from '../../../src/inputs/reader.js'
import { parseInputs } from '../../../src/step/parse-step.js'
import { captureStdout, type StdoutCapture } from '../../helpers/stdout.js'

interface MetadataVm {
  url: string
  /** Each request: its path and Metadata-Flavor header. */
  asked: { path: string; flavor: string | undefined }[]
  issued: string[]
  expiresIn: number
  close(): Promise<void>
}

/** A Yandex VM's metadata service on loopback: Metadata-Flavor: Google or 403, a fresh token each time. */
async function startVm(): Promise<MetadataVm> {
  const vm = { asked: [], issued: [], expiresIn: 3600 } as unknown as MetadataVm
  const server = http.createServer((req, res) => {
    const flavor = req.headers['metadata-flavor'] as string | undefined
    vm.asked.push({ path: req.url ?? '', flavor })
    if (flavor !== 'Google') return void res.writeHead(403).end('Missing Metadata-Flavor: Google header')
    const token = `t1.vm-token-${vm.issued.length + 1}-Qw3Er5Ty7`
    vm.issued.push(token)
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ access_token: token, expires_in: vm.expiresIn, token_type: 'Bearer' }))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  vm.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  vm.close = () => new Promise(done => (server.closeAllConnections(), server.close(() => done())))
  return vm
}

let vm: MetadataVm
let runnerTemp: string
let stdout: StdoutCapture
/** The registries of the saved plan (two hosts). */
let hosts: string[] = []

beforeEach(async () => {
  vm = await startVm()
  runnerTemp = mkdtempSync(path.join(os.tmpdir(), 'helper-identity-'))
  stdout = captureStdout()
})
afterEach(async () => {
  stdout.restore()
  await vm.close()
  rmSync(runnerTemp, { recursive: true, force: true })
})

/** Saves main's plan for a Yandex VM's identity the way main saves it: the spec, and the variables main carries. */
function savePlan(): string {
  const dir = path.join(runnerTemp, 'registry-login-helper-a')
  mkdirSync(dir)
  const inputs: Record<string, string> = {
    provider: 'yandex',
    auth: 'runner-identity',
    registry: 'registry.yandexcloud.net,cr.yandex',
    'credential-helper': 'true'
  }
  const spec = parseInputs(
    createInputReader(name => inputs[name] ?? ''),
    {}
  ).plan
  const { config } = helperFiles(dir)
  writeHelperConfig(config, {
    version: 2,
    spec,
    env: carriedEnv({ REGISTRY_LOGIN_ENDPOINT_YANDEX_METADATA: vm.url, HTTPS_PROXY: 'http://127.0.0.1:9' }),
    usernames: Object.fromEntries(spec.registries.map(host => [host, 'iam']))
  })
  hosts = spec.registries
  return config
}

test('main carries the metadata endpoint override into the helper configuration, and never a proxy', () => {
  expect(carriedEnv({ REGISTRY_LOGIN_ENDPOINT_YANDEX_METADATA: vm.url, HTTPS_PROXY: 'http://127.0.0.1:9' })).toEqual({
    REGISTRY_LOGIN_ENDPOINT_YANDEX_METADATA: vm.url
  })
})

test('the helper mints from the VM identity with Metadata-Flavor: Google, and one token serves until it nears expiry', async () => {
  const helper = credentialSource(savePlan(), {})
  expect(hosts.length).toBeGreaterThan(1)
  const first = await helper.credential(hosts[0]!)
  const again = await helper.credential(hosts[1]!)
  expect(first).toMatchObject({ username: 'iam', password: vm.issued[0] })
  expect(again.password).toBe(first.password)
  expect(vm.asked).toEqual([{ path: '/computeMetadata/v1/instance/service-accounts/default/token', flavor: 'Google' }])
})

test('past its lifetime the token is minted again from the runner identity, a new one each time', async () => {
  vm.expiresIn = 30
  let clock = Date.now()
  const helper = credentialSource(savePlan(), {}, () => clock)
  const first = await helper.credential(hosts[0]!)
  // A 30-second token is handed out while half its lifetime is left (net/policies.ts): 20 s later it is not.
  clock += 20_000
  const second = await helper.credential(hosts[0]!)
  expect(vm.asked).toHaveLength(2)
  expect(first.password).toBe(vm.issued[0])
  expect(second.password).toBe(vm.issued[1])
  expect(second.password).not.toBe(first.password)
})

test('a VM whose service account was detached since main: the helper fails with the runner-identity error', async () => {
  const helper = credentialSource(savePlan(), {})
  await vm.close()
  await expect(helper.credential(hosts[0]!)).rejects.toThrow(
    /^This runner is not a Yandex Cloud VM with a linked service account: GET http:\/\/127\.0\.0\.1:\d+\/computeMetadata\/v1\/instance\/service-accounts\/default\/token: connection refused\./
  )
})
