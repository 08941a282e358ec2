/** Alibaba Cloud: its inputs, auth methods and registry targets, and the login plan they make. */
import { InputError } from '../../log/errors.js'
import type { InputReader } from '../../inputs/reader.js'
import type { AuthMethodSpec, CommonInputs, LoginSpec, Provider, ProviderContext } from '../provider.js'
import type { RegistryCredential } from '../../types.js'
import { assumeRoleWithOidc, getEnterpriseToken, getPersonalToken, type TemporaryRegistryCredential } from './api.js'
import { ALIBABA_REGISTRY_HOSTS, enterpriseHost, parseAlibabaHost, personalHost, personalInstanceHost, REGION_PATTERN } from './hosts.js'
import { percentEncodedForms, type AccessKeyCredential } from './signature.js'
import { settleAll } from '../../auth-files/concurrency.js'
import { maskSecret } from '../../log/secrets.js'

export const ALIBABA_DEFAULT_AUDIENCE = 'sts.aliyuncs.com'

/** Alibaba's parsed credential: exactly one of these. */
export type AlibabaAuth =
  | { kind: 'access-key'; credential: AccessKeyCredential }
  | { kind: 'oidc'; roleArn: string; oidcProviderArn: string; roleSessionName?: string; durationSeconds: number; audience: string }
  | { kind: 'password'; username: string; password: string }

const METHODS = ['oidc', 'access-key', 'password'] as const

const ROLE_ARN = /^acs:ram::\d+:role\/[A-Za-z0-9.@_/-]+$/
const OIDC_PROVIDER_ARN = /^acs:ram::\d+:oidc-provider\/[A-Za-z0-9.@_-]+$/
const SESSION_NAME = /^[A-Za-z0-9.@_-]{2,64}$/
const ENTERPRISE_ID = /^cri-[a-z0-9]+$/
const PERSONAL_INSTANCE_ID = /^crpi-[a-z0-9]+$/
// Alibaba's CreateInstance (Container Registry API 2018-12-01): "3 to 30 characters in length, lowercase
// letters, digits, and hyphens (-); cannot start or end with a hyphen". The input is lower-cased first (a host name).
const INSTANCE_NAME = /^[a-z0-9][a-z0-9-]{1,28}[a-z0-9]$/

