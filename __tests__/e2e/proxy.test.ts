// Runner proxies: every cloud call goes through HTTPS_PROXY, and NO_PROXY is honoured.
import { clientSandbox } from '../../harness/client-env.js'
import { startConnectProxy } from '../../harness/proxy.js'
import { runAction } from '../../harness/run-action.js'
import { localCloudForFile } from '../helpers/local-cloud.js'

const cloud = localCloudForFile({ clouds: ['ibm'] })

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
