// The runner's event for a test: a pull request payload at GITHUB_EVENT_PATH (from a fork or not), or a Dependabot run.
import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/**
 * The variables of a `pull_request` run from `head` (a repository's full name; null: a fork since deleted)
 * into `base`, with the event payload written where GITHUB_EVENT_PATH points.
 */
export function pullRequestEnv(head: string | null, base = 'acme/app', event = 'pull_request'): Record<string, string> {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'registry-login-event-')), 'event.json')
  const repo = (fullName: string | null) => (fullName === null ? null : { full_name: fullName, fork: fullName !== base })
  writeFileSync(
    file,
    JSON.stringify({
      action: 'opened',
      number: 7,
      pull_request: { head: { ref: 'patch-1', repo: repo(head) }, base: { ref: 'main', repo: repo(base) } }
    })
  )
  return { GITHUB_EVENT_NAME: event, GITHUB_EVENT_PATH: file, GITHUB_REPOSITORY: base }
}

/** A pull request from a fork: GitHub withholds the secrets. */
export const forkPullRequestEnv = (): Record<string, string> => pullRequestEnv('someone/app-fork')

/** A run Dependabot started (its pull request): Dependabot's secrets, not the repository's. */
export const DEPENDABOT_ENV = {
  GITHUB_EVENT_NAME: 'pull_request',
  GITHUB_ACTOR: 'dependabot[bot]',
  GITHUB_TRIGGERING_ACTOR: 'dependabot[bot]'
}
