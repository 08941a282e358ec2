/** Post's undo of main's auth-file changes, as the state recorded them: per auth file, under its lock, the logouts, then the backup put back. */
import { rmSync } from 'node:fs'
import { BackupUnreadable, discardBackup, loadBackup, type SavedBackup } from '../auth-files/backup.js'
import { unclaim } from '../auth-files/claims.js'
import { runPerAuthFile } from '../auth-files/concurrency.js'
import { fileKey } from '../auth-files/file-key.js'
import { acquireLock, lockOptions, type HeldLock } from '../auth-files/lock.js'
import { ownership, restoreRecords } from '../auth-files/restore.js'
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
 * Logs out what main logged in and puts back earlier entries and mappings, touching each only while it still
 * holds this step's login (a later job on a shared runner may have logged in since). Each auth file's work
 * holds its lock, so no other job's main or post comes between the check and the change; different files go
 * at the same time. Each logout has its deadline and all of them share post's `within`; the restore runs
 * whatever the logouts did. `withoutBackup` runs per file when there is no backup to put back (lost or
 * corrupt). Warns, never fails.
 */
export async function undoChanges(
  state: PostState,
  ctx: ClientContext,
  within: Budget,
  withoutBackup?: (authFile: string) => void
): Promise<void> {
  try {
    const backup = state.backupFile ? readBackup(state.backupFile, state.logins) : undefined
    const leftAlone = new Map<string, Place>()
    await runPerAuthFile(authFilesOf(state, backup), async ({ authFile }) => {
      const key = fileKey(authFile)
      await underLock(authFile, ctx.env, within, async () => {
        const logins = state.logins.filter(l => fileKey(l.authFile) === key)
        await logOut(logins, backup, ctx, within, leftAlone)
        if (backup) restore(backup, key, leftAlone)
        else withoutBackup?.(authFile)
        // Without the backup, its claim id is in the state: this step's claims there are done with.
        if (!backup && state.claim) unclaim(authFile, state.claim)
      })
    })
    if (backup) rmSync(backup.file, { force: true })
    if (leftAlone.size > 0) {
      log.notice`Left ${[...leftAlone.keys()]} as they are: another login replaced this step's since (a later job on this runner?), so logging out or restoring would undo it.`
    }
  } catch (error) {
    log.warning`registry-login post step: ${error}`
  }
}

/** Every auth file main changed, once however it is spelled: those of its logins, its backup and its helper mappings. */
function authFilesOf(state: PostState, backup: SavedBackup | undefined): Array<{ authFile: string }> {
  const files = new Map<string, string>()
  for (const { authFile } of [...state.logins, ...(backup?.records ?? []), ...(state.helperMappings ?? [])]) {
    const key = fileKey(authFile)
    if (!files.has(key)) files.set(key, authFile)
  }
  return [...files.values()].map(authFile => ({ authFile }))
}

/**
 * Runs `task` holding the auth file's lock, waiting for it at most post's remaining time. When the lock cannot
 * be had, post goes on without it (a credential left behind for good is worse than the short race the lock
 * closes): each change is still checked right before it is made.
 */
async function underLock(authFile: string, env: NodeJS.ProcessEnv, within: Budget, task: () => Promise<void>): Promise<void> {
  const options = lockOptions(env)
  let lock: HeldLock | undefined
  try {
    lock = await acquireLock(authFile, {
      ...options,
      policy: { ...options.policy, waitMs: Math.min(options.policy.waitMs, within.remainingMs()) }
    })
  } catch (error) {
    log.warning`Undoing the login in ${authFile} without its lock: ${error} Each change is still checked right before it is made.`
  }
  try {
    await task()
  } finally {
    lock?.release()
  }
}

/** The clients' logouts of one auth file, last login first: only where the entry is still this step's. */
async function logOut(
  logins: LoginRecord[],
  backup: SavedBackup | undefined,
  ctx: ClientContext,
  within: Budget,
  leftAlone: Map<string, Place>
): Promise<void> {
  for (const login of [...logins].reverse()) {
    const owner = ownership(backup, login.authFile, login.registry)
    if (owner === 'foreign') leftAlone.set(where(login), login)
    // Nothing of this step's there (a login that failed before writing, an entry gone): nothing to log out.
    if (owner === 'ours' || owner === 'unknown') await logOutOne(login, ctx, within)
  }
}

async function logOutOne(login: LoginRecord, ctx: ClientContext, within: Budget): Promise<void> {
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
}

/** Puts back the records of one auth file (by its key), noting the slots left alone and warning of failures. */
function restore(backup: SavedBackup, key: string, leftAlone: Map<string, Place>): void {
  const report = restoreRecords(
    backup,
    backup.records.filter(r => fileKey(r.authFile) === key)
  )
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
