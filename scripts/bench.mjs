// `npm run bench`: the figures of issue #11, in one run on the local cloud. The floor is what no
// login step can beat: node's own start (`node -e ''`) plus the client's bare login against the same
// registry. Then the built dist/ runs the way the runner runs it (harness/run-action.js) for a static
// login, a token-exchange login, and 1 and 4 regions x 3 clients. Medians of BENCH_RUNS runs (15),
// the scenarios taking turns so that a busy machine slows them alike. Timed runs carry no
// instrumentation; peak memory comes from separate runs (/usr/bin/time, and a preload that reads the
// action's own node process).
// `--size-only` prints the bundle size alone; `--markdown` adds the README table.
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import https from 'node:https'
import path from 'node:path'
import { BUDGET_BYTES, DIST, distSize } from './dist-size.mjs'

const kb = n => `${(n / 1024).toFixed(1)} KB`
const size = distSize()
console.log(`bundle: dist/ ${kb(size.bytes)} (${kb(size.gzipped)} gzipped), budget ${kb(BUDGET_BYTES)}, target 150 KB`)
if (process.argv.includes('--size-only')) process.exit(0)

const TIME = '/usr/bin/time'
if (!existsSync(TIME)) {
  console.log('installing GNU time (apt-get install time) to measure peak memory')
  try {
    execFileSync('apt-get', ['install', '-y', '-qq', 'time'], { stdio: 'ignore' })
  } catch {
    console.log('could not install it: peak memory is not measured')
  }
}
const measureMemory = existsSync(TIME)

const { startLocalCloud } = await import('../harness/local-cloud.js')
const { runAction } = await import('../harness/run-action.js')
const { clientSandbox } = await import('../harness/client-env.js')

const RUNS = Number(process.env.BENCH_RUNS || 15)
const MEMORY_RUNS = Math.min(RUNS, 5)
const REGION = 'us'
const REGIONS = 'us,uk,de,au'
const CLIENTS = ['docker', 'podman', 'skopeo']
const HOST = 'us.icr.io'

