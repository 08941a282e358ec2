// Runs one fuzz case through the BUILT action the way the runner does (harness/run-action.js: INPUT_*
// with action.yml defaults, command files, main then post with the saved state), step debug on, the
// network blocked and recorded (block-network.cjs), every client replaced by a recording shim, and
// judges what came out.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { runAction } from '../../harness/run-action.js'
import { secretForms, type Secret } from './acceptance.js'

export type Expectation =
  /** Refused while parsing: exit 1, exactly one ::error:: naming `names` (an input, or a text it contains), no network, no client. */
  | { kind: 'invalid'; names: string; shows?: string }
  /** skip-without-credentials: exit 0, a notice, output skipped=true, no network, no client. */
  | { kind: 'skipped' }
  /** A login that needs no cloud call: the client shim logs in; `warns` are named in warnings, `says` said in one. */
  | { kind: 'login'; warns?: string[]; says?: string }
  /** The client itself fails: exit 1, exactly one ::error::, no network. */
  | { kind: 'client-fails' }
  /** A login whose cloud call the blocked network refuses: proves the recorder sees attempts. */
  | { kind: 'network' }
  /** Refused after parsing, before any cloud call (an auth file it cannot use): exit 1, one ::error:: saying `says`. */
  | { kind: 'fails'; says: string }

export interface FuzzCase {
  category: string
  name: string
  inputs: Record<string, string>
  /** Runner variables for this case; `undefined` removes one of the defaults. */
  env?: Record<string, string | undefined>
  expect: Expectation
  /** Input values that are paths, not secrets (shown on purpose in errors). */
  paths?: string[]
  /** Files written into the case's home before the run (path relative to it: docker/config.json, …). */
  files?: Record<string, string>
  /** Secrets besides the secret inputs, looked for in every output (what such a file holds). */
  secrets?: string[]
}

export interface CaseResult {
  case: FuzzCase
  crashes: string[]
  networkAttempts: number
  clientCalls: number
  errorLines: string[]
  secretHits: string[]
  injected: string[]
  /** The case's post step, when it was run (see `postRuns`). */
  post: { code: number; stdout: string } | undefined
  failures: string[]
}

const HERE = path.dirname(fileURLToPath(import.meta.url))
const BLOCKER = path.join(HERE, 'block-network.cjs')
const CLIENTS = ['docker', 'podman', 'buildah', 'skopeo', 'helm', 'oras']
const ENDPOINTS = [
  'ALIBABA_CR',
  'ALIBABA_STS',
  'IBM_IAM',
  'NEBIUS_TOKEN_GRPC',
  'NEBIUS_TOKEN_HTTP',
  'YANDEX_IAM',
  'YANDEX_JWT_AUDIENCE',
  'YANDEX_WLIF'
]
/** Where every endpoint and proxy points: nothing listens there, and block-network.cjs refuses it first anyway. */
const NOWHERE = '127.0.0.1:9'
export const OIDC_REQUEST_TOKEN = `oidc-request-token-${Math.random().toString(36).slice(2, 14)}`
export const OIDC_ENV = {
  ACTIONS_ID_TOKEN_REQUEST_URL: `https://${NOWHERE}/oidc/token?api-version=2.0`,
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: OIDC_REQUEST_TOKEN
}
/** The inputs that hold secrets (action.yml "from a secret"). */
const SECRET_INPUTS = [
  'api-key',
  'token',
  'service-account-key',
  'oauth-token',
  'private-key',
  'access-key-secret',
  'security-token',
  'password'
]
/** Workflow commands the action itself writes to stdout. */
const OWN_COMMANDS = new Set(['add-mask', 'debug', 'error', 'warning', 'notice', 'group', 'endgroup'])
const STACK = [
  /^\s+at .+(:\d+:\d+\)?|\(native\)|\(<anonymous>\))$/m,
  /\b(TypeError|ReferenceError|RangeError|SyntaxError|AssertionError)\b/,
  /Cannot (read|destructure) propert/,
  /is not (iterable|a function)/,
  /Unhandled|uncaught/i,
  /node:internal/
]

