import { InputError } from '../../errors.js'
import type { InputReader } from '../../input-reader.js'
import { forEachRegistry, type AuthMethodSpec, type CommonInputs, type LoginPlan, type Provider } from '../provider.js'
import { exchangeApiKey } from './iam.js'
import { IBM_REGION_NAMES, IBM_REGISTRY_HOSTS, ibmRegistryHost } from './regions.js'

/** IBM's parsed credential: exactly one of these. */
export type IbmAuth =
  | { kind: 'api-key'; apiKey: string; exchange: boolean }
  | { kind: 'token'; token: string }

const METHODS = ['api-key', 'token'] as const

export function parseIbmAuth(inputs: InputReader, common: CommonInputs): IbmAuth {
  const apiKey = inputs.secret('api-key')
  const token = inputs.secret('token')
  if (apiKey && token) throw new InputError('api-key', "and input 'token' are both set", 'Set only one of them.')
  let method = common.auth
  if (method === 'auto') {
    if (apiKey) method = 'api-key'
    else if (token) method = 'token'
    else {
      throw new InputError(
        'api-key',
        'is empty, and so is every other IBM Cloud credential input',
        "Set 'api-key' to an IBM Cloud API key (a service ID's, for CI), or 'token' to an IAM access token. In a pull request from a fork, secrets are empty."
      )
    }
  }
  if (method === 'api-key') {
    if (!apiKey) throw new InputError('api-key', "is empty but 'auth' is api-key", 'Pass the API key from a secret.')
    return { kind: 'api-key', apiKey, exchange: common.exchange }
  }
  if (method === 'token') {
    if (!token) throw new InputError('token', "is empty but 'auth' is token", 'Pass an IAM access token.')
    return { kind: 'token', token }
  }
  throw new InputError('auth', `is '${method}', which IBM Cloud does not support`, `Use one of: auto, ${METHODS.join(', ')}.`)
}

export function ibmRegistries(common: CommonInputs): string[] {
  if (common.registries.length > 0) return common.registries
  if (common.regions.length === 0) {
    throw new InputError('region', 'is empty, and so is \'registry\'', `Set 'region' to one or more of ${IBM_REGION_NAMES.join(', ')} (or their domain prefixes such as us, de), or 'registry' to a host such as us.icr.io.`)
  }
  return [
    ...new Set(
      common.regions.map(region => {
        const host = ibmRegistryHost(region)
        if (!host) {
          throw new InputError('region', `has '${region}', which is not an IBM Cloud Container Registry region`, `Use one of ${IBM_REGION_NAMES.join(', ')}, or a domain prefix such as us, uk, de, jp2 (add 'private.' for the private network).`)
        }
        return host
      })
    )
  ]
}

export const ibm: Provider = {
  id: 'ibm',
  authMethods: METHODS,
  methods: {
    'api-key': { reads: ['api-key'] },
    token: { reads: ['token'] }
  } satisfies Record<(typeof METHODS)[number], AuthMethodSpec>,
  registryHosts: IBM_REGISTRY_HOSTS,
  regional: true,
  plan(inputs: InputReader, common: CommonInputs): LoginPlan {
    const auth = parseIbmAuth(inputs, common)
    const registries = ibmRegistries(common)
    if (auth.kind === 'token') {
      return {
        auth: 'token',
        method: 'IAM access token (iambearer)',
        registries,
        getCredentials: async () => forEachRegistry(registries, { username: 'iambearer', password: auth.token })
      }
    }
    if (!auth.exchange) {
      return {
        auth: 'api-key',
        method: 'API key passed to the registry (iamapikey)',
        registries,
        getCredentials: async ctx => {
          ctx.warn("The long-lived API key is stored in the clients' auth files until post logs out. Leave 'exchange' at true to store a 1-hour IAM token instead.")
          return forEachRegistry(registries, { username: 'iamapikey', password: auth.apiKey })
        }
      }
    }
    return {
      auth: 'api-key',
      method: 'API key exchanged for an IAM access token (iambearer)',
      registries,
      getCredentials: async ctx => {
        const { token, expiresAt } = await exchangeApiKey(auth.apiKey, ctx)
        return forEachRegistry(registries, { username: 'iambearer', password: token, ...(expiresAt ? { expiresAt } : {}) })
      }
    }
  }
}
