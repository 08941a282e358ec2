// Yandex Cloud's auth methods: the credential inputs, how 'auth' chooses among them, and one reader per method.
import { InputError } from '../../log/errors.js'
import type { InputReader } from '../../inputs/reader.js'
import type { CommonInputs } from '../provider.js'
import type { InputValues } from '../kit/credential-inputs.js'
import { credentialOf, noCredential, readAuth, requireInput, type CloudAuth, type ReaderContext, type ResolvedAuth } from '../kit/auth.js'
import { givenAs, type UsernameTable } from '../kit/static-login.js'
import { RUNNER_IDENTITY } from '../kit/runner-identity.js'
import { parseAuthorizedKey, type AuthorizedKey } from './key.js'
import { YANDEX_FORMATS, YANDEX_SHAPES } from './shapes.js'

/**
 * Yandex's parsed credential: exactly one of these. `username` is set when the credential came as
 * `password` with that registry username (docker/login-action style), so the log can say so.
 */
export type YandexAuth =
  | { kind: 'oidc'; serviceAccountId: string; audience?: string }
  | { kind: 'service-account-key'; key: AuthorizedKey; exchange: boolean; username?: string }
  | { kind: 'token'; token: string; username?: string }
  | { kind: 'oauth-token'; oauthToken: string; exchange: boolean; username?: string }
  | { kind: 'api-key'; apiKey: string; username?: string }
  | { kind: 'runner-identity' }

/** `password` selects the method by `username`, as docker/login-action and yc-cr-login users write it. */
export const YANDEX_AUTH_METHODS = ['oidc', 'service-account-key', 'token', 'oauth-token', 'api-key', 'password', RUNNER_IDENTITY] as const
type Method = YandexAuth['kind']
type Input = 'service-account-id' | 'service-account-key' | 'token' | 'oauth-token' | 'api-key' | 'audience'

/**
 * The registry usernames Yandex documents; each names what the password is (Yandex Cloud docs,
 * "Authentication in Container Registry" and "Authentication in Cloud Registry").
 */
export const YANDEX_USERNAMES: UsernameTable<Method> = {
  iam: { method: 'token', password: 'an IAM token t1.…', shape: YANDEX_SHAPES.token },
  oauth: { method: 'oauth-token', password: 'a Yandex ID OAuth token', shape: YANDEX_SHAPES['oauth-token'] },
  json_key: {
    method: 'service-account-key',
    password: "a service account's authorized key JSON (or its path)",
    orPath: true,
    shape: YANDEX_SHAPES['service-account-key']
  },
  api_key: { method: 'api-key', password: "a service account's API key", shape: YANDEX_SHAPES['api-key'] }
}

/** The methods with a credential input of their own, in the order errors name them, and that input. */
const CREDENTIAL_INPUT = {
  'service-account-key': 'service-account-key',
  token: 'token',
  'oauth-token': 'oauth-token',
  'api-key': 'api-key'
} as const satisfies Record<Exclude<Method, 'oidc' | typeof RUNNER_IDENTITY>, Input>
const CREDENTIAL_METHODS = Object.keys(CREDENTIAL_INPUT) as Array<keyof typeof CREDENTIAL_INPUT>

const SERVICE_ACCOUNT_ID = /^[a-z0-9]{8,64}$/

function checkServiceAccountId(values: InputValues<Input>): void {
  const serviceAccountId = values['service-account-id']
  if (serviceAccountId && !SERVICE_ACCOUNT_ID.test(serviceAccountId)) {
    throw new InputError(
      'service-account-id',
      'is not a Yandex Cloud service account id',
      "Give the id (20 lowercase letters and digits, e.g. 'aje…'; yc iam service-account get <name> --format json | jq -r .id), not the name."
    )
  }
}

/** With auth auto: two credentials set (service-account-id aside: it goes with a key too). */
function clash(set: readonly Method[]): InputError | undefined {
  const [first, second] = set.flatMap(method => (method === 'oidc' || method === RUNNER_IDENTITY ? [] : [CREDENTIAL_INPUT[method]]))
  if (!first || !second) return undefined
  return new InputError(first, `and input '${second}' are both set`, "Set only one Yandex Cloud credential, or choose one with 'auth'.")
}

/** Inputs set that the chosen method does not use (an explicit 'auth' with another credential, or keyless-only inputs). */
function refuseUnused(chosen: Method, values: InputValues<Input>): void {
  const other = CREDENTIAL_METHODS.find(method => method !== chosen && values[CREDENTIAL_INPUT[method]])
  if (other) {
    const input = CREDENTIAL_INPUT[other]
    throw new InputError(input, `is set, but 'auth' is ${chosen}, which does not use it`, `Remove '${input}', or set 'auth' to ${other}.`)
  }
  if (values['service-account-id'] && chosen !== 'oidc' && chosen !== 'service-account-key') {
    throw new InputError(
      'service-account-id',
      `is set, but auth method ${chosen} does not use it`,
      "Remove 'service-account-id', or set 'auth' to oidc for keyless login."
    )
  }
  if (values.audience && chosen !== 'oidc') {
    throw new InputError(
      'audience',
      `is set, but auth method ${chosen} does not use a GitHub OIDC token`,
      "Remove 'audience', or use keyless login (auth: oidc)."
    )
  }
}

