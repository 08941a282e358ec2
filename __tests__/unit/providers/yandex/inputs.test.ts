import { createYandexEmulator } from '../../../../harness/emulators/yandex.js'
import { CredentialStore } from '../../../../harness/store.js'
import { InputError } from '../../../../src/log/errors.js'
import { createInputReader } from '../../../../src/inputs/reader.js'
import { parseInputs } from '../../../../src/step/parse-step.js'
import { yandex } from '../../../../src/providers/yandex/index.js'
import { parseYandexAuth, YANDEX_AUTH_METHODS } from '../../../../src/providers/yandex/auth.js'
import { captureStdout, type StdoutCapture } from '../../../helpers/stdout.js'
import { thrown, thrownInputError } from '../../../helpers/thrown.js'

const emulator = createYandexEmulator({
  store: new CredentialStore(),
  github: { repository: 'acme/app', subject: 'repo:acme/app:ref:refs/heads/main' }
})
const key = emulator.createAuthorizedKey()
const SA = 'ajeb0k5nkr4ttb4cdtg2'
const IAM =
  't1.9euelZqVkJ2Pjc2JkpGJlp2Kk5OSlu3rnpWajZXKlZ3Ny8zOz5KTz4yVlZPl8_dGfl1A-e9hPH1x_N3z9wYtW0D571scf.AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ01'
const OAUTH = 'y0_AgAAAABkZXYtdG9rZW4tZm9yLXRlc3Rz'
const API_KEY = 'AQVNx-unit-api-key-secret-part'

let stdout: StdoutCapture
beforeEach(() => {
  stdout = captureStdout()
})
afterEach(() => stdout.restore())

function parse(values: Record<string, string>) {
  const reader = createInputReader(name => values[name] ?? '')
  return parseYandexAuth(reader, {
    regions: [],
    registries: [],
    auth: (values.auth ?? 'auto').toLowerCase(),
    exchange: values.exchange !== 'false'
  })
}

function inputError(values: Record<string, string>): InputError {
  const error = thrownInputError(() => parseInputs(createInputReader(name => ({ provider: 'yandex', ...values })[name] ?? '')))
  for (const secret of [IAM, OAUTH, API_KEY, key.json]) expect(error.message).not.toContain(secret)
  return error
}

describe('auth: auto picks the method from the credential inputs', () => {
  test('service-account-id alone: keyless (oidc)', () => {
    expect(parse({ 'service-account-id': SA })).toEqual({ kind: 'oidc', serviceAccountId: SA })
    expect(parse({ 'service-account-id': SA, audience: 'https://github.com/other' })).toEqual({
      kind: 'oidc',
      serviceAccountId: SA,
      audience: 'https://github.com/other'
    })
  })
  test('service-account-key: exchanged by default, json_key with exchange false', () => {
    const auth = parse({ 'service-account-key': key.json })
    expect(auth).toMatchObject({ kind: 'service-account-key', exchange: true, key: { id: key.id, serviceAccountId: key.serviceAccountId } })
    expect(parse({ 'service-account-key': key.json, exchange: 'false' })).toMatchObject({ kind: 'service-account-key', exchange: false })
  })
  test('service-account-key with the matching service-account-id is fine', () => {
    expect(parse({ 'service-account-key': key.json, 'service-account-id': key.serviceAccountId })).toMatchObject({
      kind: 'service-account-key'
    })
  })
  test('token, oauth-token, api-key', () => {
    expect(parse({ token: IAM })).toEqual({ kind: 'token', token: IAM })
    expect(parse({ 'oauth-token': OAUTH })).toEqual({ kind: 'oauth-token', oauthToken: OAUTH, exchange: true })
    expect(parse({ 'oauth-token': OAUTH, exchange: 'false' })).toEqual({ kind: 'oauth-token', oauthToken: OAUTH, exchange: false })
    expect(parse({ 'api-key': API_KEY })).toEqual({ kind: 'api-key', apiKey: API_KEY })
  })
  test('explicit methods pick the same', () => {
    expect(parse({ auth: 'oidc', 'service-account-id': SA }).kind).toBe('oidc')
    expect(parse({ auth: 'token', token: IAM }).kind).toBe('token')
    expect(parse({ auth: 'OAUTH-TOKEN', 'oauth-token': OAUTH }).kind).toBe('oauth-token')
    expect(parse({ auth: 'api-key', 'api-key': API_KEY }).kind).toBe('api-key')
    expect(parse({ auth: 'service-account-key', 'service-account-key': key.json }).kind).toBe('service-account-key')
  })
  test('secrets are masked as they are read', () => {
    parse({ 'api-key': `${API_KEY}-masked` })
    expect(stdout.lines()).toContain(`::add-mask::${API_KEY}-masked`)
  })
})

