/** Main's changes to auth files, each made under the file's lock, backed up and recorded in the state before it is made, so that post can undo it. */
import { Backup, newBackupFile } from './backup.js'
import { lockOptions, withLock, type LockOptions } from './lock.js'
import { saveState, type PostState } from '../runner/state.js'

/** What post must know of a change besides the backup (a login to log out, a mapping to take away). */
export type StateRecord = (state: PostState) => void

/**
 * Back up, record, write, claim: the one way main changes an entry. Each login and each mapping of
 * credential-helper mode holds the auth file's lock (lock.ts) from the backup to the claim of what it wrote,
 * so no other job's main or post comes between. The entry is backed up the first time it is touched, and the
 * change recorded in the state (saved before the write, so that post undoes even a write that fails half
 * way). Without a backup (`logout: false`) the changes stay: they are only written (still under the lock).
 */
export class AuthFileChanges {
  private readonly lock: LockOptions

  constructor(
    private readonly state: PostState,
    env: NodeJS.ProcessEnv,
    private readonly backup?: Backup
  ) {
    this.lock = lockOptions(env)
  }

  /** Changes backed up into a new backup file, named in the state (saved with the next record). */
  static backedUp(state: PostState, env: NodeJS.ProcessEnv): AuthFileChanges {
    const backup = new Backup(newBackupFile(env))
    state.backupFile = backup.file
    state.claim = backup.claimId
    return new AuthFileChanges(state, env, backup)
  }

  /** Whether post puts back what these changes replace. */
  get undone(): boolean {
    return this.backup !== undefined
  }

  /** The action's own change of `registry` in `authFile` (a `credHelpers` mapping), taking the file's lock. */
  async writeLocked(authFile: string, registry: string, write: () => void, record?: StateRecord): Promise<void> {
    await withLock(authFile, this.lock, () => this.write(authFile, registry, write, record))
  }

  /** The action's own change of a mapping inside a login of the same auth file, which holds its lock (routing). */
  write(authFile: string, registry: string, write: () => void, record?: StateRecord): void {
    this.before(authFile, registry, record)
    write()
    this.backup?.noteMapped(authFile, registry)
  }

  /**
   * A client's login into `registry` in `authFile`, under the file's lock; then claims what it left there (a
   * failed login what it did write), so post can tell it from a later login.
   */
  async login(authFile: string, registry: string, login: () => Promise<void>, record: StateRecord): Promise<void> {
    await withLock(authFile, this.lock, async () => {
      this.before(authFile, registry, record)
      this.backup?.startLogin(authFile, registry)
      try {
        await login()
      } catch (error) {
        this.noteFailed(authFile, registry)
        throw error
      }
      this.backup?.noteWritten(authFile, registry, true)
    })
  }

  private noteFailed(authFile: string, registry: string): void {
    try {
      this.backup?.noteWritten(authFile, registry, false)
    } catch {
      // the login's own error says more; the record stays pending, and post logs out as before
    }
  }

  /**
   * An entry main leaves as it is but a client's logout in post erases too (docker's `http://` and
   * `https://` forms of the host): backed up with a fingerprint of it as it stands, so post puts it
   * back where the logout took it and leaves alone one a later login wrote since.
   */
  keep(authFile: string, registry: string): void {
    this.backup?.remember(authFile, registry)
    this.backup?.noteWritten(authFile, registry, true)
  }

  private before(authFile: string, registry: string, record: StateRecord | undefined): void {
    if (!this.backup) return
    this.backup.remember(authFile, registry)
    if (!record) return
    record(this.state)
    saveState(this.state)
  }
}