type Context = ReaderContext<Method, Input>

function readOidc(context: Context): YandexAuth {
  const serviceAccountId = requireInput(
    context,
    'service-account-id',
    'Set it to the id of the service account that has a federated credential for this repository.'
  )
  const audience = context.values.audience
  return audience ? { kind: 'oidc', serviceAccountId, audience } : { kind: 'oidc', serviceAccountId }
}

function readKey(context: Context): YandexAuth {
  const keyInput = credentialOf(
    context,
    'service-account-key',
    "Pass the authorized key JSON of 'yc iam key create' from a secret, or its path."
  )
  const key = parseAuthorizedKey(keyInput, context.login ? 'password' : 'service-account-key')
  const serviceAccountId = context.values['service-account-id']
  if (serviceAccountId && serviceAccountId !== key.serviceAccountId) {
    throw new InputError(
      'service-account-id',
      `is ${serviceAccountId}, but the key belongs to service account ${key.serviceAccountId}`,
      "Remove 'service-account-id' (the key names its service account), or pass that account's key."
    )
  }
  return { kind: 'service-account-key', key, exchange: context.common.exchange, ...givenAs(context.login) }
}

const readers: CloudAuth<Method, Input, YandexAuth>['readers'] = {
  oidc: readOidc,
  'service-account-key': readKey,
  token: context => ({
    kind: 'token',
    token: credentialOf(context, 'token', "Pass an IAM token (yc iam create-token), logged in as 'iam'."),
    ...givenAs(context.login)
  }),
  'oauth-token': context => ({
    kind: 'oauth-token',
    oauthToken: credentialOf(context, 'oauth-token', 'Pass a Yandex ID OAuth token from a secret.'),
    exchange: context.common.exchange,
    ...givenAs(context.login)
  }),
  'api-key': context => ({
    kind: 'api-key',
    apiKey: credentialOf(context, 'api-key', "Pass a service account's API key (yc iam api-key create) from a secret."),
    ...givenAs(context.login)
  }),
  // The runner VM's linked service account: no input at all. refuseUnused (afterChoice) names any credential,
  // 'service-account-id' or 'audience' set beside it; the username form names its own contradiction.
  [RUNNER_IDENTITY]: () => ({ kind: RUNNER_IDENTITY })
}

export const YANDEX_AUTH: CloudAuth<Method, Input, YandexAuth> = {
  cloud: 'Yandex Cloud',
  names: YANDEX_AUTH_METHODS,
  reads: [
    ['service-account-id', 'text'],
    ['service-account-key', 'secretOrPath', YANDEX_SHAPES['service-account-key']],
    ['token', 'secret', YANDEX_SHAPES.token],
    ['oauth-token', 'secret', YANDEX_SHAPES['oauth-token']],
    ['api-key', 'secret', YANDEX_SHAPES['api-key']],
    ['audience', 'text']
  ],
  formats: YANDEX_FORMATS,
  usernameForm: {
    cloud: 'Yandex Cloud',
    usernames: YANDEX_USERNAMES,
    excludes: {
      inputs: CREDENTIAL_METHODS.map(method => CREDENTIAL_INPUT[method]),
      fix: input => `Set only one Yandex Cloud credential: '${input}', or 'username' with 'password'.`
    }
  },
  afterUsername: checkServiceAccountId,
  auto: [...CREDENTIAL_METHODS.map(method => [method, [CREDENTIAL_INPUT[method]]] as const), ['oidc', ['service-account-id']]],
  clash,
  none: () =>
    noCredential(
      'Yandex Cloud',
      "'service-account-key' (an authorized key of 'yc iam key create', or its path), 'token' (an IAM token), 'oauth-token', 'api-key', or 'username' with 'password'; for keyless login 'service-account-id' alone, with 'permissions: id-token: write'"
    ),
  afterChoice: refuseUnused,
  readers
}

/** Yandex's auth inputs read and resolved: the method chosen, and its data. */
export function readYandexAuth(inputs: InputReader, common: CommonInputs): { resolved: ResolvedAuth<Method>; data: YandexAuth } {
  return readAuth(YANDEX_AUTH, inputs, common)
}

export function parseYandexAuth(inputs: InputReader, common: CommonInputs): YandexAuth {
  return readYandexAuth(inputs, common).data
}
