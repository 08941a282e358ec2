import type { Purpose } from '../process/run-process.js'
import type { Platform } from '../runner/platform.js'
import type { RegistryCredential } from '../providers/provider.js'
import type { StorageRules } from '../auth-files/routing.js'

/**
 * Runs a command; secrets go in through `stdin`, never through `args`. `purpose` picks the deadline
 * (process/run-process.ts); a process that passes it is killed and the call rejects with a DeadlineError.
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
}

/**
 * One registry client. Every client keeps its credentials in a docker-format auth file;
 * `authFile` says which, so main can note the entry it replaces and post can put it back.
 */
export interface RegistryClient {
  readonly id: string
  /** The binary this client needs on PATH, if any. */
  readonly binary?: string
  /** How a workflow gets that binary onto the runner, for the "not on PATH" error. */
  readonly installHint?: string
  /** The operating systems the client runs on; any when absent. */
  readonly platforms?: readonly NodeJS.Platform[]
  /** Where the client keeps credentials on `platform` (default: this machine), given the step's environment. */
  authFile(env: NodeJS.ProcessEnv, platform?: Platform): string
  /** How it reads `credHelpers`/`credsStore` in that file (see auth-files/routing.ts). */
  readonly storage: StorageRules
  login(credential: RegistryCredential, authFile: string, ctx: ClientContext): Promise<void>
  /** Must not fail when there is nothing to remove: post may follow a half-done main. */
  logout(registry: string, authFile: string, ctx: ClientContext): Promise<void>
}
