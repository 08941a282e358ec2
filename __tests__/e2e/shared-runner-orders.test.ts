// Two jobs sharing one runner user's docker config (one HOME, one DOCKER_CONFIG), run black-box with the real
// docker against the local cloud (#21): orders of their main and post steps, each job in normal, isolated-config
// or credential-helper mode, with a login the registry (or IAM) refuses on either side. The job still running
// keeps its login (its own entry in the config its later steps read, or the mapping to the helper and its helper
// on their PATH answering with the job's key; in the cases with a refused login, a real `docker manifest inspect`
// with its later steps' environment), and after both posts the config is byte for byte what it was, with no key
// of either job in it and nothing of the action next to it. IBM static logins (`exchange: false`): no exchange.
// One local cloud for the whole matrix; the cases run a few at a time.
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { clientSandbox } from '../../harness/client-env.js'
import { pushWith } from '../../harness/image.js'
import { runAction } from '../../harness/run-action.js'
import { localCloudForFile, type ClientSandbox } from '../helpers/local-cloud.js'

const cloud = localCloudForFile({ clouds: ['ibm'] })

const REGISTRY = 'us.icr.io'
const IMAGE = `${REGISTRY}/acme/shared-runner-orders:base`
const b64 = (text: string): string => Buffer.from(text).toString('base64')

type Mode = 'normal' | 'isolated' | 'helper'
type Name = 'A' | 'B'

interface Step {
  code: number
  log: string
  jobEnv: Record<string, string>
  jobPath: string[]
  state: Record<string, string>
}

interface Job {
  name: Name
  mode: Mode
  fails: boolean
  key: string
  main?: Step
  runPost?: () => Promise<Step>
}

/** The runner user's docker config as docker itself writes it (tabs, sorted keys, no final line break): someone's earlier login among others. */
const BEFORE = JSON.stringify(
  {
    auths: {
      'other.example': { auth: b64('other:secret') },
      [REGISTRY]: { auth: b64('someone:earlier') },
      'z.example': { auth: b64('z:secret') }
    }
  },
  null,
  '\t'
)

beforeAll(async () => {
  // the image the later steps inspect in the cases with a refused login, pushed with a key of its own
  const dir = mkdtempSync(path.join(os.tmpdir(), 'registry-login-seed-'))
  const authFile = path.join(dir, 'auth.json')
  writeFileSync(authFile, JSON.stringify({ auths: { [REGISTRY]: { auth: b64(`iamapikey:${cloud().emulators.ibm.createApiKey()}`) } } }))
  const pushed = await pushWith(authFile, IMAGE)
  if (!pushed.ok) throw new Error(`could not push ${IMAGE}: ${pushed.output}`)
}, 60_000)

/**
 * main of one job: an IBM static login with its own API key. A failing job's key is one IAM does not know:
 * the registry refuses docker's login (normal, isolated), or IAM refuses the exchange (credential-helper mode
 * checks the key at main: a static key would only fail at the first pull).
 */
async function runMain(job: Job, sandbox: ClientSandbox): Promise<void> {
  const helper = job.mode === 'helper'
  const inputs: Record<string, string> = {
    provider: 'ibm',
    region: 'us',
    'api-key': job.key,
    clients: 'docker',
    exchange: helper && job.fails ? 'true' : 'false',
    ...(job.mode === 'isolated' ? { 'isolated-config': 'true' } : {}),
    ...(helper ? { 'credential-helper': 'true' } : {})
  }
  const env = {
    ...cloud().env,
    ...sandbox.env,
    GITHUB_RUN_ID: `run-${job.name}`,
    GITHUB_JOB: job.name,
    REGISTRY_LOGIN_HTTP_ATTEMPTS: '1',
    REGISTRY_LOGIN_CLIENT_ATTEMPTS: '1'
  }
  const run = (await runAction(inputs, { env, deferPost: true })) as unknown as { main: Step; runPost: () => Promise<Step> }
  job.main = run.main
  job.runPost = run.runPost
  expect({ job: job.name, code: run.main.code, log: run.main.code === (job.fails ? 1 : 0) ? '' : run.main.log }).toEqual({
    job: job.name,
    code: job.fails ? 1 : 0,
    log: ''
  })
}

/** The environment of the job's later steps: its config directory and PATH as main set them. */
function laterEnv(job: Job, sandbox: ClientSandbox): Record<string, string> {
  const main = job.main!
  const base = { ...(process.env as Record<string, string>), ...cloud().env, ...sandbox.env, ...main.jobEnv }
  return { ...base, PATH: [...[...main.jobPath].reverse(), process.env.PATH].join(path.delimiter) }
}

function run(command: string, args: string[], env: Record<string, string>, input?: string): Promise<{ ok: boolean; output: string }> {
  return new Promise(resolve => {
    const child = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', d => (output += d))
    child.stderr.on('data', d => (output += d))
    child.on('error', error => resolve({ ok: false, output: String(error) }))
    child.on('close', code => resolve({ ok: code === 0, output }))
    child.stdin.end(input ?? '')
  })
}

/**
 * The job's later steps still use its own login: its entry in the config they read (or, credential-helper mode,
 * the mapping to the helper, and its helper on their PATH answering with the job's key); with `pull`, docker
 * itself then reads the image's manifest with it.
 */
