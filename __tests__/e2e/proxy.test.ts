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
      { env: { ...cloud().env, ...sandbox.env, HTTPS_PROXY: proxy.url}, skipPost: true }
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
  const nebius = (): { createServiceAccount(): string; addFederatedCredentials(id: string, options?: { subject?: string }): void; requests: Array<{ transport: string; ok: boolean }> } =>
    cloud().emulators.nebius
  const keyless = (): Record<string, string> => {
    const sa = nebius().createServiceAccount()
    nebius().addFederatedCredentials(sa, { subject: cloud().github.subject })
    return { provider: 'nebius', region: 'eu-north1', 'service-account-id': sa, 'token-exchange': 'grpc', clients: 'podman' }
  }

  test('HTTPS_PROXY: a CONNECT tunnel to the token-exchange host, TLS with ALPN h2 inside it; podman logs in with the token', async () => {
    const proxy = await startConnectProxy()
    try {
      const sandbox = clientSandbox()
      const before = nebius().requests.length
      const { main } = await runAction(keyless(), { env: { ...cloud().env, ...sandbox.env, ...REPOSITORY_ENV, HTTPS_PROXY: proxy.url }, skipPost: true })
      expect(main.code).toBe(0)
      expect(proxy.tunnels).toContain(NEBIUS_GRPC)
      expect(nebius().requests.slice(before)).toMatchObject([{ transport: 'grpc', ok: true }])
      expect(Object.keys(sandbox.auths(sandbox.files.containers))).toEqual(['cr.eu-north1.nebius.cloud'])
    } finally {
      await proxy.close()
    }
  })

  test('proxy credentials in the URL are sent as Proxy-Authorization on the gRPC tunnel as on every other call', async () => {
    const proxy = await startConnectProxy({ auth: 'ci-proxy:p@ss word' })
    try {
      const sandbox = clientSandbox()
      const url = new URL(proxy.url)
      url.username = 'ci-proxy'
      url.password = encodeURIComponent('p@ss word')
      const { main } = await runAction(keyless(), { env: { ...cloud().env, ...sandbox.env, ...REPOSITORY_ENV, HTTPS_PROXY: url.href }, skipPost: true })
      expect(main.code).toBe(0)
      expect(proxy.refused).toEqual([])
      expect(proxy.tunnels).toContain(NEBIUS_GRPC)
    } finally {
      await proxy.close()
    }
  })

  test('a proxy that refuses the tunnel (407) fails the exchange with the proxy named, its credentials not shown', async () => {
    const proxy = await startConnectProxy({ auth: 'ci-proxy:right' })
    try {
      const sandbox = clientSandbox()
      const url = new URL(proxy.url)
      url.username = 'ci-proxy'
      url.password = 'wrong-proxy-secret'
      const { main } = await runAction(keyless(), {
        env: { ...cloud().env, ...sandbox.env, ...REPOSITORY_ENV, HTTPS_PROXY: url.href, NO_PROXY: 'token.actions.githubusercontent.com,pipelines.actions.githubusercontent.com', REGISTRY_LOGIN_HTTP_ATTEMPTS: '1' },
        skipPost: true
      })
      expect(main.code).toBe(1)
      expect(proxy.refused).toContain(NEBIUS_GRPC)
      expect(main.log).toMatch(/::error::.*the proxy http:\/\/127\.0\.0\.1:\d+ answered CONNECT tokens\.iam\.api\.nebius\.cloud:443 with HTTP 407/)
      expect(main.log).not.toContain('wrong-proxy-secret')
    } finally {
      await proxy.close()
    }
  })

  test('NO_PROXY for the token-exchange host: the gRPC call goes direct', async () => {
    const proxy = await startConnectProxy()
    try {
      const sandbox = clientSandbox()
      const { main } = await runAction(keyless(), {
        env: { ...cloud().env, ...sandbox.env, ...REPOSITORY_ENV, HTTPS_PROXY: proxy.url, NO_PROXY: 'tokens.iam.api.nebius.cloud' },
        skipPost: true
      })
      expect(main.code).toBe(0)
      expect(proxy.tunnels).not.toContain(NEBIUS_GRPC)
    } finally {
      await proxy.close()
    }
  })
})