/** Runs a command; wall ms, and in memory runs peak RSS in MiB (through /usr/bin/time, when there is one). */
function timed(command, args, { env, stdin, exitCode = 0 } = {}) {
  const memFile = path.join(mkdtempSync(path.join(tmpdir(), 'bench-')), 'mem')
  const argv = memoryRun && measureMemory ? [TIME, '-f', '%M', '-o', memFile, command, ...args] : [command, ...args]
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint()
    const child = spawn(argv[0], argv.slice(1), { env, stdio: ['pipe', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', d => (stderr += d))
    child.on('error', reject)
    child.on('close', code => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6
      if (code !== exitCode) return reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr}`))
      const mib = readMemory(memFile)
      rmSync(path.dirname(memFile), { recursive: true, force: true })
      resolve({ ms, mib })
    })
    child.stdin.end(stdin ?? '')
  })
}

function readMemory(file) {
  if (!memoryRun || !measureMemory) return undefined
  const kib = Number(readFileSync(file, 'utf8').trim().split('\n').pop())
  return kib / 1024
}

/** A bare client's login and logout command lines into a fresh auth file of its own. */
function bareCommands(client, username, host) {
  const sandbox = clientSandbox()
  const args =
    client === 'docker'
      ? {
          login: ['--config', sandbox.env.DOCKER_CONFIG, 'login', '--username', username, '--password-stdin', host],
          logout: ['--config', sandbox.env.DOCKER_CONFIG, 'logout', host]
        }
      : {
          login: ['login', '--authfile', sandbox.files.containers, '--username', username, '--password-stdin', host],
          logout: ['logout', '--authfile', sandbox.files.containers, host]
        }
  return { sandbox, ...args }
}

/** The bare client login and logout a step cannot beat, into a fresh auth file. */
async function bareLogin(client, username, password, env, host = HOST) {
  const { sandbox, login: loginArgs, logout: logoutArgs } = bareCommands(client, username, host)
  const e = { ...env, ...sandbox.env }
  const login = await timed(client, loginArgs, { env: e, stdin: password })
  const logout = await timed(client, logoutArgs, { env: e })
  rmSync(sandbox.dir, { recursive: true, force: true })
  return { login, logout }
}

/**
 * Every bare login of `hosts` x CLIENTS at the same time, each into its own auth file: the most that
 * running logins concurrently can give on this machine (no step can order them better). Wall ms of the
 * logins alone (the auth files are made before and removed after).
 */
async function bareLoginsAtOnce(hosts, username, password, env) {
  const runs = hosts.flatMap(host => CLIENTS.map(client => ({ client, ...bareCommands(client, username, host) })))
  const started = process.hrtime.bigint()
  await Promise.all(runs.map(({ client, sandbox, login }) => timed(client, login, { env: { ...env, ...sandbox.env }, stdin: password })))
  const ms = Number(process.hrtime.bigint() - started) / 1e6
  for (const { sandbox } of runs) rmSync(sandbox.dir, { recursive: true, force: true })
  return { ms }
}

const cloud = await startLocalCloud({ clouds: ['ibm'] })
// Timed runs fill `samples`; memory runs (`memoryRun`) fill `memory`.
let memoryRun = false
const samples = {}
const memory = {}
const add = (name, value) => ((memoryRun ? memory : samples)[name] ??= []).push(value)
try {
  const apiKey = cloud.emulators.ibm.createApiKey()
  const env = { ...process.env, ...cloud.env }
  // node's start depends on its environment (NODE_EXTRA_CA_CERTS of a whole CA bundle costs tens of ms):
  // the floor's node runs with what the action's steps get.
  const stepEnv = { PATH: process.env.PATH, HOME: process.env.HOME, ...cloud.env }
  const memDir = mkdtempSync(path.join(tmpdir(), 'bench-mem-'))
  const ca = readFileSync(cloud.pki.ca)
  const memWrap = step => (measureMemory ? [TIME, '-f', '%M', '-o', path.join(memDir, step)] : [])

  async function action(name, inputs) {
    const sandbox = clientSandbox()
    const rssEnv = memoryRun
      ? { NODE_OPTIONS: `--require ${path.join(path.dirname(new URL(import.meta.url).pathname), 'bench-rss.cjs')}`, BENCH_RSS_DIR: memDir }
      : {}
    const { main, post } = await runAction(
      { provider: 'ibm', 'api-key': apiKey, ...inputs },
      { env: { ...cloud.env, ...sandbox.env, ...rssEnv }, wrap: memoryRun ? memWrap : undefined }
    )
    if (main.code !== 0 || post.code !== 0) throw new Error(`${name} failed:\n${main.log}\n${main.stderr}\n${post.log}`)
    rmSync(sandbox.dir, { recursive: true, force: true })
    const nodeMib = step => (memoryRun ? Number(readFileSync(path.join(memDir, `${step}.js`), 'utf8')) / 1024 : undefined)
    add(`${name} main`, { ms: main.ms, mib: readMemory(path.join(memDir, 'main')), nodeMib: nodeMib('main') })
    add(`${name} post`, { ms: post.ms, mib: readMemory(path.join(memDir, 'post')), nodeMib: nodeMib('post') })
  }

  const scenarios = [
    async () => add("node -e ''", await timed(process.execPath, ['-e', ''], { env: stepEnv })),
    // Loading the bundle and nothing else: main with no inputs stops at the missing 'provider'.
    async () => add('start-up', await timed(process.execPath, [path.join(DIST, 'main.js')], { env: stepEnv, exitCode: 1 })),
    ...CLIENTS.map(client => async () => {
      const { login, logout } = await bareLogin(client, 'iamapikey', apiKey, env)
      add(`bare ${client} login`, login)
      add(`bare ${client} logout`, logout)
    }),
    async () => {
      // The IAM round trip the exchange adds: one API key grant on a fresh connection, as the action makes it.
      const started = process.hrtime.bigint()
      const status = await new Promise((resolve, reject) => {
        const body = `grant_type=urn%3Aibm%3Aparams%3Aoauth%3Agrant-type%3Aapikey&apikey=${encodeURIComponent(apiKey)}`
        const req = https.request(
          'https://iam.cloud.ibm.com/identity/token',
          {
            method: 'POST',
            agent: false,
            ca,
            headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' }
          },
          res => {
            res.resume()
            res.on('end', () => resolve(res.statusCode))
          }
        )
        req.on('error', reject)
        req.end(body)
      })
      if (status !== 200) throw new Error(`IAM answered ${status}`)
      add('IAM round trip', { ms: Number(process.hrtime.bigint() - started) / 1e6 })
    },
    // The exchange as a step pays it: a bare node process that makes the one IAM call and exits.
    async () =>
      add(
        'node + IAM call',
        await timed(process.execPath, [path.join(path.dirname(new URL(import.meta.url).pathname), 'bench-iam-call.cjs')], {
          env: stepEnv,
          stdin: apiKey
        })
      ),
    async () => add('bare logins at once, 1 region', await bareLoginsAtOnce([HOST], 'iamapikey', apiKey, env)),
    async () =>
      add(
        'bare logins at once, 4 regions',
        await bareLoginsAtOnce(
          REGIONS.split(',').map(r => `${r}.icr.io`),
          'iamapikey',
          apiKey,
          env
        )
      ),
    () => action('static', { region: REGION, exchange: 'false', clients: 'docker' }),
    () => action('exchange', { region: REGION, clients: 'docker' }),
    () => action('1 region x 3 clients', { region: REGION, clients: CLIENTS.join(',') }),
    () => action('4 regions x 3 clients', { region: REGIONS, clients: CLIENTS.join(',') })
  ]
  // One warm-up round (disk caches, the clients' first start), then the measured ones.
  for (const scenario of scenarios) await scenario()
  for (const name of Object.keys(samples)) samples[name] = []
  for (let i = 0; i < RUNS; i++) for (const scenario of scenarios) await scenario()
  memoryRun = true
  for (let i = 0; i < MEMORY_RUNS; i++) for (const scenario of scenarios) await scenario()
} finally {
  await cloud.stop()
}

const median = xs => {
  const sorted = [...xs].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
const ms = name => median(samples[name].map(s => s.ms))
const mib = name => (measureMemory && memory[name]?.[0]?.mib !== undefined ? median(memory[name].map(s => s.mib)) : undefined)

const node = ms("node -e ''")
const floor = { login: node + ms('bare docker login'), logout: node + ms('bare docker logout') }
const floor3 = {
  login: node + CLIENTS.reduce((sum, c) => sum + ms(`bare ${c} login`), 0),
  logout: node + CLIENTS.reduce((sum, c) => sum + ms(`bare ${c} logout`), 0)
}
const iam = ms('IAM round trip')
const iamFresh = ms('node + IAM call') - node
const atOnce = ms('bare logins at once, 4 regions') / ms('bare logins at once, 1 region')

const nodeMib = name => median(memory[name].map(s => s.nodeMib))
/** The action's node process alone, then the largest process of the step (a client may be larger). */
const stepMem = name => `${fmtMem(nodeMib(name))} (largest process ${fmtMem(mib(name))})`
const mainRow = (label, name, base, note = '') => [label, ms(name), base, stepMem(name), note]

const rows = [
  [
    "floor: node -e '' + bare docker login",
    floor.login,
    undefined,
    `${fmtMem(mib("node -e ''"))} / docker ${fmtMem(mib('bare docker login'))}`,
    ''
  ],
  ['floor for post: node + bare docker logout', floor.logout, undefined, `docker ${fmtMem(mib('bare docker logout'))}`, ''],
  [
    'floor for 3 clients: node + bare docker, podman, skopeo logins',
    floor3.login,
    undefined,
    `podman ${fmtMem(mib('bare podman login'))}, skopeo ${fmtMem(mib('bare skopeo login'))}`,
    ''
  ],
  ['IAM round trip (fresh TLS connection, in a warm process)', iam, undefined, '', ''],
  [
    'floor for an exchange: node + one IAM call (node:https, fresh process)',
    ms('node + IAM call'),
    node,
    '',
    `the call costs a fresh process ${iamFresh.toFixed(1)} ms`
  ],
  ['bare logins only, 1 region x 3 clients, all at once (own auth files)', ms('bare logins at once, 1 region'), undefined, '', ''],
  [
    'bare logins only, 4 regions x 3 clients, all at once',
    ms('bare logins at once, 4 regions'),
    undefined,
    '',
    `${atOnce.toFixed(2)} x one region: the most concurrency can give on this machine`
  ],
  ['start-up: node dist/main.js, no inputs (loads the bundle, fails)', ms('start-up'), node, fmtMem(mib('start-up')), ''],
  mainRow(
    'static login (IBM api-key, exchange: false), main',
    'static main',
    floor.login,
    target(ms('static main') <= floor.login + 15, 'floor + 15 ms')
  ),
  mainRow('static login, post', 'static post', floor.logout, target(ms('static post') <= floor.logout + 15, 'floor + 15 ms')),
  mainRow(
    'token exchange (IBM api-key -> IAM), main',
    'exchange main',
    floor.login,
    `${target(ms('exchange main') <= floor.login + iamFresh + 15, "floor + the IAM call's cost to a fresh process + 15 ms")}; ${target(ms('exchange main') <= floor.login + iam + 15, 'floor + warm round trip + 15 ms')}`
  ),
  mainRow('token exchange, post', 'exchange post', floor.logout, target(ms('exchange post') <= floor.logout + 15, 'floor + 15 ms')),
  mainRow('1 region x 3 clients (docker, podman, skopeo), main', '1 region x 3 clients main', floor3.login),
  mainRow('1 region x 3 clients, post', '1 region x 3 clients post', floor3.logout),
  mainRow(
    '4 regions x 3 clients, main',
    '4 regions x 3 clients main',
    floor3.login,
    target(
      ms('4 regions x 3 clients main') <= 1.3 * ms('1 region x 3 clients main'),
      `1.3 x one region (${(ms('4 regions x 3 clients main') / ms('1 region x 3 clients main')).toFixed(2)} x)`
    )
  ),
  mainRow('4 regions x 3 clients, post', '4 regions x 3 clients post', floor3.logout)
]
const steps = Object.keys(samples).filter(n => / (main|post)$/.test(n))
const peak = Math.max(...steps.map(nodeMib))
const peakAny = measureMemory ? Math.max(...steps.map(n => mib(n) ?? 0)) : undefined

function fmtMem(value) {
  return value === undefined ? '–' : `${value.toFixed(0)} MiB`
}
function target(met, what) {
  return `${what}: ${met ? 'met' : 'NOT met'}`
}

const machine = `${cpus().length} CPUs (nproc ${execFileSync('nproc').toString().trim()}), ${cpus()[0]?.model ?? 'unknown CPU'}, node ${process.version}, ${new Date().toISOString().slice(0, 10)}`
console.log(`machine: ${machine}; medians of ${RUNS} runs`)
for (const [name, value, base, mem, note] of rows) {
  const ratio = base ? ` = ${(value / base).toFixed(2)} x floor (+${(value - base).toFixed(1)} ms)` : ''
  console.log(`${name.padEnd(66)} ${value.toFixed(1).padStart(7)} ms${ratio}${mem ? `, peak ${mem}` : ''}${note ? `  [${note}]` : ''}`)
}
console.log(
  `peak memory of the action's node process, any step: ${peak.toFixed(0)} MiB [<= 50 MiB: ${peak <= 50 ? 'met' : 'NOT met'}]; largest process of any step, clients included: ${fmtMem(peakAny)}`
)
console.log(`bundle: ${kb(size.bytes)} [<= 150 KB: ${size.bytes <= 150 * 1024 ? 'met' : 'NOT met'}]`)

if (process.argv.includes('--markdown')) {
  console.log(`\nMeasured on ${machine}, medians of ${RUNS} runs (\`npm run bench\`):\n`)
  console.log('| step | median | vs floor | peak memory | target |')
  console.log('|---|---|---|---|---|')
  for (const [name, value, base, mem, note] of rows) {
    console.log(
      `| ${name} | ${value.toFixed(1)} ms | ${base ? `${(value / base).toFixed(2)} x (+${(value - base).toFixed(1)} ms)` : ''} | ${mem} | ${note} |`
    )
  }
  console.log(
    `| peak memory, the action's node process (any step) | | | ${peak.toFixed(0)} MiB | ≤ 50 MiB: ${peak <= 50 ? 'met' : 'NOT met'} |`
  )
  console.log(
    `| dist/ (main + post) | ${kb(size.bytes)} (${kb(size.gzipped)} gzipped) | | | ≤ 150 KB: ${size.bytes <= 150 * 1024 ? 'met' : 'NOT met'} |`
  )
}
