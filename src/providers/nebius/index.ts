import { githubDefaultAudience, githubServer } from '../../net/oidc.js'
import { InputError } from '../../log/errors.js'
import type { InputReader } from '../../inputs/reader.js'
import {
  forEachRegistry,
  type AuthMethodSpec,
  type CommonInputs,
  type LoginSpec,
  type Provider,
  type ProviderContext
} from '../provider.js'
import { checkServiceAccountId, keyFromFields, parseCredentialsFile, type ServiceAccountKey } from './credentials.js'
import { textOrFile } from '../../inputs/text-or-file.js'
import { exchange, federatedExchangeRequest, jwtExchangeRequest, serviceAccountJwt, type Transport } from './exchange.js'
import { NEBIUS_REGIONS, NEBIUS_REGISTRY_HOSTS, nebiusRegistryHost } from './regions.js'
import { methodOfStaticLogin, readStaticLogin, usernameList, type UsernameTable } from '../kit/static-login.js'

/** The registry username for access tokens and static keys (Container Registry authentication page: `--username iam`). */
export const NEBIUS_USERNAME = 'iam'

/**
 * Nebius's parsed credential: exactly one of these. `username` is set when the token came as
 * `password` with username iam (docker/login-action style), so the log can say so.
 */
export type NebiusAuth =
  | { kind: 'oidc'; serviceAccountId: string; audience: string | undefined; transport: Exclude<Transport, 'auto'> }
  | { kind: 'service-account-key'; key: ServiceAccountKey; transport: Transport }
  | { kind: 'token'; token: string; username?: string }

/** `password` takes `username: iam` + `password`, as docker/login-action users write it. */
const METHODS = ['oidc', 'service-account-key', 'token', 'password'] as const

/** The one registry username Nebius documents: static keys (up to 3 years) and access tokens (12 hours). */
export const NEBIUS_USERNAMES: UsernameTable<'token'> = {
  [NEBIUS_USERNAME]: {
    method: 'token',
    password: 'a static key (nebius iam static-key issue --service CONTAINER_REGISTRY) or an access token'
  }
}

/**
 * GitHub's own default `aud` for an OIDC token: <server>/<owner>, e.g. https://github.com/acme. The
 * federated-credentials spec has no audience field, and a third-party action reports this default
 * working; which `aud` Nebius checks, if any, is not documented.
 */
export function defaultAudience(env: NodeJS.ProcessEnv, warn: (message: string) => void): string {
  const audience = githubDefaultAudience(env)
  if (!audience) {
    const server = githubServer(env)
    warn(
      `The runner does not say who owns the repository (GITHUB_REPOSITORY_OWNER), so the GitHub OIDC token is requested for audience '${server}'. Set 'audience' if your federated credentials expect another one.`
    )
    return server
  }
  return audience
}

