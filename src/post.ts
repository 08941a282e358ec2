import { BackupUnreadable, discardBackup, loadBackup, ownership, restoreBackup, type SavedBackup } from './auth-files/backup.js'
import type { ClientContext } from './process/command-context.js'
import { clients } from './clients/index.js'
import { logoutBlocked } from './auth-files/routing.js'
import { clientContext } from './step/context.js'
import { budget, deadlineFor, type Budget } from './process/run-process.js'
import { removeIsolatedConfig } from './modes/isolated-config.js'
import { removeCredentialHelper, unmapCredentialHelper } from './modes/credential-helper.js'
import { log } from './log/log.js'
import { runPerAuthFile } from './auth-files/per-file.js'
import { loadState, StateUnreadable, type LoginRecord, type PostState } from './runner/state.js'

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
  if (!state || (state.logins.length === 0 && !state.isolatedConfig && !state.credentialHelper)) {
    log.info('Nothing to log out.')
    return
  }
  // First: its directory holds the key of a key-based login, which must not outlive the job whatever else fails.
  if (state.credentialHelper) {
    try {
      await removeCredentialHelper(state.credentialHelper)
      log.info`Removed the credential helper ${state.credentialHelper} (its PATH entry stays for the rest of the job and finds nothing)`
    } catch (error) {
      log.warning`Could not remove the credential helper ${state.credentialHelper}: ${error}`
    }
  }
  try {
    await undoLogins(state, cctx, within)
  } catch (error) {
    log.warning`registry-login post step: ${error}`
  }
  if (state.isolatedConfig) {
    try {
      await removeIsolatedConfig(state.isolatedConfig)
      log.info`Removed the isolated config ${state.isolatedConfig}`
    } catch (error) {
      log.warning`Could not remove the isolated config ${state.isolatedConfig}: ${error}`
    }
  }
}

const where = (r: { registry: string; authFile: string }): string => `${r.registry} in ${r.authFile}`

async function undoLogins(state: PostState, ctx: ClientContext, within: Budget): Promise<void> {
  const backup = state.backupFile ? await readBackup(state.backupFile, state.logins) : undefined
  const leftAlone = new Map<string, { registry: string; authFile: string }>()
  await runPerAuthFile([...state.logins].reverse(), async login => {
    if ((await ownership(backup, login.authFile, login.registry)) === 'foreign') {
      leftAlone.set(where(login), login)
      return
    }
    const client = clients[login.client]
    if (within.remainingMs() === 0) {
      log.warning`${client.id}: logout of ${login.registry} skipped: post reached its deadline (${within.limit.variable}); the earlier entry is restored below.`
      return
    }
    try {
      const blocked = await logoutBlocked(client, login.authFile, login.registry, ctx)
      if (blocked) return log.info(`${client.id}: not logged out of ${login.registry}: ${blocked}.`)
      await client.logout(login.registry, login.authFile, ctx)
      log.info`${client.id}: logged out of ${login.registry}`
    } catch (error) {
      log.warning`${client.id}: logout of ${login.registry} failed: ${error}`
    }
  })
  if (backup) {
    const report = await restoreBackup(backup)
    for (const record of report.leftAlone) leftAlone.set(where(record), record)
    for (const { record, error } of report.failures)
      log.warning`The earlier login for ${record.registry} in ${record.authFile} could not be restored: ${error}`
  }
  if (!backup && state.helperMappings) {
    for (const { mapping, error } of await unmapCredentialHelper(state.helperMappings))
      log.warning`The credential helper's mapping for ${where(mapping)} could not be removed: ${error}`
  }
  if (leftAlone.size > 0) {
    log.notice`Left ${[...leftAlone.keys()]} as they are: another login replaced this step's since (a later job on this runner?), so logging out or restoring would undo it.`
  }
}

/** The backup, or undefined with one warning saying what cannot be restored and why. */
async function readBackup(file: string, logins: LoginRecord[]): Promise<SavedBackup | undefined> {
  try {
    const backup = await loadBackup(file)
    if (backup.skipped > 0)
      log.warning`Skipped ${backup.skipped} malformed record(s) of the backup file ${file}: those earlier logins could not be restored.`
    return backup
  } catch (error) {
    if (!(error instanceof BackupUnreadable)) throw error
    await discardBackup(file)
    const touched = [...new Set(logins.map(where))]
    if (touched.length === 0) return undefined
    log.warning`The earlier logins (if any) for ${touched} could not be restored because ${error}; this step's logins were logged out without checking that no later login replaced them.`
    return undefined
  }
}
