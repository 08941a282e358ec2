import { retry, type RetryPolicy } from '../../../src/net/retry.js'
import { ActionError } from '../../../src/log/errors.js'
import { captureStdout, type StdoutCapture } from '../../helpers/stdout.js'

class Transient extends Error {}
class Permanent extends Error {}

let stdout: StdoutCapture
const realRandom = Math.random
beforeEach(() => {
  stdout = captureStdout()
})
afterEach(() => {
  stdout.restore()
  Math.random = realRandom
})

function policy(overrides: Partial<RetryPolicy> = {}): RetryPolicy & { sleeps: number[] } {
  const sleeps: number[] = []
  return {
    attempts: 4,
    baseDelayMs: 100,
    maxDelayMs: 300,
    shouldRetry: error => error instanceof Transient,
    label: 'Thing',
    sleep: async ms => void sleeps.push(ms),
    sleeps,
    ...overrides
  }
}

/** A function that fails with the given errors, in order, then returns 'ok'. */
function failing(...errors: Error[]): { fn: () => Promise<string>; calls: () => number } {
  let calls = 0
  return {
    fn: async () => {
      const error = errors[calls++]
      if (error) throw error
      return 'ok'
    },
    calls: () => calls
  }
}

test('the first success is returned without sleeping', async () => {
  const p = policy()
  const f = failing()
  expect(await retry(f.fn, p)).toBe('ok')
  expect(f.calls()).toBe(1)
  expect(p.sleeps).toEqual([])
})

test('transient errors are retried until success', async () => {
  const p = policy()
  const f = failing(new Transient('a'), new Transient('b'))
  expect(await retry(f.fn, p)).toBe('ok')
  expect(f.calls()).toBe(3)
  expect(p.sleeps).toHaveLength(2)
})

test('a permanent error is thrown at once', async () => {
  const p = policy()
  const permanent = new Permanent('no')
  const f = failing(new Transient('a'), permanent)
  await expect(retry(f.fn, p)).rejects.toBe(permanent)
  expect(f.calls()).toBe(2)
  expect(p.sleeps).toHaveLength(1)
})

test('gives up after `attempts` calls, with the last error', async () => {
  const p = policy({ attempts: 3 })
  const last = new Transient('third')
  const f = failing(new Transient('first'), new Transient('second'), last, new Transient('never'))
  await expect(retry(f.fn, p)).rejects.toBe(last)
  expect(f.calls()).toBe(3)
  expect(p.sleeps).toHaveLength(2)
})

test('attempts: 1 means no retry at all', async () => {
  const p = policy({ attempts: 1 })
  const f = failing(new Transient('once'))
  await expect(retry(f.fn, p)).rejects.toThrow('once')
  expect(f.calls()).toBe(1)
})

test('backoff doubles from the base delay and stops at the maximum (jitter at its top)', async () => {
  Math.random = () => 1
  const p = policy({ attempts: 5 })
  await expect(retry(failing(...Array.from({ length: 5 }, () => new Transient('x'))).fn, p)).rejects.toThrow('x')
  expect(p.sleeps).toEqual([100, 200, 300, 300])
})

test('full jitter: the delay is a random share of the backoff', async () => {
  Math.random = () => 0.25
  const p = policy({ attempts: 3 })
  await retry(failing(new Transient('x'), new Transient('y')).fn, p)
  expect(p.sleeps).toEqual([25, 50])
})

test('a server-given delay replaces the backoff, capped at the maximum', async () => {
  Math.random = () => 1
  const hints = [250, 10_000, undefined]
  let n = 0
  const p = policy({ attempts: 4, delayHint: () => hints[n++] })
  await retry(failing(new Transient('a'), new Transient('b'), new Transient('c')).fn, p)
  expect(p.sleeps).toEqual([250, 300, 300])
})

test('each retry is logged with the label, the attempt and the reason', async () => {
  Math.random = () => 0.5
  const p = policy({ attempts: 3 })
  await retry(failing(new Transient('flaky network')).fn, p)
  expect(stdout.lines()).toEqual(['Thing: attempt 1 of 3 failed (flaky network); retrying in 50 ms'])
})

test('without an injected sleep it really waits', async () => {
  const started = Date.now()
  const { sleep: _unused, ...rest } = policy({ attempts: 2, baseDelayMs: 40, maxDelayMs: 40, delayHint: () => 40 })
  await retry(failing(new Transient('x')).fn, rest)
  expect(Date.now() - started).toBeGreaterThanOrEqual(35)
})

test('a delay hint knows the attempt it follows, and has its own cap when given (#20)', async () => {
  const seen: number[] = []
  const p = policy({
    attempts: 4,
    delayHint: (_error, attempt) => {
      seen.push(attempt)
      return 1_000 * attempt
    },
    maxHintMs: 2_500
  })
  await retry(failing(new Transient('a'), new Transient('b'), new Transient('c')).fn, p)
  expect(seen).toEqual([1, 2, 3])
  expect(p.sleeps).toEqual([1_000, 2_000, 2_500])
})

test('a wait that would end past the deadline is not started: one error with the attempt, the wait and the variable (#20)', async () => {
  let left = 5_000
  const p = policy({
    attempts: 4,
    delayHint: () => 1_000,
    maxHintMs: 10_000,
    deadline: { remainingMs: () => left, variable: 'REGISTRY_LOGIN_MAIN_TIMEOUT_MS' }
  })
  const f = failing(new Transient('busy'), new Transient('still busy'), new Transient('never'))
  const pending = retry(f.fn, {
    ...p,
    sleep: async ms => {
      p.sleeps.push(ms)
      left = 900
    }
  })
  const error = await pending.catch((e: unknown) => e)
  expect(f.calls()).toBe(2)
  expect(p.sleeps).toEqual([1_000])
  expect(error).toBeInstanceOf(ActionError)
  expect((error as ActionError).message).toBe(
    "Thing: attempt 2 of 4 failed (still busy), and the next one is not made: its wait of 1000 ms would end past the step's deadline (900 ms left). If the registry needs longer, raise the environment variable REGISTRY_LOGIN_MAIN_TIMEOUT_MS (milliseconds)."
  )
  expect(stdout.lines()).toEqual(['Thing: attempt 1 of 4 failed (busy); retrying in 1000 ms'])
})

test('a permanent error is thrown as it is, deadline or not', async () => {
  const permanent = new Permanent('no')
  const p = policy({ deadline: { remainingMs: () => 0, variable: 'X' } })
  await expect(retry(failing(permanent).fn, p)).rejects.toBe(permanent)
})
