// Alibaba Cloud Container Registry as a Provider: its auth methods declared, the plan from the inputs, and the temporary passwords minted.
import type { InputReader } from '../../inputs/reader.js'
import type { AuthMethodSpec, CommonInputs, LoginSpec, Provider, ProviderContext } from '../provider.js'
import type { RegistryCredential } from '../../types.js'
import { loginSpec } from '../kit/login-spec.js'
import { RUNNER_IDENTITY } from '../kit/runner-identity.js'
import { assumeRoleWithOidc, getEnterpriseToken, getPersonalToken, type TemporaryRegistryCredential } from './api.js'
import { ALIBABA_AUTH_METHODS, readAlibabaAuth, type AlibabaAuth } from './auth.js'
import { ALIBABA_REGISTRY_HOSTS } from './hosts.js'
import { alibabaRunnerCredential, alibabaRunnerIdentityLabel } from './runner-identity.js'
import { percentEncodedForms, type AccessKeyCredential } from './signature.js'
import { alibabaTargets, type AlibabaTarget } from './targets.js'
import { settleAll } from '../../auth-files/concurrency.js'
import { ALIBABA_FORMATS } from './shapes.js'

/** `github-actions-<run id>[-<attempt>]`, cut to what STS accepts. */
export function defaultSessionName(env: NodeJS.ProcessEnv): string {
  const run = [env.GITHUB_RUN_ID, env.GITHUB_RUN_ATTEMPT].filter(Boolean).join('-')
  const name = `github-actions${run ? `-${run}` : ''}`.replace(/[^A-Za-z0-9.@_-]/g, '-').slice(0, 64)
  return name
}

/** One API call per distinct (api, region, instance), all at the same time; every host of that group gets its answer. */
async function fetchAll(
  targets: AlibabaTarget[],
  credential: AccessKeyCredential,
  ctx: ProviderContext,
  oidc: boolean
): Promise<RegistryCredential[]> {
  const cache = new Map<string, Promise<TemporaryRegistryCredential>>()
  return settleAll(
    targets.map(target => {
      const key = `${target.api}|${target.region}|${target.api === 'enterprise' ? target.instanceId : ''}`
      let pending = cache.get(key)
      if (!pending) {
        pending =
          target.api === 'enterprise'
            ? getEnterpriseToken(credential, target.region, target.instanceId, ctx, oidc)
            : getPersonalToken(credential, target.region, ctx, oidc)
        cache.set(key, pending)
      }
      return pending.then(token => ({ registry: target.registry, ...token }))
    })
  )
}

/** What a login needs: the credential, and the hosts with the API that issues each one's token. */
export type AlibabaData = AlibabaAuth & { targets: AlibabaTarget[] }

/** The log's name for the method. */
function methodLabel(auth: AlibabaAuth): string {
  if (auth.kind === 'password') return 'instance access credential (username and password, passed through)'
  if (auth.kind === 'oidc') return 'GitHub OIDC -> STS AssumeRoleWithOIDC -> temporary registry token'
  if (auth.kind === RUNNER_IDENTITY) return alibabaRunnerIdentityLabel(auth)
  return auth.credential.securityToken
    ? 'STS credentials (AccessKey + security token) exchanged for a temporary registry token'
    : 'AccessKey exchanged for a temporary registry token'
}

async function oidcCredentials(auth: Extract<AlibabaData, { kind: 'oidc' }>, ctx: ProviderContext): Promise<RegistryCredential[]> {
  const token = await ctx.idToken(auth.audience)
  const sts = await assumeRoleWithOidc(
    token,
    {
      roleArn: auth.roleArn,
      oidcProviderArn: auth.oidcProviderArn,
      roleSessionName: auth.roleSessionName ?? defaultSessionName(ctx.env),
      durationSeconds: auth.durationSeconds
    },
    auth.audience,
    ctx
  )
  return fetchAll(auth.targets, sts, ctx, true)
}

export const alibaba: Provider<AlibabaData> = {
  id: 'alibaba',
  authMethods: ALIBABA_AUTH_METHODS,
  methods: {
    // exchange: false is refused by both (an AccessKey or OIDC token is never a registry password), so they read it.
    'access-key': {
      reads: ['access-key-id', 'access-key-secret', 'security-token', 'instance-id', 'instance-name'],
      options: ['exchange']
    },
    oidc: {
      reads: ['role-arn', 'oidc-provider-arn', 'role-session-name', 'duration-seconds', 'audience', 'instance-id', 'instance-name'],
      options: ['exchange'],
      oidc: true
    },
    // The instance's access credential: a password for that registry alone, so a custom domain may get it.
    password: { reads: ['username', 'password', 'instance-id', 'instance-name'], scope: 'registry-only' },
    [RUNNER_IDENTITY]: {
      reads: [
        'role-arn',
        'oidc-provider-arn',
        'identity-token-file',
        'role-session-name',
        'duration-seconds',
        'instance-id',
        'instance-name'
      ],
      options: ['exchange']
    }
  } satisfies Record<(typeof ALIBABA_AUTH_METHODS)[number], AuthMethodSpec>,
  registryHosts: ALIBABA_REGISTRY_HOSTS,
  regional: true,
  credentialFormats: ALIBABA_FORMATS,
  plan(inputs: InputReader, common: CommonInputs): LoginSpec<AlibabaData> {
    const { resolved, data: auth } = readAlibabaAuth(inputs, common)
    const targets = alibabaTargets(inputs, common, auth)
    const registries = targets.map(t => t.registry)
    return loginSpec({ provider: 'alibaba', resolved, method: methodLabel(auth), registries, data: { ...auth, targets } })
  },
  async mint({ data, registries }, ctx) {
    if (data.kind === 'password') return registries.map(registry => ({ registry, username: data.username, password: data.password }))
    if (data.kind === 'access-key') return fetchAll(data.targets, data.credential, ctx, false)
    if (data.kind === RUNNER_IDENTITY)
      return fetchAll(data.targets, await alibabaRunnerCredential(data, defaultSessionName(ctx.env), ctx), ctx, true)
    return oidcCredentials(data, ctx)
  },
  secrets(data) {
    if (data.kind === 'password') return [data.password]
    if (data.kind === 'oidc' || data.kind === RUNNER_IDENTITY) return []
    const { accessKeySecret, securityToken } = data.credential
    return [accessKeySecret, ...(securityToken ? [securityToken, ...percentEncodedForms(securityToken)] : [])]
  }
}
