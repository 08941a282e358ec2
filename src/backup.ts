import { promises as fs } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import {
  credHelperPosition,
  readAuthEntry,
  readCredHelper,
  readOtherSettings,
  restoreOtherSettings,
  writeAuthEntry,
  writeCredHelper,
  writePrivateFile,
  type AuthEntry
} from './clients/auth-file.js'
import { inTurn } from './schedule.js'
import { maskSecret } from './secrets.js'

/**
 * An auth-file entry as it was before this action touched it (`entry` undefined: there was none),
 * with the file's `credHelpers` mapping for the registry (`credHelper` undefined: none).
 */
export interface PreviousEntry {
  authFile: string
  registry: string
  entry?: AuthEntry
  credHelper?: string
  /** Where the mapping sat among the `credHelpers` keys, so that it goes back to the same place. */
  credHelperAt?: number
  /** The file's other top-level settings (on the first entry of each file), put back if a client dropped them. */
  otherSettings?: Record<string, unknown>
}

export function newBackupFile(env: NodeJS.ProcessEnv): string {
  const dir = env.RUNNER_TEMP || os.tmpdir()
  return path.join(dir, `registry-login-${randomBytes(8).toString('hex')}.json`)
}

function maskEntry(entry: AuthEntry | undefined): void {
  for (const value of Object.values(entry ?? {})) if (typeof value === 'string') maskSecret(value)
}

/** Remembers each (auth file, registry) the first time it is touched, before the login overwrites it. */
export class Backup {
  private readonly entries: PreviousEntry[] = []

  constructor(readonly file: string) {}

  /** Logins into different auth files call this at the same time: the calls take turns at the backup file. */
  remember(authFile: string, registry: string): Promise<void> {
    return inTurn(this.file, () => this.rememberNow(authFile, registry))
  }

  private async rememberNow(authFile: string, registry: string): Promise<void> {
    if (this.entries.some(e => e.authFile === authFile && e.registry === registry)) return
    const entry = await readAuthEntry(authFile, registry)
    const credHelper = await readCredHelper(authFile, registry)
    const credHelperAt = await credHelperPosition(authFile, registry)
    const firstOfFile = !this.entries.some(e => e.authFile === authFile)
    const otherSettings = firstOfFile ? await readOtherSettings(authFile) : {}
    maskEntry(entry)
    this.entries.push({
      authFile,
      registry,
      ...(entry ? { entry } : {}),
      ...(credHelper !== undefined ? { credHelper } : {}),
      ...(credHelperAt !== undefined ? { credHelperAt } : {}),
      ...(Object.keys(otherSettings).length > 0 ? { otherSettings } : {})
    })
    await writePrivateFile(this.file, JSON.stringify(this.entries))
  }
}

/** Puts back every entry the logins replaced, removes the ones they added, deletes the backup. Returns what failed. */
export async function restoreBackup(file: string): Promise<string[]> {
  let entries: PreviousEntry[]
  try {
    entries = JSON.parse(await fs.readFile(file, 'utf8')) as PreviousEntry[]
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
  const failures: string[] = []
  for (const { authFile, registry, entry, credHelper, credHelperAt, otherSettings } of entries) {
    maskEntry(entry)
    try {
      if (otherSettings) await restoreOtherSettings(authFile, otherSettings)
      const at = credHelperAt === undefined ? undefined : await credHelperPosition(authFile, registry)
      if ((await readCredHelper(authFile, registry)) !== credHelper || at !== credHelperAt) {
        await writeCredHelper(authFile, registry, credHelper, credHelperAt === undefined ? {} : { at: credHelperAt })
      }
      // No earlier entry: make sure ours is gone even if the client's own logout failed.
      if (!entry && !(await readAuthEntry(authFile, registry))) continue
      await writeAuthEntry(authFile, registry, entry)
    } catch (error) {
      failures.push(`${registry} in ${authFile}: ${(error as Error).message}`)
    }
  }
  await fs.rm(file, { force: true })
  return failures
}