export function parseAlibabaAuth(inputs: InputReader, common: CommonInputs): AlibabaAuth {
  const accessKeyId = inputs.text('access-key-id')
  const accessKeySecret = inputs.secret('access-key-secret')
  const securityToken = inputs.secret('security-token')
  // A SignatureDoesNotMatch error echoes the string-to-sign, which holds the token percent-encoded twice.
  for (const form of percentEncodedForms(securityToken)) maskSecret(form)
  const roleArn = inputs.text('role-arn')
  const oidcProviderArn = inputs.text('oidc-provider-arn')
  const username = inputs.text('username')
  const password = inputs.secret('password')

  const given = {
    'access-key': Boolean(accessKeyId || accessKeySecret || securityToken),
    oidc: Boolean(roleArn || oidcProviderArn),
    password: Boolean(username || password)
  }
  let method = common.auth
  if (method === 'auto') {
    const set = METHODS.filter(m => given[m])
    if (set.length > 1) {
      throw new InputError(
        'auth',
        `is auto, but the inputs of several methods are set (${set.join(', ')})`,
        `Set 'auth' to one of ${set.join(', ')}, or remove the inputs of the others.`
      )
    }
    const only = set[0]
    if (!only) {
      throw new InputError(
        'role-arn',
        'is empty, and so is every other Alibaba Cloud credential input',
        "Set 'role-arn' and 'oidc-provider-arn' for keyless login with GitHub OIDC, 'access-key-id' and 'access-key-secret' (plus 'security-token' for STS credentials), or 'username' and 'password' for the instance's access credential. In a pull request from a fork, secrets are empty."
      )
    }
    method = only
  }

  if (method === 'access-key') {
    if (!accessKeyId)
      throw new InputError(
        'access-key-id',
        "is empty but 'auth' is access-key",
        "Set it to the AccessKey ID (LTAI… or STS.…) that goes with 'access-key-secret'."
      )
    if (!/^[A-Za-z0-9.]+$/.test(accessKeyId)) {
      throw new InputError(
        'access-key-id',
        'is not an AccessKey ID (letters, digits and dots only)',
        'Pass the AccessKey ID, not the secret or a file.'
      )
    }
    if (!accessKeySecret)
      throw new InputError('access-key-secret', "is empty but 'access-key-id' is set", 'Pass the AccessKey secret from a secret.')
    if (accessKeyId.startsWith('STS.') && !securityToken) {
      throw new InputError(
        'security-token',
        `is empty, but 'access-key-id' is an STS AccessKey (STS.…)`,
        'Pass the SecurityToken that STS issued together with it.'
      )
    }
    if (!common.exchange) {
      throw new InputError(
        'exchange',
        'is false, but Alibaba Cloud registries do not accept an AccessKey as a password',
        "Leave 'exchange' at true (the AccessKey is exchanged for a temporary registry token), or use 'username' and 'password' for the instance's access credential."
      )
    }
    return { kind: 'access-key', credential: { accessKeyId, accessKeySecret, ...(securityToken ? { securityToken } : {}) } }
  }

  if (method === 'oidc') {
    if (!roleArn)
      throw new InputError(
        'role-arn',
        "is empty but 'auth' is oidc",
        'Set it to the RAM role ARN, e.g. acs:ram::1234567890123456:role/github-push.'
      )
    if (!ROLE_ARN.test(roleArn))
      throw new InputError(
        'role-arn',
        `has '${roleArn}', which is not a RAM role ARN`,
        'Use the form acs:ram::<account id>:role/<role name>.'
      )
    if (!oidcProviderArn)
      throw new InputError(
        'oidc-provider-arn',
        "is empty but 'auth' is oidc",
        'Set it to the RAM OIDC provider ARN, e.g. acs:ram::1234567890123456:oidc-provider/github.'
      )
    if (!OIDC_PROVIDER_ARN.test(oidcProviderArn)) {
      throw new InputError(
        'oidc-provider-arn',
        `has '${oidcProviderArn}', which is not a RAM OIDC provider ARN`,
        'Use the form acs:ram::<account id>:oidc-provider/<provider name>.'
      )
    }
    const roleSessionName = inputs.text('role-session-name')
    if (roleSessionName && !SESSION_NAME.test(roleSessionName)) {
      throw new InputError(
        'role-session-name',
        `has '${roleSessionName}', which STS does not accept`,
        'Use 2 to 64 characters from A-Z a-z 0-9 . @ _ -.'
      )
    }
    if (!common.exchange) {
      throw new InputError('exchange', 'is false, but keyless login always exchanges the GitHub token', "Leave 'exchange' at true.")
    }
    return {
      kind: 'oidc',
      roleArn,
      oidcProviderArn,
      ...(roleSessionName ? { roleSessionName } : {}),
      durationSeconds: inputs.integer('duration-seconds', 3600, 900, 43200),
      audience: inputs.text('audience') || ALIBABA_DEFAULT_AUDIENCE
    }
  }

  if (method === 'password') {
    if (!username)
      throw new InputError(
        'username',
        "is empty but 'auth' is password",
        "Set it to the login name of the instance's access credential (the account or RAM user name shown in the console's docker login command)."
      )
    if (!password)
      throw new InputError('password', "is empty but 'username' is set", "Pass the instance's access credential password from a secret.")
    return { kind: 'password', username, password }
  }

  throw new InputError('auth', `is '${method}', which Alibaba Cloud does not support`, `Use one of: auto, ${METHODS.join(', ')}.`)
}

