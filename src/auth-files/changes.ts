/** Main's changes to auth files, each backed up and recorded in the state before it is made, so that post can undo it. */
import { Backup, newBackupFile } from './backup.js'
import { saveState, type PostState } from '../runner/state.js'

/** What post must know of a change besides the backup (a login to log out, a mapping to take away). */
export type StateRecord = (state: PostState) => void

/**
 * Back up, record, write: the one way main changes an entry. The entry is backed up the first time it is
 * touched, and the change recorded in the state (saved before the write, so that post undoes even a write
 * that fails half way). Without a backup (`logout: false`) the changes stay: they are only written.
 */
export class AuthFileChanges {
  constructor(
    private readonly state: PostState,
    private readonly backup?: Backup
  ) {}

  /** Changes backed up into a new backup file, named in the state (saved with the next record). */
  static backedUp(state: PostState, env: NodeJS.ProcessEnv): AuthFileChanges {
    const backup = new Backup(newBackupFile(env))
    state.backupFile = backup.file
    return new AuthFileChanges(state, backup)
  }

  /** Whether post puts back what these changes replace. */
  get undone(): boolean {
    return this.backup !== undefined
  }

  /** The action's own change of `registry` in `authFile` (a `credHelpers` mapping). */
  write(authFile: string, registry: string, write: () => void, record?: StateRecord): void {
    this.before(authFile, registry, record)
    write()
  }

  /** A client's login into `registry` in `authFile`; then notes what it left there, so post can tell it from a later login. */
  async login(authFile: string, registry: string, login: () => Promise<void>, record: StateRecord): Promise<void> {
    this.before(authFile, registry, record)
    await login()
    this.backup?.noteWritten(authFile, registry)
  }

  /**
   * An entry main leaves as it is but a client's logout in post erases too (docker's `http://` and
   * `https://` forms of the host): backed up with a fingerprint of it as it stands, so post puts it
   * back where the logout took it and leaves alone one a later login wrote since.
   */
  keep(authFile: string, registry: string): void {
    this.backup?.remember(authFile, registry)
    this.backup?.noteWritten(authFile, registry)
  }

  private before(authFile: string, registry: string, record: StateRecord | undefined): void {
    if (!this.backup) return
    this.backup.remember(authFile, registry)
    if (!record) return
    record(this.state)
    saveState(this.state)
  }
}