export function parseNebiusAuth(inputs: InputReader, common: CommonInputs): NebiusAuth {
  const keyFile = inputs.secretOrPath('service-account-key')
  const privateKey = inputs.secretOrPath('private-key')
  const publicKeyId = inputs.text('public-key-id')
  const serviceAccountId = inputs.text('service-account-id')
  const token = inputs.secret('token')
  const audience = inputs.text('audience')
  const transport = inputs.choice<Transport>('token-exchange', ['auto', 'http', 'grpc'], 'auto')

  if (keyFile && (privateKey || publicKeyId)) {
    throw new InputError(
      'service-account-key',
      `and input '${privateKey ? 'private-key' : 'public-key-id'}' are both set`,
      "Pass either the whole credentials file in 'service-account-key', or its fields in 'service-account-id', 'public-key-id' and 'private-key'."
    )
  }
  const hasKey = Boolean(keyFile || privateKey || publicKeyId)
  let method = common.auth
  if (method !== 'auto' && !(METHODS as readonly string[]).includes(method)) {
    throw new InputError('auth', `is '${method}', which Nebius AI Cloud does not support`, `Use one of: auto, ${METHODS.join(', ')}.`)
  }
  const login = readStaticLogin(inputs, 'Nebius Container Registry', NEBIUS_USERNAMES)
  if (login) {
    const other = token
      ? 'token'
      : keyFile
        ? 'service-account-key'
        : privateKey
          ? 'private-key'
          : publicKeyId
            ? 'public-key-id'
            : serviceAccountId
              ? 'service-account-id'
              : ''
    if (other)
      throw new InputError(
        other,
        "and input 'username' are both set",
        `Set only one Nebius credential: '${other}', or 'username: iam' with 'password'.`
      )
    return { kind: methodOfStaticLogin(login, method), token: login.password, username: login.username }
  }
  if (method === 'password') {
    throw new InputError('username', "is empty but 'auth' is password", `Set 'username' and 'password': ${usernameList(NEBIUS_USERNAMES)}.`)
  }
  if (method === 'auto') {
    if (token && hasKey) {
      throw new InputError(
        'token',
        `and input '${keyFile ? 'service-account-key' : privateKey ? 'private-key' : 'public-key-id'}' are both set`,
        "Set only one credential, or choose with 'auth'."
      )
    }
    if (token && serviceAccountId) {
      throw new InputError(
        'token',
        "and input 'service-account-id' are both set",
        "A token logs in by itself; 'service-account-id' means federated credentials. Set only one, or choose with 'auth'."
      )
    }
    if (hasKey) method = 'service-account-key'
    else if (token) method = 'token'
    else if (serviceAccountId) method = 'oidc'
    else {
      throw new InputError(
        'service-account-id',
        'is empty, and so is every other Nebius credential input',
        "Set 'service-account-id' for keyless federated credentials (GitHub OIDC), 'service-account-key' to a service-account credentials file, or 'token' (or 'username: iam' with 'password') to a static key or access token. In a pull request from a fork, secrets are empty."
      )
    }
  }
  if (method === 'token') {
    if (!token)
      throw new InputError(
        'token',
        "is empty but 'auth' is token",
        'Pass a Nebius static key (nebius iam static-key issue --service CONTAINER_REGISTRY) or an access token from a secret.'
      )
    return { kind: 'token', token }
  }
  if (method === 'service-account-key') {
    if (!common.exchange) {
      throw new InputError(
        'exchange',
        'is false, but Nebius Container Registry does not take a service-account key as a password',
        "Leave 'exchange' at true (the key is exchanged for a 12-hour access token), or use a static key in 'token'."
      )
    }
    if (keyFile) {
      const text = textOrFile('service-account-key', keyFile, value => value.startsWith('{'), 'a credentials JSON')
      return { kind: 'service-account-key', key: parseCredentialsFile('service-account-key', text), transport }
    }
    if (!privateKey && !publicKeyId) {
      throw new InputError(
        'service-account-key',
        "is empty but 'auth' is service-account-key",
        "Pass the credentials file of 'nebius iam auth-public-key generate' (or its fields in 'service-account-id', 'public-key-id', 'private-key')."
      )
    }
    return { kind: 'service-account-key', key: keyFromFields(serviceAccountId, publicKeyId, privateKey), transport }
  }
  if (method === 'oidc') {
    if (!serviceAccountId)
      throw new InputError(
        'service-account-id',
        "is empty but 'auth' is oidc",
        'Set it to the id (serviceaccount-…) of the service account whose federated credentials trust GitHub.'
      )
    checkServiceAccountId('service-account-id', serviceAccountId)
    if (audience && /\s/.test(audience)) throw new InputError('audience', 'contains white space', 'Give one audience string.')
    // The documented federated exchange is gRPC; 'http' tries the HTTPS gateway instead (reportedly refused).
    return { kind: 'oidc', serviceAccountId, audience: audience || undefined, transport: transport === 'http' ? 'http' : 'grpc' }
  }
  throw new InputError('auth', `is '${method}', which Nebius AI Cloud does not support`, `Use one of: auto, ${METHODS.join(', ')}.`)
}

