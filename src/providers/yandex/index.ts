import { githubDefaultAudience, githubServer } from '../../net/oidc.js'
import { safeText } from '../../log/escape.js'
import { ActionError, InputError } from '../../log/errors.js'
import type { InputReader } from '../../inputs/reader.js'
import {
  forEachRegistry,
  type AuthMethodSpec,
  type CommonInputs,
  type LoginSpec,
  type Provider,
  type ProviderContext
} from '../provider.js'
import type { RegistryCredential } from '../../types.js'
import { CLOUD_REGISTRY, containerRegistrySunsetWarning, isCloudRegistry, isContainerRegistry, YANDEX_REGISTRY_POLICY } from './hosts.js'
import { iamTokenFromGithub, iamTokenFromKey, iamTokenFromOauth, type IamToken } from './iam.js'
import { parseAuthorizedKey, type AuthorizedKey } from './key.js'
import { methodOfStaticLogin, readStaticLogin, usernameList, type UsernameTable } from '../kit/static-login.js'

/**
 * Yandex's parsed credential: exactly one of these. `username` is set when the credential came as
 * `password` with that registry username (docker/login-action style), so the log can say so.
 */
export type YandexAuth =
  | { kind: 'oidc'; serviceAccountId: string; audience?: string }
  | { kind: 'service-account-key'; key: AuthorizedKey; exchange: boolean; username?: string }
  | { kind: 'token'; token: string; username?: string }
  | { kind: 'oauth-token'; oauthToken: string; exchange: boolean; username?: string }
  | { kind: 'api-key'; apiKey: string; username?: string }

/** `password` selects the method by `username`, as docker/login-action and yc-cr-login users write it. */
export const YANDEX_AUTH_METHODS = ['oidc', 'service-account-key', 'token', 'oauth-token', 'api-key', 'password'] as const
type Method = Exclude<(typeof YANDEX_AUTH_METHODS)[number], 'password'>

/** The registry usernames Yandex documents; each names what the password is (protocols.md §1.2). */
export const YANDEX_USERNAMES: UsernameTable<Method> = {
  iam: { method: 'token', password: 'an IAM token t1.…' },
  oauth: { method: 'oauth-token', password: 'a Yandex ID OAuth token' },
  json_key: { method: 'service-account-key', password: "a service account's authorized key JSON (or its path)", orPath: true },
  api_key: { method: 'api-key', password: "a service account's API key" }
}

/** The input that carries each method's credential. */
const CREDENTIAL_INPUT: Record<Method, string> = {
  oidc: 'service-account-id',
  'service-account-key': 'service-account-key',
  token: 'token',
  'oauth-token': 'oauth-token',
  'api-key': 'api-key'
}

const SERVICE_ACCOUNT_ID = /^[a-z0-9]{8,64}$/

