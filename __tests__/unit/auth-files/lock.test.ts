// The cross-process lock on a shared auth file (#21): taken and released, waited for, taken over when stale
// (its process gone, or not refreshed), and a deadline that ends the wait with an error naming the holder.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { acquireLock, lockFileOf, LockTimeout, staleReason, withLock, type LockHolder } from '../../../src/auth-files/lock.js'
import { LOCK_STALE_MS, lockPolicy, type LockPolicy } from '../../../src/net/policies.js'
import { captureStdout, type StdoutCapture } from '../../helpers/stdout.js'

let stdout: StdoutCapture
beforeEach(() => (stdout = captureStdout()))
afterEach(() => stdout.restore())

const authFile = (): string => path.join(mkdtempSync(path.join(os.tmpdir(), 'lock-')), 'config.json')
const policy = (waitMs: number): LockPolicy => ({ ...lockPolicy({}), waitMs, pollMs: 10 })
const holder = (over: Partial<LockHolder> = {}): LockHolder => ({
  pid: process.pid,
  host: os.hostname(),
  time: '2026-01-01T00:00:00.000Z',
  token: 'someone-else',
  ...over
})
const plant = (file: string, h: LockHolder): void => writeFileSync(lockFileOf(file), JSON.stringify(h))
/** A pid that ran and is gone. */
const deadPid = (): number => spawnSync(process.execPath, ['-e', '0']).pid!

test('taken: a 0600 file next to the auth file naming this process; released: gone', async () => {
  const file = authFile()
  const lock = await acquireLock(file, { policy: policy(1_000) })
  expect(lock.file).toBe(`${file}.registry-login-lock`)
  const held = JSON.parse(readFileSync(lock.file, 'utf8')) as LockHolder
  expect(held).toEqual({ pid: process.pid, host: os.hostname(), time: expect.any(String), token: expect.stringMatching(/^[0-9a-f]{24}$/) })
  lock.release()
  expect(readdirSync(path.dirname(file))).toEqual([])
})

test('not re-entrant: this process taking a lock it holds is an error, not a wait', async () => {
  const file = authFile()
  const lock = await acquireLock(file, { policy: policy(1_000) })
  await expect(acquireLock(file, { policy: policy(1_000) })).rejects.toThrow('is already held by this process')
  lock.release()
})

test('withLock releases the lock however the task ends', async () => {
  const file = authFile()
  await expect(withLock(file, { policy: policy(1_000) }, () => Promise.reject(new Error('login failed')))).rejects.toThrow('login failed')
  expect(existsSync(lockFileOf(file))).toBe(false)
  expect(await withLock(file, { policy: policy(1_000) }, () => 42)).toBe(42)
})

test('a live holder: the step waits, then, at its deadline, fails naming the holder and the variable that raises the wait', async () => {
  const file = authFile()
  plant(file, holder({ time: '2026-01-01T10:00:00.000Z' }))
  const started = Date.now()
  const error = await acquireLock(file, { policy: policy(300) }).catch((e: unknown) => e)
  expect(Date.now() - started).toBeGreaterThanOrEqual(290)
  expect(Date.now() - started).toBeLessThan(3_000)
  expect(error).toBeInstanceOf(LockTimeout)
  expect((error as Error).message).toMatch(
    new RegExp(
      `^The auth file ${file} stayed locked by another registry-login step \\(pid ${process.pid} on ${os.hostname()}, since 2026-01-01T10:00:00\\.000Z\\) for 0\\.[3-9] s, the most this step waits for it\\. ` +
        `A login holds the lock for seconds; a lock whose process is gone, or that is not refreshed for 10 s, is taken over\\. ` +
        `Raise REGISTRY_LOGIN_LOCK_TIMEOUT_MS to wait longer, or set 'isolated-config: true' so that jobs do not share auth files\\.$`
    )
  )
  expect(stdout.text()).toContain(`Waiting for the lock on ${file}, held by pid ${process.pid}`)
  // the holder's lock is still there
  expect((JSON.parse(readFileSync(lockFileOf(file), 'utf8')) as LockHolder).token).toBe('someone-else')
})

