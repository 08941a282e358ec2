import { getState, saveState as coreSaveState, warning } from '@actions/core'
import { CLIENT_IDS, type ClientId } from './clients/index.js'

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
}

export function saveState(state: PostState): void {
  coreSaveState(KEY, JSON.stringify(state))
}

/** The state main saved, or undefined when main saved none (it failed early, or `logout` is false). */
export function loadState(): PostState | undefined {
  const raw = getState(KEY)
  if (!raw) return undefined
  const parsed = JSON.parse(raw) as Partial<PostState> & { logins?: unknown[] }
  if (parsed.version !== 1 || !Array.isArray(parsed.logins)) {
    throw new Error('the state saved by the main step has an unknown shape')
  }
  const logins: LoginRecord[] = []
  for (const login of parsed.logins) {
    if (isLoginRecord(login)) logins.push(login)
    else warning(`Unknown client '${String((login as { client?: unknown } | null)?.client)}' in saved state; skipped.`)
  }
  return { ...(parsed as PostState), logins }
}

function isLoginRecord(value: unknown): value is LoginRecord {
  const login = value as Partial<LoginRecord> | null
  return (
    typeof login === 'object' &&
    login !== null &&
    (CLIENT_IDS as string[]).includes(login.client ?? '') &&
    typeof login.registry === 'string' &&
    typeof login.authFile === 'string'
  )
}
