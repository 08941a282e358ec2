import { getState, saveState as coreSaveState } from '@actions/core'

const KEY = 'registry-login'

/** One client login that post has to undo. */
export interface LoginRecord {
  client: string
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
}

export function saveState(state: PostState): void {
  coreSaveState(KEY, JSON.stringify(state))
}

/** The state main saved, or undefined when main saved none (it failed early, or `logout` is false). */
export function loadState(): PostState | undefined {
  const raw = getState(KEY)
  if (!raw) return undefined
  const parsed = JSON.parse(raw) as Partial<PostState>
  if (parsed.version !== 1 || !Array.isArray(parsed.logins)) {
    throw new Error('the state saved by the main step has an unknown shape')
  }
  return parsed as PostState
}
