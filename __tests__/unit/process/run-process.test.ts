import { readFileSync } from 'node:fs'
import { DEADLINES, deadlineFor } from '../../../src/net/policies.js'
import { budget, DeadlineError, MAX_OUTPUT_CHARS, runProcess, tighter } from '../../../src/process/run-process.js'

const env = { PATH: process.env.PATH ?? '' }
const limit = (ms: number) => ({ ms, variable: 'REGISTRY_LOGIN_CLIENT_TIMEOUT_MS' })

/** Alive and not a zombie (an orphan may wait to be reaped by a PID 1 that never does). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return false
  }
}

test('a client flooding its output: only the last MAX_OUTPUT_CHARS of each stream are kept, its last words among them', async () => {
  const result = await runProcess(
    'sh',
    ['-c', 'head -c 20000000 /dev/zero | tr "\\0" x; echo; echo last-words; head -c 3000000 /dev/zero | tr "\\0" y >&2; exit 1'],
    { env, limit: limit(60_000), what: 'sh login' }
  )
  expect(result.exitCode).toBe(1)
  expect(result.stdout.length).toBeLessThanOrEqual(MAX_OUTPUT_CHARS)
  expect(result.stdout.endsWith('x\nlast-words\n')).toBe(true)
  expect(result.stderr).toBe('y'.repeat(MAX_OUTPUT_CHARS))
})

test('a deadline raised far beyond 24 days does not stop a quick client at once', async () => {
  const result = await runProcess('sh', ['-c', 'sleep 0.2; echo done'], {
    env,
    limit: deadlineFor('login', { REGISTRY_LOGIN_CLIENT_TIMEOUT_MS: '99999999999' }),
    what: 'sh login'
  })
  expect(result).toEqual({ exitCode: 0, stdout: 'done\n', stderr: '' })
})

describe('deadlineFor', () => {
  test.each([
    ['login', {}, 120_000, 'REGISTRY_LOGIN_CLIENT_TIMEOUT_MS'],
    ['logout', {}, 30_000, 'REGISTRY_LOGIN_LOGOUT_TIMEOUT_MS'],
    ['post', {}, 180_000, 'REGISTRY_LOGIN_POST_TIMEOUT_MS'],
    ['main', {}, 600_000, 'REGISTRY_LOGIN_MAIN_TIMEOUT_MS'],
    ['main', { REGISTRY_LOGIN_MAIN_TIMEOUT_MS: '2500' }, 2_500, 'REGISTRY_LOGIN_MAIN_TIMEOUT_MS'],
    ['main', { REGISTRY_LOGIN_MAIN_TIMEOUT_MS: '0' }, 600_000, 'REGISTRY_LOGIN_MAIN_TIMEOUT_MS'],
    ['login', { REGISTRY_LOGIN_CLIENT_TIMEOUT_MS: '5000' }, 5_000, 'REGISTRY_LOGIN_CLIENT_TIMEOUT_MS'],
    ['logout', { REGISTRY_LOGIN_LOGOUT_TIMEOUT_MS: '250' }, 250, 'REGISTRY_LOGIN_LOGOUT_TIMEOUT_MS'],
    ['post', { REGISTRY_LOGIN_POST_TIMEOUT_MS: '60000' }, 60_000, 'REGISTRY_LOGIN_POST_TIMEOUT_MS'],
    // no deadline at all is never an option: nonsense and 0 keep the default
    ['login', { REGISTRY_LOGIN_CLIENT_TIMEOUT_MS: '0' }, 120_000, 'REGISTRY_LOGIN_CLIENT_TIMEOUT_MS'],
    ['login', { REGISTRY_LOGIN_CLIENT_TIMEOUT_MS: '-5' }, 120_000, 'REGISTRY_LOGIN_CLIENT_TIMEOUT_MS'],
    ['login', { REGISTRY_LOGIN_CLIENT_TIMEOUT_MS: 'soon' }, 120_000, 'REGISTRY_LOGIN_CLIENT_TIMEOUT_MS'],
    // "practically never" is the longest delay a timer can hold, not one that node fires after 1 ms
    ['login', { REGISTRY_LOGIN_CLIENT_TIMEOUT_MS: '99999999999' }, 2 ** 31 - 1, 'REGISTRY_LOGIN_CLIENT_TIMEOUT_MS']
  ] as const)('%s with %j: %d ms', (kind, overrides, ms, variable) => {
    expect(deadlineFor(kind, overrides)).toEqual({ ms, variable })
  })

  test('every deadline has its own variable', () => {
    expect(new Set(Object.values(DEADLINES).map(d => d.variable)).size).toBe(4)
  })
})

describe('budget and tighter', () => {
  test('the budget counts down from its limit and stops at zero', () => {
    let now = 1_000
    const b = budget({ ms: 500, variable: 'REGISTRY_LOGIN_POST_TIMEOUT_MS' }, () => now)
    expect(b.remainingMs()).toBe(500)
    now = 1_300
    expect(b.remainingMs()).toBe(200)
    now = 9_000
    expect(b.remainingMs()).toBe(0)
  })

  test('a process gets the tighter of its own limit and what is left of the budget, named after the one that binds', () => {
    let now = 0
    const b = budget({ ms: 10_000, variable: 'REGISTRY_LOGIN_POST_TIMEOUT_MS' }, () => now)
    const own = { ms: 3_000, variable: 'REGISTRY_LOGIN_LOGOUT_TIMEOUT_MS' }
    expect(tighter(own, b)).toEqual(own)
    now = 8_000
    expect(tighter(own, b)).toEqual({ ms: 2_000, variable: 'REGISTRY_LOGIN_POST_TIMEOUT_MS' })
    expect(tighter(own)).toEqual(own)
  })
})

describe('runProcess', () => {
  test('returns exit code, stdout and stderr; stdin reaches the process', async () => {
    const result = await runProcess('sh', ['-c', 'cat; echo err >&2; exit 3'], {
      env,
      stdin: 'piped-in',
      limit: limit(10_000),
      what: 'sh login'
    })
    expect(result).toEqual({ exitCode: 3, stdout: 'piped-in', stderr: 'err\n' })
  })

  test('a process that cannot start rejects with its spawn error', async () => {
    await expect(runProcess('/nonexistent/client', [], { env, limit: limit(10_000), what: 'x login' })).rejects.toThrow(/ENOENT/)
  })

  test('a hung process and the child it started are killed at the deadline; the error names it and the override', async () => {
    let childPid = 0
    const started = Date.now()
    const error = await runProcess('sh', ['-c', 'sleep 300 & echo $!; wait'], {
      env,
      // long enough for the shell to start and print its child's pid on a loaded machine
      limit: limit(2_000),
      what: 'docker login',
      onStdout: chunk => void (childPid = Number(chunk.toString().trim()))
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DeadlineError)
    expect((error as Error).message).toBe(
      "'docker login' did not finish within 2 s and was stopped, with the processes it started. If it is only slow, raise the environment variable REGISTRY_LOGIN_CLIENT_TIMEOUT_MS (milliseconds)."
    )
    expect(childPid).toBeGreaterThan(0)
    expect(alive(childPid)).toBe(false)
    expect(Date.now() - started).toBeLessThan(10_000)
  })

  test('a group that ignores SIGTERM gets SIGKILL after the grace period', async () => {
    let childPid = 0
    const error = await runProcess('bash', ['-c', "trap '' TERM; sleep 300 & echo $!; wait; wait"], {
      env,
      limit: limit(2_000),
      graceMs: 300,
      what: 'docker logout',
      onStdout: chunk => void (childPid = Number(chunk.toString().trim()))
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DeadlineError)
    expect(childPid).toBeGreaterThan(0)
    // SIGKILL is delivered to the group at once, but a loaded machine may take a moment to end the child.
    for (const started = Date.now(); alive(childPid) && Date.now() - started < 2_000;) await new Promise(r => setTimeout(r, 50))
    expect(alive(childPid)).toBe(false)
  })

  test('a client that exits but leaves a child holding its output pipe still returns (after a short drain)', async () => {
    const started = Date.now()
    const result = await runProcess('sh', ['-c', 'sleep 30 & echo done; exit 0'], { env, limit: limit(20_000), what: 'docker login' })
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toBe('done\n')
    expect(Date.now() - started).toBeLessThan(10_000)
  })
})