export function nebiusRegistries(common: CommonInputs): string[] {
  if (common.registries.length > 0) return common.registries
  if (common.regions.length === 0) {
    throw new InputError(
      'region',
      "is empty, and so is 'registry'",
      `Set 'region' to one or more of ${NEBIUS_REGIONS.join(', ')}, or 'registry' to a host such as cr.eu-north1.nebius.cloud.`
    )
  }
  return [
    ...new Set(
      common.regions.map(region => {
        const host = nebiusRegistryHost(region)
        if (!host)
          throw new InputError(
            'region',
            `has '${region}', which is not a Nebius AI Cloud region`,
            `Use one of ${NEBIUS_REGIONS.join(', ')}.`
          )
        return host
      })
    )
  ]
}

/** The log's name for the method. */
function methodLabel(auth: NebiusAuth): string {
  if (auth.kind === 'token')
    return `static key or access token (iam${auth.username ? `, given as username ${auth.username} + password` : ''})`
  if (auth.kind === 'service-account-key') {
    const how = auth.transport === 'auto' ? 'HTTPS, gRPC as fallback' : auth.transport === 'http' ? 'HTTPS' : 'gRPC'
    return `service-account key exchanged for an access token over ${how} (iam)`
  }
  return `federated credentials: GitHub OIDC token exchanged for an access token over ${auth.transport === 'grpc' ? 'gRPC' : 'HTTPS'} (iam)`
}

/** The access token (or static key) the registry takes as the password for `iam`. */
async function accessToken(auth: NebiusAuth, ctx: ProviderContext): Promise<{ token: string; expiresAt?: Date }> {
  if (auth.kind === 'token') return { token: auth.token }
  if (auth.kind === 'service-account-key') {
    const jwt = serviceAccountJwt(auth.key, ctx.now())
    ctx.mask(jwt)
    return exchange(jwtExchangeRequest(jwt), 'service-account-key', auth.transport, ctx)
  }
  const githubToken = await ctx.idToken(auth.audience ?? defaultAudience(ctx.env, message => ctx.warn(message)))
  ctx.mask(githubToken)
  return exchange(federatedExchangeRequest(auth.serviceAccountId, githubToken), 'oidc', auth.transport, ctx)
}

export const nebius: Provider<NebiusAuth> = {
  id: 'nebius',
  authMethods: METHODS,
  methods: {
    oidc: { reads: ['service-account-id', 'audience'], options: ['token-exchange'], oidc: true },
    // exchange: false is refused there (the key is never a password), so it is read.
    'service-account-key': {
      reads: ['service-account-key', 'service-account-id', 'public-key-id', 'private-key'],
      options: ['exchange', 'token-exchange']
    },
    token: { reads: ['token'] },
    // username iam + a static key or access token: still a Nebius credential, so Nebius's hosts only.
    password: { reads: ['username', 'password'] }
  } satisfies Record<(typeof METHODS)[number], AuthMethodSpec>,
  registryHosts: NEBIUS_REGISTRY_HOSTS,
  regional: true,
  plan(inputs: InputReader, common: CommonInputs): LoginSpec<NebiusAuth> {
    const auth = parseNebiusAuth(inputs, common)
    const password = auth.kind === 'token' && auth.username
    return {
      provider: 'nebius',
      auth: password ? 'password' : auth.kind,
      ...(password ? { passwordFor: 'token' } : {}),
      method: methodLabel(auth),
      registries: nebiusRegistries(common),
      data: auth
    }
  },
  async mint({ data: auth, registries }, ctx) {
    const { token, expiresAt } = await accessToken(auth, ctx)
    return forEachRegistry(registries, { username: NEBIUS_USERNAME, password: token, ...(expiresAt ? { expiresAt } : {}) })
  },
  secrets: auth => (auth.kind === 'token' ? [auth.token] : auth.kind === 'service-account-key' ? [auth.key.privateKey] : [])
}
