// The runner's GitHub OIDC token service: where to ask (checked before any call), the request, GitHub's default audience.
import { ActionError } from '../log/errors.js'
import { safeText } from '../log/escape.js'
import type { Http } from './http.js'
import { maskSecret } from '../log/secrets.js'

const URL_VAR = 'ACTIONS_ID_TOKEN_REQUEST_URL'
const TOKEN_VAR = 'ACTIONS_ID_TOKEN_REQUEST_TOKEN'
const PERMISSION = "Add 'permissions: id-token: write' to the job (or workflow). Pull requests from forks never get one."

/** Whether the runner offers no OIDC token at all (neither variable set): the job lacks `id-token: write`. */
export function noOidcToken(env: NodeJS.ProcessEnv): boolean {
  return !env[URL_VAR]?.trim() && !env[TOKEN_VAR]?.trim()
}

/**
 * Where and how to ask the runner for an OIDC token. Checked before any network call: each missing
 * variable is named, and the URL must be https (the request token must never travel in clear).
 */
export function oidcRequest(env: NodeJS.ProcessEnv): { url: URL; bearer: string } {
  const { raw, bearer } = requestVariables(env)
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new ActionError(`${URL_VAR} is not a URL ('${safeText(raw, 100)}').`, 'The runner sets it; do not override it in the workflow.')
  }
  if (url.protocol !== 'https:' || url.username || url.password) {
    throw new ActionError(
      `${URL_VAR} must be an https:// URL without user info, but it is '${safeText(`${url.protocol}//${url.host}${url.pathname}`, 100)}': the request token would travel in clear.`,
      'The runner sets it; do not override it in the workflow.'
    )
  }
  return { url, bearer }
}

/** Both request variables, each missing one named. */
function requestVariables(env: NodeJS.ProcessEnv): { raw: string; bearer: string } {
  const raw = env[URL_VAR]?.trim() ?? ''
  const bearer = env[TOKEN_VAR]?.trim() ?? ''
  if (!raw && !bearer) {
    throw new ActionError(
      `Keyless login needs a GitHub OIDC token, but the runner offers none (${URL_VAR} and ${TOKEN_VAR} are not set).`,
      PERMISSION
    )
  }
  if (!raw) throw new ActionError(`Keyless login needs a GitHub OIDC token, but ${URL_VAR} is not set (${TOKEN_VAR} is).`, PERMISSION)
  if (!bearer) throw new ActionError(`Keyless login needs a GitHub OIDC token, but ${TOKEN_VAR} is not set (${URL_VAR} is).`, PERMISSION)
  return { raw, bearer }
}

/**
 * Requests a GitHub Actions OIDC token for `audience` from the runner's token service.
 * Needs the job permission `id-token: write`.
 */
export async function githubIdToken(http: Http, audience: string, env: NodeJS.ProcessEnv): Promise<string> {
  const { url, bearer } = oidcRequest(env)
  // The runner's request token opens every OIDC token of the job: a reply that echoes it shows ***.
  maskSecret(bearer)
  const target = new URL(url.toString())
  target.searchParams.set('audience', audience)
  const reply = await http.json<{ value?: unknown }>({
    service: 'GitHub OIDC token service',
    method: 'GET',
    url: target.toString(),
    headers: { Authorization: `Bearer ${bearer}` },
    parseError: body => ({ message: body.slice(0, 200) })
  })
  if (typeof reply.value !== 'string' || reply.value === '') {
    throw new ActionError('GitHub OIDC token service answered without a token (no "value" field).')
  }
  return reply.value
}

/**
 * GitHub's own default `aud` for an OIDC token: <server>/<owner>, from GITHUB_SERVER_URL: e.g.
 * https://github.com/acme, https://ghe.example.com/acme (GitHub Enterprise Server) or
 * https://acme.ghe.com/octo-org (GHE.com). Undefined when the runner does not say the owner.
 */
export function githubDefaultAudience(env: NodeJS.ProcessEnv): string | undefined {
  const owner = env.GITHUB_REPOSITORY_OWNER?.trim() || env.GITHUB_REPOSITORY?.split('/')[0]?.trim()
  return owner ? `${githubServer(env)}/${owner}` : undefined
}

export function githubServer(env: NodeJS.ProcessEnv): string {
  return (env.GITHUB_SERVER_URL?.trim() || 'https://github.com').replace(/\/+$/, '')
}
