import * as core from '@actions/core'
import { restoreBackup } from './backup.js'
import type { ClientContext } from './clients/client.js'
import { clients } from './clients/index.js'
import { clientContext } from './context.js'
import { budget, deadlineFor } from './deadline.js'
import { errorMessage } from './errors.js'
import { removeIsolatedConfig } from './isolation.js'
import { runPerAuthFile } from './schedule.js'
import { loadState } from './state.js'

/**
 * Logs out what main logged in and puts back earlier entries. Warns, never fails the job. Each logout
 * has its deadline and all of them share post's (deadline.ts); the restore and the removal of what
 * main made run whatever the logouts did.
 */
export async function runPost(ctx?: ClientContext): Promise<void> {
  const within = budget(deadlineFor('post', process.env))
  const cctx = ctx ?? clientContext(process.env, within)
  try {
    const state = loadState()
    if (!state || (state.logins.length === 0 && !state.isolatedConfig)) {
      core.info('Nothing to log out.')
      return
    }
    await runPerAuthFile([...state.logins].reverse(), async login => {
      const client = clients[login.client]
      if (within.remainingMs() === 0) {
        core.warning(`${client.id}: logout of ${login.registry} skipped: post reached its deadline (${within.limit.variable}); the earlier entry is restored below.`)
        return
      }
      try {
        await client.logout(login.registry, login.authFile, cctx)
        core.info(`${client.id}: logged out of ${login.registry}`)
      } catch (error) {
        core.warning(`${client.id}: logout of ${login.registry} failed: ${errorMessage(error)}`)
      }
    })
    if (state.backupFile) {
      for (const failure of await restoreBackup(state.backupFile)) core.warning(`Could not restore the earlier login for ${failure}`)
    }
    if (state.isolatedConfig) {
      await removeIsolatedConfig(state.isolatedConfig)
      core.info(`Removed the isolated config ${state.isolatedConfig}`)
    }
  } catch (error) {
    core.warning(`registry-login post step: ${errorMessage(error)}`)
  }
}
