// Yandex Cloud's registry credentials: each auth method's data turned into a registry username and password, with the warnings each one needs.
import { githubDefaultAudience, githubServer } from '../../net/oidc.js'
import { safeText } from '../../log/escape.js'
import { ActionError } from '../../log/errors.js'
import type { ProviderContext } from '../provider.js'
import { withExpiry, type Credential } from '../kit/credentials.js'
import type { YandexAuth } from './auth.js'
import { isCloudRegistry, isContainerRegistry } from './hosts.js'
import { iamTokenFromGithub, iamTokenFromKey, iamTokenFromOauth } from './iam.js'
import { yandexMetadataToken } from './runner-identity.js'

/** The GitHub token audience Yandex's federation setup expects by default: <server>/<owner>, GitHub's default `aud` (https://github.com/<owner> on github.com). */
export function defaultGithubAudience(env: NodeJS.ProcessEnv): string {
  const audience = githubDefaultAudience(env)
  if (!audience) {
    throw new ActionError(
      'Cannot tell the GitHub token audience for keyless login: GITHUB_REPOSITORY_OWNER is not set.',
      `Set input 'audience' to one of the audiences of the workload identity federation (usually ${safeText(githubServer(env))}/<owner>).`
    )
  }
  return audience
}

async function keyCredential(
  auth: Extract<YandexAuth, { kind: 'service-account-key' }>,
  registries: string[],
  ctx: ProviderContext
): Promise<Credential> {
  if (auth.exchange) return withExpiry('iam', await iamTokenFromKey(auth.key, ctx))
  ctx.warn(
    "The long-lived service-account key is stored in the clients' auth files until post logs out. Leave 'exchange' at true to store a 12-hour IAM token instead."
  )
  const cloud = registries.filter(isCloudRegistry)
  if (cloud.length > 0) {
    ctx.warn(
      `Yandex documents the json_key login for Container Registry only; that ${safeText(cloud.join(', '))} accepts it is unconfirmed. If the login fails, leave 'exchange' at true.`
    )
  }
  return { username: 'json_key', password: auth.key.json }
}

async function oauthCredential(
  auth: Extract<YandexAuth, { kind: 'oauth-token' }>,
  registries: string[],
  ctx: ProviderContext
): Promise<Credential> {
  if (auth.exchange) return withExpiry('iam', await iamTokenFromOauth(auth.oauthToken, ctx))
  ctx.warn(
    "The long-lived OAuth token is stored in the clients' auth files until post logs out. Leave 'exchange' at true to store a 12-hour IAM token instead."
  )
  const cloud = registries.filter(isCloudRegistry)
  if (cloud.length > 0) {
    ctx.warn(
      `Yandex Cloud Registry's documentation lists only IAM tokens and API keys for docker login, not the oauth login; ${safeText(cloud.join(', '))} may refuse it. Leave 'exchange' at true to log in with an IAM token made from the OAuth token.`
    )
  }
  return { username: 'oauth', password: auth.oauthToken }
}

function tokenCredential(auth: Extract<YandexAuth, { kind: 'token' }>, ctx: ProviderContext): Credential {
  if (!auth.token.startsWith('t1.')) {
    ctx.warn(
      auth.username
        ? "Input 'password' (username iam) does not look like an IAM token (they start with 't1.'). For a Yandex ID OAuth token use username oauth; for an API key use username api_key."
        : "Input 'token' does not look like an IAM token (they start with 't1.'). For a Yandex ID OAuth token use 'oauth-token'; for an API key use 'api-key'."
    )
  }
  return { username: 'iam', password: auth.token }
}

function apiKeyCredential(auth: Extract<YandexAuth, { kind: 'api-key' }>, registries: string[], ctx: ProviderContext): Credential {
  const old = registries.filter(isContainerRegistry)
  if (old.length > 0) {
    ctx.warn(`Yandex documents the api_key login for Cloud Registry only; that ${old.join(', ')} accepts it is unconfirmed.`)
  }
  return { username: 'api_key', password: auth.apiKey }
}

/** The registry username and password for the method's data (one for every host: the registries are not regional). */
export async function credentialFor(auth: YandexAuth, registries: string[], ctx: ProviderContext): Promise<Credential> {
  switch (auth.kind) {
    case 'oidc':
      return withExpiry('iam', await iamTokenFromGithub(auth.serviceAccountId, auth.audience ?? defaultGithubAudience(ctx.env), ctx))
    case 'service-account-key':
      return keyCredential(auth, registries, ctx)
    case 'token':
      return tokenCredential(auth, ctx)
    case 'oauth-token':
      return oauthCredential(auth, registries, ctx)
    case 'api-key':
      return apiKeyCredential(auth, registries, ctx)
    case 'runner-identity':
      return withExpiry('iam', await yandexMetadataToken(ctx))
  }
}
