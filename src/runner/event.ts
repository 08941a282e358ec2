// Whether GitHub withholds this run's secrets (a pull request from a fork, a Dependabot run), read from the runner's event.
import { safeText } from '../log/escape.js'
import { readTextFile } from './files.js'

/*
 * GitHub runs a workflow without the repository's secrets in two cases: a pull request from a fork
 * (events pull_request, pull_request_review, pull_request_review_comment; pull_request_target runs in
 * the base repository and gets its secrets) and a run Dependabot started (it gets Dependabot's secrets,
 * not the repository's). Everywhere else an empty secret is a mistake: one that is missing or misnamed.
 */

/** Whether this run gets no repository secrets, and in words why (or why it does get them). */
export interface SecretsVerdict {
  withheld: boolean
  why: string
}

/** The events of a pull request whose runs from a fork get no secrets. */
const FORK_WITHHELD_EVENTS = new Set(['pull_request', 'pull_request_review', 'pull_request_review_comment'])

const DEPENDABOT = 'dependabot[bot]'

/** Longest event payload read: GitHub's are far smaller; a larger file is not the runner's. */
const MAX_EVENT_BYTES = 25 * 1024 * 1024

/** What this run is, for a message: "a push event". */
const eventWords = (event: string): string => (event ? `a ${event} event` : 'a run whose event GITHUB_EVENT_NAME does not name')

/**
 * Whether the runner withholds this run's secrets. `readEvent` gives the event payload's text (the file at
 * GITHUB_EVENT_PATH by default); a payload that cannot be read or parsed proves no fork.
 */
export function secretsWithheld(env: NodeJS.ProcessEnv, readEvent: (file: string) => string | undefined = readEventFile): SecretsVerdict {
  const actor = [env.GITHUB_ACTOR, env.GITHUB_TRIGGERING_ACTOR].find(name => name?.trim().toLowerCase() === DEPENDABOT)
  if (actor) return { withheld: true, why: `a Dependabot run (actor ${DEPENDABOT}), which gets no repository secrets` }
  const event = env.GITHUB_EVENT_NAME?.trim() ?? ''
  if (event === 'pull_request_target') {
    return { withheld: false, why: "a pull_request_target event, which runs with the base repository's secrets, also for a fork" }
  }
  if (!FORK_WITHHELD_EVENTS.has(event)) return { withheld: false, why: `${eventWords(event)}, which gets the repository's secrets` }
  return pullRequestVerdict(event, env, readEvent)
}

/** A pull request event: from a fork (no secrets) or from a branch of the repository itself. */
function pullRequestVerdict(event: string, env: NodeJS.ProcessEnv, readEvent: (file: string) => string | undefined): SecretsVerdict {
  const file = env.GITHUB_EVENT_PATH?.trim()
  const payload = file ? parsePayload(readEvent, file) : undefined
  if (!payload) {
    return {
      withheld: false,
      why: `${eventWords(event)} whose payload (GITHUB_EVENT_PATH) could not be read to tell whether it comes from a fork`
    }
  }
  const base = payload.base ?? env.GITHUB_REPOSITORY?.trim() ?? ''
  if (payload.head === null) return { withheld: true, why: 'a pull request from a fork that no longer exists, which gets no secrets' }
  if (payload.head.toLowerCase() !== base.toLowerCase()) {
    return { withheld: true, why: `a pull request from the fork ${safeText(payload.head, 100)}, which gets no secrets` }
  }
  return {
    withheld: false,
    why: `${eventWords(event)} from a branch of ${safeText(base, 100)} itself, which gets the repository's secrets`
  }
}

interface PullRequestRepos {
  /** The head repository's full name; null when GitHub sends none (the fork was deleted). */
  head: string | null
  base: string | undefined
}

/** The pull request's head and base repositories, or undefined when the payload is not a pull request's. */
function parsePayload(readEvent: (file: string) => string | undefined, file: string): PullRequestRepos | undefined {
  let payload: unknown
  try {
    payload = JSON.parse(readEvent(file) ?? '')
  } catch {
    return undefined
  }
  const pr = field(payload, 'pull_request')
  if (typeof pr !== 'object' || pr === null) return undefined
  const headRepo = field(field(pr, 'head'), 'repo')
  const name = (repo: unknown): string | undefined => {
    const value = field(repo, 'full_name')
    return typeof value === 'string' && value ? value : undefined
  }
  const head = headRepo === null ? null : name(headRepo)
  return head === undefined ? undefined : { head, base: name(field(field(pr, 'base'), 'repo')) }
}

const field = (value: unknown, name: string): unknown =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined

function readEventFile(file: string): string | undefined {
  return readTextFile(file, MAX_EVENT_BYTES)
}
