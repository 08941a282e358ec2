// The kit's auth resolver, cloud by cloud: which inputs choose which method, and which conflicts give which error, word for word.
import { generateKeyPairSync } from 'node:crypto'
import { createYandexEmulator } from '../../../../harness/emulators/yandex.js'
import { CredentialStore } from '../../../../harness/store.js'
import { ActionError, InputError } from '../../../../src/log/errors.js'
import { createInputReader } from '../../../../src/inputs/reader.js'
import type { InputReader } from '../../../../src/inputs/reader.js'
import type { CommonInputs, MethodData } from '../../../../src/providers/provider.js'
import { readAuth, type CloudAuth, type ResolvedAuth } from '../../../../src/providers/kit/auth.js'
import { ALIBABA_AUTH } from '../../../../src/providers/alibaba/auth.js'
import { IBM_AUTH } from '../../../../src/providers/ibm/auth.js'
import { NEBIUS_AUTH } from '../../../../src/providers/nebius/auth.js'
import { YANDEX_AUTH } from '../../../../src/providers/yandex/auth.js'
import { captureStdout, type StdoutCapture } from '../../../helpers/stdout.js'
import { thrown, thrownInputError } from '../../../helpers/thrown.js'

const yc = createYandexEmulator({
  store: new CredentialStore(),
  github: { repository: 'acme/app', subject: 'repo:acme/app:ref:refs/heads/main' }
})
const KEY = yc.createAuthorizedKey()
const YC_SA = 'ajeb0k5nkr4ttb4cdtg2'
const NEBIUS_SA = 'serviceaccount-e00unit0123456789'
const NEBIUS_KID = 'publickey-e00unitkey0123'
const PEM = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
const NEBIUS_CREDS = JSON.stringify({
  'subject-credentials': { type: 'JWT', alg: 'RS256', 'private-key': PEM, kid: NEBIUS_KID, iss: NEBIUS_SA, sub: NEBIUS_SA }
})
const ROLE = { 'role-arn': 'acs:ram::1234567890123456:role/ci', 'oidc-provider-arn': 'acs:ram::1234567890123456:oidc-provider/github' }

type Resolve = (inputs: InputReader, common: CommonInputs) => { resolved: ResolvedAuth<string>; data: MethodData }
const CLOUDS: Record<string, Resolve> = {
  yandex: (inputs, common) => readAuth(YANDEX_AUTH, inputs, common),
  nebius: (inputs, common) => readAuth(NEBIUS_AUTH, inputs, common),
  ibm: (inputs, common) => readAuth(IBM_AUTH, inputs, common),
  alibaba: (inputs, common) => readAuth(ALIBABA_AUTH, inputs, common)
}

type Values = Record<string, string>

function resolve(cloud: string, values: Values) {
  const common: CommonInputs = {
    regions: [],
    registries: [],
    auth: (values.auth ?? 'auto').toLowerCase(),
    exchange: values.exchange !== 'false'
  }
  const read = CLOUDS[cloud]
  if (!read) throw new Error(`no cloud ${cloud}`)
  return read(
    createInputReader(name => values[name] ?? ''),
    common
  )
}

let stdout: StdoutCapture
beforeEach(() => {
  stdout = captureStdout()
})
afterEach(() => stdout.restore())

