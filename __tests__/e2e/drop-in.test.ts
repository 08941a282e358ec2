// Issue #19 end to end against the local cloud (Yandex): a docker/login-action step (registry, username, password,
// no provider) works with only its uses: line changed, and a keyless login reaches an http:// endpoint override
// (a relay on 127.0.0.1) after the https call to GitHub's token service.
import { request as httpsRequest } from 'node:https'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { readFileSync } from 'node:fs'
import { clientSandbox } from '../../harness/client-env.js'
import { pushWith } from '../../harness/image.js'
import { runAction } from '../../harness/run-action.js'
import { expectNoAuthEntries, localCloudForFile, REPOSITORY_ENV } from '../helpers/local-cloud.js'
import { expectNoSecretIn } from '../helpers/secret-scan.js'

const cloud = localCloudForFile({ clouds: ['yandex'] })
const yandex = () => cloud().emulators.yandex
const runnerEnv = (sandboxEnv: Record<string, string>): Record<string, string> => ({ ...cloud().env, ...sandboxEnv, ...REPOSITORY_ENV })
const errorLines = (log: string): string[] => log.split('\n').filter(line => line.startsWith('::error::'))

test('a docker/login-action step (registry, username, password; no provider) logs in, pushes and logs out', async () => {
  const oauthToken = yandex().createOAuthToken()
  const sandbox = clientSandbox()
  let pushed = { ok: false, output: '' }
  // Exactly the inputs of a docker/login-action step; clients is the default (docker).
  const { main, post } = await runAction(
    { registry: 'registry.yandexcloud.net', username: 'oauth', password: oauthToken },
    {
      env: runnerEnv(sandbox.env),
      between: async () => {
        pushed = await pushWith(sandbox.files.docker, 'registry.yandexcloud.net/crp0registry/drop-in:v1')
      }
    }
  )
  expect({ code: main.code, errors: errorLines(main.log) }).toEqual({ code: 0, errors: [] })
  expect(main.log).toContain("Input 'provider' is empty: registry.yandexcloud.net is Yandex Cloud's, so the provider is yandex.")
  expect(main.log).toContain('docker: logged into registry.yandexcloud.net as iam')
  expect(main.outputs.registry).toBe('registry.yandexcloud.net')
  expect(main.outputs.username).toBe('iam')
  expect({ ok: pushed.ok, output: pushed.ok ? '' : pushed.output }).toEqual({ ok: true, output: '' })
  expect(post!.code).toBe(0)
  expectNoAuthEntries(sandbox)
  expectNoSecretIn([main.log, main.stderr, post!.log, post!.stderr], [oauthToken])
})

test("the same step with a host no cloud claims fails before any call, naming 'provider'", async () => {
  const sandbox = clientSandbox()
  const { main } = await runAction(
    { registry: 'registry.example.com', username: 'oauth', password: 'y0_not-used-0123456789' },
    { env: runnerEnv(sandbox.env), skipPost: true }
  )
  expect(main.code).toBe(1)
  expect(errorLines(main.log)).toEqual([
    "::error::registry-login: Input 'provider' is empty, and 'registry' has 'registry.example.com', which is no cloud's own registry host (a custom domain, or a typo), so the cloud is unknown. Set it to one of: alibaba, ibm, nebius, yandex."
  ])
})

/** An http relay on 127.0.0.1 in front of the emulated workload identity federation (https, the local CA). */
async function wlifRelay(): Promise<{ url: string; requests: number; close(): Promise<void> }> {
  const ca = readFileSync(cloud().pki.ca)
  const state = { requests: 0 }
  const server: Server = createServer((req: IncomingMessage, res) => {
    state.requests++
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const headers = { ...req.headers, host: 'auth.yandex.cloud' }
      const upstream = httpsRequest('https://auth.yandex.cloud/oauth/token', { method: req.method, headers, ca }, reply => {
        res.writeHead(reply.statusCode ?? 502, reply.headers)
        reply.pipe(res)
      })
      upstream.on('error', error => res.writeHead(502).end(error.message))
      upstream.end(Buffer.concat(chunks))
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth/token`,
    get requests() {
      return state.requests
    },
    close: () => new Promise<void>(resolve => server.close(() => resolve()))
  }
}

test('keyless (OIDC over https, then the exchange) reaches an http:// endpoint override on 127.0.0.1', async () => {
  const federatedSa = yandex().createServiceAccount()
  yandex().addFederatedCredential(federatedSa, cloud().github.subject)
  const relay = await wlifRelay()
  try {
    const sandbox = clientSandbox()
    const { main, post } = await runAction(
      { provider: 'yandex', 'service-account-id': federatedSa, clients: 'docker' },
      { env: { ...runnerEnv(sandbox.env), REGISTRY_LOGIN_ENDPOINT_YANDEX_WLIF: relay.url } }
    )
    expect({ code: main.code, errors: errorLines(main.log) }).toEqual({ code: 0, errors: [] })
    expect(main.log).not.toContain('Protocol "http:" not supported')
    expect(relay.requests).toBe(1)
    expect(main.log).toContain('docker: logged into registry.yandexcloud.net as iam')
    expect(post!.code).toBe(0)
    expectNoAuthEntries(sandbox)
  } finally {
    await relay.close()
  }
})
