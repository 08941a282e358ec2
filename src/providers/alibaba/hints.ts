import type { CloudError } from '../../net/http.js'

/** A fix for the errors a CI login meets; `service` tells which call failed. */
export function alibabaHint(cloud: CloudError, context: { instanceId?: string; region?: string; oidc?: boolean }): string | undefined {
  const code = cloud.code ?? ''
  const where = context.oidc ? 'the STS credentials AssumeRoleWithOIDC returned' : "'access-key-id' / 'access-key-secret'"
  if (code === 'SignatureDoesNotMatch' || code === 'IncompleteSignature') {
    return context.oidc
      ? 'The signature made with the STS credentials was refused; the server string-to-sign above helps to compare.'
      : "Check 'access-key-secret': it must be the secret that belongs to 'access-key-id' (copied whole, no spaces). The server's string-to-sign is shown above for comparison."
  }
  if (code.startsWith('InvalidAccessKeyId')) return `Check ${where}: Alibaba Cloud does not know this AccessKey ID, or it is disabled.`
  if (code.startsWith('InvalidSecurityToken')) {
    return "Check 'security-token': it must be the current STS SecurityToken issued together with 'access-key-id' (STS.…); STS tokens expire, fetch a fresh one."
  }
  if (code === 'NoPrivilege' || code === 'Forbidden.RAM' || code === 'NoPermission') {
    return `The RAM policy of this user or role must allow the action cr:GetAuthorizationToken${context.instanceId ? ` on acs:cr:${context.region ?? '*'}:*:instance/${context.instanceId}` : ''}.`
  }
  if (code === 'USER_NOT_EXIST') return userNotExistHint(context.oidc === true)
  if (code.includes('Timestamp') || code.includes('TimeStamp'))
    return "The runner's clock differs from Alibaba Cloud's by more than 15 minutes; check the runner's time."
  if (code === 'SignatureNonceUsed') return 'The request was replayed; run the job again.'
  if (/instance/i.test(code) || /instance/i.test(cloud.message ?? '')) {
    return `Check 'instance-id' (${context.instanceId ?? 'not set'}): it must be the cri-… id of the Enterprise instance in region ${context.region ?? '?'} (a wrong id or region is reported as not found; see aliyun/acr-login#15).`
  }
  return undefined
}

/**
 * Personal Edition `/tokens` issues passwords only to callers that have a registry account; a RAM
 * user gets one the first time its access credential is set (aliyun/acr-login#19, aliyun/aliyun-cli#232).
 */
function userNotExistHint(oidc: boolean): string {
  const instead = "or use an Enterprise Edition instance ('instance-id' cri-…, whose GetAuthorizationToken goes by the RAM policy)"
  if (oidc) {
    return `Personal Edition issues temporary passwords only to users with a registry account, and a RAM role cannot have one: log in with an access credential ('username' and 'password'), ${instead}.`
  }
  return (
    'Personal Edition does not know this RAM user yet: it issues temporary passwords only to users with a registry account. ' +
    'Create it once: sign in to the ACR console as this RAM user and set its access credential (Instance > Access Credentials), or call CreateUserInfo with its AccessKey; then this AccessKey works. ' +
    `Or log in with that access credential ('username' and 'password'), ${instead}.`
  )
}

export function stsHint(cloud: CloudError, role: { roleArn: string; oidcProviderArn: string }, audience: string): string | undefined {
  const code = cloud.code ?? ''
  if (/Audience|ClientId/i.test(code) || /audience|client id/i.test(cloud.message ?? '')) {
    return `The OIDC provider's client IDs must include the token audience '${audience}' (input 'audience').`
  }
  if (code.includes('OIDCToken'))
    return "The GitHub OIDC token was refused; check that the OIDC provider's issuer is https://token.actions.githubusercontent.com and its fingerprint is current."
  if (code.includes('NoPermission') || code.includes('NotAuthorized') || code.includes('AuthenticationFail')) {
    return `The trust policy of ${role.roleArn} must let the OIDC provider ${role.oidcProviderArn} assume it for this repository's token (condition on oidc:sub, oidc:aud, oidc:iss).`
  }
  if (code.includes('Role')) return `Check 'role-arn' (${role.roleArn}): the role must exist in the account of the OIDC provider.`
  if (code.includes('OIDCProvider') || code.includes('Provider')) return `Check 'oidc-provider-arn' (${role.oidcProviderArn}).`
  if (code.includes('DurationSeconds') || code.includes('Duration'))
    return "Lower 'duration-seconds' to at most the role's maximum session duration."
  return undefined
}
