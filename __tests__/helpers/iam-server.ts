import { randomBytes } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One request as the fake IAM saw it. */
export interface SeenRequest {
  method: string
  path: string
  headers: IncomingHttpHeaders
  body: string
}

/** What to do with one request: answer, or never answer at all. */
export type Reply = { status: number; body: string | object; headers?: Record<string, string> } | 'hang'

/** Decides the reply to request number `n` (1-based); `iam` is what real IAM would say. */
export type Behaviour = (request: SeenRequest, n: number, iam: () => Reply) => Reply

export interface IamServer {
  /** Token endpoint URL, for REGISTRY_LOGIN_ENDPOINT_IBM_IAM. */
  url: string
  port: number
  requests: SeenRequest[]
  /** Access tokens issued so far. */
  issued: string[]
  /** API keys IAM knows. */
  apiKeys: Set<string>
  behaviour: Behaviour
  /** Called right before a token is sent, while it is still unknown to the client. */
  onIssue?: (token: string) => void
  /** Forces the next tokens to be exactly these values (for tokens with special characters). */
  nextTokens: string[]
  expiration: number
  close(): Promise<void>
}

const iamError = (errorCode: string, errorMessage: string, requestId = randomBytes(6).toString('hex')): object => ({
  errorCode,
  errorMessage,
  context: { requestId, requestType: 'incoming.Identity_Token' }
})

/** A local stand-in for IBM Cloud IAM `POST /identity/token` on 127.0.0.1, random port. */
export async function startIamServer(options: { apiKeys?: string[]; behaviour?: Behaviour } = {}): Promise<IamServer> {
  const state: Omit<IamServer, 'url' | 'port' | 'close'> = {
    requests: [],
    issued: [],
    apiKeys: new Set(options.apiKeys ?? []),
    behaviour: options.behaviour ?? ((_req, _n, iam) => iam()),
    nextTokens: [],
    expiration: 1_900_000_000
  }

  const realIam = (req: SeenRequest): Reply => {
    if (req.method !== 'POST') return { status: 405, body: iamError('BXNIM0405E', 'Method not allowed') }
    if (!String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded')) {
      return { status: 400, body: iamError('BXNIM0109E', 'Property missing or empty. Operation not allowed.') }
    }
    const form = new URLSearchParams(req.body)
    if (form.get('grant_type') !== 'urn:ibm:params:oauth:grant-type:apikey') {
      return { status: 400, body: iamError('BXNIM0103E', 'Unsupported grant type.') }
    }
    const apikey = form.get('apikey')
    if (!apikey || !state.apiKeys.has(apikey)) return { status: 400, body: iamError('BXNIM0415E', 'Provided API key could not be found.') }
    const token = state.nextTokens.shift() ?? `eyJ${randomBytes(32).toString('base64url')}`
    state.issued.push(token)
    return {
      status: 200,
      body: {
        access_token: token,
        refresh_token: 'not_supported',
        token_type: 'Bearer',
        expires_in: 3600,
        expiration: state.expiration,
        scope: 'ibm openid'
      }
    }
  }

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const seen: SeenRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8')
      }
      state.requests.push(seen)
      const reply = state.behaviour(seen, state.requests.length, () => realIam(seen))
      if (reply === 'hang') return
      const body = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body)
      if (reply.status === 200 && typeof reply.body === 'object') {
        const token = (reply.body as { access_token?: unknown }).access_token
        if (typeof token === 'string') result.onIssue?.(token)
      }
      res.writeHead(reply.status, { 'Content-Type': 'application/json', ...reply.headers })
      res.end(body)
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  const result: IamServer = Object.assign(state, {
    url: `http://127.0.0.1:${port}/identity/token`,
    port,
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>(resolve => server.close(() => resolve()))
    }
  })
  return result
}

/** A port on 127.0.0.1 that nothing listens on (connections are refused). */
export async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  await new Promise<void>(resolve => server.close(() => resolve()))
  return port
}

/** IAM's error body for an API key it does not know, with a fixed request id. */
export const UNKNOWN_KEY_BODY = {
  errorCode: 'BXNIM0415E',
  errorMessage: 'Provided API key could not be found.',
  context: { requestId: 'req-1' }
}
