/** The post step: undo what main's login mode did, as its state says. Warns, never fails the job. */
import type { ClientContext } from './process/command-context.js'
import { clientContext } from './step/context.js'
import { budget } from './process/run-process.js'
import { deadlineFor } from './net/policies.js'
import { modeUsed } from './modes/index.js'
import { log } from './log/log.js'
import { loadState, StateUnreadable, type PostState } from './runner/state.js'

/**
 * Logs out what main logged in and puts back earlier entries, touching an entry only while it
 * still holds this step's login (a later job on a shared runner may have logged in since).
 * Warns, never fails the job. Each logout has its deadline and all of them share post's
 * (process/run-process.ts); the restore and the removal of what main made run whatever the logouts did.
 */
export async function runPost(ctx?: ClientContext): Promise<void> {
  const within = budget(deadlineFor('post', process.env))
  const cctx = ctx ?? clientContext(process.env, within)
  let state: PostState | undefined
  try {
    state = loadState()
  } catch (error) {
    if (!(error instanceof StateUnreadable)) throw error
    log.warning`Nothing was logged out: ${error}. Any login of the main step stays in the clients' auth files.`
    return
  }
  const mode = state && modeUsed(state)
  if (!state || !mode) {
    log.info('Nothing to log out.')
    return
  }
  await mode.undo(state, cctx, within)
}
