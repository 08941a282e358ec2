/** The cross-process lock on one auth file (`<authfile>.registry-login-lock`), held around main's login and post's undo. */
/*
 * Jobs of one runner user share its auth files, and each job's steps are separate processes: main's login and
 * its record of what it wrote, and post's check of whose entry is there and its logout and restore, must not
 * interleave with another job's. The lock is a file next to the auth file, created with O_EXCL, holding who took
 * it (pid, host, time, a random token). Its holder refreshes its time every few seconds; a lock whose process is
 * gone (same host) or that was not refreshed for a while is stale and taken over. A step waits at most the
 * policy's deadline (net/policies.ts) and then gets a LockTimeout naming the holder.
 *
 * Not re-entrant: a process never takes a lock it holds (that throws), and never waits for one file's lock while
 * holding another's, so no two steps can deadlock.
 */
import { randomBytes } from 'node:crypto'
import os from 'node:os'
import path from 'node:path'
import {
  closeSync,
  constants,
  fstatSync,
  futimesSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync
} from 'node:fs'
import { fileKey } from './file-key.js'
import { ActionError, errorMessage } from '../log/errors.js'
import { safeText } from '../log/escape.js'
import { log } from '../log/log.js'
import { lockPolicy, type LockPolicy } from '../net/policies.js'

const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0
const O_NONBLOCK = constants.O_NONBLOCK ?? 0
/** A lock file is a line of JSON; anything longer is not one this action wrote. */
const MAX_LOCK_BYTES = 4096

/** Who holds a lock, as its file says. */
export interface LockHolder {
  pid: number
  host: string
  /** When it was taken (ISO 8601). */
  time: string
  /** Random: tells this holder's lock from a later one at the same path. */
  token: string
}

/** The lock file of an auth file, next to the file itself however its path is spelled. */
export const lockFileOf = (authFile: string): string => `${fileKey(authFile)}.registry-login-lock`

const describeHolder = (holder: LockHolder): string => `pid ${holder.pid} on ${holder.host}, since ${holder.time}`

/** The deadline passed while another step held the lock. */
export class LockTimeout extends ActionError {
  constructor(
    readonly authFile: string,
    holder: LockHolder | undefined,
    waitedMs: number,
    policy: LockPolicy
  ) {
    const who = holder
      ? `another registry-login step (${safeText(describeHolder(holder), 200)})`
      : `another step (its lock file ${safeText(lockFileOf(authFile))} does not say which)`
    super(
      `The auth file ${safeText(authFile)} stayed locked by ${who} for ${(waitedMs / 1000).toFixed(1)} s, the most this step waits for it.`,
      `A login holds the lock for seconds; a lock whose process is gone, or that is not refreshed for ${policy.staleMs / 1000} s, is taken over. ` +
        `Raise ${policy.variable} to wait longer, or set 'isolated-config: true' so that jobs do not share auth files.`
    )
    this.name = 'LockTimeout'
  }
}

/** A lock this process holds. */
export interface HeldLock {
  readonly file: string
  release(): void
}

/** What a look at an existing lock file found. */
export interface Seen {
  holder?: LockHolder
  mtimeMs: number
  ino: number
}

/** Lock files this process holds. */
const held = new Set<string>()

function isHolder(value: unknown): value is LockHolder {
  const v = value as Partial<LockHolder> | null
  return (
    typeof v === 'object' &&
    v !== null &&
    Number.isSafeInteger(v.pid) &&
    (v.pid as number) > 0 &&
    typeof v.host === 'string' &&
    typeof v.time === 'string' &&
    typeof v.token === 'string'
  )
}

/** The holder a lock file names, if it is one this action wrote (a file being written, or planted, names none). */
function holderIn(fd: number, size: number): LockHolder | undefined {
  if (size > MAX_LOCK_BYTES) return undefined
  try {
    const parsed: unknown = JSON.parse(readFileSync(fd, 'utf8'))
    return isHolder(parsed) ? parsed : undefined
  } catch {
    return undefined
  }
}

/** The lock file as it is now; undefined when there is none. */
function look(file: string): Seen | undefined {
  let fd: number
  try {
    fd = openSync(file, constants.O_RDONLY | O_NONBLOCK | O_NOFOLLOW)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
  try {
    const stat = fstatSync(fd)
    const holder = stat.isFile() ? holderIn(fd, stat.size) : undefined
    return { ...(holder ? { holder } : {}), mtimeMs: stat.mtimeMs, ino: stat.ino }
  } finally {
    closeSync(fd)
  }
}

/** Creates the lock file, or returns undefined when one is there. */
function create(file: string, holder: LockHolder): number | undefined {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 })
  let fd: number
  try {
    fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | O_NOFOLLOW | O_NONBLOCK, 0o600)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return undefined
    throw error
  }
  try {
    writeSync(fd, JSON.stringify(holder))
  } catch (error) {
    closeSync(fd)
    rmSync(file, { force: true })
    throw error
  }
  return fd
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: it runs, as another user
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Why a lock is stale, or undefined while its holder may still be working. */
export function staleReason(seen: Seen, policy: LockPolicy, now: number, host = os.hostname()): string | undefined {
  const holder = seen.holder
  if (holder && holder.host === host && holder.pid !== process.pid && !alive(holder.pid)) return `its process (pid ${holder.pid}) is gone`
  const age = now - seen.mtimeMs
  if (age > policy.staleMs) return `it was not refreshed for ${Math.round(age / 1000)} s`
  return undefined
}