describe('input errors name the input and the fix, and never echo a secret', () => {
  // Issue #19: a step whose secret was empty (say 'service-account-key') was told about 'service-account-id'.
  test('nothing set: no input is named as if it were set, the secret may be missing or misnamed', () => {
    const error = thrown(() => parse({}))
    expect(error).not.toBeInstanceOf(InputError)
    expect(error.message).toBe(
      "No Yandex Cloud credential reached the step: every credential input is empty. If the workflow passes one from a secret, that secret may be missing or misnamed (a secret that does not exist is empty). Set the inputs your login method needs: 'service-account-key' (an authorized key of 'yc iam key create', or its path), 'token' (an IAM token), 'oauth-token', 'api-key', or 'username' with 'password'; for keyless login 'service-account-id' alone, with 'permissions: id-token: write'. A pull request from a fork gets no secrets: 'skip-without-credentials: true' skips the login there."
    )
  })
  test('two credentials with auth: auto', () => {
    expect(inputError({ token: IAM, 'api-key': API_KEY }).message).toBe(
      "Input 'token' and input 'api-key' are both set. Set only one Yandex Cloud credential, or choose one with 'auth'."
    )
    expect(inputError({ 'service-account-key': key.json, 'oauth-token': OAUTH }).message).toMatch(
      /^Input 'service-account-key' and input 'oauth-token' are both set\./
    )
  })
  test('an unsupported auth method', () => {
    expect(inputError({ auth: 'access-key', token: IAM }).message).toBe(
      "Input 'auth' is 'access-key', which Yandex Cloud does not support. Use one of: auto, oidc, service-account-key, token, oauth-token, api-key, password, runner-identity."
    )
  })
  test('an explicit method with another credential set too', () => {
    expect(inputError({ auth: 'api-key', 'api-key': API_KEY, token: IAM }).message).toBe(
      "Input 'token' is set, but 'auth' is api-key, which does not use it. Remove 'token', or set 'auth' to token."
    )
  })
  test.each([
    ['oidc', 'service-account-id', "is empty but 'auth' is oidc"],
    ['service-account-key', 'service-account-key', "is empty but 'auth' is service-account-key"],
    ['token', 'token', "is empty but 'auth' is token"],
    ['oauth-token', 'oauth-token', "is empty but 'auth' is oauth-token"],
    ['api-key', 'api-key', "is empty but 'auth' is api-key"]
  ])('auth %s without its input', (auth, input, problem) => {
    const error = inputError({ auth })
    expect(error.input).toBe(input)
    expect(error.message.startsWith(`Input '${input}' ${problem}.`)).toBe(true)
  })
  test('a service account name instead of an id', () => {
    expect(inputError({ 'service-account-id': 'My CI Robot' }).message).toMatch(
      /^Input 'service-account-id' is not a Yandex Cloud service account id\. Give the id/
    )
  })
  test('service-account-id with a token-based method', () => {
    expect(inputError({ 'service-account-id': SA, token: IAM }).message).toBe(
      "Input 'service-account-id' is set, but auth method token does not use it. Remove 'service-account-id', or set 'auth' to oidc for keyless login."
    )
  })
  test('service-account-id that does not match the key', () => {
    expect(inputError({ 'service-account-id': SA, 'service-account-key': key.json }).message).toBe(
      `Input 'service-account-id' is ${SA}, but the key belongs to service account ${key.serviceAccountId}. Remove 'service-account-id' (the key names its service account), or pass that account's key.`
    )
  })
  test('audience without keyless login', () => {
    expect(inputError({ audience: 'https://github.com/acme', 'api-key': API_KEY }).message).toBe(
      "Input 'audience' is set, but auth method api-key does not use a GitHub OIDC token. Remove 'audience', or use keyless login (auth: oidc)."
    )
  })
  test('a broken key is reported at plan time', () => {
    const broken = JSON.stringify({ ...JSON.parse(key.json), service_account_id: undefined })
    expect(inputError({ 'service-account-key': broken }).message).toMatch(
      /^Input 'service-account-key' has no 'service_account_id' field\./
    )
  })
})

describe('registries', () => {
  const plan = (values: Record<string, string>) =>
    parseInputs(createInputReader(name => ({ provider: 'yandex', 'api-key': API_KEY, ...values })[name] ?? '')).plan
  test('default: Cloud Registry only', () => {
    expect(plan({}).registries).toEqual(['registry.yandexcloud.net'])
  })
  test('explicit hosts, normalized, both sharing one credential', () => {
    expect(plan({ registry: 'https://registry.yandexcloud.net/, CR.YANDEX' }).registries).toEqual(['registry.yandexcloud.net', 'cr.yandex'])
  })
  test('the provider describes itself', () => {
    expect(yandex.id).toBe('yandex')
    expect([...yandex.authMethods]).toEqual([...YANDEX_AUTH_METHODS])
  })
})