describe('the inputs set choose the method', () => {
  // [cloud, inputs, method chosen, whether the username form chose it]
  const chosen: Array<[string, Values, string, boolean]> = [
    ['yandex', { 'service-account-id': YC_SA }, 'oidc', false],
    ['yandex', { 'service-account-key': KEY.json }, 'service-account-key', false],
    ['yandex', { 'service-account-key': KEY.json, 'service-account-id': KEY.serviceAccountId }, 'service-account-key', false],
    ['yandex', { token: 't1.unit' }, 'token', false],
    ['yandex', { 'oauth-token': 'y0_unit' }, 'oauth-token', false],
    ['yandex', { 'api-key': 'AQVN-unit' }, 'api-key', false],
    ['yandex', { auth: 'oauth-token', 'oauth-token': 'y0_unit' }, 'oauth-token', false],
    ['yandex', { username: 'iam', password: 't1.unit' }, 'token', true],
    ['yandex', { username: 'OAUTH', password: 'y0_unit' }, 'oauth-token', true],
    ['yandex', { username: 'json_key', password: KEY.json }, 'service-account-key', true],
    ['yandex', { username: 'api_key', password: 'AQVN-unit', auth: 'password' }, 'api-key', true],
    ['yandex', { username: 'api_key', password: 'AQVN-unit', auth: 'api-key' }, 'api-key', true],
    ['nebius', { 'service-account-id': NEBIUS_SA }, 'oidc', false],
    ['nebius', { 'service-account-key': NEBIUS_CREDS }, 'service-account-key', false],
    ['nebius', { 'service-account-id': NEBIUS_SA, 'public-key-id': NEBIUS_KID, 'private-key': PEM }, 'service-account-key', false],
    ['nebius', { token: 'v1.unit' }, 'token', false],
    ['nebius', { auth: 'token', token: 'v1.unit', 'service-account-id': NEBIUS_SA }, 'token', false],
    ['nebius', { username: 'iam', password: 'v1.unit' }, 'token', true],
    ['nebius', { username: 'IAM', password: 'v1.unit', auth: 'password' }, 'token', true],
    ['ibm', { 'api-key': 'ibm-unit-key' }, 'api-key', false],
    ['ibm', { token: 'ibm-unit-token' }, 'token', false],
    ['ibm', { username: 'iamapikey', password: 'ibm-unit-key' }, 'api-key', true],
    ['ibm', { username: 'iambearer', password: 'ibm-unit-token', auth: 'token' }, 'token', true],
    ['alibaba', ROLE, 'oidc', false],
    ['alibaba', { 'access-key-id': 'LTAI5tUnit', 'access-key-secret': 'unit-secret' }, 'access-key', false],
    ['alibaba', { 'access-key-id': 'STS.unit', 'access-key-secret': 'unit-secret', 'security-token': 'unit-token' }, 'access-key', false],
    ['alibaba', { username: 'ci@1234567890', password: 'unit-password' }, 'password', false],
    [
      'alibaba',
      { auth: 'password', username: 'ci@1234567890', password: 'unit-password', 'access-key-id': 'LTAI5tUnit' },
      'password',
      false
    ],
    // runner-identity only when named: no credential input of its own
    ['yandex', { auth: 'runner-identity' }, 'runner-identity', false],
    ['nebius', { auth: 'runner-identity' }, 'runner-identity', false],
    ['ibm', { auth: 'runner-identity', 'trusted-profile': 'Profile-0a1b2c3d-1111' }, 'runner-identity', false],
    ['alibaba', { auth: 'runner-identity' }, 'runner-identity', false]
  ]
  test.each(chosen)('%s %j -> %s', (cloud, values, method, byUsername) => {
    const { resolved, data } = resolve(cloud, values)
    expect(resolved.method).toBe(method)
    expect(data.kind).toBe(method)
    expect(resolved.login !== undefined).toBe(byUsername)
    if (byUsername) expect(resolved.login?.username).toBe(values.username?.toLowerCase())
  })
})

// Issue #19: a step whose secret is empty (missing or misnamed) was told about 'service-account-id' (Yandex,
// Nebius) or 'role-arn' (Alibaba), inputs it never set. No method is chosen, so no one input is named.
describe("auto with no credential at all: each method's inputs, and that the secret may be missing or misnamed", () => {
  const tail =
    'If the workflow passes one from a secret, that secret may be missing or misnamed (a secret that does not exist is empty). Set the inputs your login method needs: '
  const fork = " A pull request from a fork gets no secrets: 'skip-without-credentials: true' skips the login there."
  test.each([
    [
      'yandex',
      `No Yandex Cloud credential reached the step: every credential input is empty. ${tail}'service-account-key' (an authorized key of 'yc iam key create', or its path), 'token' (an IAM token), 'oauth-token', 'api-key', or 'username' with 'password'; for keyless login 'service-account-id' alone, with 'permissions: id-token: write'.${fork}`
    ],
    [
      'nebius',
      `No Nebius credential reached the step: every credential input is empty. ${tail}'service-account-key' (a service-account credentials file), or 'token' (or 'username: iam' with 'password') for a static key or access token; for keyless federated credentials 'service-account-id' alone, with 'permissions: id-token: write'.${fork}`
    ],
    [
      'ibm',
      `No IBM Cloud credential reached the step: every credential input is empty. ${tail}'api-key' (an IBM Cloud API key, a service ID's for CI), 'token' (an IAM access token), or 'username: iamapikey' with the API key in 'password'.${fork}`
    ],
    [
      'alibaba',
      `No Alibaba Cloud credential reached the step: every credential input is empty. ${tail}'access-key-id' and 'access-key-secret' (plus 'security-token' for STS credentials), or 'username' and 'password' (the instance's access credential); for keyless login 'role-arn' and 'oidc-provider-arn', with 'permissions: id-token: write'.${fork}`
    ]
  ])('%s', (cloud, message) => {
    const error = thrown(() => resolve(cloud, {}))
    expect(error).toBeInstanceOf(ActionError)
    expect(error).not.toBeInstanceOf(InputError)
    expect(error.message).toBe(message)
  })
})

