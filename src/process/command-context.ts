// How a registry client's process is run and found: the context every client and the routing rules get.
import type { Budget, Purpose } from './run-process.js'

/**
 * Runs a command; secrets go in through `stdin`, never through `args`. `purpose` picks the deadline
 * (net/policies.ts); a process that passes it is killed and the call rejects with a DeadlineError.
 */
export type Runner = (
  command: string,
  args: string[],
  options?: { stdin?: string; env?: NodeJS.ProcessEnv; purpose?: Purpose }
) => Promise<{ exitCode: number; stdout: string; stderr: string }>

export interface ClientContext {
  run: Runner
  env: NodeJS.ProcessEnv
  /** Full path of a binary on PATH, or '' when there is none. */
  which(binary: string): Promise<string>
  /** The step's overall deadline, when it has one: every process and every wait between login attempts ends within it. */
  budget?: Budget
  /**
   * The wait `registry` asks for (its Retry-After, in ms) after a login it answered 429 or 503, read from the
   * registry without credentials within `withinMs`; undefined when it names none or cannot be asked in time.
   */
  retryAfter?(registry: string, withinMs: number): Promise<number | undefined>
}
