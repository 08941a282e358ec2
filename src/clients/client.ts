import type { RegistryCredential } from '../providers/provider.js'
import type { StorageRules } from './credential-store.js'

/** Runs a command; secrets go in through `stdin`, never through `args`. */
export type Runner = (
  command: string,
  args: string[],
  options?: { stdin?: string; env?: NodeJS.ProcessEnv }
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
  authFile(env: NodeJS.ProcessEnv): string
  /** How it reads `credHelpers`/`credsStore` in that file (see credential-store.ts). */
  readonly storage: StorageRules
  login(credential: RegistryCredential, authFile: string, ctx: ClientContext): Promise<void>
  /** Must not fail when there is nothing to remove: post may follow a half-done main. */
  logout(registry: string, authFile: string, ctx: ClientContext): Promise<void>
}
