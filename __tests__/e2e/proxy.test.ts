// Runner proxies: every cloud call goes through HTTPS_PROXY, and NO_PROXY is honoured.
import { clientSandbox } from '../../harness/client-env.js'
import { startConnectProxy } from '../../harness/proxy.js'
import { runAction } from '../../harness/run-action.js'
import { localCloudForFile, REPOSITORY_ENV } from '../helpers/local-cloud.js'

const cloud = localCloudForFile({ clouds: ['ibm', 'nebius'] })

test('with HTTPS_PROXY set, the cloud call is tunnelled through the proxy', async () => {
  const proxy = await startConnectProxy()
  try {
    const sandbox = clientSandbox()
    const { main } = await runAction(
      { provider: 'ibm', region: 'us', 'api-key': cloud().emulators.ibm.createApiKey(), clients: 'docker-config' },
      { env: { ...cloud().env, ...sandbox.env, HTTPS_PROXY: proxy.url }, skipPost: true }
    )
    expect(main.code).toBe(0)
    expect(proxy.tunnels).toEqual(['iam.cloud.ibm.com:443'])
  } finally {
    await proxy.close()
  }
})

test('NO_PROXY for the cloud host bypasses the proxy', async () => {
  const proxy = await startConnectProxy()
  try {
    const sandbox = clientSandbox()
    const { main } = await runAction(
      { provider: 'ibm', region: 'us', 'api-key': cloud().emulators.ibm.createApiKey(), clients: 'docker-config' },
      { env: { ...cloud().env, ...sandbox.env, HTTPS_PROXY: proxy.url, NO_PROXY: 'iam.cloud.ibm.com' }, skipPost: true }
    )
    expect(main.code).toBe(0)
    expect(proxy.tunnels).toEqual([])
  } finally {
    await proxy.close()
  }
})

describe('keyless Nebius: the gRPC token exchange goes through the proxy too', () => {
  const NEBIUS_GRPC = 'tokens.iam.api.nebius.cloud:443'
  const nebius = (): {
    createServiceAccount(): string
    addFederatedCredentials(id: string, options?: { subject?: string }): void
    requests: Array<{ transport: string; ok: boolean }>
  } => cloud().emulators.nebius

  /**
   * Keyless Nebius over gRPC (podman) with a proxy on loopback; `proxyAuth` makes the proxy demand
   * these credentials, `userinfo` puts credentials into HTTPS_PROXY.
   */
  async function keylessThroughProxy(options: { proxyAuth?: string; userinfo?: [string, string]; env?: Record<string, string> } = {}) {
    const proxy = await startConnectProxy(options.proxyAuth ? { auth: options.proxyAuth } : {})
    try {
      const sa = nebius().createServiceAccount()
      nebius().addFederatedCredentials(sa, { subject: cloud().github.subject })
      const sandbox = clientSandbox()
      const url = new URL(proxy.url)
      if (options.userinfo) [url.username, url.password] = options.userinfo
      const before = nebius().requests.length
      const { main } = await runAction(
        { provider: 'nebius', region: 'eu-north1', 'service-account-id': sa, 'token-exchange': 'grpc', clients: 'podman' },
        { env: { ...cloud().env, ...sandbox.env, ...REPOSITORY_ENV, HTTPS_PROXY: url.href, ...options.env }, skipPost: true }
      )
      return { main, tunnels: [...proxy.tunnels], refused: [...proxy.refused], exchanges: nebius().requests.slice(before), sandbox }
    } finally {
      await proxy.close()
    }
  }

  test('HTTPS_PROXY: a CONNECT tunnel to the token-exchange host, TLS with ALPN h2 inside it; podman logs in with the token', async () => {
    const run = await keylessThroughProxy()
    expect(run.main.code).toBe(0)
    expect(run.tunnels).toContain(NEBIUS_GRPC)
    expect(run.exchanges).toMatchObject([{ transport: 'grpc', ok: true }])
    expect(Object.keys(run.sandbox.auths(run.sandbox.files.containers))).toEqual(['cr.eu-north1.nebius.cloud'])
  })

  test('proxy credentials in the URL are sent as Proxy-Authorization on the gRPC tunnel as on every other call', async () => {
    const run = await keylessThroughProxy({ proxyAuth: 'ci-proxy:p@ss word', userinfo: ['ci-proxy', encodeURIComponent('p@ss word')] })
    expect(run.main.code).toBe(0)
    expect(run.refused).toEqual([])
    expect(run.tunnels).toContain(NEBIUS_GRPC)
  })

  test('a proxy that refuses the tunnel (407) fails the exchange with the proxy named, its credentials not shown', async () => {
    const run = await keylessThroughProxy({
      proxyAuth: 'ci-proxy:right',
      userinfo: ['ci-proxy', 'wrong-proxy-secret'],
      env: { NO_PROXY: 'token.actions.githubusercontent.com,pipelines.actions.githubusercontent.com', REGISTRY_LOGIN_HTTP_ATTEMPTS: '1' }
    })
    expect(run.main.code).toBe(1)
    expect(run.refused).toContain(NEBIUS_GRPC)
    expect(run.main.log).toMatch(
      /::error::.*the proxy http:\/\/127\.0\.0\.1:\d+ answered CONNECT tokens\.iam\.api\.nebius\.cloud:443 with HTTP 407/
    )
    expect(run.main.log).not.toContain('wrong-proxy-secret')
  })

  test('NO_PROXY for the token-exchange host: the gRPC call goes direct', async () => {
    const run = await keylessThroughProxy({ env: { NO_PROXY: 'tokens.iam.api.nebius.cloud' } })
    expect(run.main.code).toBe(0)
    expect(run.tunnels).not.toContain(NEBIUS_GRPC)
    expect(run.exchanges).toMatchObject([{ transport: 'grpc', ok: true }])
  })
})
