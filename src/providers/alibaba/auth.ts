// Alibaba Cloud's auth methods: the credential inputs, how 'auth' chooses among them, and one reader per method.
import { InputError } from '../../log/errors.js'
import type { InputReader } from '../../inputs/reader.js'
import { maskSecret } from '../../log/secrets.js'
import type { CommonInputs } from '../provider.js'
import { MISSING_SECRET, noCredential, readAuth, requireInput, type CloudAuth, type ReaderContext, type ResolvedAuth } from '../kit/auth.js'
import { refuseCredentialInputs, RUNNER_IDENTITY } from '../kit/runner-identity.js'
import { readTokenFile } from '../../inputs/token-file.js'
import type { AlibabaRunnerIdentity, Rrsa } from './runner-identity.js'
import { percentEncodedForms, type AccessKeyCredential } from './signature.js'
import { ALIBABA_FORMATS, ALIBABA_SHAPES } from './shapes.js'

export const ALIBABA_DEFAULT_AUDIENCE = 'sts.aliyuncs.com'

/** Alibaba's parsed credential: exactly one of these. */
export type AlibabaAuth =
  | { kind: 'access-key'; credential: AccessKeyCredential }
  | { kind: 'oidc'; roleArn: string; oidcProviderArn: string; roleSessionName?: string; durationSeconds: number; audience: string }
  | { kind: 'password'; username: string; password: string }
  | AlibabaRunnerIdentity

export const ALIBABA_AUTH_METHODS = ['oidc', 'access-key', 'password', RUNNER_IDENTITY] as const
type Method = AlibabaAuth['kind']
type Input = 'access-key-id' | 'access-key-secret' | 'security-token' | 'role-arn' | 'oidc-provider-arn' | 'username' | 'password'

const ROLE_ARN = /^acs:ram::\d+:role\/[A-Za-z0-9.@_/-]+$/
const OIDC_PROVIDER_ARN = /^acs:ram::\d+:oidc-provider\/[A-Za-z0-9.@_-]+$/
const SESSION_NAME = /^[A-Za-z0-9.@_-]{2,64}$/

/** The STS token, masked also in the forms an error may echo (a SignatureDoesNotMatch error holds it percent-encoded twice). */
function readSecurityToken(inputs: InputReader): string {
  const securityToken = inputs.secret('security-token')
  for (const form of percentEncodedForms(securityToken)) maskSecret(form)
  return securityToken
}

type Context = ReaderContext<Method, Input>

/** Keyless login (exchange) and an AccessKey are always exchanged: neither is a registry password. */
function requireExchange(common: CommonInputs, problem: string, fix: string): void {
  if (!common.exchange) throw new InputError('exchange', problem, fix)
}

function readAccessKey(context: Context): AlibabaAuth {
  const accessKeyId = requireInput(
    context,
    'access-key-id',
    "Set it to the AccessKey ID (LTAI… or STS.…) that goes with 'access-key-secret'."
  )
  if (!/^[A-Za-z0-9.]+$/.test(accessKeyId)) {
    throw new InputError(
      'access-key-id',
      'is not an AccessKey ID (letters, digits and dots only)',
      'Pass the AccessKey ID, not the secret or a file.'
    )
  }
  const { 'access-key-secret': accessKeySecret, 'security-token': securityToken } = context.values
  if (!accessKeySecret)
    throw new InputError(
      'access-key-secret',
      "is empty but 'access-key-id' is set",
      `Pass the AccessKey secret from a secret. ${MISSING_SECRET}`
    )
  if (accessKeyId.startsWith('STS.') && !securityToken) {
    throw new InputError(
      'security-token',
      `is empty, but 'access-key-id' is an STS AccessKey (STS.…)`,
      `Pass the SecurityToken that STS issued together with it. ${MISSING_SECRET}`
    )
  }
  requireExchange(
    context.common,
    'is false, but Alibaba Cloud registries do not accept an AccessKey as a password',
    "Leave 'exchange' at true (the AccessKey is exchanged for a temporary registry token), or use 'username' and 'password' for the instance's access credential."
  )
  return { kind: 'access-key', credential: { accessKeyId, accessKeySecret, ...(securityToken ? { securityToken } : {}) } }
}

