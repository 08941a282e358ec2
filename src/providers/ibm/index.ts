// IBM Cloud Container Registry as a Provider: its auth methods declared, the plan from the inputs, and the credentials minted.
import type { InputReader } from '../../inputs/reader.js'
import type { AuthMethodSpec, CommonInputs, LoginSpec, Provider } from '../provider.js'
import { forEachRegistry, withExpiry } from '../kit/credentials.js'
import { loginSpec } from '../kit/login-spec.js'
import { regionalRegistries, type RegionHosts } from '../kit/regions.js'
import { givenAsLabel } from '../kit/static-login.js'
import { RUNNER_IDENTITY } from '../kit/runner-identity.js'
import { IBM_AUTH_METHODS, readIbmAuth, type IbmAuth } from './auth.js'
import { exchangeApiKey } from './iam.js'
import { ibmRunnerIdentityLabel, ibmRunnerToken } from './runner-identity.js'
import { IBM_REGION_NAMES, IBM_REGISTRY_HOSTS, ibmRegistryHost } from './regions.js'
import { IBM_FORMATS } from './shapes.js'

/**
 * A fixed set, no shape rule (kit/regions.ts): IBM's region ids do not name their hosts by a pattern (eu-gb is
 * uk.icr.io, jp-osa jp2.icr.io, ca-mon ca2.icr.io), so a region off the list has no host to derive and is refused.
 */
const REGIONS: RegionHosts = {
  host: ibmRegistryHost,
  listed: IBM_REGION_NAMES,
  what: 'an IBM Cloud Container Registry region',
  unknownFix: `Use one of ${IBM_REGION_NAMES.join(', ')}, or a domain prefix such as us, uk, de, jp2 (add 'private.' for the private network).`,
  noneFix: `Set 'region' to one or more of ${IBM_REGION_NAMES.join(', ')} (or their domain prefixes such as us, de), or 'registry' to a host such as us.icr.io.`
}

export function ibmRegistries(common: CommonInputs): string[] {
  return regionalRegistries(common, REGIONS)
}

/** The log's name for the method, as the inputs gave it. */
function methodLabel(auth: IbmAuth): string {
  if (auth.kind === RUNNER_IDENTITY) return ibmRunnerIdentityLabel(auth)
  const given = givenAsLabel(auth.username)
  if (auth.kind === 'token') return `IAM access token (iambearer${given})`
  if (!auth.exchange) return `API key passed to the registry (iamapikey${given})`
  return auth.username
    ? `API key (username ${auth.username} + password) exchanged for a short-lived IAM access token, logged in as iambearer; 'exchange: false' would log in as ${auth.username}`
    : 'API key exchanged for an IAM access token (iambearer)'
}

export const ibm: Provider<IbmAuth> = {
  id: 'ibm',
  authMethods: IBM_AUTH_METHODS,
  methods: {
    'api-key': { reads: ['api-key'], options: ['exchange'] },
    token: { reads: ['token'] },
    // iamapikey / iambearer + password: still an IBM credential, so IBM's hosts only.
    password: { reads: ['username', 'password'] },
    [RUNNER_IDENTITY]: { reads: ['trusted-profile', 'identity-token-file'] }
  } satisfies Record<(typeof IBM_AUTH_METHODS)[number], AuthMethodSpec>,
  registryHosts: IBM_REGISTRY_HOSTS,
  regional: true,
  credentialFormats: IBM_FORMATS,
  regions: REGIONS,
  plan(inputs: InputReader, common: CommonInputs): LoginSpec<IbmAuth> {
    const { resolved, data } = readIbmAuth(inputs, common)
    return loginSpec({ provider: 'ibm', resolved, method: methodLabel(data), registries: ibmRegistries(common), data })
  },
  async mint({ data: auth, registries }, ctx) {
    if (auth.kind === 'token') return forEachRegistry(registries, { username: 'iambearer', password: auth.token })
    if (auth.kind === RUNNER_IDENTITY) return forEachRegistry(registries, withExpiry('iambearer', await ibmRunnerToken(auth, ctx)))
    if (!auth.exchange) {
      ctx.warn(
        "The long-lived API key is stored in the clients' auth files until post logs out. Leave 'exchange' at true to store a 1-hour IAM token instead."
      )
      return forEachRegistry(registries, { username: 'iamapikey', password: auth.apiKey })
    }
    return forEachRegistry(registries, withExpiry('iambearer', await exchangeApiKey(auth.apiKey, ctx)))
  },
  secrets: auth => (auth.kind === RUNNER_IDENTITY ? [] : [auth.kind === 'token' ? auth.token : auth.apiKey])
}
