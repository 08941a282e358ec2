// Runs a registry client's process under its deadline (the numbers: net/policies.ts), stopping its whole process group at it; post's shared budget.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { ActionError } from '../log/errors.js'
import { spawnFault } from '../runner/faults.js'
import { DRAIN_MS, KILL_GRACE_MS, KILL_POLL_MS, KILL_WAIT_MS, type Limit } from '../net/policies.js'

export type Purpose = 'login' | 'logout'

/** A duration for messages: "250 ms", "1.5 s". */
export const seconds = (ms: number): string => (ms < 1_000 ? `${Math.round(ms)} ms` : `${Number((ms / 1000).toFixed(1))} s`)

/** A client process ran past its deadline (its own, or what was left of post's) and was stopped. */
export class DeadlineError extends ActionError {
  constructor(
    readonly what: string,
    readonly limit: Limit
  ) {
    super(
      `'${what}' did not finish within ${seconds(limit.ms)} and was stopped, with the processes it started.`,
      `If it is only slow, raise the environment variable ${limit.variable} (milliseconds).`
    )
    this.name = 'DeadlineError'
  }
}

/** A point in time every step of post shares: each wait gets what is left of it. */
export interface Budget {
  readonly limit: Limit
  remainingMs(): number
}

export function budget(limit: Limit, now: () => number = Date.now): Budget {
  const end = now() + limit.ms
  return { limit, remainingMs: () => Math.max(0, end - now()) }
}

/** The tighter of a process's own limit and what is left of a budget, named after the one that binds. */
export function tighter(limit: Limit, within?: Budget): Limit {
  if (!within) return limit
  const left = within.remainingMs()
  return left < limit.ms ? { ms: left, variable: within.limit.variable } : limit
}

export interface ProcessOptions {
  env: Record<string, string>
  stdin?: string
  /** When to stop the process; `what` names it in the error ("docker login"). */
  limit: Limit
  what: string
  graceMs?: number
  onStdout?: (chunk: Buffer) => void
  onStderr?: (chunk: Buffer) => void
  /** For cmd.exe /d /s /c "<line>" (batch files on Windows, see find-binary.ts): the line is passed as is. */
  windowsVerbatimArguments?: boolean
}

/**
 * How much of a client's output is kept: its last words are what errors quote and what tells a
 * refusal from a busy registry; a client that floods its pipes must not fill the action's memory.
 */
export const MAX_OUTPUT_CHARS = 64 * 1024
const tail = (text: string): string => (text.length > MAX_OUTPUT_CHARS ? text.slice(-MAX_OUTPUT_CHARS) : text)

export interface ProcessResult {
  exitCode: number
  stdout: string
  stderr: string
}

const WINDOWS = process.platform === 'win32'

/** Signals the whole process group (the client and every child it started). */
function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal)
  } catch {
    // ESRCH: nothing left in the group
  }
}

/**
 * Whether any process of the group still runs. Zombies do not count: an orphan's zombie lingers
 * until PID 1 reaps it, which in some containers takes seconds. Linux reads /proc; elsewhere a
 * signal 0 to the group tells.
 */
export function groupAlive(pgid: number): boolean {
  let names: string[]
  try {
    names = readdirSync('/proc').filter(name => /^\d+$/.test(name))
  } catch {
    try {
      process.kill(-pgid, 0)
      return true
    } catch {
      return false
    }
  }
  for (const name of names) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
      // pid (comm) state ppid pgrp …: comm may hold spaces and parentheses, so read after the last ')'
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') return true
    } catch {
      // the process ended while we looked
    }
  }
  return false
}

/** Process groups of the clients running now. */
const running = new Set<number>()
let forwarding = false

/** Kills every client process group still running (a cancelled step, or a step past its overall deadline). */
export function stopRunningClients(): void {
  for (const group of running) signalGroup(group, 'SIGKILL')
}

/**
 * A cancelled step takes its clients along: the runner stops a cancelled step with SIGINT/SIGTERM to the action's
 * process, which a client in its own group would not receive. The handlers kill every tracked group and raise the
 * signal again, so the action ends as it would have. Installed before the first client is spawned: a signal that
 * came between the fork and the handler would end the action by default and leave the new client running.
 */
function forwardSignals(): void {
  if (forwarding || WINDOWS) return
  forwarding = true
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      stopRunningClients()
      process.kill(process.pid, signal)
    })
  }
}