test('the wait ends as soon as the holder releases', async () => {
  const file = authFile()
  const first = await acquireLock(file, { policy: policy(5_000) })
  // a second process's view: the same file, another holder set; here: release after 200 ms and let a waiter in
  const { default: fs } = await import('node:fs')
  const planted = readFileSync(first.file, 'utf8')
  first.release()
  fs.writeFileSync(lockFileOf(file), planted.replace(/"token":"[0-9a-f]+"/, '"token":"other"'))
  setTimeout(() => fs.rmSync(lockFileOf(file)), 200)
  const started = Date.now()
  const lock = await acquireLock(file, { policy: policy(5_000) })
  expect(Date.now() - started).toBeGreaterThanOrEqual(150)
  expect(Date.now() - started).toBeLessThan(2_000)
  lock.release()
})

describe('a stale lock is taken over at once', () => {
  test('its process is gone (same host)', async () => {
    const file = authFile()
    const pid = deadPid()
    plant(file, holder({ pid }))
    const lock = await acquireLock(file, { policy: policy(60_000) })
    expect(stdout.text()).toContain(`Took over the lock ${lockFileOf(file)} of pid ${pid} on ${os.hostname()}`)
    expect(stdout.text()).toContain(`its process (pid ${pid}) is gone`)
    lock.release()
    expect(readdirSync(path.dirname(file))).toEqual([])
  })

  test('not refreshed for longer than the stale bound (a holder on another host, or a file that names none)', async () => {
    for (const content of [JSON.stringify(holder({ host: 'another-runner-host' })), 'not a lock of ours']) {
      const file = authFile()
      writeFileSync(lockFileOf(file), content)
      const old = new Date(Date.now() - LOCK_STALE_MS - 5_000)
      utimesSync(lockFileOf(file), old, old)
      const lock = await acquireLock(file, { policy: policy(60_000) })
      expect(stdout.text()).toMatch(/it was not refreshed for 1\d s/)
      lock.release()
    }
  })

  test('a holder on another host within the bound is not stale; its pid is not looked up here', () => {
    const seen = { holder: holder({ host: 'another-runner-host', pid: deadPid() }), mtimeMs: Date.now(), ino: 1 }
    expect(staleReason(seen, policy(1), Date.now(), os.hostname())).toBeUndefined()
    expect(staleReason(seen, policy(1), Date.now() + LOCK_STALE_MS + 1, os.hostname())).toMatch(/not refreshed/)
  })
})

test('the holder refreshes its lock, so a long login is not taken for stale', async () => {
  const file = authFile()
  const lock = await acquireLock(file, { policy: { ...policy(1_000), heartbeatMs: 20 } })
  const old = new Date(Date.now() - LOCK_STALE_MS - 5_000)
  utimesSync(lock.file, old, old)
  await new Promise(resolve => setTimeout(resolve, 100))
  const { mtimeMs } = (await import('node:fs')).statSync(lock.file)
  expect(Date.now() - mtimeMs).toBeLessThan(1_000)
  lock.release()
})

test('a lock taken over from this step while it held it: release leaves the new holder its lock, with a warning', async () => {
  const file = authFile()
  const lock = await acquireLock(file, { policy: policy(1_000) })
  plant(file, holder({ token: 'the-new-holder' }))
  lock.release()
  expect(stdout.text()).toContain(`::warning::The lock ${lockFileOf(file)} was taken over by another step while this one held it`)
  expect((JSON.parse(readFileSync(lockFileOf(file), 'utf8')) as LockHolder).token).toBe('the-new-holder')
})

test('the deadline: REGISTRY_LOGIN_LOCK_TIMEOUT_MS, 60 s by default; 0 and nonsense keep the default', () => {
  expect(lockPolicy({}).waitMs).toBe(60_000)
  expect(lockPolicy({ REGISTRY_LOGIN_LOCK_TIMEOUT_MS: '1500' }).waitMs).toBe(1_500)
  expect(lockPolicy({ REGISTRY_LOGIN_LOCK_TIMEOUT_MS: '0' }).waitMs).toBe(60_000)
  expect(lockPolicy({ REGISTRY_LOGIN_LOCK_TIMEOUT_MS: 'soon' }).waitMs).toBe(60_000)
})