export function parseYandexAuth(inputs: InputReader, common: CommonInputs): YandexAuth {
  const serviceAccountId = inputs.text('service-account-id')
  let keyInput = inputs.secretOrPath('service-account-key')
  let token = inputs.secret('token')
  let oauthToken = inputs.secret('oauth-token')
  let apiKey = inputs.secret('api-key')
  const audience = inputs.text('audience')
  let method: string = common.auth
  if (method !== 'auto' && !(YANDEX_AUTH_METHODS as readonly string[]).includes(method)) {
    throw new InputError(
      'auth',
      `is '${method}', which Yandex Cloud does not support`,
      `Use one of: auto, ${YANDEX_AUTH_METHODS.join(', ')}.`
    )
  }
  const login = readStaticLogin(inputs, 'Yandex Cloud', YANDEX_USERNAMES)

  const given: Method[] = []
  if (keyInput) given.push('service-account-key')
  if (token) given.push('token')
  if (oauthToken) given.push('oauth-token')
  if (apiKey) given.push('api-key')

  if (serviceAccountId && !SERVICE_ACCOUNT_ID.test(serviceAccountId)) {
    throw new InputError(
      'service-account-id',
      'is not a Yandex Cloud service account id',
      "Give the id (20 lowercase letters and digits, e.g. 'aje…'; yc iam service-account get <name> --format json | jq -r .id), not the name."
    )
  }

  if (login) {
    const other = given[0]
    if (other) {
      throw new InputError(
        CREDENTIAL_INPUT[other],
        "and input 'username' are both set",
        `Set only one Yandex Cloud credential: '${CREDENTIAL_INPUT[other]}', or 'username' with 'password'.`
      )
    }
    method = methodOfStaticLogin(login, method)
    if (method === 'token') token = login.password
    else if (method === 'oauth-token') oauthToken = login.password
    else if (method === 'service-account-key') keyInput = login.password
    else apiKey = login.password
  } else if (method === 'password') {
    throw new InputError('username', "is empty but 'auth' is password", `Set 'username' and 'password': ${usernameList(YANDEX_USERNAMES)}.`)
  }
  const username = login ? { username: login.username } : {}
  if (method === 'auto') {
    if (given.length > 1) {
      const [first, second] = given.map(m => CREDENTIAL_INPUT[m])
      throw new InputError(
        first ?? '',
        `and input '${second ?? ''}' are both set`,
        "Set only one Yandex Cloud credential, or choose one with 'auth'."
      )
    }
    if (given[0]) method = given[0]
    else if (serviceAccountId) method = 'oidc'
    else {
      throw new InputError(
        'service-account-id',
        'is empty, and so is every other Yandex Cloud credential input',
        "For keyless login set 'service-account-id' (and give the job 'permissions: id-token: write'); or set one of 'service-account-key', 'token', 'oauth-token', 'api-key', or 'username' with 'password'. In a pull request from a fork, secrets are empty."
      )
    }
  }
  const chosen = method as Method
  for (const other of given) {
    if (other !== chosen) {
      throw new InputError(
        CREDENTIAL_INPUT[other],
        `is set, but 'auth' is ${chosen}, which does not use it`,
        `Remove '${CREDENTIAL_INPUT[other]}', or set 'auth' to ${other}.`
      )
    }
  }
  if (serviceAccountId && chosen !== 'oidc' && chosen !== 'service-account-key') {
    throw new InputError(
      'service-account-id',
      `is set, but auth method ${chosen} does not use it`,
      "Remove 'service-account-id', or set 'auth' to oidc for keyless login."
    )
  }
  if (audience && chosen !== 'oidc') {
    throw new InputError(
      'audience',
      `is set, but auth method ${chosen} does not use a GitHub OIDC token`,
      "Remove 'audience', or use keyless login (auth: oidc)."
    )
  }

  switch (chosen) {
    case 'oidc':
      if (!serviceAccountId) {
        throw new InputError(
          'service-account-id',
          "is empty but 'auth' is oidc",
          'Set it to the id of the service account that has a federated credential for this repository.'
        )
      }
      return audience ? { kind: 'oidc', serviceAccountId, audience } : { kind: 'oidc', serviceAccountId }
    case 'service-account-key': {
      if (!keyInput)
        throw new InputError(
          'service-account-key',
          "is empty but 'auth' is service-account-key",
          "Pass the authorized key JSON of 'yc iam key create' from a secret, or its path."
        )
      const key = parseAuthorizedKey(keyInput, login ? 'password' : 'service-account-key')
      if (serviceAccountId && serviceAccountId !== key.serviceAccountId) {
        throw new InputError(
          'service-account-id',
          `is ${serviceAccountId}, but the key belongs to service account ${key.serviceAccountId}`,
          "Remove 'service-account-id' (the key names its service account), or pass that account's key."
        )
      }
      return { kind: 'service-account-key', key, exchange: common.exchange, ...username }
    }
    case 'token':
      if (!token)
        throw new InputError('token', "is empty but 'auth' is token", "Pass an IAM token (yc iam create-token), logged in as 'iam'.")
      return { kind: 'token', token, ...username }
    case 'oauth-token':
      if (!oauthToken)
        throw new InputError('oauth-token', "is empty but 'auth' is oauth-token", 'Pass a Yandex ID OAuth token from a secret.')
      return { kind: 'oauth-token', oauthToken, exchange: common.exchange, ...username }
    case 'api-key':
      if (!apiKey)
        throw new InputError(
          'api-key',
          "is empty but 'auth' is api-key",
          "Pass a service account's API key (yc iam api-key create) from a secret."
        )
      return { kind: 'api-key', apiKey, ...username }
  }
}

