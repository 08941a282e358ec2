// Nebius AI Cloud Container Registry as a Provider: its auth methods declared, the plan from the inputs, and the access token minted.
import { githubDefaultAudience, githubServer } from '../../net/oidc.js'
import type { InputReader } from '../../inputs/reader.js'
import type { AuthMethodSpec, CommonInputs, LoginSpec, Provider, ProviderContext } from '../provider.js'
import { forEachRegistry, withExpiry, type ExpiringToken } from '../kit/credentials.js'
import { loginSpec } from '../kit/login-spec.js'
import { regionalRegistries, type RegionHosts } from '../kit/regions.js'
import { givenAsLabel } from '../kit/static-login.js'
import { RUNNER_IDENTITY } from '../kit/runner-identity.js'
import { NEBIUS_AUTH_METHODS, NEBIUS_USERNAME, readNebiusAuth, type NebiusAuth } from './auth.js'
import { exchange, federatedExchangeRequest, jwtExchangeRequest, serviceAccountJwt } from './exchange.js'
import { NEBIUS_REGION_SHAPE, NEBIUS_REGIONS, NEBIUS_REGISTRY_HOSTS, nebiusPatternHost, nebiusRegistryHost } from './regions.js'
import { NEBIUS_FORMATS } from './shapes.js'
import { nebiusMetadataToken } from './runner-identity.js'

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

/** Listed regions, and any id of the documented shape at cr.<region>.nebius.cloud with a notice (kit/regions.ts). */
const REGIONS: RegionHosts = {
  host: nebiusRegistryHost,
  listed: NEBIUS_REGIONS,
  shape: NEBIUS_REGION_SHAPE,
  patternHost: nebiusPatternHost,
  what: 'a Nebius AI Cloud region',
  unknownFix: `Use a region id such as ${NEBIUS_REGIONS.join(', ')} (<area>-<direction><number>).`,
  noneFix: `Set 'region' to one or more of ${NEBIUS_REGIONS.join(', ')}, or 'registry' to a host such as cr.eu-north1.nebius.cloud.`
}

export function nebiusRegistries(common: CommonInputs): string[] {
  return regionalRegistries(common, REGIONS)
}

const TRANSPORT_NAMES = { auto: 'HTTPS, gRPC as fallback', http: 'HTTPS', grpc: 'gRPC' } as const

/** The log's name for the method. */
function methodLabel(auth: NebiusAuth): string {
  if (auth.kind === 'token') return `static key or access token (iam${givenAsLabel(auth.username)})`
  if (auth.kind === RUNNER_IDENTITY) return "the runner VM's service account, access token from the metadata service (iam)"
  if (auth.kind === 'service-account-key') {
    return `service-account key exchanged for an access token over ${TRANSPORT_NAMES[auth.transport]} (iam)`
  }
  return `federated credentials: GitHub OIDC token exchanged for an access token over ${auth.transport === 'grpc' ? 'gRPC' : 'HTTPS'} (iam)`
}

/** The access token (or static key) the registry takes as the password for `iam`. */
async function accessToken(auth: NebiusAuth, ctx: ProviderContext): Promise<ExpiringToken> {
  if (auth.kind === 'token') return { token: auth.token }
  if (auth.kind === RUNNER_IDENTITY) return nebiusMetadataToken(ctx)
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
  authMethods: NEBIUS_AUTH_METHODS,
  methods: {
    oidc: { reads: ['service-account-id', 'audience'], options: ['token-exchange'], oidc: true },
    // exchange: false is refused there (the key is never a password), so it is read.
    'service-account-key': {
      reads: ['service-account-key', 'service-account-id', 'public-key-id', 'private-key'],
      options: ['exchange', 'token-exchange']
    },
    token: { reads: ['token'] },
    // username iam + a static key or access token: still a Nebius credential, so Nebius's hosts only.
    password: { reads: ['username', 'password'] },
    [RUNNER_IDENTITY]: { reads: [] }
  } satisfies Record<(typeof NEBIUS_AUTH_METHODS)[number], AuthMethodSpec>,
  registryHosts: NEBIUS_REGISTRY_HOSTS,
  regional: true,
  credentialFormats: NEBIUS_FORMATS,
  regions: REGIONS,
  plan(inputs: InputReader, common: CommonInputs): LoginSpec<NebiusAuth> {
    const { resolved, data } = readNebiusAuth(inputs, common)
    return loginSpec({ provider: 'nebius', resolved, method: methodLabel(data), registries: nebiusRegistries(common), data })
  },
  async mint({ data: auth, registries }, ctx) {
    return forEachRegistry(registries, withExpiry(NEBIUS_USERNAME, await accessToken(auth, ctx)))
  },
  secrets: auth => (auth.kind === 'token' ? [auth.token] : auth.kind === 'service-account-key' ? [auth.key.privateKey] : [])
}