/** One directory of client shims, shared by every case: each call appends argv and stdin to $FUZZ_CLIENT_LOG. */
export function clientShims(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'registry-login-fuzz-shims-'))
  for (const name of CLIENTS) {
    const file = path.join(dir, name)
    // $FUZZ_CLIENT_SAYS: what a hostile client prints (stdout and stderr); $FUZZ_CLIENT_EXIT: its exit code.
    writeFileSync(
      file,
      `#!/bin/bash\n{ printf '%s\\x1f' '${name}' "$@"; printf 'stdin='; cat; printf '\\x1e'; } >> "$FUZZ_CLIENT_LOG"\n` +
        `if [ -n "$FUZZ_CLIENT_SAYS" ]; then printf '%s\\n' "$FUZZ_CLIENT_SAYS"; printf '%s\\n' "$FUZZ_CLIENT_SAYS" >&2; fi\nexit "\${FUZZ_CLIENT_EXIT:-0}"\n`
    )
    chmodSync(file, 0o755)
  }
  return dir
}

function caseEnv(fuzzCase: FuzzCase, dir: string, shims: string): Record<string, string> {
  const env: Record<string, string | undefined> = {
    PATH: `${shims}:${process.env.PATH ?? ''}`,
    HOME: dir,
    DOCKER_CONFIG: path.join(dir, 'docker'),
    REGISTRY_AUTH_FILE: path.join(dir, 'containers', 'auth.json'),
    HELM_REGISTRY_CONFIG: path.join(dir, 'helm', 'registry.json'),
    RUNNER_DEBUG: '1',
    NODE_OPTIONS: `--require ${BLOCKER}`,
    BLOCK_NETWORK_LOG: path.join(dir, 'network.log'),
    FUZZ_CLIENT_LOG: path.join(dir, 'clients.log'),
    HTTPS_PROXY: `http://${NOWHERE}`,
    HTTP_PROXY: `http://${NOWHERE}`,
    REGISTRY_LOGIN_HTTP_ATTEMPTS: '1',
    ...Object.fromEntries(ENDPOINTS.map(name => [`REGISTRY_LOGIN_ENDPOINT_${name}`, `https://${NOWHERE}/${name.toLowerCase()}`])),
    // A job with `id-token: write`, unless the case says otherwise.
    ...OIDC_ENV,
    ...fuzzCase.env
  }
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined))
}

const lines = (text: string): string[] => (text === '' ? [] : text.split('\n'))
/** How the runner reads a line: it also breaks on a bare \r, so every piece is checked. */
const pieces = (line: string): string[] => line.split('\r')

/** Workflow commands in stdout that the action did not author: a line (or \r piece) an input turned into a command. */
export function injectedCommands(stdout: string): string[] {
  const found: string[] = []
  for (const line of lines(stdout)) {
    const parts = pieces(line)
    parts.forEach((piece, index) => {
      if (piece.startsWith('##[')) found.push(piece.slice(0, 80))
      const command = /^::([^ :]*)([^:]*)::(.*)$/.exec(piece)
      if (!command) return
      // A piece after a \r is never the action's own command.
      if (
        index > 0 ||
        !OWN_COMMANDS.has(command[1] ?? '') ||
        /INJECTED/i.test(`${command[1]}${command[2]}`) ||
        /^INJECTED/i.test(command[3] ?? '')
      ) {
        found.push(piece.slice(0, 80))
      }
    })
  }
  return found
}

/** Secret forms in the step's output outside the ::add-mask:: lines that register them. */
export function secretHits(texts: Array<{ where: string; text: string }>, secrets: Secret[]): string[] {
  const forms = secretForms(secrets)
  const hits: string[] = []
  for (const { where, text } of texts) {
    const shown = lines(text)
      .filter(line => !line.startsWith('::add-mask::'))
      .join('\n')
    for (const { form, label } of forms) if (shown.includes(form)) hits.push(`${label} in ${where}`)
  }
  return hits
}

function readOr(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8') : ''
}

/**
 * The cases' steps run at a lower CPU priority where `nice` exists: npm test runs this suite beside the suites that
 * take turns on the local cloud, whose chain sets the run's length on a 2-core machine; the fuzz cases fill the CPU
 * those leave idle instead of slowing them down. `nice` execs node, so the step is still the process the harness watches.
 */
