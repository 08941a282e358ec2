// Runs the built action the way the GitHub runner does: inputs as INPUT_* with action.yml
// defaults filled in, fresh command files per step (GITHUB_OUTPUT, GITHUB_STATE, ...),
// `node dist/main.js`, then `node dist/post.js` with the saved state as STATE_* variables.
// It also keeps the log the runner would show: ::add-mask:: values replaced by ***.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

export const ACTION_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/** Variables every runner step has (a push to acme/app); tests override what they need. */
export const RUNNER_DEFAULTS = {
  CI: 'true',
  GITHUB_ACTIONS: 'true',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_REPOSITORY: 'acme/app',
  GITHUB_REPOSITORY_OWNER: 'acme',
  GITHUB_REF: 'refs/heads/main',
  GITHUB_RUN_ID: '1001',
  GITHUB_RUN_ATTEMPT: '1',
  RUNNER_OS: 'Linux'
}

/** Parses `name=value` lines and `name<<DELIM ... DELIM` blocks of a runner command file. */
export function parseCommandFile(text) {
  const values = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line)
    if (heredoc) {
      const [, name, delimiter] = heredoc
      const body = []
      for (i++; i < lines.length && lines[i] !== delimiter; i++) body.push(lines[i])
      values[name] = body.join('\n')
    } else if (line.includes('=')) {
      values[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1)
    }
  }
  return values
}

/** Undoes the escaping of workflow command data (%25, %0D, %0A), as the runner does. */
const unescapeCommand = text => text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')

/**
 * How the runner reads a step's output, line by line: `::add-mask::` lines are commands (their values
 * collected, the lines never shown), every other line is a log line, shown with the values masked so far
 * replaced by ***. `lines` are those log lines as the step wrote them, before masking.
 */
export function runnerView(output) {
  const masks = []
  const lines = []
  const shown = []
  for (const line of output.split('\n')) {
    const mask = /^::add-mask::(.*)$/.exec(line)
    if (mask) {
      if (mask[1]) masks.push(unescapeCommand(mask[1]))
      continue
    }
    lines.push(line)
    let out = line
    for (const m of [...masks].sort((a, b) => b.length - a.length)) out = out.split(m).join('***')
    shown.push(out)
  }
  return { masks, lines, log: shown.join('\n') }
}

/** What the runner prints for a step's stdout: masks applied, commands hidden. */
export function runnerLog(stdout) {
  return runnerView(stdout).log
}

function runStep(script, env, stepDir, onSpawn, wrap = []) {
  const files = {}
  for (const name of ['GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_ENV', 'GITHUB_PATH', 'GITHUB_STEP_SUMMARY']) {
    files[name] = path.join(stepDir, name.toLowerCase())
    writeFileSync(files[name], '')
  }
  return new Promise((resolve, reject) => {
    const [command, ...args] = [...wrap, process.execPath, path.join(ACTION_DIR, script)]
    const started = process.hrtime.bigint()
    const child = spawn(command, args, { env: { ...env, ...files }, stdio: ['ignore', 'pipe', 'pipe'] })
    onSpawn?.(child)
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', d => {
      stdout += d
    })
    child.stderr.on('data', d => {
      stderr += d
    })
    child.on('error', reject)
    child.on('close', (code, signal) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6
      resolve({
        code,
        signal,
        stdout,
        stderr,
        log: runnerLog(stdout),
        /** Wall time of the step's process, spawn to exit. */
        ms,
        outputs: parseCommandFile(readFileSync(files.GITHUB_OUTPUT, 'utf8')),
        state: parseCommandFile(readFileSync(files.GITHUB_STATE, 'utf8')),
        jobEnv: parseCommandFile(readFileSync(files.GITHUB_ENV, 'utf8')),
        /** Directories the step added to PATH (GITHUB_PATH), one a line. */
        jobPath: readFileSync(files.GITHUB_PATH, 'utf8').split('\n').filter(Boolean),
        summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
        files
      })
    })
  })
}

/**
 * @param {Record<string, string>} inputs  `with:` values
 * @param {{ env?: Record<string,string>, between?: (main: { jobEnv: Record<string, string>, jobPath: string[], outputs: Record<string, string>, state: Record<string, string> }, laterStep: { env: Record<string, string> }) => Promise<void>, skipPost?: boolean, deferPost?: boolean,
 *   onSpawn?: (step: 'main' | 'post', child: import('node:child_process').ChildProcess) => void, wrap?: (step: 'main' | 'post') => string[] }} [options]
 *   `between` runs as a later step of the job: `laterStep.env` is what such a step has (the job's
 *   environment with main's GITHUB_ENV and GITHUB_PATH applied, no INPUT_*).
 *   `onSpawn` sees each step's node process as it starts (to cancel it as the runner would).
 *   `wrap` puts a command before `node` (the bench measures peak memory with /usr/bin/time).
 *   `deferPost`: return `runPost` to run the post step later (jobs interleaved on one runner).
 */
export async function runAction(inputs, options = {}) {
  const action = parse(readFileSync(path.join(ACTION_DIR, 'action.yml'), 'utf8'))
  const temp = mkdtempSync(path.join(os.tmpdir(), 'registry-login-runner-'))
  const inputEnv = {}
  for (const [name, spec] of Object.entries(action.inputs)) {
    const value = inputs[name] ?? spec.default ?? ''
    inputEnv[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = String(value)
  }
  for (const name of Object.keys(inputs)) {
    if (!(name in action.inputs)) throw new Error(`action.yml has no input '${name}'`)
  }
  const base = { PATH: process.env.PATH, HOME: process.env.HOME, ...RUNNER_DEFAULTS, RUNNER_TEMP: temp, ...options.env, ...inputEnv }
  const main = await runStep(
    action.runs.main,
    base,
    mkdtempSync(path.join(temp, 'main-')),
    child => options.onSpawn?.('main', child),
    options.wrap?.('main')
  )
  // Like the runner: what main wrote to GITHUB_ENV and GITHUB_PATH is in the environment of every later step, post included.
  const jobEnv = { ...main.jobEnv, PATH: [...[...main.jobPath].reverse(), base.PATH].filter(Boolean).join(path.delimiter) }
  const laterEnv = Object.fromEntries(Object.entries({ ...base, ...jobEnv }).filter(([name]) => !name.startsWith('INPUT_')))
  if (options.between) await options.between(main, { env: laterEnv })
  if (options.skipPost) return { main, temp }
  const stateEnv = Object.fromEntries(Object.entries(main.state).map(([k, v]) => [`STATE_${k}`, v]))
  const runPost = () =>
    runStep(
      action.runs.post,
      { ...base, ...jobEnv, ...stateEnv },
      mkdtempSync(path.join(temp, 'post-')),
      child => options.onSpawn?.('post', child),
      options.wrap?.('post')
    )
  if (options.deferPost) return { main, temp, runPost }
  const post = await runPost()
  return { main, post, temp }
}
