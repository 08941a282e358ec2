import { jest } from '@jest/globals'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { metadataAddressAllowed, metadataCall, NoRunnerIdentity, type MetadataRequest } from '../../../src/net/metadata.js'
import { readTokenFile } from '../../../src/inputs/token-file.js'
import { createInputReader } from '../../../src/inputs/reader.js'
import { providers } from '../../../src/providers/index.js'
import type { CommonInputs, ProviderContext } from '../../../src/providers/provider.js'
import { yandexMetadataToken } from '../../../src/providers/yandex/runner-identity.js'
import { ibmRunnerToken } from '../../../src/providers/ibm/runner-identity.js'

const IDENTITY = { runner: 'a Test VM with an identity', attach: 'Attach one.' }
const GET: MetadataRequest = { method: 'GET', path: '/token', headers: {} }

async function serve(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(handler)
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise(done => (server.closeAllConnections(), server.close(() => done()))) }
}

const ctx = (env: NodeJS.ProcessEnv): ProviderContext & { mask: jest.Mock } =>
  ({
    http: { request: jest.fn(), json: jest.fn() },
    idToken: jest.fn(),
    mask: jest.fn(),
    warn: jest.fn(),
    debug: jest.fn(),
    env,
    now: () => new Date('2030-01-01T00:00:00Z')
  }) as unknown as ProviderContext & { mask: jest.Mock }

describe('metadata client', () => {
  test('only loopback, link-local and Alibaba 100.100.100.200 are metadata addresses', () => {
    for (const ok of ['169.254.169.254', '100.100.100.200', '127.0.0.1', '::1', 'fe80::a9fe:a9fe'])
      expect(metadataAddressAllowed(ok)).toBe(true)
    for (const bad of ['10.0.0.1', '100.100.100.201', '8.8.8.8', '2001:db8::1']) expect(metadataAddressAllowed(bad)).toBe(false)
  })

  test('nothing listening: "this runner is not …", what was seen, how to attach one', async () => {
    const { url, close } = await serve((_req, res) => res.end())
    await close()
    const call = metadataCall('YANDEX_METADATA', GET, IDENTITY, { REGISTRY_LOGIN_ENDPOINT_YANDEX_METADATA: url })
    await expect(call).rejects.toThrow(NoRunnerIdentity)
    await expect(call).rejects.toThrow(
      /^This runner is not a Test VM with an identity: GET http:\/\/127\.0\.0\.1:\d+\/token: connection refused\. Attach one\.$/
    )
  })

  test('an override must be plain http to this machine', async () => {
    await expect(
      metadataCall('YANDEX_METADATA', GET, IDENTITY, { REGISTRY_LOGIN_ENDPOINT_YANDEX_METADATA: 'https://example.com' })
    ).rejects.toThrow(/must be an http:\/\/ URL/)
    await expect(
      metadataCall('YANDEX_METADATA', GET, IDENTITY, { REGISTRY_LOGIN_ENDPOINT_YANDEX_METADATA: 'http://example.com' })
    ).rejects.toThrow(/credential would travel in clear/)
  })

  test('a reply over 64 KiB is cut off and reported, never read whole', async () => {
    const { url, close } = await serve((_req, res) => res.end('x'.repeat(200 * 1024)))
    try {
      await expect(metadataCall('YANDEX_METADATA', GET, IDENTITY, { REGISTRY_LOGIN_ENDPOINT_YANDEX_METADATA: url })).rejects.toThrow(
        /^This runner is not a Test VM with an identity: GET http:\/\/127\.0\.0\.1:\d+\/token: reply larger than 64 KiB\. Attach one\.$/
      )
    } finally {
      await close()
    }
  })

  test('never through a proxy: HTTP_PROXY and HTTPS_PROXY (a dead one here) are not used', async () => {
    const saved = { ...process.env }
    const { url, close } = await serve((req, res) => res.end(`${req.method} ${req.url} ${req.headers.host}`))
    const dead = await serve((_req, res) => res.end())
    await dead.close()
    Object.assign(process.env, { HTTP_PROXY: dead.url, HTTPS_PROXY: dead.url, http_proxy: dead.url, https_proxy: dead.url, NO_PROXY: '' })
    try {
      const reply = await metadataCall('YANDEX_METADATA', { ...GET, path: '/token?x=1' }, IDENTITY, {
        REGISTRY_LOGIN_ENDPOINT_YANDEX_METADATA: url
      })
      expect(reply).toEqual({ status: 200, body: `GET /token?x=1 ${new URL(url).host}` })
    } finally {
      process.env = saved
      await close()
    }
  })

  test('Yandex: Metadata-Flavor: Google is sent; a 404 means no linked service account; the token is masked', async () => {
    let flavor: string | undefined
    let status = 404
    const { url, close } = await serve((req, res) => {
      flavor = req.headers['metadata-flavor'] as string
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(status === 200 ? JSON.stringify({ access_token: 't1.abc', expires_in: 60, token_type: 'Bearer' }) : 'Not Found')
    })
    try {
      const c = ctx({ REGISTRY_LOGIN_ENDPOINT_YANDEX_METADATA: url })
      await expect(yandexMetadataToken(c)).rejects.toThrow(
        /not a Yandex Cloud VM with a linked service account: its metadata service answered HTTP 404/
      )
      expect(flavor).toBe('Google')
      status = 200
      const token = await yandexMetadataToken(c)
      expect(token).toEqual({ token: 't1.abc', expiresAt: new Date('2030-01-01T00:01:00Z') })
      expect(c.mask).toHaveBeenCalledWith('t1.abc')
    } finally {
      await close()
    }
  })
})

