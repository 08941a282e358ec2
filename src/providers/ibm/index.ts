import { InputError } from '../../log/errors.js'
import type { InputReader } from '../../inputs/reader.js'
import { forEachRegistry, type AuthMethodSpec, type CommonInputs, type LoginSpec, type Provider } from '../provider.js'
import { methodOfStaticLogin, readStaticLogin, usernameList, type UsernameTable } from '../kit/static-login.js'
import { exchangeApiKey } from './iam.js'
import { IBM_REGION_NAMES, IBM_REGISTRY_HOSTS, ibmRegistryHost } from './regions.js'

/**
 * IBM's parsed credential: exactly one of these. `username` is set when the credential came as
 * `password` with that registry username (docker/login-action style), so the log can say so.
 */
export type IbmAuth =
  { kind: 'api-key'; apiKey: string; exchange: boolean; username?: string } | { kind: 'token'; token: string; username?: string }

/** `password` selects the method by `username`, as docker/login-action users write it. */
const METHODS = ['api-key', 'token', 'password'] as const

/** The registry usernames IBM documents for IAM credentials (registry_access.md, protocols.md §4.2). */
export const IBM_USERNAMES: UsernameTable<'api-key' | 'token'> = {
  iamapikey: { method: 'api-key', password: 'an IBM Cloud API key' },
  iambearer: { method: 'token', password: 'an IAM access token' }
}

export function parseIbmAuth(inputs: InputReader, common: CommonInputs): IbmAuth {
  const apiKey = inputs.secret('api-key')
  const token = inputs.secret('token')
  let method = common.auth
  if (method !== 'auto' && !(METHODS as readonly string[]).includes(method)) {
    throw new InputError('auth', `is '${method}', which IBM Cloud does not support`, `Use one of: auto, ${METHODS.join(', ')}.`)
  }
  const login = readStaticLogin(inputs, 'IBM Cloud Container Registry', IBM_USERNAMES)
  const given = [apiKey ? 'api-key' : '', token ? 'token' : '', login ? 'username' : ''].filter(Boolean)
  if (given.length > 1) {
    throw new InputError(
      given[0] ?? '',
      `and input '${given[1] ?? ''}' are both set`,
      "Set only one of them: 'api-key', 'token', or 'username' with 'password'."
    )
  }
  if (login) {
    const kind = methodOfStaticLogin(login, method)
    return kind === 'api-key'
      ? { kind, apiKey: login.password, exchange: common.exchange, username: login.username }
      : { kind, token: login.password, username: login.username }
  }
  if (method === 'password') {
    throw new InputError('username', "is empty but 'auth' is password", `Set 'username' and 'password': ${usernameList(IBM_USERNAMES)}.`)
  }
  if (method === 'auto') {
    if (apiKey) method = 'api-key'
    else if (token) method = 'token'
    else {
      throw new InputError(
        'api-key',
        'is empty, and so is every other IBM Cloud credential input',
        "Set 'api-key' to an IBM Cloud API key (a service ID's, for CI), 'token' to an IAM access token, or 'username: iamapikey' with the API key in 'password'. In a pull request from a fork, secrets are empty."
      )
    }
  }
  if (method === 'api-key') {
    if (!apiKey) throw new InputError('api-key', "is empty but 'auth' is api-key", 'Pass the API key from a secret.')
    return { kind: 'api-key', apiKey, exchange: common.exchange }
  }
  if (!token) throw new InputError('token', "is empty but 'auth' is token", 'Pass an IAM access token.')
  return { kind: 'token', token }
}

export function ibmRegistries(common: CommonInputs): string[] {
  if (common.registries.length > 0) return common.registries
  if (common.regions.length === 0) {
    throw new InputError(
      'region',
      "is empty, and so is 'registry'",
      `Set 'region' to one or more of ${IBM_REGION_NAMES.join(', ')} (or their domain prefixes such as us, de), or 'registry' to a host such as us.icr.io.`
    )
  }
  return [
    ...new Set(
      common.regions.map(region => {
        const host = ibmRegistryHost(region)
        if (!host) {
          throw new InputError(
            'region',
            `has '${region}', which is not an IBM Cloud Container Registry region`,
            `Use one of ${IBM_REGION_NAMES.join(', ')}, or a domain prefix such as us, uk, de, jp2 (add 'private.' for the private network).`
          )
        }
        return host
      })
    )
  ]
}

/** The log's name for the method, as the inputs gave it. */
function methodLabel(auth: IbmAuth): string {
  const given = auth.username ? `, given as username ${auth.username} + password` : ''
  if (auth.kind === 'token') return `IAM access token (iambearer${given})`
  if (!auth.exchange) return `API key passed to the registry (iamapikey${given})`
  return auth.username
    ? `API key (username ${auth.username} + password) exchanged for a short-lived IAM access token, logged in as iambearer; 'exchange: false' would log in as ${auth.username}`
    : 'API key exchanged for an IAM access token (iambearer)'
}

export const ibm: Provider<IbmAuth> = {
  id: 'ibm',
  authMethods: METHODS,
  methods: {
    'api-key': { reads: ['api-key'], options: ['exchange'] },
    token: { reads: ['token'] },
    // iamapikey / iambearer + password: still an IBM credential, so IBM's hosts only.
    password: { reads: ['username', 'password'] }
  } satisfies Record<(typeof METHODS)[number], AuthMethodSpec>,
  registryHosts: IBM_REGISTRY_HOSTS,
  regional: true,
  plan(inputs: InputReader, common: CommonInputs): LoginSpec<IbmAuth> {
    const auth = parseIbmAuth(inputs, common)
    return {
      provider: 'ibm',
      auth: auth.username ? 'password' : auth.kind,
      ...(auth.username ? { passwordFor: auth.kind } : {}),
      method: methodLabel(auth),
      registries: ibmRegistries(common),
      data: auth
    }
  },
  async mint({ data: auth, registries }, ctx) {
    if (auth.kind === 'token') return forEachRegistry(registries, { username: 'iambearer', password: auth.token })
    if (!auth.exchange) {
      ctx.warn(
        "The long-lived API key is stored in the clients' auth files until post logs out. Leave 'exchange' at true to store a 1-hour IAM token instead."
      )
      return forEachRegistry(registries, { username: 'iamapikey', password: auth.apiKey })
    }
    const { token, expiresAt } = await exchangeApiKey(auth.apiKey, ctx)
    return forEachRegistry(registries, { username: 'iambearer', password: token, ...(expiresAt ? { expiresAt } : {}) })
  },
  secrets: auth => [auth.kind === 'token' ? auth.token : auth.apiKey]
}
