import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createYandexEmulator, YANDEX_AUTH_HOST, YANDEX_IAM_HOST } from '../../../../harness/emulators/yandex.js'
import { createGithubOidc } from '../../../../harness/github.js'
import { CredentialStore } from '../../../../harness/store.js'

export interface Seen {
  method: string
  path: string
  headers: IncomingHttpHeaders
  body: string
}

export type Scripted = { status: number; body: string | object }

/**
 * The harness's Yandex emulator (IAM and the federation endpoint) on plain HTTP on 127.0.0.1,
 * for unit tests: the provider is pointed at it with REGISTRY_LOGIN_ENDPOINT_YANDEX_*.
 * `script` holds replies to give instead of the emulator's, one per request, in order.
 */
export async function startLocalYandex() {
  const store = new CredentialStore()
  const github = createGithubOidc({ repository: 'acme/app' })
  const seen: Seen[] = []
  const script: Scripted[] = []
  let iamUrl = ''
  let emulator!: ReturnType<typeof createYandexEmulator>
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      const url = new URL(req.url ?? '/', 'http://127.0.0.1')
      seen.push({ method: req.method ?? '', path: url.pathname, headers: req.headers, body: body.toString() })
      const reply = (status: number, payload: string | object): boolean => {
        res.writeHead(status, { 'content-type': typeof payload === 'string' ? 'text/plain' : 'application/json' })
        res.end(typeof payload === 'string' ? payload : JSON.stringify(payload))
        return true
      }
      const next = script.shift()
      if (next) return void reply(next.status, next.body)
      const host = url.pathname === '/oauth/token' ? YANDEX_AUTH_HOST : YANDEX_IAM_HOST
      void Promise.resolve(emulator.handle({ req, res, url, body, reply, host })).then(handled => {
        if (handled === false) reply(404, emulator.errorBody(404, 'not found'))
      })
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  iamUrl = `http://127.0.0.1:${port}/iam/v1/tokens`
  // The local IAM checks the JWT audience against its own URL, as the real one does.
  emulator = createYandexEmulator({ store, github, iamAudience: iamUrl })
  return {
    emulator,
    github,
    store,
    seen,
    script,
    iamUrl,
    wlifUrl: `http://127.0.0.1:${port}/oauth/token`,
    env: (): NodeJS.ProcessEnv => ({
      REGISTRY_LOGIN_ENDPOINT_YANDEX_IAM: iamUrl,
      REGISTRY_LOGIN_ENDPOINT_YANDEX_WLIF: `http://127.0.0.1:${port}/oauth/token`,
      GITHUB_REPOSITORY_OWNER: 'acme',
      GITHUB_REPOSITORY: 'acme/app'
    }),
    close: () => new Promise<void>(resolve => server.close(() => resolve()))
  }
}

export type LocalYandex = Awaited<ReturnType<typeof startLocalYandex>>
