// IBM Cloud's auth methods: the credential inputs, how 'auth' chooses among them, and one reader per method.
import { InputError } from '../../log/errors.js'
import type { InputReader } from '../../inputs/reader.js'
import type { CommonInputs } from '../provider.js'
import { credentialOf, noCredential, readAuth, type CloudAuth, type ReaderContext, type ResolvedAuth } from '../kit/auth.js'
import { givenAs, type UsernameTable } from '../kit/static-login.js'
import { IBM_FORMATS, IBM_SHAPES } from './shapes.js'
import { refuseCredentialInputs, RUNNER_IDENTITY } from '../kit/runner-identity.js'
import { readIbmRunnerIdentity, type IbmRunnerIdentity } from './runner-identity.js'

/**
 * IBM's parsed credential: exactly one of these. `username` is set when the credential came as
 * `password` with that registry username (docker/login-action style), so the log can say so.
 */
export type IbmAuth =
  | { kind: 'api-key'; apiKey: string; exchange: boolean; username?: string }
  | { kind: 'token'; token: string; username?: string }
  | (IbmRunnerIdentity & { username?: undefined })

/** `password` selects the method by `username`, as docker/login-action users write it. */
export const IBM_AUTH_METHODS = ['api-key', 'token', 'password', RUNNER_IDENTITY] as const
type Method = IbmAuth['kind']
type Input = 'api-key' | 'token'

/** The registry usernames IBM documents for IAM credentials (IBM Cloud docs, "Accessing Container Registry"). */
export const IBM_USERNAMES: UsernameTable<Method> = {
  iamapikey: { method: 'api-key', password: 'an IBM Cloud API key', shape: IBM_SHAPES['api-key'] },
  iambearer: { method: 'token', password: 'an IAM access token', shape: IBM_SHAPES.token }
}

const ONE_CREDENTIAL = "Set only one of them: 'api-key', 'token', or 'username' with 'password'."

type Context = ReaderContext<Method, Input>

const readers: CloudAuth<Method, Input, IbmAuth>['readers'] = {
  'api-key': (context: Context) => ({
    kind: 'api-key',
    apiKey: credentialOf(context, 'api-key', 'Pass the API key from a secret.'),
    exchange: context.common.exchange,
    ...givenAs(context.login)
  }),
  token: (context: Context) => ({
    kind: 'token',
    token: credentialOf(context, 'token', 'Pass an IAM access token.'),
    ...givenAs(context.login)
  }),
  // A VPC instance's or a pod's trusted profile: reads its own inputs, 'trusted-profile' and 'identity-token-file'
  // (the username form names its own contradiction).
  [RUNNER_IDENTITY]: (context: Context) => {
    refuseCredentialInputs(context, ['api-key', 'token'], 'IBM Cloud')
    return readIbmRunnerIdentity(context.inputs)
  }
}

export const IBM_AUTH: CloudAuth<Method, Input, IbmAuth> = {
  cloud: 'IBM Cloud',
  names: IBM_AUTH_METHODS,
  refused: {
    // IAM trusts no outside OIDC issuer: trusted profiles take SAML and IBM compute resources only (protocols.md 4.4).
    oidc: {
      problem: "IBM Cloud has no federation for GitHub's OIDC tokens (IAM trusts no outside OIDC issuer)",
      fix: "Use a service ID's API key in 'api-key', from a secret; on a self-hosted runner in IBM Cloud (a VPC instance, IKS or OpenShift, Code Engine), 'auth: runner-identity' logs in with the runner's trusted profile, without a key."
    }
  },
  reads: [
    ['api-key', 'secret', IBM_SHAPES['api-key']],
    ['token', 'secret', IBM_SHAPES.token]
  ],
  formats: IBM_FORMATS,
  usernameForm: {
    cloud: 'IBM Cloud Container Registry',
    usernames: IBM_USERNAMES,
    excludes: { inputs: ['api-key', 'token'], fix: () => ONE_CREDENTIAL }
  },
  // An API key and a token exclude each other whatever 'auth' says.
  afterUsername(values) {
    if (values['api-key'] && values.token) throw new InputError('api-key', "and input 'token' are both set", ONE_CREDENTIAL)
  },
  auto: [
    ['api-key', ['api-key']],
    ['token', ['token']]
  ],
  none: () =>
    noCredential(
      'IBM Cloud',
      "'api-key' (an IBM Cloud API key, a service ID's for CI), 'token' (an IAM access token), or 'username: iamapikey' with the API key in 'password'"
    ),
  readers
}

/** IBM's auth inputs read and resolved: the method chosen, and its data. */
export function readIbmAuth(inputs: InputReader, common: CommonInputs): { resolved: ResolvedAuth<Method>; data: IbmAuth } {
  return readAuth(IBM_AUTH, inputs, common)
}

export function parseIbmAuth(inputs: InputReader, common: CommonInputs): IbmAuth {
  return readIbmAuth(inputs, common).data
}
