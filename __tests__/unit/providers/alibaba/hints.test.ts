// Every row of Alibaba Cloud's hint tables, with the exact hint it gives (src/providers/alibaba/hints.ts).
import { alibabaHint, stsHint, type AcrHintContext } from '../../../../src/providers/alibaba/hints.js'
import type { CloudError } from '../../../../src/net/http.js'

const EE: AcrHintContext = { instanceId: 'cri-1', region: 'cn-hangzhou' }
const USER_NOT_EXIST_INSTEAD =
  "or use an Enterprise Edition instance ('instance-id' cri-…, whose GetAuthorizationToken goes by the RAM policy)"

describe('ACR: each code gets its hint', () => {
  test.each<[string, CloudError, AcrHintContext, string]>([
    [
      'a refused signature (AccessKey)',
      { code: 'SignatureDoesNotMatch' },
      {},
      "Check 'access-key-secret': it must be the secret that belongs to 'access-key-id' (copied whole, no spaces). The server's string-to-sign is shown above for comparison."
    ],
    [
      'an incomplete signature (AccessKey)',
      { code: 'IncompleteSignature' },
      EE,
      "Check 'access-key-secret': it must be the secret that belongs to 'access-key-id' (copied whole, no spaces). The server's string-to-sign is shown above for comparison."
    ],
    [
      'a refused signature (STS credentials)',
      { code: 'SignatureDoesNotMatch' },
      { oidc: true },
      'The signature made with the STS credentials was refused; the server string-to-sign above helps to compare.'
    ],
    [
      'an unknown AccessKey (inputs)',
      { code: 'InvalidAccessKeyId.NotFound' },
      {},
      "Check 'access-key-id' / 'access-key-secret': Alibaba Cloud does not know this AccessKey ID, or it is disabled."
    ],
    [
      'an unknown AccessKey (STS credentials)',
      { code: 'InvalidAccessKeyId' },
      { oidc: true },
      'Check the STS credentials AssumeRoleWithOIDC returned: Alibaba Cloud does not know this AccessKey ID, or it is disabled.'
    ],
    [
      'a stale security token',
      { code: 'InvalidSecurityToken.Expired' },
      {},
      "Check 'security-token': it must be the current STS SecurityToken issued together with 'access-key-id' (STS.…); STS tokens expire, fetch a fresh one."
    ],
    [
      'no privilege, on an instance',
      { code: 'NoPrivilege' },
      EE,
      'The RAM policy of this user or role must allow the action cr:GetAuthorizationToken on acs:cr:cn-hangzhou:*:instance/cri-1.'
    ],
    [
      'no privilege, on an instance in no known region',
      { code: 'Forbidden.RAM' },
      { instanceId: 'cri-1' },
      'The RAM policy of this user or role must allow the action cr:GetAuthorizationToken on acs:cr:*:*:instance/cri-1.'
    ],
    [
      'no permission, Personal Edition',
      { code: 'NoPermission' },
      { region: 'cn-hangzhou' },
      'The RAM policy of this user or role must allow the action cr:GetAuthorizationToken.'
    ],
    [
      'a RAM user without a registry account',
      { code: 'USER_NOT_EXIST' },
      { region: 'cn-hangzhou' },
      'Personal Edition does not know this RAM user yet: it issues temporary passwords only to users with a registry account. ' +
        'Create it once: sign in to the ACR console as this RAM user and set its access credential (Instance > Access Credentials), or call CreateUserInfo with its AccessKey; then this AccessKey works. ' +
        `Or log in with that access credential ('username' and 'password'), ${USER_NOT_EXIST_INSTEAD}.`
    ],
    [
      'a RAM role, which cannot have a registry account',
      { code: 'USER_NOT_EXIST' },
      { oidc: true },
      `Personal Edition issues temporary passwords only to users with a registry account, and a RAM role cannot have one: log in with an access credential ('username' and 'password'), ${USER_NOT_EXIST_INSTEAD}.`
    ],
    [
      'a stale clock (Timestamp)',
      { code: 'InvalidTimestamp.Format' },
      {},
      "The runner's clock differs from Alibaba Cloud's by more than 15 minutes; check the runner's time."
    ],
    [
      'a stale clock (TimeStamp)',
      { code: 'InvalidTimeStamp.Expired' },
      {},
      "The runner's clock differs from Alibaba Cloud's by more than 15 minutes; check the runner's time."
    ],
    ['a reused nonce', { code: 'SignatureNonceUsed' }, {}, 'The request was replayed; run the job again.'],
    [
      'an instance that does not exist (code)',
      { code: 'INSTANCE_NOT_EXIST' },
      EE,
      "Check 'instance-id' (cri-1): it must be the cri-… id of the Enterprise instance in region cn-hangzhou (a wrong id or region is reported as not found; see aliyun/acr-login#15)."
    ],
    [
      'an instance that does not exist (message), nothing known',
      { code: 'NotFound', message: 'The specified Instance is not found.' },
      {},
      "Check 'instance-id' (not set): it must be the cri-… id of the Enterprise instance in region ? (a wrong id or region is reported as not found; see aliyun/acr-login#15)."
    ]
  ])('%s', (_, cloud, context, hint) => {
    expect(alibabaHint(cloud, context)).toBe(hint)
  })

  test.each<[string, CloudError]>([
    ['no code', {}],
    ['another code', { code: 'SystemError', message: 'system error' }],
    ['a near miss of an exact code', { code: 'NoPrivilege.Extra' }]
  ])('%s: no hint', (_, cloud) => {
    expect(alibabaHint(cloud, EE)).toBeUndefined()
  })

  test('the first matching row wins: a signature code that mentions an instance is about the signature', () => {
    expect(alibabaHint({ code: 'SignatureDoesNotMatch', message: 'instance cri-1' }, EE)).toMatch(/^Check 'access-key-secret'/)
    expect(alibabaHint({ code: 'InvalidTimeStamp.Instance' }, EE)).toMatch(/clock/)
  })
})