export function yandexRegistries(common: CommonInputs): string[] {
  return common.registries.length > 0 ? common.registries : [CLOUD_REGISTRY]
}

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

/** The warning that does not depend on the credential: Container Registry's shutdown. */
function hostWarnings(ctx: ProviderContext, registries: string[]): void {
  const sunset = containerRegistrySunsetWarning(registries)
  if (sunset) ctx.warn(sunset)
}

const withExpiry = (username: string, { token, expiresAt }: IamToken) => ({
  username,
  password: token,
  ...(expiresAt ? { expiresAt } : {})
})

/** The log's name for the method; "(iam)" -> "(iam, given as username oauth + password)" when the inputs gave it so. */
function methodLabel(auth: YandexAuth): string {
  const label = {
    oidc: 'GitHub OIDC token exchanged for an IAM token (workload identity federation, iam)',
    'service-account-key':
      auth.kind === 'service-account-key' && !auth.exchange
        ? 'service-account authorized key passed to the registry (json_key)'
        : 'service-account authorized key exchanged for an IAM token (iam)',
    token: 'IAM token (iam)',
    'oauth-token':
      auth.kind === 'oauth-token' && !auth.exchange
        ? 'Yandex ID OAuth token passed to the registry (oauth)'
        : 'Yandex ID OAuth token exchanged for an IAM token (iam)',
    'api-key': 'service-account API key (api_key)'
  }[auth.kind]
  const given = auth.kind !== 'oidc' && auth.username ? `, given as username ${auth.username} + password` : ''
  return given ? label.replace(/\)$/, `${given})`) : label
}

type Credential = Omit<RegistryCredential, 'registry'>

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

async function credentialFor(auth: YandexAuth, registries: string[], ctx: ProviderContext): Promise<Credential> {
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
  }
}

export const yandex: Provider<YandexAuth> = {
  id: 'yandex',
  authMethods: YANDEX_AUTH_METHODS,
  methods: {
    oidc: { reads: ['service-account-id', 'audience'], oidc: true },
    'service-account-key': { reads: ['service-account-key', 'service-account-id'], options: ['exchange'] },
    token: { reads: ['token'] },
    'oauth-token': { reads: ['oauth-token'], options: ['exchange'] },
    'api-key': { reads: ['api-key'] },
    // iam / oauth / json_key / api_key + password: still a Yandex credential, so Yandex's hosts only.
    password: { reads: ['username', 'password'] }
  } satisfies Record<(typeof YANDEX_AUTH_METHODS)[number], AuthMethodSpec>,
  registryHosts: YANDEX_REGISTRY_POLICY,
  // One host serves every folder: the registries are not regional.
  regional: false,
  plan(inputs: InputReader, common: CommonInputs): LoginSpec<YandexAuth> {
    const auth = parseYandexAuth(inputs, common)
    const password = auth.kind !== 'oidc' && auth.username
    return {
      provider: 'yandex',
      auth: password ? 'password' : auth.kind,
      ...(password ? { passwordFor: auth.kind } : {}),
      method: methodLabel(auth),
      registries: yandexRegistries(common),
      data: auth
    }
  },
  async mint({ data: auth, registries }, ctx) {
    hostWarnings(ctx, registries)
    return forEachRegistry(registries, await credentialFor(auth, registries, ctx))
  },
  secrets(auth) {
    switch (auth.kind) {
      case 'oidc':
        return []
      case 'service-account-key':
        return [auth.key.json, auth.key.privateKey]
      case 'token':
        return [auth.token]
      case 'oauth-token':
        return [auth.oauthToken]
      case 'api-key':
        return [auth.apiKey]
    }
  }
}
