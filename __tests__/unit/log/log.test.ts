import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { runClient } from '../../../src/clients/login-command.js'
import { HttpError, NetworkError } from '../../../src/net/http.js'
import { line, log, MAX_LINE, safeLines } from '../../../src/log/log.js'
import { runMain } from '../../../src/main.js'
import { GrpcError, GrpcTransportError } from '../../../src/providers/nebius/grpc.js'
import { maskSecret } from '../../../src/log/secrets.js'
import { actionEnv, type ActionEnv } from '../../helpers/action-env.js'
import { fakeClientContext, testProviderContext } from '../../helpers/contexts.js'
import { failure } from '../../helpers/thrown.js'
import { captureStdout, type StdoutCapture } from '../../helpers/stdout.js'

const HOSTILE = 'ci\n::warning::x\r::add-mask::y ##[error]z'
/** A line the runner would read as a workflow command: `::` or `##[` at its start. */
const LIVE_COMMAND = /^\s*(::|##\[)/

let stdout: StdoutCapture
beforeEach(() => {
  stdout = captureStdout()
})
afterEach(() => stdout.restore())

describe("log: the literal parts are the action's words, every value is made safe", () => {
  test.each([
    ['a tagged value', () => log.info`logged in as ${HOSTILE}`],
    ['a composed message', () => log.warning(`provider said ${HOSTILE}`)],
    ['an Error value', () => log.failed`registry-login: ${new Error(HOSTILE)}`],
    ['a list of values', () => log.notice`left ${['a', HOSTILE]} alone`],
    ['debug', () => log.debug`client said ${HOSTILE}`]
  ])('%s prints one line and no live command', (_name, print) => {
    print()
    const lines = stdout.lines()
    expect(lines).toHaveLength(1)
    // @actions/core's own prefix (::warning:: etc.) is the only command on the line
    const body = (lines[0] ?? '').replace(/^::(warning|error|notice|debug)::/, '')
    expect(body).not.toMatch(LIVE_COMMAND)
    expect(body).not.toContain('::')
    expect(body).toContain('ci\\x0a:\u200b:warning')
    process.exitCode = undefined
  })

  test('a value is cut at 200 characters, an Error at MAX_LINE, a list after 20 items', () => {
    expect(line`v=${'x'.repeat(5000)}`).toBe(`v=${'x'.repeat(200)}… (5000 characters, cut)`)
    expect(line`e=${new Error('y'.repeat(MAX_LINE + 10))}`).toContain(`(${MAX_LINE + 10} characters, cut)`)
    expect(line`${Array.from({ length: 25 }, (_, i) => i)}`).toBe(`${Array.from({ length: 20 }, (_, i) => i).join(', ')} and 5 more`)
  })

  test('a secret is replaced by *** before a value is cut, so no half of it is left to show', () => {
    const secret = `s3cr3t-${'k'.repeat(300)}`
    maskSecret(secret)
    const shown = line`reply: ${`${'a'.repeat(150)}${secret}`}`
    expect(shown).toBe(`reply: ${'a'.repeat(150)}***`)
    expect(stdout.lines().filter(l => l.startsWith('::add-mask::'))).not.toHaveLength(0)
  })
})

describe("safeLines: a client's debug output, line by line", () => {
  test('a line without a break is shown cut once it passes MAX_LINE, and the rest of it is not kept', () => {
    const out: string[] = []
    const lines = safeLines(text => out.push(text))
    for (let i = 0; i < 10; i++) lines.push('a'.repeat(100_000))
    expect(out).toEqual([`${'a'.repeat(MAX_LINE)}… (100000 characters, cut)\n`])
    lines.push('tail of it\nnext line\npartial')
    lines.end()
    expect(out.slice(1)).toEqual(['next line\n', 'partial\n'])
  })

  test('lines split across chunks are joined, then each made safe; a last partial line is flushed', () => {
    const out: string[] = []
    const lines = safeLines(text => out.push(text))
    lines.push('first line\n::add-')
    lines.push(Buffer.from('mask::secret\r\n\u001b[31mred\u001b[0m'))
    lines.push('\n::stop-commands::tok')
    lines.end()
    expect(out).toEqual(['first line\n', ':\u200b:add-mask:\u200b:secret\n', 'red\n', ':\u200b:stop-commands:\u200b:tok\n'])
  })
})

describe('outside words quoted in errors are made safe where they are put in', () => {
  test.each([
    ['HTTP error (cloud code and message)', () => new HttpError('IAM', 400, { code: HOSTILE, message: HOSTILE, requestId: HOSTILE })],
    ['network error', () => new NetworkError('IAM', HOSTILE)],
    ['gRPC status', () => new GrpcError('TokenExchangeService', 16, HOSTILE)],
    ['gRPC transport', () => new GrpcTransportError('TokenExchangeService', HOSTILE)]
  ])('%s', (_name, make) => {
    const message = make().message
    expect(message).not.toMatch(/[\r\n]/)
    expect(message).not.toContain('::')
    expect(message).not.toContain('##[')
  })

  test('a 120 KB cloud message is cut', () => {
    expect(new HttpError('IAM', 500, { message: 'm'.repeat(120_000) }).message.length).toBeLessThan(1200)
  })

  test("a client's stderr quoted by runClient", async () => {
    const ctx = fakeClientContext(
      {},
      { behaviour: () => ({ exitCode: 1, stdout: '', stderr: `Error: bad\n${HOSTILE}\n${'z'.repeat(5000)}` }) }
    )
    const error = await failure(runClient(ctx, 'docker', ['login', 'r.example']))
    expect(error.message).not.toMatch(/[\r\n]/)
    expect(error.message).not.toContain('::')
    expect(error.message).toContain('(5000 characters, cut)')
  })
})

describe('main: the username and registry of a login are echoed safely, the summary escapes HTML', () => {
  let env: ActionEnv
  beforeEach(() => {
    env = actionEnv()
  })
  afterEach(() => env.restore())

  test('Alibaba password login with markup in the username', async () => {
    const summaryFile = path.join(env.dir, 'summary.md')
    writeFileSync(summaryFile, '')
    process.env.GITHUB_STEP_SUMMARY = summaryFile
    env.setInputs({
      provider: 'alibaba',
      auth: 'password',
      registry: 'registry.cn-hangzhou.aliyuncs.com',
      username: 'ci<img src=x onerror=alert(1)>&"',
      password: 'instance-password-123',
      clients: 'podman'
    })
    await runMain({ providerContext: testProviderContext({ ...process.env }), clientContext: fakeClientContext({ ...process.env }) })
    expect(stdout.lines().filter(l => l.startsWith('::error::'))).toEqual([])
    const summary = readFileSync(summaryFile, 'utf8')
    expect(summary).toContain('ci&lt;img src=x onerror=alert(1)&gt;&amp;&quot;')
    expect(summary).not.toContain('<img')
  })
})

test('every log line of src/ goes through src/log.ts: no direct @actions/core logging elsewhere', () => {
  const root = path.resolve('src')
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap(e =>
      e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []
    )
  // A named import of a logging function, wherever it stands in the braces: import { notice, setOutput } from '@actions/core'
  const direct = /\bimport\s*\{[^}]*\b(info|warning|error|notice|debug|setFailed)\b[^}]*\}\s*from '@actions\/core'/
  const offenders = files(root)
    .filter(file => path.basename(file) !== 'log.ts')
    .flatMap(file =>
      readFileSync(file, 'utf8')
        .split('\n')
        .map((text, i) => ({ text, where: `${path.relative(root, file)}:${i + 1}` }))
        .filter(
          ({ text }) =>
            /\bcore\.(info|warning|error|notice|debug|setFailed)\(/.test(text) || direct.test(text) || /\bconsole\.\w+\(/.test(text)
        )
        .map(({ where, text }) => `${where}: ${text.trim()}`)
    )
  // Use log.info`… ${value}` (values escaped) or log.warning(message) (whole line escaped) from src/log.ts.
  expect(offenders).toEqual([])
})