const sameLock = (a: Seen, b: Seen): boolean =>
  a.holder && b.holder ? a.holder.token === b.holder.token : a.ino === b.ino && a.mtimeMs === b.mtimeMs

/**
 * Takes a stale lock away: moved aside first (one atomic step, so two steps taking over the same stale lock
 * cannot both succeed), then checked to be the lock judged stale; a fresh lock another step took in between
 * is put back. Returns whether the path is free now.
 */
function takeOver(file: string, seen: Seen, reason: string): boolean {
  const aside = `${file}.stale-${randomBytes(6).toString('hex')}`
  try {
    renameSync(file, aside)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true // another step took it over first
    throw error
  }
  const moved = look(aside)
  if (moved && !sameLock(moved, seen)) {
    try {
      linkSync(aside, file)
    } catch {
      // yet another step has the path now: the one whose lock was moved is told at its release
    }
    rmSync(aside, { force: true })
    return false
  }
  rmSync(aside, { force: true })
  log.info`Took over the lock ${file} of ${seen.holder ? describeHolder(seen.holder) : 'an unknown step'}: ${reason}.`
  return true
}

const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

export interface LockOptions {
  policy: LockPolicy
  /** The clock (tests). */
  now?: () => number
}

/** The lock policy of the step's environment (net/policies.ts). */
export const lockOptions = (env: NodeJS.ProcessEnv): LockOptions => ({ policy: lockPolicy(env) })

/**
 * Takes the lock on `authFile`, waiting while another step holds it (a stale lock is taken over), at most
 * `policy.waitMs`; then throws LockTimeout. The holder's process refreshes the lock until `release`.
 */
export async function acquireLock(authFile: string, { policy, now = Date.now }: LockOptions): Promise<HeldLock> {
  const file = lockFileOf(authFile)
  if (held.has(file)) throw new Error(`the lock ${file} is already held by this process`)
  const holder: LockHolder = {
    pid: process.pid,
    host: os.hostname(),
    time: new Date(now()).toISOString(),
    token: randomBytes(12).toString('hex')
  }
  const start = now()
  let told = false
  for (;;) {
    const fd = create(file, holder)
    if (fd !== undefined) return hold(file, fd, holder, policy)
    const seen = look(file)
    const reason = seen && staleReason(seen, policy, now(), holder.host)
    // released in between, or stale and taken over: try again at once
    if (!seen || (reason && takeOver(file, seen, reason))) continue
    const waited = now() - start
    if (waited >= policy.waitMs) throw new LockTimeout(authFile, seen.holder, waited, policy)
    if (!told) log.info`Waiting for the lock on ${authFile}, held by ${seen.holder ? describeHolder(seen.holder) : 'another step'}`
    told = true
    await sleep(Math.min(policy.pollMs * (1 + Math.random()), policy.waitMs - waited))
  }
}

/** A lock just created: refreshed every heartbeat (the timer does not keep the process alive) until released. */
function hold(file: string, fd: number, holder: LockHolder, policy: LockPolicy): HeldLock {
  held.add(file)
  const heartbeat = setInterval(() => {
    try {
      const now = new Date()
      futimesSync(fd, now, now)
    } catch {
      // closed at release
    }
  }, policy.heartbeatMs)
  heartbeat.unref()
  let released = false
  return {
    file,
    release() {
      if (released) return
      released = true
      clearInterval(heartbeat)
      held.delete(file)
      closeSync(fd)
      releaseFile(file, holder)
    }
  }
}

/** Removes the lock file if it is still this holder's (one taken over as stale is someone else's now). */
function releaseFile(file: string, holder: LockHolder): void {
  try {
    const seen = look(file)
    if (seen?.holder?.token === holder.token) rmSync(file, { force: true })
    else log.warning`The lock ${file} was taken over by another step while this one held it (it was not refreshed in time).`
  } catch (error) {
    log.warning`Could not remove the lock ${file}: ${errorMessage(error)}`
  }
}

/** Runs `task` holding the lock on `authFile` (see acquireLock); releases it however the task ends. */
export async function withLock<T>(authFile: string, options: LockOptions, task: () => Promise<T> | T): Promise<T> {
  const lock = await acquireLock(authFile, options)
  try {
    return await task()
  } finally {
    lock.release()
  }
}
