// Hostile replies through the built action: a cloud endpoint (redirected to a loopback server through
// REGISTRY_LOGIN_ENDPOINT_*) that sends a huge body, drips one byte a second, or streams gRPC frames forever.
// Main fails within its timeout plus a small margin, with one clear error line; main's own deadline holds too.
import { generateKeyPairSync } from 'node:crypto'
import { createServer, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { clientSandbox } from '../../harness/client-env.js'
import { runAction } from '../../harness/run-action.js'
import { startGrpcServer, type FakeGrpcServer, type GrpcReply } from '../unit/providers/nebius/grpc-server.js'

/** A few seconds for node to start, the step to parse its inputs and end: the margin over a timeout. */
const MARGIN_MS = 5_000

type Behaviour = 'huge' | 'drip'

interface HostileIam {
  url: string
  host: string
  requests: number
  close(): Promise<void>
}

/** An IAM stand-in on 127.0.0.1: `huge` sends 25 MB as fast as it is taken, `drip` one byte a second, forever. */
async function hostileIam(behaviour: Behaviour): Promise<HostileIam> {
  const timers = new Set<NodeJS.Timeout>()
  const drip = (res: ServerResponse): void => {
    res.write('{')
    const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write(' ')), 1_000)
    timers.add(timer)
  }
  const huge = (res: ServerResponse): void => {
    const chunk = Buffer.alloc(64 * 1024, 0x61)
    let sent = 0
    const pump = (): void => {
      while (sent < 25 * 1024 * 1024 && !res.destroyed) {
        sent += chunk.length
        if (!res.write(chunk)) return void res.once('drain', pump)
      }
      if (!res.destroyed) res.end()
    }
    pump()
  }
  const state = { requests: 0 }
  const server: Server = createServer((req, res) => {
    state.requests++
    req.resume()
    res.writeHead(200, { 'Content-Type': 'application/json' })
    if (behaviour === 'huge') huge(res)
    else drip(res)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url: `http://${host}/identity/token`,
    host,
    get requests() {
      return state.requests
    },
    close: async () => {
      for (const timer of timers) clearInterval(timer)
      server.closeAllConnections()
      await new Promise<void>(resolve => server.close(() => resolve()))
    }
  }
}

const errorLines = (log: string): string[] => log.split('\n').filter(line => line.startsWith('::error::'))

async function ibmAgainst(iam: HostileIam, env: Record<string, string>) {
  const sandbox = clientSandbox()
  const run = await runAction(
    { provider: 'ibm', region: 'us', 'api-key': 'hostile-reply-test-api-key-0123456789', clients: 'docker-config' },
    { env: { ...sandbox.env, REGISTRY_LOGIN_ENDPOINT_IBM_IAM: iam.url, ...env } }
  )
  return { ...run, sandbox }
}

test('a 25 MB IAM reply: main fails at once with "reply larger than 1 MiB", not retried, nothing logged into', async () => {
  const iam = await hostileIam('huge')
  try {
    const { main, post, sandbox } = await ibmAgainst(iam, { REGISTRY_LOGIN_HTTP_TIMEOUT_MS: '3000' })
    expect(main.code).toBe(1)
    expect(errorLines(main.log)).toEqual([
      `::error::registry-login: Stopped the call to IBM Cloud IAM (${iam.host}): reply larger than 1 MiB.`
    ])
    expect(main.ms).toBeLessThan(3_000 + MARGIN_MS)
    expect(iam.requests).toBe(1)
    expect(post!.code).toBe(0)
    expect(sandbox.auths(sandbox.files.docker)).toEqual({})
  } finally {
    await iam.close()
  }
})

