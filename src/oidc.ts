import { ActionError } from './errors.js'
import type { Http } from './http.js'

/**
 * Requests a GitHub Actions OIDC token for `audience` from the runner's token service.
 * Needs the job permission `id-token: write`.
 */
export async function githubIdToken(http: Http, audience: string, env: NodeJS.ProcessEnv): Promise<string> {
  const url = env.ACTIONS_ID_TOKEN_REQUEST_URL
  const bearer = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN
  if (!url || !bearer) {
    throw new ActionError(
      'Keyless login needs a GitHub OIDC token, but the runner offers none (ACTIONS_ID_TOKEN_REQUEST_URL is not set).',
      "Add 'permissions: id-token: write' to the job (or workflow). Pull requests from forks never get one."
    )
  }
  const target = new URL(url)
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