/** One registry host and the API call that gives its temporary password. */
/** Where to log in, and which API issues its password: an Enterprise call always has its InstanceId. */
export type AlibabaTarget = { registry: string; region: string } & (
  | { api: 'enterprise'; instanceId: string } // GetAuthorizationToken 2018-12-01
  | { api: 'personal' } // ROA GET /tokens 2016-06-07
  | { api: 'none' } // permanent password, no call
)

const HOST_FORMS = ALIBABA_REGISTRY_HOSTS.patterns.join('; ')

function regionList(common: CommonInputs): string[] {
  for (const region of common.regions) {
    if (!REGION_PATTERN.test(region)) {
      throw new InputError(
        'region',
        `has '${region}', which is not an Alibaba Cloud region id`,
        'Use ids such as cn-hangzhou, cn-shanghai, ap-southeast-1, eu-central-1.'
      )
    }
  }
  return common.regions
}

/** Registry hosts and the API for each, from `registry`, or from `instance-name`/`instance-id` and `region`. */
export function alibabaTargets(inputs: InputReader, common: CommonInputs, auth: AlibabaAuth): AlibabaTarget[] {
  const instanceId = inputs.text('instance-id')
  const instanceName = inputs.text('instance-name').toLowerCase()
  const needsApi = auth.kind !== 'password'
  if (instanceId && !ENTERPRISE_ID.test(instanceId) && !PERSONAL_INSTANCE_ID.test(instanceId)) {
    throw new InputError(
      'instance-id',
      `has '${instanceId}', which is not an ACR instance id`,
      'Use the Enterprise instance id (cri-…) from the console, or a new Personal Edition instance id (crpi-…).'
    )
  }
  if (instanceName && !INSTANCE_NAME.test(instanceName)) {
    throw new InputError(
      'instance-name',
      `has '${instanceName}', which is not an Enterprise instance name (3 to 30 lowercase letters, digits and hyphens, not starting or ending with a hyphen)`,
      'Use the name in the instance host <instance-name>-registry.<region>.cr.aliyuncs.com.'
    )
  }
  const regions = regionList(common)

  if (common.registries.length > 0) {
    const enterpriseNames = new Set<string>()
    const targets = common.registries.map((registry): AlibabaTarget => {
      const parsed = parseAlibabaHost(registry)
      if (!parsed) {
        if (!needsApi) {
          const region = regions[0] ?? ''
          return { registry, region, api: 'none' }
        }
        throw new InputError(
          'registry',
          `has '${registry}', which is not an Alibaba Cloud Container Registry host`,
          `Use ${HOST_FORMS}. A custom domain works with 'username' and 'password' only.`
        )
      }
      if (!needsApi) return { registry, region: parsed.region, api: 'none' }
      if (parsed.edition === 'enterprise') {
        enterpriseNames.add(parsed.instanceName)
        if (!instanceId) {
          throw new InputError(
            'instance-id',
            `is empty, but '${registry}' is an Enterprise Edition instance`,
            "Set 'instance-id' to the instance's id (cri-…, on the instance's overview page in the ACR console). GetAuthorizationToken needs it; a missing or wrong id only shows up as a 'not found' error (aliyun/acr-login#15)."
          )
        }
        if (!ENTERPRISE_ID.test(instanceId)) {
          throw new InputError(
            'instance-id',
            `has '${instanceId}', but '${registry}' is an Enterprise Edition instance`,
            'Use the Enterprise instance id, which starts with cri-.'
          )
        }
        return { registry, region: parsed.region, api: 'enterprise', instanceId }
      }
      if (parsed.edition === 'personal-instance' && instanceId === parsed.instanceId) {
        // UNCONFIRMED: whether GetAuthorizationToken 2018-12-01 accepts a crpi- id. Used only when asked for.
        return { registry, region: parsed.region, api: 'enterprise', instanceId }
      }
      return { registry, region: parsed.region, api: 'personal' }
    })
    if (enterpriseNames.size > 1) {
      throw new InputError(
        'registry',
        `names ${enterpriseNames.size} Enterprise instances (${[...enterpriseNames].join(', ')})`,
        "Log into one instance per step: 'instance-id' names one instance."
      )
    }
    return targets
  }

  if (regions.length === 0) {
    throw new InputError(
      'region',
      "is empty, and so is 'registry'",
      `Set 'region' (e.g. cn-hangzhou) together with 'instance-name' for an Enterprise instance, or set 'registry' to a host: ${HOST_FORMS}.`
    )
  }
  if (instanceName) {
    if (regions.length > 1) {
      throw new InputError(
        'region',
        `lists ${regions.length} regions, but an Enterprise instance ('instance-name') lives in one`,
        'Give the one region of the instance.'
      )
    }
    const region = regions[0] ?? ''
    if (needsApi && !instanceId) {
      throw new InputError(
        'instance-id',
        "is empty, but 'instance-name' names an Enterprise Edition instance",
        "Set 'instance-id' to the instance's id (cri-…). GetAuthorizationToken needs it; a missing or wrong id only shows up as a 'not found' error (aliyun/acr-login#15)."
      )
    }
    if (needsApi && !ENTERPRISE_ID.test(instanceId)) {
      throw new InputError(
        'instance-id',
        `has '${instanceId}', but 'instance-name' names an Enterprise Edition instance`,
        'Use the Enterprise instance id, which starts with cri-.'
      )
    }
    const registry = enterpriseHost(instanceName, region)
    return [needsApi ? { registry, region, api: 'enterprise', instanceId } : { registry, region, api: 'none' }]
  }
  if (instanceId && ENTERPRISE_ID.test(instanceId)) {
    throw new InputError(
      'instance-name',
      `is empty, so the host of Enterprise instance ${instanceId} is unknown`,
      "Set 'instance-name' (the <instance-name> in <instance-name>-registry.<region>.cr.aliyuncs.com) or 'registry'."
    )
  }
  if (instanceId) {
    // A new Personal Edition instance named by id: its host; the instance API only when asked for (UNCONFIRMED).
    return regions.map((region): AlibabaTarget => {
      const registry = personalInstanceHost(instanceId, region)
      return needsApi ? { registry, region, api: 'enterprise', instanceId } : { registry, region, api: 'none' }
    })
  }
  return regions.map(region => ({ registry: personalHost(region), region, api: needsApi ? 'personal' : 'none' }))
}

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
  authMethods: METHODS,
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
    password: { reads: ['username', 'password', 'instance-id', 'instance-name'], scope: 'registry-only' }
  } satisfies Record<(typeof METHODS)[number], AuthMethodSpec>,
  registryHosts: ALIBABA_REGISTRY_HOSTS,
  regional: true,
  plan(inputs: InputReader, common: CommonInputs): LoginSpec<AlibabaData> {
    const auth = parseAlibabaAuth(inputs, common)
    const targets = alibabaTargets(inputs, common, auth)
    return {
      provider: 'alibaba',
      auth: auth.kind,
      method: methodLabel(auth),
      registries: targets.map(t => t.registry),
      data: { ...auth, targets }
    }
  },
  async mint({ data, registries }, ctx) {
    if (data.kind === 'password') return registries.map(registry => ({ registry, username: data.username, password: data.password }))
    if (data.kind === 'access-key') return fetchAll(data.targets, data.credential, ctx, false)
    return oidcCredentials(data, ctx)
  },
  secrets(data) {
    if (data.kind === 'password') return [data.password]
    if (data.kind === 'oidc') return []
    const { accessKeySecret, securityToken } = data.credential
    return [accessKeySecret, ...(securityToken ? [securityToken, ...percentEncodedForms(securityToken)] : [])]
  }
}
