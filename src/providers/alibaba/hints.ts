// What to tell the user when Alibaba Cloud refuses a call: ACR's and STS's error codes, each with its fix.
import type { CloudError } from '../../net/http.js'

/** What an ACR hint may name: the instance and region asked for, and whether the AccessKey came from STS. */
export interface AcrHintContext {
  instanceId?: string
  region?: string
  oidc?: boolean
}

/** What an STS hint may name: the role and OIDC provider asked for, and the token's audience. */
export interface StsHintContext {
  role: { roleArn: string; oidcProviderArn: string }
  audience: string
}

/** Which replies a row is about: it sees the error code and the message ('' when absent). */
type Match = (code: string, message: string) => boolean

/** One row of a hint table: the replies it is about, and the hint. The first row that matches wins. */
type HintRow<Context> = readonly [Match, (context: Context) => string]

/** The code is one of these. */
const is =
  (...codes: string[]): Match =>
  code =>
    codes.includes(code)

/** The code is this one or a dotted variant of it (`InvalidAccessKeyId.NotFound`). */
const startsWith =
  (prefix: string): Match =>
  code =>
    code.startsWith(prefix)

/** The code contains one of these words. */
const contains =
  (...words: string[]): Match =>
  code =>
    words.some(word => code.includes(word))

/** The code or the message says this. */
const says =
  (codePattern: RegExp, messagePattern: RegExp): Match =>
  (code, message) =>
    codePattern.test(code) || messagePattern.test(message)

/** Which call must be checked for an unknown AccessKey: the STS pair, or the inputs. */
const accessKeyInputs = (context: AcrHintContext): string =>
  context.oidc ? 'the STS credentials AssumeRoleWithOIDC returned' : "'access-key-id' / 'access-key-secret'"

const ramResource = ({ instanceId, region }: AcrHintContext): string =>
  instanceId ? ` on acs:cr:${region ?? '*'}:*:instance/${instanceId}` : ''

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

/** ACR's refusals (GetAuthorizationToken and Personal Edition `/tokens`), in the order they are tried. */
const ACR_HINTS: readonly HintRow<AcrHintContext>[] = [
  [
    is('SignatureDoesNotMatch', 'IncompleteSignature'),
    context =>
      context.oidc
        ? 'The signature made with the STS credentials was refused; the server string-to-sign above helps to compare.'
        : "Check 'access-key-secret': it must be the secret that belongs to 'access-key-id' (copied whole, no spaces). The server's string-to-sign is shown above for comparison."
  ],
  [
    startsWith('InvalidAccessKeyId'),
    context => `Check ${accessKeyInputs(context)}: Alibaba Cloud does not know this AccessKey ID, or it is disabled.`
  ],
  [
    startsWith('InvalidSecurityToken'),
    () =>
      "Check 'security-token': it must be the current STS SecurityToken issued together with 'access-key-id' (STS.…); STS tokens expire, fetch a fresh one."
  ],
  [
    is('NoPrivilege', 'Forbidden.RAM', 'NoPermission'),
    context => `The RAM policy of this user or role must allow the action cr:GetAuthorizationToken${ramResource(context)}.`
  ],
  [is('USER_NOT_EXIST'), context => userNotExistHint(context.oidc === true)],
  [
    contains('Timestamp', 'TimeStamp'),
    () => "The runner's clock differs from Alibaba Cloud's by more than 15 minutes; check the runner's time."
  ],
  [is('SignatureNonceUsed'), () => 'The request was replayed; run the job again.'],
  [
    says(/instance/i, /instance/i),
    context =>
      `Check 'instance-id' (${context.instanceId ?? 'not set'}): it must be the cri-… id of the Enterprise instance in region ${context.region ?? '?'} (a wrong id or region is reported as not found; see aliyun/acr-login#15).`
  ]
]

/** STS AssumeRoleWithOIDC's refusals, in the order they are tried. */
const STS_HINTS: readonly HintRow<StsHintContext>[] = [
  [
    says(/Audience|ClientId/i, /audience|client id/i),
    ({ audience }) => `The OIDC provider's client IDs must include the token audience '${audience}' (input 'audience').`
  ],
  [
    contains('OIDCToken'),
    () =>
      "The GitHub OIDC token was refused; check that the OIDC provider's issuer is https://token.actions.githubusercontent.com and its fingerprint is current."
  ],
  [
    contains('NoPermission', 'NotAuthorized', 'AuthenticationFail'),
    ({ role }) =>
      `The trust policy of ${role.roleArn} must let the OIDC provider ${role.oidcProviderArn} assume it for this repository's token (condition on oidc:sub, oidc:aud, oidc:iss).`
  ],
  [contains('Role'), ({ role }) => `Check 'role-arn' (${role.roleArn}): the role must exist in the account of the OIDC provider.`],
  [contains('OIDCProvider', 'Provider'), ({ role }) => `Check 'oidc-provider-arn' (${role.oidcProviderArn}).`],
  [contains('DurationSeconds', 'Duration'), () => "Lower 'duration-seconds' to at most the role's maximum session duration."]
]

/** The hint of the first row about this reply, or undefined. */
function lookUp<Context>(table: readonly HintRow<Context>[], cloud: CloudError, context: Context): string | undefined {
  const code = cloud.code ?? ''
  const message = cloud.message ?? ''
  return table.find(([matches]) => matches(code, message))?.[1](context)
}

/** A fix for the errors a CI login meets at ACR. */
export function alibabaHint(cloud: CloudError, context: AcrHintContext): string | undefined {
  return lookUp(ACR_HINTS, cloud, context)
}

/** A fix for the errors AssumeRoleWithOIDC answers. */
export function stsHint(cloud: CloudError, role: StsHintContext['role'], audience: string): string | undefined {
  return lookUp(STS_HINTS, cloud, { role, audience })
}
