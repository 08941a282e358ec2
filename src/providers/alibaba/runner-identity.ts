// Alibaba Cloud runner identity (auth: runner-identity): an ECS instance RAM role from the metadata service (hardened
// mode: session token first), or an ACK pod's RRSA token exchanged with STS AssumeRoleWithOIDC.
import { ActionError } from '../../log/errors.js'
import {
  metadataCall,
  metadataJson,
  metadataStatusError,
  NoRunnerIdentity,
  type MetadataReply,
  type RunnerIdentity
} from '../../net/metadata.js'
import { METADATA_SESSION_TTL_SECONDS } from '../../net/policies.js'
import { readTokenFile } from '../../inputs/token-file.js'
import type { ProviderContext } from '../provider.js'
import { assumeRoleWithOidc, stsCredential, type StsCredential } from './api.js'

export interface Rrsa {
  roleArn: string
  oidcProviderArn: string
  tokenFile: string
}

export type AlibabaRunnerIdentity = { kind: 'runner-identity'; roleSessionName?: string; durationSeconds: number } & (
  { from: 'ecs' } | ({ from: 'rrsa' } & Rrsa)
)

export const ALIBABA_ECS: RunnerIdentity = {
  runner: 'an Alibaba Cloud ECS instance with an attached RAM role',
  attach:
    'Attach one (aliyun ecs AttachInstanceRamRole --RegionId <region> --InstanceIds \'["<instance id>"]\' --RamRoleName <role>) with a policy that allows cr:GetAuthorizationToken (docs/alibaba.md, "Runner identity"); in ACK, set up RRSA for the runner pods instead.'
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
  const ask = (method: 'GET' | 'PUT', path: string, headers: Record<string, string>) =>
    metadataCall('ALIBABA_METADATA', { method, path, headers }, ALIBABA_ECS, ctx.env)
  const session = await ask('PUT', '/latest/api/token', { 'X-aliyun-ecs-metadata-token-ttl-seconds': String(METADATA_SESSION_TTL_SECONDS) })
  if (session.status === 404) throw new NoRunnerIdentity(ALIBABA_ECS, 'its metadata service answered HTTP 404 for a session token')
  const sessionToken = session.body.trim()
  if (session.status !== 200 || !sessionToken) throw metadataStatusError(SERVICE, session)
  ctx.mask(sessionToken)
  const headers = { 'X-aliyun-ecs-metadata-token': sessionToken }
  const roleName = ecsRoleName(await ask('GET', CREDENTIALS_PATH, headers))
  const reply = await ask('GET', `${CREDENTIALS_PATH}${roleName}`, headers)
  if (reply.status !== 200) throw metadataStatusError(SERVICE, reply)
  const json = metadataJson(SERVICE, reply)
  // The ECS form adds Code: Success beside the fields STS answers in Credentials.
  return stsCredential(json.Code === 'Success' ? json : {}, ctx, `${SERVICE} answered the role's credentials`)
}

/** The instance's RAM role from the listing: none (404 or empty) is a runner without one. */
function ecsRoleName(list: MetadataReply): string {
  const roleName = list.status === 200 ? (list.body.trim().split(/\s+/)[0] ?? '') : ''
  if (list.status === 404 || (list.status === 200 && !roleName))
    throw new NoRunnerIdentity(ALIBABA_ECS, `its metadata service lists no RAM role (HTTP ${list.status})`)
  if (list.status !== 200) throw metadataStatusError(SERVICE, list)
  if (!/^[A-Za-z0-9.@_-]{1,64}$/.test(roleName)) throw new ActionError(`${SERVICE} answered a role name that is not one.`)
  return roleName
}
