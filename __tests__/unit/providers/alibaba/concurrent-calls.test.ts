import type { Http, HttpRequest } from '../../../../src/net/http.js'
import { createInputReader } from '../../../../src/inputs/reader.js'
import { alibaba } from '../../../../src/providers/alibaba/index.js'
import { testProviderContext } from '../../../helpers/contexts.js'
import { captureStdout, type StdoutCapture } from '../../../helpers/stdout.js'
import { mint } from '../../../../src/providers/index.js'

/** An Http whose answers the test gives by hand, recording which calls are in flight. */
function heldHttp() {
  const calls: { url: string; answer: (body: unknown) => void; fail: (error: Error) => void }[] = []
  const http: Http = {
    request: () => Promise.reject(new Error('not used')),
    json: <T>(req: HttpRequest) =>
      new Promise<T>((resolve, reject) => {
        void req.headers // signs the request, as the real client does
        calls.push({ url: req.url, answer: body => resolve(body as T), fail: reject })
      })
  }
  return { http, calls }
}

const settle = () => new Promise(resolve => setImmediate(resolve))
const plan = (regions: string[]) =>
  alibaba.plan(
    createInputReader(name => (({ 'access-key-id': 'LTAI5tTest', 'access-key-secret': 'secret' }) as Record<string, string>)[name] ?? ''),
    {
      regions,
      registries: [],
      auth: 'auto',
      exchange: true
    }
  )

let stdout: StdoutCapture
beforeEach(() => (stdout = captureStdout()))
afterEach(() => stdout.restore())

test("the token calls of several regions are in flight at the same time, each host gets its own region's answer", async () => {
  const { http, calls } = heldHttp()
  const pending = mint(plan(['cn-hangzhou', 'cn-shanghai', 'cn-beijing']), testProviderContext({}, http))
  await settle()
  expect(calls.map(c => c.url)).toEqual([
    'https://cr.cn-hangzhou.aliyuncs.com/tokens',
    'https://cr.cn-shanghai.aliyuncs.com/tokens',
    'https://cr.cn-beijing.aliyuncs.com/tokens'
  ])
  for (const [i, call] of [...calls.entries()].reverse())
    call.answer({ data: { tempUserName: `user-${i}`, authorizationToken: `token-${i}`, expireDate: 1900000000000 } })
  expect((await pending).map(c => [c.registry, c.username])).toEqual([
    ['registry.cn-hangzhou.aliyuncs.com', 'user-0'],
    ['registry.cn-shanghai.aliyuncs.com', 'user-1'],
    ['registry.cn-beijing.aliyuncs.com', 'user-2']
  ])
})

test("when one region's call fails, the login fails with that error once the other calls have ended", async () => {
  const { http, calls } = heldHttp()
  let outcome = 'pending'
  mint(plan(['cn-hangzhou', 'cn-shanghai']), testProviderContext({}, http)).then(
    () => (outcome = 'resolved'),
    (error: Error) => (outcome = error.message)
  )
  await settle()
  calls[0]!.fail(new Error('hangzhou refused'))
  await settle()
  expect(outcome).toBe('pending')
  calls[1]!.answer({ data: { tempUserName: 'u', authorizationToken: 't' } })
  await settle()
  expect(outcome).toBe('hangzhou refused')
})
