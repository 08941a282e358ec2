// The harness's Alibaba emulator served over plain HTTP on 127.0.0.1 (random ports) for unit
// tests: one server plays sts.aliyuncs.com, the other cr.<region>.aliyuncs.com.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createAlibabaEmulator } from '../../../../harness/emulators/alibaba.js'
import { createGithubOidc } from '../../../../harness/github.js'
import { CredentialStore } from '../../../../harness/store.js'

export interface SeenCall {
  method: string
  path: string
  query: string
  headers: IncomingMessage['headers']
  body: string
}

/** Replaces the emulator's answer: return undefined to let it answer. */
export type Override = (call: SeenCall, n: number) => { status: number; body: string | object } | undefined

export interface LocalAlibaba {
  emulator: any
  github: any
  store: any
  env: NodeJS.ProcessEnv
  calls: { sts: SeenCall[]; cr: SeenCall[] }
  /** Region of the cr server (which cr.<region>.aliyuncs.com it plays). */
  region: string
  crOverride?: Override
  /** Runs after the emulator answered: replace the answer it gave (e.g. a 500 after the nonce was used). */
  crAfter?: (n: number) => { status: number; body: object } | undefined
  close(): Promise<void>
}

export async function startLocalAlibaba(now: () => number): Promise<LocalAlibaba> {
  const store = new CredentialStore(now)
  const github = createGithubOidc({ now })
  const emulator = createAlibabaEmulator({ store, github, now })
  const servers: Server[] = []
  const local = { emulator, github, store, calls: { sts: [], cr: [] }, region: 'cn-hangzhou' } as unknown as LocalAlibaba

  async function serve(kind: 'sts' | 'cr'): Promise<string> {
    const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = []
      for await (const chunk of req) chunks.push(chunk as Buffer)
      const body = Buffer.concat(chunks)
      const url = new URL(req.url ?? '/', 'http://local')
      const call: SeenCall = {
        method: req.method ?? '',
        path: url.pathname,
        query: url.search,
        headers: req.headers,
        body: body.toString()
      }
      const list = local.calls[kind]
      list.push(call)
      let status = 0
      let payload = ''
      const reply = (s: number, p: unknown): boolean => {
        status = s
        payload = typeof p === 'string' ? p : JSON.stringify(p)
        return true
      }
      const override = kind === 'cr' ? local.crOverride?.(call, list.length) : undefined
      if (override) {
        reply(override.status, override.body)
      } else {
        const host = kind === 'sts' ? 'sts.aliyuncs.com' : `cr.${local.region}.aliyuncs.com`
        const handled = await emulator.handle({ req, url: new URL(`https://${host}${req.url}`), body, reply, host })
        if (handled === false) reply(404, { Code: 'NotFound', Message: 'no such path' })
        const after = kind === 'cr' ? local.crAfter?.(list.length) : undefined
        if (after) reply(after.status, after.body)
      }
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(payload)
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    servers.push(server)
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  }

  const sts = await serve('sts')
  const cr = await serve('cr')
  local.env = { REGISTRY_LOGIN_ENDPOINT_ALIBABA_STS: sts, REGISTRY_LOGIN_ENDPOINT_ALIBABA_CR: cr }
  local.close = async () => {
    await Promise.all(servers.map(s => new Promise<void>(resolve => s.close(() => resolve()))))
  }
  return local
}