describe('token files', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'token-file-'))
  const file = (name: string, text: string): string => (writeFileSync(path.join(dir, name), text), path.join(dir, name))
  test.each([
    ['missing', path.join(dir, 'nope'), /Input 'identity-token-file' names the file '.*nope', which does not exist/],
    ['empty', file('empty', ' \n'), /Input 'identity-token-file' names the file '.*empty', which is empty/],
    ['not a JWT', file('plain', 'hello world'), /Input 'identity-token-file' names the file '.*plain', which does not hold a JWT/],
    ['a directory', dir, /Input 'identity-token-file' names '.*', which is a directory/]
  ])('%s: an input error naming it', (_what, where, message) => {
    expect(() => readTokenFile('identity-token-file', where)).toThrow(message)
  })
  test('a JWT is returned', () => {
    expect(readTokenFile('identity-token-file', file('jwt', 'eyJh.eyJi.c2ln\n'))).toBe('eyJh.eyJi.c2ln')
  })
})

describe('auth: runner-identity inputs', () => {
  const common = (auth: string): CommonInputs => ({ regions: ['us-south', 'eu-north1'], registries: [], auth, exchange: true })
  const plan = (provider: keyof typeof providers, values: Record<string, string>, auth = 'runner-identity') =>
    providers[provider].plan(
      createInputReader(name => values[name] ?? ''),
      { ...common(auth), regions: provider === 'nebius' ? ['eu-north1'] : ['us-south'] }
    )

  test.each([
    ['yandex', { 'api-key': 'AQVN123456' }, 'api-key'],
    ['nebius', { token: 'v1.secret' }, 'token'],
    ['ibm', { 'api-key': 'ibm-key' }, 'api-key'],
    ['alibaba', { 'access-key-id': 'LTAI5tabc', registry: 'x' }, 'access-key-id']
  ] as const)('%s: a credential input beside it is an error naming it', (provider, values, input) => {
    expect(() => plan(provider, values)).toThrow(
      new RegExp(`^Input '${input}' is set, but 'auth' is runner-identity, which does not use it`)
    )
  })

  test('auto never picks it', () => {
    expect(() => plan('yandex', {}, 'auto')).toThrow(/^No Yandex Cloud credential reached the step: every credential input is empty/)
  })

  test('IBM: the profile is checked, and required with a token file', () => {
    expect(() => plan('ibm', { 'trusted-profile': 'my-profile' })).toThrow(
      /Input 'trusted-profile' is 'my-profile', which is neither a trusted profile id nor its CRN/
    )
    expect(() => plan('ibm', { 'identity-token-file': '/var/run/secrets/tokens/sa-token' })).toThrow(
      /Input 'trusted-profile' is empty but 'identity-token-file' is set/
    )
    expect(() => plan('ibm', { 'trusted-profile': 'Profile-0a1b2c3d-1111', 'identity-token-file': '/nonexistent/sa-token' })).toThrow(
      /Input 'identity-token-file' names the file '\/nonexistent\/sa-token', which does not exist/
    )
    expect(plan('ibm', { 'trusted-profile': 'crn:v1:bluemix:public:iam-identity::a/abc::profile:Profile-0a1b2c3d-1111' }).data).toEqual({
      kind: 'runner-identity',
      profile: { crn: 'crn:v1:bluemix:public:iam-identity::a/abc::profile:Profile-0a1b2c3d-1111' }
    })
  })
})

describe('IBM pod (cr-token grant)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cr-token-'))
  const tokenFile = path.join(dir, 'sa-token')
  writeFileSync(tokenFile, 'eyJh.eyJpb2Qi.c2ln\n')

  test.each([
    ['an id', { id: 'Profile-0a1b2c3d-1111' }],
    [
      "a CRN (its trailing id: the grant takes profile_id, as IBM's SDKs send it)",
      { crn: 'crn:v1:bluemix:public:iam-identity::a/abc::profile:Profile-0a1b2c3d-1111' }
    ]
  ])('the profile given as %s is sent as profile_id, with the pod token read from its file', async (_what, profile) => {
    const c = ctx({})
    const json = c.http.json as jest.Mock<(req: { body: string }) => Promise<unknown>>
    json.mockResolvedValue({ access_token: 'eyJiam', expiration: 1893456000 })
    await expect(ibmRunnerToken({ kind: 'runner-identity', profile, tokenFile }, c)).resolves.toEqual({
      token: 'eyJiam',
      expiresAt: new Date(1893456000 * 1000)
    })
    const form = new URLSearchParams(json.mock.calls[0]![0].body)
    expect(Object.fromEntries(form)).toEqual({
      grant_type: 'urn:ibm:params:oauth:grant-type:cr-token',
      cr_token: 'eyJh.eyJpb2Qi.c2ln',
      profile_id: 'Profile-0a1b2c3d-1111'
    })
    expect(c.mask).toHaveBeenCalledWith('eyJiam')
  })
})