/** Registers a client's process group for the handlers above (in the same tick as the spawn, so none runs between). */
function track(pgid: number): () => void {
  running.add(pgid)
  return () => void running.delete(pgid)
}

/**
 * Runs a process in its own process group under a deadline. When the deadline passes, the group gets
 * SIGTERM, then SIGKILL after a grace period if anything in it is left, and the call rejects with a
 * DeadlineError; the pipes are closed and the child unreferenced, so nothing keeps the step alive.
 */
export function runProcess(file: string, args: string[], options: ProcessOptions): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    forwardSignals()
    const child = spawn(file, args, {
      env: options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: !WINDOWS,
      windowsVerbatimArguments: options.windowsVerbatimArguments ?? false
    })
    const run = supervise(child, resolve, reject)

    child.stdout.on('data', (chunk: Buffer) => {
      run.stdout = tail(run.stdout + chunk.toString())
      options.onStdout?.(chunk)
    })
    child.stderr.on('data', (chunk: Buffer) => {
      run.stderr = tail(run.stderr + chunk.toString())
      options.onStderr?.(chunk)
    })
    // A client that exits without reading its stdin closes the pipe: EPIPE is then no crash of the
    // action, the client's exit code tells what happened.
    child.stdin.on('error', () => {})
    // Not installed, not executable: in words (runner/faults.ts), never node's 'spawn helm ENOENT'.
    child.on('error', error => run.finish(spawnFault(error, file)))
    child.on('exit', (code, signal) => {
      run.exitCode = code ?? (signal ? 128 : 1)
      // A child the client left behind may hold the pipes open: stop waiting for them after a moment.
      if (!run.timedOut) run.later(DRAIN_MS, () => run.finish())
    })
    // Once the deadline has passed, only the kill sequence below ends the call.
    child.on('close', () => void (run.timedOut || run.finish()))

    run.later(options.limit.ms, () =>
      stopAtDeadline(child, run, new DeadlineError(options.what, options.limit), options.graceMs ?? KILL_GRACE_MS)
    )

    child.stdin.end(options.stdin !== undefined ? Buffer.from(options.stdin) : undefined)
  })
}

/** One running client: what it printed so far, and how the call ends (once). */
interface Supervised {
  stdout: string
  stderr: string
  exitCode: number | null
  timedOut: boolean
  later(ms: number, fn: () => void): void
  /** Settles the call (the first time only): its timers cleared, its pipes closed, the child unreferenced. */
  finish(error?: Error): void
}

function supervise(
  child: ChildProcessWithoutNullStreams,
  resolve: (result: ProcessResult) => void,
  reject: (error: Error) => void
): Supervised {
  const untrack = child.pid !== undefined ? track(child.pid) : () => {}
  const timers: NodeJS.Timeout[] = []
  let settled = false
  const run: Supervised = {
    stdout: '',
    stderr: '',
    exitCode: null,
    timedOut: false,
    later: (ms, fn) => void timers.push(setTimeout(fn, ms)),
    finish(error) {
      if (settled) return
      settled = true
      untrack()
      for (const timer of timers) clearTimeout(timer)
      child.stdin.destroy()
      child.stdout.destroy()
      child.stderr.destroy()
      child.unref()
      if (error) reject(error)
      else resolve({ exitCode: run.exitCode ?? 1, stdout: run.stdout, stderr: run.stderr })
    }
  }
  return run
}

/** The deadline passed: the group gets SIGTERM, SIGKILL after the grace period, and the call ends with `error`. */
function stopAtDeadline(child: ChildProcessWithoutNullStreams, run: Supervised, error: DeadlineError, graceMs: number): void {
  run.timedOut = true
  const pid = child.pid
  if (pid === undefined) return run.finish(error)
  if (WINDOWS) {
    spawn('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore' }).on('error', () => {})
    return run.finish(error)
  }
  signalGroup(pid, 'SIGTERM')
  const started = Date.now()
  // Until the group is gone: SIGTERM, after the grace period SIGKILL, and at most KILL_WAIT_MS more.
  const poll = (): void => {
    const waited = Date.now() - started
    if (!groupAlive(pid) || waited >= graceMs + KILL_WAIT_MS) return run.finish(error)
    if (waited >= graceMs) signalGroup(pid, 'SIGKILL')
    run.later(Math.min(KILL_POLL_MS, graceMs), poll)
  }
  run.later(Math.min(KILL_POLL_MS, graceMs), poll)
}
