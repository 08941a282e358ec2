// Nebius AI Cloud's auth methods: the credential inputs, how 'auth' chooses among them, and one reader per method.
import { InputError } from '../../log/errors.js'
import type { InputReader } from '../../inputs/reader.js'
import { textOrFile } from '../../inputs/text-or-file.js'
import type { CommonInputs } from '../provider.js'
import { firstSet, type InputValues } from '../kit/credential-inputs.js'
import {
  credentialOf,
  MISSING_SECRET,
  noCredential,
  readAuth,
  requireInput,
  type CloudAuth,
  type ReaderContext,
  type ResolvedAuth
} from '../kit/auth.js'
import { givenAs, type UsernameTable } from '../kit/static-login.js'
import { refuseCredentialInputs, RUNNER_IDENTITY } from '../kit/runner-identity.js'
import { checkServiceAccountId, keyFromFields, parseCredentialsFile, type ServiceAccountKey } from './credentials.js'
import type { Transport } from './exchange.js'
import { NEBIUS_FORMATS, NEBIUS_SHAPES } from './shapes.js'

/** The registry username for access tokens and static keys (Container Registry authentication page: `--username iam`). */
export const NEBIUS_USERNAME = 'iam'

/**
 * Nebius's parsed credential: exactly one of these. `username` is set when the token came as
 * `password` with username iam (docker/login-action style), so the log can say so.
 */
export type NebiusAuth =
  | { kind: 'oidc'; serviceAccountId: string; audience: string | undefined; transport: Exclude<Transport, 'auto'> }
  | { kind: 'service-account-key'; key: ServiceAccountKey; transport: Transport }
  | { kind: 'token'; token: string; username?: string }
  | { kind: 'runner-identity' }

/** `password` takes `username: iam` + `password`, as docker/login-action users write it. */
export const NEBIUS_AUTH_METHODS = ['oidc', 'service-account-key', 'token', 'password', RUNNER_IDENTITY] as const
type Method = NebiusAuth['kind']
type Input = 'service-account-key' | 'private-key' | 'public-key-id' | 'service-account-id' | 'token' | 'audience' | 'token-exchange'

/** The one registry username Nebius documents: static keys (up to 3 years) and access tokens (12 hours). */
export const NEBIUS_USERNAMES: UsernameTable<Method> = {
  [NEBIUS_USERNAME]: {
    method: 'token',
    password: 'a static key (nebius iam static-key issue --service CONTAINER_REGISTRY) or an access token',
    shape: NEBIUS_SHAPES.token
  }
}

/** The inputs of a service-account key: the whole credentials file, or its fields (with 'service-account-id'). */
const KEY_INPUTS = ['service-account-key', 'private-key', 'public-key-id'] as const

/** The credentials file and its fields are two ways to give one key: not both. */
function refuseFileAndFields(values: InputValues<Input>): void {
  const field = firstSet(values, ['private-key', 'public-key-id'])
  if (values['service-account-key'] && field) {
    throw new InputError(
      'service-account-key',
      `and input '${field}' are both set`,
      "Pass either the whole credentials file in 'service-account-key', or its fields in 'service-account-id', 'public-key-id' and 'private-key'."
    )
  }
}

/** With auth auto: a token next to a key or next to keyless login's service-account-id. */
function clash(set: readonly Method[], values: InputValues<Input>): InputError | undefined {
  if (!set.includes('token')) return undefined
  const key = firstSet(values, KEY_INPUTS)
  if (key) return new InputError('token', `and input '${key}' are both set`, "Set only one credential, or choose with 'auth'.")
  if (!set.includes('oidc')) return undefined
  return new InputError(
    'token',
    "and input 'service-account-id' are both set",
    "A token logs in by itself; 'service-account-id' means federated credentials. Set only one, or choose with 'auth'."
  )
}

type Context = ReaderContext<Method, Input>

/** 'token-exchange' was read by `inputs.choice` over exactly these. */
const transportOf = (values: InputValues<Input>): Transport => values['token-exchange'] as Transport

/** A service-account key is always exchanged: the registry does not take it as a password. */
function requireExchange(common: CommonInputs): void {
  if (!common.exchange) {
    throw new InputError(
      'exchange',
      'is false, but Nebius Container Registry does not take a service-account key as a password',
      "Leave 'exchange' at true (the key is exchanged for a 12-hour access token), or use a static key in 'token'."
    )
  }
}