test('an IAM reply dripping one byte a second: main fails at the HTTP timeout with "no complete reply"', async () => {
  const iam = await hostileIam('drip')
  try {
    const { main } = await ibmAgainst(iam, { REGISTRY_LOGIN_HTTP_TIMEOUT_MS: '3000', REGISTRY_LOGIN_HTTP_ATTEMPTS: '1' })
    expect(main.code).toBe(1)
    expect(errorLines(main.log)).toHaveLength(1)
    expect(errorLines(main.log)[0]).toMatch(
      /^::error::registry-login: Stopped the call to IBM Cloud IAM \(127\.0\.0\.1:\d+\): no complete reply within 3000 ms \(\d+ bytes received\)\.$/
    )
    expect(main.ms).toBeLessThan(3_000 + MARGIN_MS)
  } finally {
    await iam.close()
  }
})

test("main's own deadline ends a step whose cloud call would wait far longer, with one error naming its variable", async () => {
  const iam = await hostileIam('drip')
  try {
    const { main, post } = await ibmAgainst(iam, { REGISTRY_LOGIN_HTTP_TIMEOUT_MS: '120000', REGISTRY_LOGIN_MAIN_TIMEOUT_MS: '2000' })
    expect(main.code).toBe(1)
    expect(errorLines(main.log)).toEqual([
      '::error::registry-login: the main step did not finish within 2 s and was stopped, with the processes it started. If it is only slow, raise the environment variable REGISTRY_LOGIN_MAIN_TIMEOUT_MS (milliseconds).'
    ])
    expect(main.ms).toBeLessThan(2_000 + MARGIN_MS)
    expect(post!.code).toBe(0)
  } finally {
    await iam.close()
  }
})

describe('Nebius gRPC TokenExchangeService', () => {
  const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
  const sa = 'serviceaccount-e00hostile0123456'
  const credentials = JSON.stringify({
    'subject-credentials': { type: 'JWT', alg: 'RS256', 'private-key': pem, kid: 'publickey-e00hostilekey01', iss: sa, sub: sa }
  })
  let grpc: FakeGrpcServer
  beforeEach(async () => void (grpc = await startGrpcServer(() => ({ kind: 'hang' }))))
  afterEach(async () => grpc.close())

  const exchangeAgainst = async (reply: GrpcReply, env: Record<string, string>) => {
    grpc.behaviour = () => reply
    const sandbox = clientSandbox()
    const { main } = await runAction(
      { provider: 'nebius', region: 'eu-north1', 'service-account-key': credentials, 'token-exchange': 'grpc', clients: 'docker-config' },
      { env: { ...sandbox.env, REGISTRY_LOGIN_ENDPOINT_NEBIUS_TOKEN_GRPC: grpc.url, ...env }, skipPost: true }
    )
    return main
  }

  test('a stream of frames that never ends: cut at 1 MiB, one error', async () => {
    const main = await exchangeAgainst({ kind: 'stream', chunkBytes: 16 * 1024, everyMs: 0 }, { REGISTRY_LOGIN_HTTP_TIMEOUT_MS: '3000' })
    expect(main.code).toBe(1)
    expect(errorLines(main.log)).toEqual([
      `::error::registry-login: Stopped the call to Nebius IAM token exchange (gRPC) (${new URL(grpc.url).host}): reply larger than 1 MiB.`
    ])
    expect(main.ms).toBeLessThan(3_000 + MARGIN_MS)
    expect(grpc.calls).toHaveLength(1)
  })

  test('a drip of one byte a second: "no complete reply" at the timeout, one error', async () => {
    const main = await exchangeAgainst(
      { kind: 'stream', chunkBytes: 1, everyMs: 1_000 },
      { REGISTRY_LOGIN_HTTP_TIMEOUT_MS: '3000', REGISTRY_LOGIN_HTTP_ATTEMPTS: '1' }
    )
    expect(main.code).toBe(1)
    expect(errorLines(main.log)).toHaveLength(1)
    expect(errorLines(main.log)[0]).toMatch(
      /^::error::registry-login: Stopped the call to Nebius IAM token exchange \(gRPC\) \(127\.0\.0\.1:\d+\): no complete reply within 3000 ms \(\d+ bytes received\)\.$/
    )
    expect(main.ms).toBeLessThan(3_000 + MARGIN_MS)
  })
})