/** The two RAM ARNs keyless login needs, and their documented forms. */
const ARNS = {
  'role-arn': {
    pattern: ROLE_ARN,
    what: 'RAM role ARN',
    example: 'acs:ram::1234567890123456:role/github-push',
    form: 'acs:ram::<account id>:role/<role name>'
  },
  'oidc-provider-arn': {
    pattern: OIDC_PROVIDER_ARN,
    what: 'RAM OIDC provider ARN',
    example: 'acs:ram::1234567890123456:oidc-provider/github',
    form: 'acs:ram::<account id>:oidc-provider/<provider name>'
  }
} as const

/** A RAM ARN input: required, and of its documented form. */
function requireArn(context: Context, input: keyof typeof ARNS): string {
  const { what, example } = ARNS[input]
  return checkArn(input, requireInput(context, input, `Set it to the ${what}, e.g. ${example}.`))
}

/** A RAM ARN of its documented form; `from` names the variable it came from, when not the input. */
function checkArn(input: keyof typeof ARNS, arn: string, from = ''): string {
  const { pattern, what, form } = ARNS[input]
  if (!pattern.test(arn)) throw new InputError(input, `has '${arn}'${from}, which is not a ${what}`, `Use the form ${form}.`)
  return arn
}

/** Each RRSA part: the input, else the variable ACK's pod-identity webhook sets. */
const RRSA_PARTS = [
  ['role-arn', 'ALIBABA_CLOUD_ROLE_ARN'],
  ['oidc-provider-arn', 'ALIBABA_CLOUD_OIDC_PROVIDER_ARN'],
  ['identity-token-file', 'ALIBABA_CLOUD_OIDC_TOKEN_FILE']
] as const

/**
 * An ACK pod's RRSA role when any of its three parts is given (inputs first, then the webhook's variables), all three
 * then required and the token file checked now; none: the ECS instance's role.
 */
function readRrsa(inputs: InputReader, env: NodeJS.ProcessEnv): Rrsa | undefined {
  const parts = RRSA_PARTS.map(([input, variable]) => {
    const value = inputs.text(input)
    return { input, variable, value: value || (env[variable] ?? '').trim(), from: value ? '' : ` (from ${variable})` }
  })
  if (parts.every(p => !p.value)) return undefined
  const missing = parts.find(p => !p.value)
  if (missing) {
    throw new InputError(
      missing.input,
      `is empty (and so is ${missing.variable}), but other RRSA settings are given`,
      "In an ACK pod with RRSA, annotate its service account (pod-identity.alibabacloud.com/role-name) so the webhook sets ALIBABA_CLOUD_ROLE_ARN, ALIBABA_CLOUD_OIDC_PROVIDER_ARN and ALIBABA_CLOUD_OIDC_TOKEN_FILE, or set the inputs 'role-arn', 'oidc-provider-arn' and 'identity-token-file'."
    )
  }
  const [role, provider, file] = parts as [(typeof parts)[0], (typeof parts)[0], (typeof parts)[0]]
  const roleArn = checkArn('role-arn', role.value, role.from)
  const oidcProviderArn = checkArn('oidc-provider-arn', provider.value, provider.from)
  readTokenFile('identity-token-file', file.value)
  return { roleArn, oidcProviderArn, tokenFile: file.value }
}

/** 'role-session-name', when set, as STS accepts it (keyless login and the runner's RRSA role). */
function readSessionName(context: Context): string {
  const roleSessionName = context.inputs.text('role-session-name')
  if (roleSessionName && !SESSION_NAME.test(roleSessionName)) {
    throw new InputError(
      'role-session-name',
      `has '${roleSessionName}', which STS does not accept`,
      'Use 2 to 64 characters from A-Z a-z 0-9 . @ _ -.'
    )
  }
  return roleSessionName
}

const readDuration = (context: Context): number => context.inputs.integer('duration-seconds', 3600, 900, 43200)

function readOidc(context: Context): AlibabaAuth {
  const roleArn = requireArn(context, 'role-arn')
  const oidcProviderArn = requireArn(context, 'oidc-provider-arn')
  const roleSessionName = readSessionName(context)
  requireExchange(context.common, 'is false, but keyless login always exchanges the GitHub token', "Leave 'exchange' at true.")
  return {
    kind: 'oidc',
    roleArn,
    oidcProviderArn,
    ...(roleSessionName ? { roleSessionName } : {}),
    durationSeconds: readDuration(context),
    audience: context.inputs.text('audience') || ALIBABA_DEFAULT_AUDIENCE
  }
}