const BEHIND_THE_CLOUD_SUITES = process.platform !== 'win32' && existsSync('/usr/bin/nice') ? ['/usr/bin/nice', '-n', '10'] : []

/**
 * Whether a case's post step is run. Post reads what main left it (the state, the job's environment and PATH) and the
 * step's environment; it reads no input. So post always runs when main left anything, when the case sets environment
 * variables or files of its own, for every workflow-command injection (where an input reaching post's log would show),
 * and for the first case of each category (`first`). For the rest (main refused the input and left nothing) post's
 * run is the one already made for that category's first case, so it is not made again: about 400 node starts, a
 * minute of CPU on a 2-core machine where npm test is CPU-bound.
 */
function postRuns(fuzzCase: FuzzCase, main: { state: object; jobEnv: object; jobPath: string[] }, first: boolean): boolean {
  const leftSomething = Object.keys(main.state).length > 0 || Object.keys(main.jobEnv).length > 0 || main.jobPath.length > 0
  const ownSetting = Object.keys(fuzzCase.env ?? {}).length > 0 || Object.keys(fuzzCase.files ?? {}).length > 0
  return first || leftSomething || ownSetting || fuzzCase.category === 'workflow-command injection'
}

export async function runCase(fuzzCase: FuzzCase, shims: string, first = true): Promise<CaseResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'registry-login-fuzz-'))
  mkdirSync(path.join(dir, 'docker'))
  for (const [name, content] of Object.entries(fuzzCase.files ?? {})) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true })
    writeFileSync(path.join(dir, name), content, { mode: 0o600 })
  }
  const env = caseEnv(fuzzCase, dir, shims)
  const { main, temp, runPost } = (await runAction(fuzzCase.inputs, {
    env,
    wrap: () => BEHIND_THE_CLOUD_SUITES,
    deferPost: true
  })) as Awaited<ReturnType<typeof runAction>> & { runPost: () => Promise<{ code: number; stdout: string; stderr: string }> }
  const post = postRuns(fuzzCase, main, first) ? await runPost() : undefined
  const network = lines(readOr(env.BLOCK_NETWORK_LOG ?? '').trim())
  const clientCalls = readOr(env.FUZZ_CLIENT_LOG ?? '')
    .split('\x1e')
    .filter(record => record.trim() !== '')
  rmSync(dir, { recursive: true, force: true })
  rmSync(temp, { recursive: true, force: true })

  const outputs = [
    { where: 'main stdout', text: main.stdout },
    { where: 'main stderr', text: main.stderr },
    ...(post
      ? [
          { where: 'post stdout', text: post.stdout },
          { where: 'post stderr', text: post.stderr }
        ]
      : []),
    { where: 'outputs', text: JSON.stringify(main.outputs) },
    { where: 'job env', text: JSON.stringify(main.jobEnv) },
    { where: 'state', text: JSON.stringify(main.state) },
    { where: 'summary', text: main.summary }
  ]
  const paths = new Set(fuzzCase.paths ?? [])
  const secrets: Secret[] = [
    ...SECRET_INPUTS.flatMap(name => {
      const value = fuzzCase.inputs[name]?.trim()
      return value && !paths.has(value) ? [{ label: `input ${name}`, value }] : []
    }),
    { label: 'ACTIONS_ID_TOKEN_REQUEST_TOKEN', value: env.ACTIONS_ID_TOKEN_REQUEST_TOKEN ?? '' },
    ...(fuzzCase.secrets ?? []).map(value => ({ label: 'a secret in a file', value }))
  ]
  const crashes = [
    ...(main.code !== 0 && main.code !== 1 ? [`main exited ${main.code}`] : []),
    ...(post && post.code !== 0 ? [`post exited ${post.code}`] : []),
    ...outputs.flatMap(({ where, text }) => STACK.filter(pattern => pattern.test(text)).map(pattern => `${where} matches ${pattern}`))
  ]
  const errorLines = lines(main.stdout).filter(line => line.startsWith('::error'))
  const result: CaseResult = {
    case: fuzzCase,
    crashes,
    networkAttempts: network.length,
    clientCalls: clientCalls.length,
    errorLines,
    secretHits: secretHits(outputs, secrets),
    injected: [...injectedCommands(main.stdout), ...(post ? injectedCommands(post.stdout) : [])],
    post: post ? { code: post.code, stdout: post.stdout } : undefined,
    failures: []
  }
  result.failures = judge(result, main, post)
  return result
}

