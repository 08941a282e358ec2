// Runs the committed dist/main.js and dist/post.js the way the runner does, with the real docker
// client, to show that docker (docker.exe through PATHEXT on Windows) is found and started with the
// password on stdin. With a dummy IBM token the registry must refuse the login, and main's error
// must quote docker's own words; post must then log docker out of the isolated config and remove it.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const [registry, token] = process.argv.slice(2)
if (!registry || !token) throw new Error('usage: bundle-docker.mjs REGISTRY TOKEN')

/** action.yml's input defaults, as the runner fills them in (a flat `inputs:` block of quoted defaults). */
function inputDefaults() {
  const defaults = {}
  let name
  for (const line of readFileSync('action.yml', 'utf8').split(/\r?\n/)) {
    if (/^\S/.test(line) && !line.startsWith('inputs:')) name = undefined
    const input = /^ {2}([a-z-]+):\s*$/.exec(line)
    if (input) name = input[1]
    const value = /^ {4}default: '(.*)'\s*$/.exec(line)
    if (name && value) defaults[name] = value[1].replace(/''/g, "'")
  }
  return defaults
}

/** `name=value` lines and `name<<DELIM` blocks of a runner command file. */
function commandFile(file) {
  const values = {}
  const lines = readFileSync(file, 'utf8').split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const block = /^([^=<]+)<<(.+)$/.exec(lines[i])
    if (block) {
      const body = []
      for (i++; i < lines.length && lines[i] !== block[2]; i++) body.push(lines[i])
      values[block[1]] = body.join('\n')
    } else if (lines[i].includes('=')) values[lines[i].slice(0, lines[i].indexOf('='))] = lines[i].slice(lines[i].indexOf('=') + 1)
  }
  return values
}

const temp = mkdtempSync(path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'bundle-docker-'))
const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('INPUT_') && !k.startsWith('STATE_')))
const inputs = { ...inputDefaults(), provider: 'ibm', registry, token, clients: 'docker', 'isolated-config': 'true' }
for (const [name, value] of Object.entries(inputs)) base[`INPUT_${name.toUpperCase()}`] = value
base.RUNNER_TEMP = temp

function step(script, env) {
  const files = {}
  for (const name of ['GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_ENV', 'GITHUB_STEP_SUMMARY']) {
    files[name] = path.join(mkdtempSync(path.join(temp, 'step-')), name.toLowerCase())
    writeFileSync(files[name], '')
  }
  const run = spawnSync(process.execPath, [script], { env: { ...env, ...files }, encoding: 'utf8', timeout: 120_000 })
  console.log(`--- ${script} exited with ${run.status}\n${run.stdout}${run.stderr}`)
  return { status: run.status, stdout: run.stdout, state: commandFile(files.GITHUB_STATE), jobEnv: commandFile(files.GITHUB_ENV) }
}

const failures = []
const main = step('dist/main.js', base)
if (main.stdout.includes('is not on PATH')) failures.push('main did not find docker on PATH')
if (main.status === 0) failures.push('a dummy token was accepted: main should have failed')
if (!/'docker login' exited with code \d+: .*(unauthorized|denied|401)/i.test(main.stdout)) failures.push("main's error does not quote docker's refusal")
// the runner hides ::add-mask:: lines and then replaces the masked values everywhere else
if (main.stdout.split(/\r?\n/).some(line => !line.startsWith('::add-mask::') && line.includes(token))) failures.push('the token reached the log unmasked')
// isolated-config exports DOCKER_CONFIG=<per-job dir>/docker before any login
const dir = main.jobEnv.DOCKER_CONFIG ? path.dirname(main.jobEnv.DOCKER_CONFIG) : undefined

const stateEnv = Object.fromEntries(Object.entries(main.state).map(([k, v]) => [`STATE_${k}`, v]))
const post = step('dist/post.js', { ...base, ...main.jobEnv, ...stateEnv })
if (post.status !== 0) failures.push('post failed')
if (!post.stdout.includes(`docker: logged out of ${registry}`)) failures.push('post did not run docker logout')
if (!dir) failures.push('main exported no DOCKER_CONFIG for the isolated config')
else if (existsSync(dir)) failures.push(`post left ${dir}`)

if (failures.length) {
  for (const failure of failures) console.log(`::error::${failure}`)
  process.exit(1)
}
console.log('ok: docker found, started, refused by the registry with the dummy token; post logged out and removed the isolated config')