describe('conflicts and missing inputs: one error naming one input, word for word', () => {
  // [cloud, inputs, the input named, the whole message]
  const refused: Array<[string, Values, string, string]> = [
    // an 'auth' the cloud does not have
    [
      'yandex',
      { auth: 'access-key', token: 't1.unit' },
      'auth',
      "Input 'auth' is 'access-key', which Yandex Cloud does not support. Use one of: auto, oidc, service-account-key, token, oauth-token, api-key, password, runner-identity."
    ],
    [
      'nebius',
      { auth: 'carrier-pigeon' },
      'auth',
      "Input 'auth' is 'carrier-pigeon', which Nebius AI Cloud does not support. Use one of: auto, oidc, service-account-key, token, password, runner-identity."
    ],
    [
      'ibm',
      { auth: 'oidc', token: 'ibm-unit-token' },
      'auth',
      "Input 'auth' is 'oidc', but IBM Cloud has no federation for GitHub's OIDC tokens (IAM trusts no outside OIDC issuer). Use a service ID's API key in 'api-key', from a secret; on a self-hosted runner in IBM Cloud (a VPC instance, IKS or OpenShift, Code Engine), 'auth: runner-identity' logs in with the runner's trusted profile, without a key."
    ],
    [
      'ibm',
      { auth: 'federation', token: 'ibm-unit-token' },
      'auth',
      "Input 'auth' is 'federation', which IBM Cloud does not support. Use one of: auto, api-key, token, password, runner-identity."
    ],
    [
      'alibaba',
      { auth: 'token', ...ROLE },
      'auth',
      "Input 'auth' is 'token', which Alibaba Cloud does not support. Use one of: auto, oidc, access-key, password, runner-identity."
    ],
    // auto with the inputs of two methods
    [
      'yandex',
      { token: 't1.unit', 'api-key': 'AQVN-unit' },
      'token',
      "Input 'token' and input 'api-key' are both set. Set only one Yandex Cloud credential, or choose one with 'auth'."
    ],
    [
      'nebius',
      { token: 'v1.unit', 'public-key-id': NEBIUS_KID },
      'token',
      "Input 'token' and input 'public-key-id' are both set. Set only one credential, or choose with 'auth'."
    ],
    [
      'nebius',
      { token: 'v1.unit', 'service-account-id': NEBIUS_SA },
      'token',
      "Input 'token' and input 'service-account-id' are both set. A token logs in by itself; 'service-account-id' means federated credentials. Set only one, or choose with 'auth'."
    ],
    [
      'alibaba',
      { ...ROLE, 'access-key-id': 'LTAI5tUnit', password: 'unit-password' },
      'auth',
      "Input 'auth' is auto, but the inputs of several methods are set (oidc, access-key, password). Set 'auth' to one of oidc, access-key, password, or remove the inputs of the others."
    ],
    // inputs that exclude each other whatever 'auth' says
    [
      'ibm',
      { auth: 'token', 'api-key': 'ibm-unit-key', token: 'ibm-unit-token' },
      'api-key',
      "Input 'api-key' and input 'token' are both set. Set only one of them: 'api-key', 'token', or 'username' with 'password'."
    ],
    [
      'nebius',
      { 'service-account-key': NEBIUS_CREDS, 'private-key': PEM },
      'service-account-key',
      "Input 'service-account-key' and input 'private-key' are both set. Pass either the whole credentials file in 'service-account-key', or its fields in 'service-account-id', 'public-key-id' and 'private-key'."
    ],
    // the username form next to another credential
    [
      'yandex',
      { username: 'iam', password: 't1.unit', 'oauth-token': 'y0_unit' },
      'oauth-token',
      "Input 'oauth-token' and input 'username' are both set. Set only one Yandex Cloud credential: 'oauth-token', or 'username' with 'password'."
    ],
    [
      'nebius',
      { username: 'iam', password: 'v1.unit', 'service-account-id': NEBIUS_SA },
      'service-account-id',
      "Input 'service-account-id' and input 'username' are both set. Set only one Nebius credential: 'service-account-id', or 'username: iam' with 'password'."
    ],
    [
      'ibm',
      { username: 'iambearer', password: 'ibm-unit-token', 'api-key': 'ibm-unit-key' },
      'api-key',
      "Input 'api-key' and input 'username' are both set. Set only one of them: 'api-key', 'token', or 'username' with 'password'."
    ],
    // the username form against an explicit 'auth'
    [
      'yandex',
      { username: 'iam', password: 't1.unit', auth: 'api-key' },
      'username',
      "Input 'username' is iam, which logs in with auth method token, but 'auth' is api-key. Set 'auth' to token or password (or leave it at auto), or remove 'username' and 'password'."
    ],
    [
      'nebius',
      { username: 'iam', password: 'v1.unit', auth: 'oidc' },
      'username',
      "Input 'username' is iam, which logs in with auth method token, but 'auth' is oidc. Set 'auth' to token or password (or leave it at auto), or remove 'username' and 'password'."
    ],
    // auth: password without the username form
    [
      'ibm',
      { auth: 'password', 'api-key': 'ibm-unit-key' },
      'username',
      "Input 'username' is empty but 'auth' is password. Set 'username' and 'password': iamapikey (password: an IBM Cloud API key), iambearer (password: an IAM access token)."
    ],
    [
      'nebius',
      { auth: 'password' },
      'username',
      "Input 'username' is empty but 'auth' is password. Set 'username' and 'password': iam (password: a static key (nebius iam static-key issue --service CONTAINER_REGISTRY) or an access token)."
    ],
    // an explicit method whose own input is empty
    [
      'ibm',
      { auth: 'token', 'api-key': 'ibm-unit-key' },
      'token',
      "Input 'token' is empty but 'auth' is token. Pass an IAM access token. The secret it is passed from may be missing or misnamed (a secret that does not exist is empty)."
    ],
    [
      'alibaba',
      { 'access-key-secret': 'unit-secret' },
      'access-key-id',
      "Input 'access-key-id' is empty but 'auth' is access-key. Set it to the AccessKey ID (LTAI… or STS.…) that goes with 'access-key-secret'."
    ],
    // Yandex: inputs the chosen method does not use
    [
      'yandex',
      { auth: 'api-key', 'api-key': 'AQVN-unit', token: 't1.unit' },
      'token',
      "Input 'token' is set, but 'auth' is api-key, which does not use it. Remove 'token', or set 'auth' to token."
    ],
    [
      'yandex',
      { token: 't1.unit', 'service-account-id': YC_SA },
      'service-account-id',
      "Input 'service-account-id' is set, but auth method token does not use it. Remove 'service-account-id', or set 'auth' to oidc for keyless login."
    ],
    [
      'yandex',
      { username: 'api_key', password: 'AQVN-unit', audience: 'https://github.com/acme' },
      'audience',
      "Input 'audience' is set, but auth method api-key does not use a GitHub OIDC token. Remove 'audience', or use keyless login (auth: oidc)."
    ],
    // runner-identity: no credential input beside it, and the username form is a contradiction
    [
      'yandex',
      { auth: 'runner-identity', 'api-key': 'AQVN-unit' },
      'api-key',
      "Input 'api-key' is set, but 'auth' is runner-identity, which does not use it. Remove 'api-key', or set 'auth' to api-key."
    ],
    [
      'yandex',
      { auth: 'runner-identity', username: 'iam', password: 't1.unit' },
      'username',
      "Input 'username' is iam, which logs in with auth method token, but 'auth' is runner-identity. Set 'auth' to token or password (or leave it at auto), or remove 'username' and 'password'."
    ],
    [
      'nebius',
      { auth: 'runner-identity', 'private-key': PEM },
      'private-key',
      "Input 'private-key' is set, but 'auth' is runner-identity, which does not use it. Remove 'private-key': the runner's own Nebius AI Cloud identity logs in; or choose another method with 'auth'."
    ],
    [
      'ibm',
      { auth: 'runner-identity', token: 'ibm-unit-token' },
      'token',
      "Input 'token' is set, but 'auth' is runner-identity, which does not use it. Remove 'token': the runner's own IBM Cloud identity logs in; or choose another method with 'auth'."
    ],
    [
      'alibaba',
      { auth: 'runner-identity', audience: 'sts.aliyuncs.com' },
      'audience',
      "Input 'audience' is set, but 'auth' is runner-identity, which does not use it. Remove 'audience': the runner's own Alibaba Cloud identity logs in; or choose another method with 'auth'."
    ],
    [
      'alibaba',
      { auth: 'runner-identity', exchange: 'false' },
      'exchange',
      "Input 'exchange' is false, but the runner's role is always exchanged for a registry token. Leave 'exchange' at true."
    ]
  ]
  test.each(refused)('%s %j -> %s', (cloud, values, input, message) => {
    const error = thrownInputError(() => resolve(cloud, values))
    expect(error.input).toBe(input)
    expect(error.message).toBe(message)
  })
})

