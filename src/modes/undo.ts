/** Post's undo of main's auth-file changes, as the state recorded them: the logouts, then the backup put back. */
import { BackupUnreadable, discardBackup, loadBackup, type SavedBackup } from '../auth-files/backup.js'
import { runPerAuthFile } from '../auth-files/concurrency.js'
import { ownership, restoreBackup } from '../auth-files/restore.js'
import { logoutBlocked } from '../auth-files/routing.js'
import { clients } from '../clients/index.js'
import { log } from '../log/log.js'
import type { ClientContext } from '../process/command-context.js'
import type { Budget } from '../process/run-process.js'
import type { LoginRecord, PostState } from '../runner/state.js'

interface Place {
  registry: string
  authFile: string
}

const where = (r: Place): string => `${r.registry} in ${r.authFile}`

/**
 * Logs out what main logged in and puts back earlier entries, touching an entry only while it still holds
 * this step's login (a later job on a shared runner may have logged in since). Each logout has its deadline
 * and all of them share post's `within`; the restore runs whatever the logouts did. `withoutBackup` runs
 * when there is no backup to put back (lost or corrupt). Warns, never fails.
 */
export async function undoChanges(state: PostState, ctx: ClientContext, within: Budget, withoutBackup?: () => void): Promise<void> {
  try {
    const backup = state.backupFile ? readBackup(state.backupFile, state.logins) : undefined
    const leftAlone = new Map<string, Place>()
    await logOut(state.logins, backup, ctx, within, leftAlone)
    if (backup) restore(backup, leftAlone)
    else withoutBackup?.()
    if (leftAlone.size > 0) {
      log.notice`Left ${[...leftAlone.keys()]} as they are: another login replaced this step's since (a later job on this runner?), so logging out or restoring would undo it.`
    }
  } catch (error) {
    log.warning`registry-login post step: ${error}`
  }
}

/** The clients' logouts, last login first: only where the entry is still this step's, each file's one after another. */
async function logOut(
  logins: LoginRecord[],
  backup: SavedBackup | undefined,
  ctx: ClientContext,
  within: Budget,
  leftAlone: Map<string, Place>
): Promise<void> {
  await runPerAuthFile([...logins].reverse(), async login => {
    if (ownership(backup, login.authFile, login.registry) === 'foreign') {
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
}

function restore(backup: SavedBackup, leftAlone: Map<string, Place>): void {
  const report = restoreBackup(backup)
  for (const record of report.leftAlone) leftAlone.set(where(record), record)
  for (const { record, error } of report.failures)
    log.warning`The earlier login for ${record.registry} in ${record.authFile} could not be restored: ${error}`
}

/** The backup, or undefined with one warning saying what cannot be restored and why. */
function readBackup(file: string, logins: LoginRecord[]): SavedBackup | undefined {
  try {
    const backup = loadBackup(file)
    if (backup.skipped > 0)
      log.warning`Skipped ${backup.skipped} malformed record(s) of the backup file ${file}: those earlier logins could not be restored.`
    return backup
  } catch (error) {
    if (!(error instanceof BackupUnreadable)) throw error
    discardBackup(file)
    const touched = [...new Set(logins.map(where))]
    if (touched.length === 0) return undefined
    log.warning`The earlier logins (if any) for ${touched} could not be restored because ${error}; this step's logins were logged out without checking that no later login replaced them.`
    return undefined
  }
}
