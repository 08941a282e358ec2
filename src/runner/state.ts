/** The state main hands to post through the runner: what post must undo, and reading it back. */
import { getState, saveState as coreSaveState } from '@actions/core'
import { log } from '../log/log.js'
import { safeText } from '../log/escape.js'
import { CLIENT_IDS, type ClientId } from '../types.js'
import { fileFault } from './faults.js'
import { parseJsonText } from './json.js'

const KEY = 'registry-login'

/** One client login that post has to undo. */
export interface LoginRecord {
  client: ClientId
  registry: string
  authFile: string
}

/** What main hands to post through the runner's state file. Holds no secret. */
export interface PostState {
  version: 1
  logins: LoginRecord[]
  /** 0600 file under RUNNER_TEMP holding the auth entries the logins replaced, to be put back. */
  backupFile?: string
  /** The per-job config directory of `isolated-config: true`, removed by post. */
  isolatedConfig?: string
  /** The directory of credential-helper mode (launcher, configuration, cache), removed by post. */
  credentialHelper?: string
  /** This step's claim id (auth-files/claims.ts), also in the backup: post tells its own claims by it even when the backup is lost. */
  claim?: string
  /** The credHelpers mappings credential-helper mode wrote, unmapped by post even when the backup is lost. */
  helperMappings?: HelperMapping[]
}

export interface HelperMapping {
  registry: string
  authFile: string
}

export function saveState(state: PostState): void {
  try {
    coreSaveState(KEY, JSON.stringify(state))
  } catch (error) {
    throw fileFault(
      error,
      "The step's state file (GITHUB_STATE)",
      process.env.GITHUB_STATE ?? '',
      'written',
      "The runner sets GITHUB_STATE to a file of its own: do not set it in the workflow, and leave the runner's temp directory writable."
    )
  }
}

/** The saved state could not be read at all: post knows nothing main did. */
export class StateUnreadable extends Error {
  constructor(reason: string) {
    super(`the state the main step saved ${reason}`)
    this.name = 'StateUnreadable'
  }
}

/**
 * The state main saved, or undefined when main saved none (it failed early, or `logout` is
 * false). Whatever is well-formed is kept (a bad login record is skipped with a warning), so post
 * still undoes what it can; StateUnreadable when nothing can be read.
 */
export function loadState(): PostState | undefined {
  const raw = getState(KEY)
  if (!raw) return undefined
  const saved = parseState(raw)
  return {
    version: 1,
    logins: loginRecords(saved.logins),
    ...text('backupFile', saved.backupFile),
    ...text('isolatedConfig', saved.isolatedConfig),
    ...text('credentialHelper', saved.credentialHelper),
    ...text('claim', saved.claim),
    ...(Array.isArray(saved.helperMappings) ? { helperMappings: saved.helperMappings.filter(isHelperMapping) } : {})
  }
}

/** The saved JSON object of version 1, or StateUnreadable saying what it is instead. */
function parseState(raw: string): Record<string, unknown> {
  let parsed: unknown
  try {
    parsed = parseJsonText(raw)
  } catch {
    throw new StateUnreadable('is not valid JSON')
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new StateUnreadable('is not a JSON object')
  const saved = parsed as Record<string, unknown>
  if (saved.version !== 1) throw new StateUnreadable(`has an unknown version (${safeText(saved.version, 20)})`)
  return saved
}

/** The well-formed login records; a missing list or a bad record is a warning. */
function loginRecords(logins: unknown): LoginRecord[] {
  if (!Array.isArray(logins)) {
    log.warning(
      "Nothing was logged out: the state the main step saved has no list of logins. Any login of the main step stays in the clients' auth files."
    )
  }
  const listed: unknown[] = Array.isArray(logins) ? logins : []
  const good = listed.filter(isLoginRecord)
  const bad = listed.filter(login => !isLoginRecord(login)).map(login => (login as { client?: unknown } | null)?.client)
  if (bad.length > 0)
    log.warning`Skipped ${bad.length} login record(s) of the saved state that name an unknown client or are not well-formed (${bad.map(String)}).`
  return good
}

/** `{ [key]: value }` for a non-empty string, else nothing. */
function text<K extends string>(key: K, value: unknown): Partial<Record<K, string>> {
  return typeof value === 'string' && value ? ({ [key]: value } as Record<K, string>) : {}
}

function isHelperMapping(value: unknown): value is HelperMapping {
  const mapping = value as Partial<HelperMapping> | null
  return typeof mapping === 'object' && mapping !== null && typeof mapping.registry === 'string' && typeof mapping.authFile === 'string'
}
function isLoginRecord(value: unknown): value is LoginRecord {
  const login = value as Partial<LoginRecord> | null
  return (
    typeof login === 'object' &&
    login !== null &&
    (CLIENT_IDS as readonly string[]).includes(login.client ?? '') &&
    typeof login.registry === 'string' &&
    typeof login.authFile === 'string'
  )
}
