// A client's failed login in its own words: refused credential, transient registry failure, rate limit, deadline.
import { ActionError } from '../log/errors.js'
import { safeText } from '../log/escape.js'
import { RATE_LIMIT_STATUSES } from '../net/policies.js'

/**
 * What a failed client login means, read from the client's own words (docker, podman, buildah,
 * skopeo, helm, oras all print the registry's answer or Go's network error):
 * - `refused`: the registry judged the credential (401/403, "unauthorized", "invalid username/password",
 *   "denied"): another attempt gets the same answer.
 * - `transient`: the registry or the network was busy or down (5xx, 429, refused or reset
 *   connections, timeouts, TLS handshake timeouts, an EOF mid-answer): worth another attempt.
 * - `other`: anything else (a bad flag, an unwritable auth file, an unknown host): reported at once.
 */
export type LoginVerdict = 'refused' | 'transient' | 'other'

const REFUSED = [
  /\bunauthorized\b/i,
  /invalid username\/password/i,
  /incorrect username or password/i,
  /authentication required/i,
  /\bstatus(?: code)?:? 40[13]\b/i,
  /\bstatus code from registry 40[13]\b/i,
  /\b40[13] \(?(?:unauthorized|forbidden)\b/i,
  // the registry's DENIED error ("denied: requested access…", docker's bare `: denied`), not a file's "permission denied"
  /(?<!permission )\bdenied\b/i
]

const TRANSIENT = [
  /\bstatus(?: code)?:? (?:429|5\d\d)\b/i,
  /\bstatus code from registry (?:429|5\d\d)\b/i,
  /\bHTTP (?:429|5\d\d)\b/,
  /\btoo many requests\b|\btoomanyrequests\b/i,
  /\b5\d\d (?:internal server error|bad gateway|service unavailable|gateway time-?out)\b/i,
  /\bconnection refused\b/i,
  /\bconnection reset\b/i,
  /\bbroken pipe\b/i,
  /\bTLS handshake timeout\b/i,
  /\bi\/o timeout\b/i,
  /\bClient\.Timeout exceeded\b/i,
  /\bcontext deadline exceeded\b/i,
  /\btimed out\b/i,
  /\bunexpected EOF\b|: EOF\b/,
  /\bstream error\b/i,
  /\btemporary failure in name resolution\b/i,
  /\bserver misbehaving\b/i,
  /\bnetwork is unreachable\b/i
]

/**
 * The registry answered HTTP 429 or 503: it asks for a pause (its Retry-After, which no client prints). What the
 * clients print (measured against the local registry with a 429 or 503 and a Retry-After, #20):
 * - docker: `toomanyrequests: <message>` or `error parsing HTTP 429 response body: …`, `received unexpected HTTP
 *   status: 503 Service Unavailable` (in its "Error logging in to endpoint" line; the last line is the plain-http
 *   fallback's own error);
 * - podman, buildah, skopeo: `too many requests to registry`, `invalid status code from registry 503 (Service Unavailable)`;
 * - helm, oras: `response status code 429: toomanyrequests: …`, `response status code 503: …`, once oras-go's own
 *   retries (a 429's Retry-After, at most 3 s, 5 times) are spent.
 */
const PAUSED = RATE_LIMIT_STATUSES.join('|')
const RATE_LIMITED = [
  new RegExp(`\\bstatus(?: code)?:? (?:${PAUSED})\\b`, 'i'),
  new RegExp(`\\bstatus code from registry (?:${PAUSED})\\b`, 'i'),
  new RegExp(`\\bHTTP (?:${PAUSED})\\b`),
  /\btoo many requests\b|\btoomanyrequests\b/i,
  /\b503 service unavailable\b/i
]

export const rateLimited = (output: string): boolean => RATE_LIMITED.some(pattern => pattern.test(output))

export function loginVerdict(output: string): LoginVerdict {
  if (REFUSED.some(pattern => pattern.test(output))) return 'refused'
  if (TRANSIENT.some(pattern => pattern.test(output))) return 'transient'
  return 'other'
}

/** A client command that exited non-zero; `transient` tells the shared retry rule to try again. */
export class ClientCommandError extends ActionError {
  /** The wait the registry asked for (its Retry-After, ms), when the action could read it. */
  retryAfterMs: number | undefined
  constructor(
    message: string,
    readonly verdict: LoginVerdict,
    hint?: string,
    /** A transient failure the registry answered with 429 or 503: the next attempt waits its Retry-After, else the rate-limit delay. */
    readonly rateLimited = false
  ) {
    super(message, hint)
    this.name = 'ClientCommandError'
  }

  get transient(): boolean {
    return this.verdict === 'transient'
  }
}

/** The last lines of what the client said, as one safe log line. */
export function clientSaid(stdout: string, stderr: string): string {
  // Each line made safe and cut on its own: the client's output may echo what it was given.
  const said = (stderr.trim() || stdout.trim())
    .split('\n')
    .slice(-3)
    .map(line => safeText(line.trim(), 400))
    .join(' / ')
  return said || 'no output'
}

/**
 * The error for a failed `<client> <verb>`. A refused login names the credential that was refused
 * (username and registry, never the password) and what to check.
 */
export function clientFailure(
  client: string,
  verb: string,
  result: { exitCode: number; stdout: string; stderr: string },
  login?: { username: string; registry: string }
): ClientCommandError {
  const said = clientSaid(result.stdout, result.stderr)
  const base = `'${client} ${verb}' exited with code ${result.exitCode}: ${said}`
  if (!login) return new ClientCommandError(base, 'other')
  const output = `${result.stderr}\n${result.stdout}`
  const verdict = loginVerdict(output)
  if (verdict !== 'refused') return new ClientCommandError(base, verdict, undefined, verdict === 'transient' && rateLimited(output))
  return new ClientCommandError(
    `${base}. The registry ${safeText(login.registry)} refused the credential of user '${safeText(login.username)}' (not retried).`,
    'refused',
    'Check that the credential belongs to this registry (its cloud account, region or instance), that it has not expired or been revoked, and that this identity may pull from or push to it.'
  )
}