async function keepsItsLogin(job: Job, sandbox: ClientSandbox, pull: boolean): Promise<void> {
  const env = laterEnv(job, sandbox)
  const config = JSON.parse(readFileSync(path.join(env.DOCKER_CONFIG!, 'config.json'), 'utf8')) as {
    auths?: Record<string, unknown>
    credHelpers?: Record<string, string>
  }
  const mapping = config.credHelpers?.[REGISTRY]
  if (job.mode === 'helper') {
    const answer = await run('docker-credential-registry-login', ['get'], env, REGISTRY)
    const secret = answer.ok ? (JSON.parse(answer.output) as { Secret: string }).Secret : answer.output
    expect({ job: job.name, helper: mapping, secret }).toEqual({ job: job.name, helper: 'registry-login', secret: job.key })
  } else {
    const seen = { job: job.name, helper: mapping ?? '', entry: config.auths?.[REGISTRY] }
    expect(seen).toEqual({ job: job.name, helper: '', entry: { auth: b64(`iamapikey:${job.key}`) } })
  }
  if (!pull) return
  const inspect = await run('docker', ['manifest', 'inspect', IMAGE], env)
  expect({ job: job.name, ok: inspect.ok, output: inspect.ok ? '' : inspect.output }).toEqual({ job: job.name, ok: true, output: '' })
}

/** Every order of the four steps, each main before its own post: the four where the jobs overlap, and the two where they do not. */
const ALL_ORDERS = ['AmBmApBp', 'AmBmBpAp', 'BmAmApBp', 'BmAmBpAp', 'AmApBmBp', 'BmBpAmAp']
const OVERLAPPING = ALL_ORDERS.slice(0, 4)
/** Mode pairs and the orders of their steps (A and B swap roles in the mixed pairs, so both sides of each order are covered). */
const PAIRS: Array<[Mode, Mode, string[]]> = [
  ['normal', 'normal', ALL_ORDERS],
  ['helper', 'helper', ALL_ORDERS],
  ['normal', 'helper', OVERLAPPING],
  ['helper', 'normal', OVERLAPPING],
  ['isolated', 'normal', OVERLAPPING.slice(0, 2)],
  ['normal', 'isolated', OVERLAPPING.slice(0, 2)],
  ['helper', 'isolated', OVERLAPPING.slice(0, 2)]
]
/**
 * A refused login, in the orders where it meets the other job's login: it fails first and the other job logs in
 * before its post (the measured case: that post logged the other job out), or it fails while the other job is
 * logged in.
 */
const REFUSED: Array<[Mode, Mode, string, Name]> = [
  ['normal', 'normal', 'AmBmApBp', 'A'],
  ['normal', 'normal', 'AmBmBpAp', 'B'],
  ['normal', 'helper', 'BmAmApBp', 'A'],
  ['helper', 'normal', 'AmBmBpAp', 'B'],
  ['helper', 'normal', 'AmBmApBp', 'A'],
  ['isolated', 'normal', 'AmBmApBp', 'A']
]

const cases = [
  ...PAIRS.flatMap(([a, b, orders]) => orders.map(order => [a, b, order, 'none'] as const)),
  ...REFUSED.map(([a, b, order, fails]) => [a, b, order, fails] as const)
]

test.concurrent.each(cases)(
  'A %s, B %s, steps %s, refused login: %s',
  async (modeA, modeB, order, fails) => {
    const sandbox = clientSandbox()
    const dockerDir = path.dirname(sandbox.files.docker)
    mkdirSync(dockerDir, { recursive: true })
    writeFileSync(sandbox.files.docker, BEFORE)
    const ibm = cloud().emulators.ibm
    const jobs: Record<Name, Job> = {
      A: { name: 'A', mode: modeA, fails: fails === 'A', key: fails === 'A' ? 'ibm-unknown-key-of-job-a' : ibm.createApiKey() },
      B: { name: 'B', mode: modeB, fails: fails === 'B', key: fails === 'B' ? 'ibm-unknown-key-of-job-b' : ibm.createApiKey() }
    }
    const running = new Set<Name>()
    for (const step of order.match(/[AB][mp]/g)!) {
      const job = jobs[step[0] as Name]
      if (step[1] === 'm') {
        await runMain(job, sandbox)
        if (!job.fails) running.add(job.name)
        continue
      }
      const post = await job.runPost!()
      const warnings = post.log.split('\n').filter(l => l.startsWith('::warning::'))
      expect({ job: job.name, code: post.code, warnings }).toEqual({ job: job.name, code: 0, warnings: [] })
      running.delete(job.name)
      for (const other of running) await keepsItsLogin(jobs[other], sandbox, fails !== 'none')
    }
    const after = readFileSync(sandbox.files.docker, 'utf8')
    expect(after).toBe(BEFORE)
    for (const job of Object.values(jobs)) {
      expect(after).not.toContain(job.key)
      expect(after).not.toContain(b64(`iamapikey:${job.key}`))
    }
    // no lock, claim or hand-over note left next to the config
    expect(readdirSync(dockerDir)).toEqual(['config.json'])
    // what main made for each job (helper directory, isolated config) is gone with its post
    for (const job of Object.values(jobs)) {
      const state = JSON.parse(job.main!.state['registry-login'] ?? '{}') as { credentialHelper?: string; isolatedConfig?: string }
      for (const dir of [state.credentialHelper, state.isolatedConfig]) if (dir) expect(existsSync(dir)).toBe(false)
    }
  },
  60_000
)
