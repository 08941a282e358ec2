/** The interface every registry client implements (id, auth file, storage rules, login, logout). */
import type { Platform } from '../runner/platform.js'
import type { ClientContext } from '../process/command-context.js'
import type { RegistryCredential } from '../types.js'
import type { StorageRules } from '../auth-files/storage-rules.js'

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
  /** How it reads `credHelpers`/`credsStore` in that file (see auth-files/storage-rules.ts). */
  readonly storage: StorageRules
  login(credential: RegistryCredential, authFile: string, ctx: ClientContext): Promise<void>
  /** Must not fail when there is nothing to remove: post may follow a half-done main. */
  logout(registry: string, authFile: string, ctx: ClientContext): Promise<void>
}