function judge(
  result: CaseResult,
  main: { code: number; stdout: string; outputs: Record<string, string> },
  post: { stdout: string } | undefined
): string[] {
  const expected = result.case.expect
  const failures: string[] = []
  const check = (ok: boolean, message: string): void => void (ok || failures.push(message))
  check(result.crashes.length === 0, `crash or stack trace: ${result.crashes.join('; ')}`)
  check(result.secretHits.length === 0, `secret outside ::add-mask::: ${result.secretHits.join('; ')}`)
  check(result.injected.length === 0, `injected workflow command: ${JSON.stringify(result.injected)}`)
  if (post) check(!lines(post.stdout).some(line => line.startsWith('::error')), 'post wrote an ::error::')
  switch (expected.kind) {
    case 'invalid': {
      check(main.code === 1, `main exited ${main.code}, expected 1`)
      check(result.networkAttempts === 0, `${result.networkAttempts} network attempt(s) on invalid input`)
      check(result.clientCalls === 0, `${result.clientCalls} client call(s) on invalid input`)
      check(result.errorLines.length === 1, `${result.errorLines.length} ::error:: lines, expected 1`)
      const error = result.errorLines[0] ?? ''
      // An input name is named as Input '<name>'; anything else (a variable, a phrase) as written.
      const named = /^[a-z-]+$/.test(expected.names) ? error.includes(`Input '${expected.names}'`) : error.includes(expected.names)
      check(named, `the ::error:: does not name ${expected.names}: ${error.slice(0, 300)}`)
      if (expected.shows) check(error.includes(expected.shows), `the ::error:: does not show ${expected.shows}`)
      break
    }
    case 'skipped':
      check(main.code === 0, `main exited ${main.code}, expected 0`)
      check(result.networkAttempts === 0 && result.clientCalls === 0, 'a skipped login reached the network or a client')
      check(result.errorLines.length === 0, 'a skipped login wrote an ::error::')
      check(
        lines(main.stdout).some(line => line.startsWith('::notice::')),
        'no ::notice:: about the skip'
      )
      check(main.outputs.skipped === 'true' && !main.outputs.registry && !main.outputs.username, `outputs ${JSON.stringify(main.outputs)}`)
      break
    case 'login': {
      check(main.code === 0, `main exited ${main.code}: ${result.errorLines.join(' ').slice(0, 300)}`)
      check(result.networkAttempts === 0, `${result.networkAttempts} network attempt(s) for a login that needs no cloud call`)
      check(result.clientCalls >= 2, `${result.clientCalls} client calls, expected a login and a logout`)
      const warnings = lines(main.stdout).filter(line => line.startsWith('::warning::'))
      for (const name of expected.warns ?? [])
        check(
          warnings.some(line => line.includes(`'${name}'`)),
          `no warning names '${name}'`
        )
      if (expected.says)
        check(
          warnings.some(line => line.includes(expected.says ?? '')),
          `no warning says ${expected.says}`
        )
      break
    }
    case 'fails':
      check(main.code === 1, `main exited ${main.code}, expected 1`)
      check(result.networkAttempts === 0, `${result.networkAttempts} network attempt(s)`)
      check(result.errorLines.length === 1, `${result.errorLines.length} ::error:: lines, expected 1`)
      check((result.errorLines[0] ?? '').includes(expected.says), `the ::error:: does not say ${expected.says}`)
      break
    case 'client-fails':
      check(main.code === 1, `main exited ${main.code}, expected 1`)
      check(result.networkAttempts === 0, `${result.networkAttempts} network attempt(s)`)
      check(result.errorLines.length === 1, `${result.errorLines.length} ::error:: lines, expected 1`)
      break
    case 'network':
      check(result.networkAttempts > 0, 'the blocked network recorded no attempt: the recorder does not work')
      check(main.code === 1 && result.errorLines.length === 1, 'a refused cloud call is one ::error::')
      break
  }
  return failures
}

/** Runs `items` through `work` with at most `limit` at once, keeping their order. */
export async function pool<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++
      results[index] = await work(items[index] as T)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}
