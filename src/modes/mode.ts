/** The shape of every login mode: prepare (before any cloud call), apply (with the credentials), undo (in post). */
import type { ClientContext } from '../process/command-context.js'
import type { Budget } from '../process/run-process.js'
import type { PostState } from '../runner/state.js'
import type { Inputs } from '../step/parse-step.js'
import type { RegistryCredential } from '../types.js'

/** What main hands a mode to prepare its login. */
export interface LoginStep {
  inputs: Inputs
  /** The clients' context: the step's own environment, before any isolated config. */
  ctx: ClientContext
  /** The auth files are made at apply (an isolated config): prepare checks only what no auth file holds. */
  freshFiles?: boolean
}

/**
 * How main hands the minted credentials to the clients, and how post takes them back. Main calls
 * `prepare` and then the prepared login's `apply`; post calls `undo` of the mode its state names.
 */
export interface LoginMode {
  /** Main, before any cloud call: refuses a login the mode cannot keep safe (a credential store in the way). */
  prepare(step: LoginStep): Promise<PreparedLogin>
  /** Post, from the state alone: undoes what `apply` recorded there. Warns, never fails. */
  undo(state: PostState, ctx: ClientContext, within: Budget): Promise<void>
}

export interface PreparedLogin {
  /**
   * Main, with the credentials: hands them to the clients through `ctx`, recording in `state` (saved as it
   * goes, so that post undoes even a half-done login) what `undo` needs.
   */
  apply(credentials: RegistryCredential[], ctx: ClientContext, state: PostState): Promise<void>
}