describe('STS AssumeRoleWithOIDC: each code gets its hint', () => {
  const role = { roleArn: 'acs:ram::1:role/gh', oidcProviderArn: 'acs:ram::1:oidc-provider/gh' }
  const AUDIENCE = "The OIDC provider's client IDs must include the token audience 'sts.aliyuncs.com' (input 'audience')."
  const TRUST =
    "The trust policy of acs:ram::1:role/gh must let the OIDC provider acs:ram::1:oidc-provider/gh assume it for this repository's token (condition on oidc:sub, oidc:aud, oidc:iss)."

  test.each<[string, CloudError, string]>([
    ['an audience code', { code: 'InvalidParameter.Audience' }, AUDIENCE],
    ['a client id code', { code: 'AuthenticationFail.ClientIdNotMatch' }, AUDIENCE],
    ['an audience message', { code: 'InvalidParameter', message: 'The audience does not match.' }, AUDIENCE],
    ['a client id message', { code: 'InvalidParameter', message: 'Unknown client ID.' }, AUDIENCE],
    [
      'a refused OIDC token',
      { code: 'AuthenticationFail.OIDCToken.Invalid' },
      "The GitHub OIDC token was refused; check that the OIDC provider's issuer is https://token.actions.githubusercontent.com and its fingerprint is current."
    ],
    ['no permission', { code: 'AuthenticationFail.NoPermission' }, TRUST],
    ['not authorized', { code: 'NotAuthorized' }, TRUST],
    ['an authentication failure', { code: 'AuthenticationFail' }, TRUST],
    [
      'a role that does not exist',
      { code: 'EntityNotExist.Role' },
      "Check 'role-arn' (acs:ram::1:role/gh): the role must exist in the account of the OIDC provider."
    ],
    [
      'an OIDC provider that does not exist',
      { code: 'EntityNotExist.OIDCProvider' },
      "Check 'oidc-provider-arn' (acs:ram::1:oidc-provider/gh)."
    ],
    ['a provider parameter', { code: 'InvalidParameter.ProviderArn' }, "Check 'oidc-provider-arn' (acs:ram::1:oidc-provider/gh)."],
    [
      'a session duration over the maximum',
      { code: 'InvalidParameter.DurationSeconds' },
      "Lower 'duration-seconds' to at most the role's maximum session duration."
    ],
    ['a duration code', { code: 'InvalidParameter.Duration' }, "Lower 'duration-seconds' to at most the role's maximum session duration."]
  ])('%s', (_, cloud, hint) => {
    expect(stsHint(cloud, role, 'sts.aliyuncs.com')).toBe(hint)
  })

  test.each<[string, CloudError]>([
    ['no code', {}],
    ['another code', { code: 'InternalError', message: 'try later' }]
  ])('%s: no hint', (_, cloud) => {
    expect(stsHint(cloud, role, 'sts.aliyuncs.com')).toBeUndefined()
  })

  test('the first matching row wins: an OIDC token code about the role is about the token', () => {
    expect(stsHint({ code: 'InvalidParameter.OIDCToken.Role' }, role, 'a')).toMatch(/^The GitHub OIDC token was refused/)
    expect(stsHint({ code: 'NoPermission.Role' }, role, 'a')).toBe(TRUST)
  })
})