/** Longest 'username' taken: Alibaba login names are far shorter; anything longer is not one. */
const MAX_USERNAME = 256

/** The instance credential's login name: no leading '-' (a client would read an option), at most 256 characters (controls: refused as text). */
function checkUsername(username: string): void {
  if (username.startsWith('-'))
    throw new InputError(
      'username',
      "starts with '-', which a client would take for an option, not a login name",
      "Give the login name the console's docker login command shows (--username=<name>): the name alone, without '--username='."
    )
  if (username.length > MAX_USERNAME)
    throw new InputError(
      'username',
      `is ${username.length} characters long, more than the ${MAX_USERNAME} a login name has`,
      "Give the login name of the instance's access credential; a password or key goes in 'password'."
    )
}

function readPassword(context: Context): AlibabaAuth {
  const username = requireInput(
    context,
    'username',
    "Set it to the login name of the instance's access credential (the account or RAM user name shown in the console's docker login command)."
  )
  checkUsername(username)
  const password = context.values.password
  if (!password)
    throw new InputError(
      'password',
      "is empty but 'username' is set",
      `Pass the instance's access credential password from a secret. ${MISSING_SECRET}`
    )
  return { kind: 'password', username, password }
}

/** The ECS instance's RAM role, or an ACK pod's RRSA role: no credential input beside it. */
function readRunnerIdentity(context: Context): AlibabaAuth {
  const credentialInputs = ['access-key-id', 'access-key-secret', 'security-token', 'username', 'password', 'audience']
  refuseCredentialInputs(context, credentialInputs, 'Alibaba Cloud')
  const roleSessionName = readSessionName(context)
  requireExchange(context.common, "is false, but the runner's role is always exchanged for a registry token", "Leave 'exchange' at true.")
  const rrsa = readRrsa(context.inputs, process.env)
  return {
    kind: RUNNER_IDENTITY,
    ...(roleSessionName ? { roleSessionName } : {}),
    durationSeconds: readDuration(context),
    ...(rrsa ? { from: 'rrsa' as const, ...rrsa } : { from: 'ecs' as const })
  }
}

export const ALIBABA_AUTH: CloudAuth<Method, Input, AlibabaAuth> = {
  cloud: 'Alibaba Cloud',
  names: ALIBABA_AUTH_METHODS,
  reads: [
    ['access-key-id', 'text'],
    ['access-key-secret', 'secret', ALIBABA_SHAPES['access-key-secret']],
    ['security-token', readSecurityToken, ALIBABA_SHAPES['security-token']],
    ['role-arn', 'text'],
    ['oidc-provider-arn', 'text'],
    ['username', 'text'],
    ['password', 'secret']
  ],
  formats: ALIBABA_FORMATS,
  auto: [
    ['oidc', ['role-arn', 'oidc-provider-arn']],
    ['access-key', ['access-key-id', 'access-key-secret', 'security-token']],
    ['password', ['username', 'password']]
  ],
  clash: set =>
    set.length > 1
      ? new InputError(
          'auth',
          `is auto, but the inputs of several methods are set (${set.join(', ')})`,
          `Set 'auth' to one of ${set.join(', ')}, or remove the inputs of the others.`
        )
      : undefined,
  none: () =>
    noCredential(
      'Alibaba Cloud',
      "'access-key-id' and 'access-key-secret' (plus 'security-token' for STS credentials), or 'username' and 'password' (the instance's access credential); for keyless login 'role-arn' and 'oidc-provider-arn', with 'permissions: id-token: write'"
    ),
  readers: { 'access-key': readAccessKey, oidc: readOidc, password: readPassword, [RUNNER_IDENTITY]: readRunnerIdentity }
}

/** Alibaba's auth inputs read and resolved: the method chosen, and its data. */
export function readAlibabaAuth(inputs: InputReader, common: CommonInputs): { resolved: ResolvedAuth<Method>; data: AlibabaAuth } {
  return readAuth(ALIBABA_AUTH, inputs, common)
}

export function parseAlibabaAuth(inputs: InputReader, common: CommonInputs): AlibabaAuth {
  return readAlibabaAuth(inputs, common).data
}
