// Alibaba Cloud runner identity (auth: runner-identity): an ECS instance RAM role from the metadata service (hardened
// mode: session token first), or an ACK pod's RRSA token exchanged with STS AssumeRoleWithOIDC.
import { ActionError, InputError } from '../../log/errors.js'
import { metadataCall, metadataJson, metadataStatusError, NoRunnerIdentity, type RunnerIdentity } from '../../net/metadata.js'
import { METADATA_SESSION_TTL_SECONDS } from '../../net/policies.js'
import { readTokenFile } from '../../inputs/token-file.js'
import type { InputReader } from '../../inputs/reader.js'
import type { ProviderContext } from '../provider.js'
import { assumeRoleWithOidc, type StsCredential } from './api.js'
import { percentEncodedForms } from './signature.js'

export interface Rrsa {
  roleArn: string
  oidcProviderArn: string
  tokenFile: string
  /** Where the token file came from, for errors: the input or the webhook's variable. */
  tokenFileFrom: string
}

export type AlibabaRunnerIdentity = { kind: 'runner-identity'; roleSessionName?: string; durationSeconds: number } & (
  { from: 'ecs' } | ({ from: 'rrsa' } & Rrsa)
)

/** Each RRSA part: the input, else the variable ACK's pod-identity webhook sets. */
const RRSA_PARTS = [
  ['roleArn', 'role-arn', 'ALIBABA_CLOUD_ROLE_ARN'],
  ['oidcProviderArn', 'oidc-provider-arn', 'ALIBABA_CLOUD_OIDC_PROVIDER_ARN'],
  ['tokenFile', 'identity-token-file', 'ALIBABA_CLOUD_OIDC_TOKEN_FILE']
] as const

export const ALIBABA_ECS: RunnerIdentity = {
  runner: 'an Alibaba Cloud ECS instance with an attached RAM role',
  attach:
    'Attach one (aliyun ecs AttachInstanceRamRole --RegionId <region> --InstanceIds \'["<instance id>"]\' --RamRoleName <role>) with a policy that allows cr:GetAuthorizationToken (docs/alibaba.md, "Runner identity"); in ACK, set up RRSA for the runner pods instead.'
}

/**
 * RRSA when any of its three parts is given (inputs first, then the webhook's variables), all three then required
 * and the token file checked now; else the ECS instance's role.
 */
export function readAlibabaRunnerIdentity(
  inputs: InputReader,
  common: { roleSessionName?: string; durationSeconds: number },
  env: NodeJS.ProcessEnv = process.env
): AlibabaRunnerIdentity {
  const base = { kind: 'runner-identity' as const, ...common }
  const parts = RRSA_PARTS.map(([key, input, variable]) => {
    const value = inputs.text(input)
    return { key, name: value ? `input '${input}'` : variable, input, value: value || (env[variable] ?? '').trim() }
  })
  if (parts.every(p => !p.value)) return { ...base, from: 'ecs' }
  const missing = parts.find(p => !p.value)
  if (missing) {
    throw new InputError(
      missing.input,
      `is empty (and so is ${RRSA_PARTS.find(p => p[1] === missing.input)?.[2] ?? ''}), but other RRSA settings are given`,
      "In an ACK pod with RRSA, annotate its service account (pod-identity.alibabacloud.com/role-name) so the webhook sets ALIBABA_CLOUD_ROLE_ARN, ALIBABA_CLOUD_OIDC_PROVIDER_ARN and ALIBABA_CLOUD_OIDC_TOKEN_FILE, or set the inputs 'role-arn', 'oidc-provider-arn' and 'identity-token-file'."
    )
  }
  const [role, provider, file] = parts as [(typeof parts)[0], (typeof parts)[0], (typeof parts)[0]]
  if (!/^acs:ram::\d+:role\/[A-Za-z0-9.@_/-]+$/.test(role.value)) {
    throw new InputError(
      'role-arn',
      `(${role.name}) has '${role.value}', which is not a RAM role ARN`,
      'Use the form acs:ram::<account id>:role/<role name>.'
    )
  }
  if (!/^acs:ram::\d+:oidc-provider\/[A-Za-z0-9.@_-]+$/.test(provider.value)) {
    throw new InputError(
      'oidc-provider-arn',
      `(${provider.name}) has '${provider.value}', which is not a RAM OIDC provider ARN`,
      "Use the form acs:ram::<account id>:oidc-provider/<provider name> (the cluster's RRSA provider: ack-rrsa-<cluster id>)."
    )
  }
  readTokenFile('identity-token-file', file.value)
  return { ...base, from: 'rrsa', roleArn: role.value, oidcProviderArn: provider.value, tokenFile: file.value, tokenFileFrom: file.name }
}