describe('the stages run in order, each once', () => {
  type Toy = { kind: 'a' | 'b'; value: string; username?: string }
  function toy(calls: string[]): CloudAuth<'a' | 'b', 'x' | 'y', Toy> {
    return {
      cloud: 'Toy Cloud',
      names: ['a', 'b', 'password'],
      reads: [
        ['x', inputs => (calls.push('read x'), inputs.text('x'))],
        ['y', inputs => (calls.push('read y'), inputs.secret('y'))]
      ],
      formats: [],
      beforeAuth: () => void calls.push('beforeAuth'),
      usernameForm: { cloud: 'Toy Registry', usernames: { ua: { method: 'a', password: 'an a' } } },
      afterUsername: (_values, login) => void calls.push(`afterUsername ${login?.username ?? '-'}`),
      auto: [
        ['a', ['x']],
        ['b', ['y']]
      ],
      none: () => new InputError('x', 'is empty'),
      afterChoice: method => void calls.push(`afterChoice ${method}`),
      readers: {
        a: context => (calls.push('reader a'), { kind: 'a', value: context.login?.password ?? context.values.x }),
        b: context => (calls.push('reader b'), { kind: 'b', value: context.values.y })
      }
    }
  }
  const run = (values: Values, auth = 'auto') => {
    const calls: string[] = []
    const common: CommonInputs = { regions: [], registries: [], auth, exchange: true }
    const result = readAuth(
      toy(calls),
      createInputReader(name => values[name] ?? ''),
      common
    )
    return { calls, result }
  }

  test('reads, checks, username, choice, reader', () => {
    const { calls, result } = run({ y: 'secret-y-value' })
    expect(calls).toEqual(['read x', 'read y', 'beforeAuth', 'afterUsername -', 'afterChoice b', 'reader b'])
    expect(result).toEqual({ resolved: { method: 'b' }, data: { kind: 'b', value: 'secret-y-value' } })
  })

  test('every input is read, and beforeAuth runs, before an unknown auth is refused', () => {
    const calls: string[] = []
    const error = thrownInputError(() =>
      readAuth(
        toy(calls),
        createInputReader(() => ''),
        { regions: [], registries: [], auth: 'c', exchange: true }
      )
    )
    expect(error.message).toBe("Input 'auth' is 'c', which Toy Cloud does not support. Use one of: auto, a, b, password.")
    expect(calls).toEqual(['read x', 'read y', 'beforeAuth'])
  })

  test('the username form: the username chooses, its password is the credential', () => {
    const { calls, result } = run({ username: 'UA', password: 'pw-value-1234' })
    expect(calls).toEqual(['read x', 'read y', 'beforeAuth', 'afterUsername ua', 'afterChoice a', 'reader a'])
    expect(result.resolved).toEqual({ method: 'a', login: { username: 'ua', password: 'pw-value-1234', method: 'a' } })
    expect(result.data).toEqual({ kind: 'a', value: 'pw-value-1234' })
  })

  test('auto takes the first method whose inputs are set; an explicit auth is taken as named', () => {
    expect(run({ x: 'x-value', y: 'y-value' }).result.resolved.method).toBe('a')
    expect(run({ x: 'x-value', y: 'y-value' }, 'b').result.resolved.method).toBe('b')
  })

  test('auto with nothing set: the cloud error', () => {
    expect(thrownInputError(() => run({})).message).toBe("Input 'x' is empty.")
  })
})