function readKey({ values, common }: Context): NebiusAuth {
  requireExchange(common)
  const keyFile = values['service-account-key']
  if (keyFile) {
    const text = textOrFile('service-account-key', keyFile, value => value.startsWith('{'), 'a credentials JSON')
    return { kind: 'service-account-key', key: parseCredentialsFile('service-account-key', text), transport: transportOf(values) }
  }
  if (!values['private-key'] && !values['public-key-id']) {
    throw new InputError(
      'service-account-key',
      "is empty but 'auth' is service-account-key",
      `Pass the credentials file of 'nebius iam auth-public-key generate' (or its fields in 'service-account-id', 'public-key-id', 'private-key'). ${MISSING_SECRET}`
    )
  }
  const key = keyFromFields(values['service-account-id'], values['public-key-id'], values['private-key'])
  return { kind: 'service-account-key', key, transport: transportOf(values) }
}

function readOidc(context: Context): NebiusAuth {
  const serviceAccountId = requireInput(
    context,
    'service-account-id',
    'Set it to the id (serviceaccount-…) of the service account whose federated credentials trust GitHub.'
  )
  checkServiceAccountId('service-account-id', serviceAccountId)
  const audience = context.values.audience
  if (audience && /\s/.test(audience)) throw new InputError('audience', 'contains white space', 'Give one audience string.')
  // The documented federated exchange is gRPC; 'http' tries the HTTPS gateway instead (reportedly refused).
  const transport = transportOf(context.values) === 'http' ? 'http' : 'grpc'
  return { kind: 'oidc', serviceAccountId, audience: audience || undefined, transport }
}

/**
 * A static key or access token; a credentials file given instead (its shape was checked: a document here is
 * one) is unambiguous, so it logs in as the service-account key it is, and the log says so.
 */
function readToken(context: Context): NebiusAuth {
  const token = credentialOf(
    context,
    'token',
    'Pass a Nebius static key (nebius iam static-key issue --service CONTAINER_REGISTRY) or an access token from a secret.'
  )
  if (!token.startsWith('{')) return { kind: 'token', token, ...givenAs(context.login) }
  const input = context.login ? 'password' : 'token'
  requireExchange(context.common)
  const key = parseCredentialsFile(input, token)
  context.inputs.note(
    `Input '${input}' holds a Nebius AI Cloud credentials file, not a static key or access token: logging in with it as a service-account key (exchanged for an access token), as 'service-account-key' would.`
  )
  return { kind: 'service-account-key', key, transport: transportOf(context.values) }
}

const readers: CloudAuth<Method, Input, NebiusAuth>['readers'] = {
  oidc: readOidc,
  'service-account-key': readKey,
  token: readToken,
  // The runner VM's service account: no credential input (the username form names its own contradiction).
  [RUNNER_IDENTITY]: context => {
    refuseCredentialInputs(context, [...KEY_INPUTS, 'service-account-id', 'token', 'audience'], 'Nebius AI Cloud')
    return { kind: RUNNER_IDENTITY }
  }
}

export const NEBIUS_AUTH: CloudAuth<Method, Input, NebiusAuth> = {
  cloud: 'Nebius AI Cloud',
  names: NEBIUS_AUTH_METHODS,
  reads: [
    ['service-account-key', 'secretOrPath', NEBIUS_SHAPES['service-account-key']],
    ['private-key', 'secretOrPath', NEBIUS_SHAPES['private-key']],
    ['public-key-id', 'text'],
    ['service-account-id', 'text'],
    ['token', 'secret', NEBIUS_SHAPES.token],
    ['audience', 'text'],
    ['token-exchange', inputs => inputs.choice<Transport>('token-exchange', ['auto', 'http', 'grpc'], 'auto')]
  ],
  formats: NEBIUS_FORMATS,
  beforeAuth: refuseFileAndFields,
  usernameForm: {
    cloud: 'Nebius Container Registry',
    usernames: NEBIUS_USERNAMES,
    excludes: {
      inputs: ['token', 'service-account-key', 'private-key', 'public-key-id', 'service-account-id'],
      fix: input => `Set only one Nebius credential: '${input}', or 'username: iam' with 'password'.`
    }
  },
  auto: [
    ['service-account-key', KEY_INPUTS],
    ['token', ['token']],
    ['oidc', ['service-account-id']]
  ],
  clash,
  none: () =>
    noCredential(
      'Nebius',
      "'service-account-key' (a service-account credentials file), or 'token' (or 'username: iam' with 'password') for a static key or access token; for keyless federated credentials 'service-account-id' alone, with 'permissions: id-token: write'"
    ),
  readers
}

/** Nebius's auth inputs read and resolved: the method chosen, and its data. */
export function readNebiusAuth(inputs: InputReader, common: CommonInputs): { resolved: ResolvedAuth<Method>; data: NebiusAuth } {
  return readAuth(NEBIUS_AUTH, inputs, common)
}

export function parseNebiusAuth(inputs: InputReader, common: CommonInputs): NebiusAuth {
  return readNebiusAuth(inputs, common).data
}