export function alibabaRunnerIdentityLabel(auth: AlibabaRunnerIdentity): string {
  return auth.from === 'ecs'
    ? "the ECS instance's RAM role (metadata service) -> STS credentials -> temporary registry token"
    : `the pod's RRSA token -> STS AssumeRoleWithOIDC (${auth.roleArn}) -> temporary registry token`
}

/** The STS triple of the runner's role, every form masked. */
export async function alibabaRunnerCredential(
  auth: AlibabaRunnerIdentity,
  sessionName: string,
  ctx: ProviderContext
): Promise<StsCredential> {
  if (auth.from === 'ecs') return ecsRoleCredential(ctx)
  const token = readTokenFile('identity-token-file', auth.tokenFile)
  const role = {
    roleArn: auth.roleArn,
    oidcProviderArn: auth.oidcProviderArn,
    roleSessionName: auth.roleSessionName ?? sessionName,
    durationSeconds: auth.durationSeconds
  }
  return assumeRoleWithOidc(token, role, 'sts.aliyuncs.com', ctx)
}

const SERVICE = 'The Alibaba Cloud ECS metadata service'
const CREDENTIALS_PATH = '/latest/meta-data/ram/security-credentials/'

/** Hardened mode: PUT /latest/api/token (TTL header), then the role name and its credentials with the token header. */
async function ecsRoleCredential(ctx: ProviderContext): Promise<StsCredential> {
  const session = await metadataCall(
    'ALIBABA_METADATA',
    {
      method: 'PUT',
      path: '/latest/api/token',
      headers: { 'X-aliyun-ecs-metadata-token-ttl-seconds': String(METADATA_SESSION_TTL_SECONDS) }
    },
    ALIBABA_ECS,
    ctx.env
  )
  if (session.status === 404) throw new NoRunnerIdentity(ALIBABA_ECS, 'its metadata service answered HTTP 404 for a session token')
  if (session.status !== 200 || !session.body.trim()) throw metadataStatusError(SERVICE, session)
  const sessionToken = session.body.trim()
  ctx.mask(sessionToken)
  const headers = { 'X-aliyun-ecs-metadata-token': sessionToken }
  const list = await metadataCall('ALIBABA_METADATA', { method: 'GET', path: CREDENTIALS_PATH, headers }, ALIBABA_ECS, ctx.env)
  const roleName = list.status === 200 ? (list.body.trim().split(/\s+/)[0] ?? '') : ''
  if (list.status === 404 || (list.status === 200 && !roleName))
    throw new NoRunnerIdentity(ALIBABA_ECS, `its metadata service lists no RAM role (HTTP ${list.status})`)
  if (list.status !== 200) throw metadataStatusError(SERVICE, list)
  if (!/^[A-Za-z0-9.@_-]{1,64}$/.test(roleName)) throw new ActionError(`${SERVICE} answered a role name that is not one.`)
  const reply = await metadataCall(
    'ALIBABA_METADATA',
    { method: 'GET', path: `${CREDENTIALS_PATH}${roleName}`, headers },
    ALIBABA_ECS,
    ctx.env
  )
  if (reply.status !== 200) throw metadataStatusError(SERVICE, reply)
  return stsTriple(metadataJson(SERVICE, reply), ctx)
}

const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value !== ''

function stsTriple(json: Record<string, unknown>, ctx: ProviderContext): StsCredential {
  const { AccessKeyId: id, AccessKeySecret: secret, SecurityToken: token, Expiration: expires, Code: code } = json
  if (nonEmpty(secret)) ctx.mask(secret)
  if (nonEmpty(token)) for (const form of [token, ...percentEncodedForms(token)]) ctx.mask(form)
  if (code !== 'Success' || !nonEmpty(id) || !nonEmpty(secret) || !nonEmpty(token)) {
    throw new ActionError(
      `${SERVICE} answered the role's credentials without Code Success, AccessKeyId, AccessKeySecret and SecurityToken.`
    )
  }
  const expiration = typeof expires === 'string' ? new Date(expires) : undefined
  return {
    accessKeyId: id,
    accessKeySecret: secret,
    securityToken: token,
    ...(expiration && !Number.isNaN(expiration.getTime()) ? { expiration } : {})
  }
}
