// docker/login-action's username + password for every cloud: the registry usernames each cloud documents select its auth methods.
import { createYandexEmulator } from '../../../../harness/emulators/yandex.js'
import { CredentialStore } from '../../../../harness/store.js'
import { createInputReader } from '../../../../src/inputs/reader.js'
import { parseInputs } from '../../../../src/step/parse-step.js'
import { parseAlibabaAuth } from '../../../../src/providers/alibaba/auth.js'
import { parseIbmAuth } from '../../../../src/providers/ibm/auth.js'
import { parseNebiusAuth } from '../../../../src/providers/nebius/auth.js'
import type { CommonInputs, LoginSpec } from '../../../../src/providers/provider.js'
import { parseYandexAuth } from '../../../../src/providers/yandex/auth.js'
import { fastHttp, testProviderContext } from '../../../helpers/contexts.js'
import { startIamServer, type IamServer } from '../../../helpers/iam-server.js'
import { captureStdout, type StdoutCapture } from '../../../helpers/stdout.js'
import { failure, thrownInputError } from '../../../helpers/thrown.js'
import { mint } from '../../../../src/providers/index.js'

const yc = createYandexEmulator({
  store: new CredentialStore(),
  github: { repository: 'acme/app', subject: 'repo:acme/app:ref:refs/heads/main' }
})
const key = yc.createAuthorizedKey()

const IBM_KEY = 'ibm-static-login-key-7Qw2Er9TyUi0'
const IBM_TOKEN = 'eyJibm-static-login-token-Zx8Cv'
const YC_IAM = 't1.static-login-iam-token.AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ01'
const YC_OAUTH = 'y0_static-login-oauth-token-0123456789'
const YC_API_KEY = 'AQVNstatic-login-api-key-secret'
const NEBIUS_KEY = 'v1.static-login-nebius-static-key-0123456789'
const SECRETS = [IBM_KEY, IBM_TOKEN, YC_IAM, YC_OAUTH, YC_API_KEY, NEBIUS_KEY, key.json]

let stdout: StdoutCapture
beforeEach(() => {
  stdout = captureStdout()
})
afterEach(() => stdout.restore())

const reader = (values: Record<string, string>) => createInputReader(name => values[name] ?? '')
const common = (values: Record<string, string>): CommonInputs => ({
  regions: [],
  registries: [],
  auth: (values.auth ?? 'auto').toLowerCase(),
  exchange: values.exchange !== 'false'
})
const parsers = {
  ibm: (values: Record<string, string>) => parseIbmAuth(reader(values), common(values)),
  yandex: (values: Record<string, string>) => parseYandexAuth(reader(values), common(values)),
  nebius: (values: Record<string, string>) => parseNebiusAuth(reader(values), common(values)),
  alibaba: (values: Record<string, string>) => parseAlibabaAuth(reader(values), common(values))
}

function plan(provider: string, values: Record<string, string>): LoginSpec {
  return parseInputs(reader({ provider, ...values })).plan
}

function inputError(provider: string, values: Record<string, string>) {
  const error = thrownInputError(() => plan(provider, values))
  for (const secret of SECRETS) expect(error.message).not.toContain(secret)
  return error
}

describe('each documented registry username selects the cloud method its password belongs to', () => {
  const documented: Array<[keyof typeof parsers, string, string, Record<string, string>, object]> = [
    // IBM Cloud docs, "Accessing Container Registry": iamapikey + API key (exchanged by default), iambearer + IAM token
    ['ibm', 'iamapikey', IBM_KEY, {}, { kind: 'api-key', apiKey: IBM_KEY, exchange: true, username: 'iamapikey' }],
    ['ibm', 'iamapikey', IBM_KEY, { exchange: 'false' }, { kind: 'api-key', apiKey: IBM_KEY, exchange: false, username: 'iamapikey' }],
    ['ibm', 'IAMAPIKEY', IBM_KEY, { auth: 'password' }, { kind: 'api-key', apiKey: IBM_KEY, exchange: true, username: 'iamapikey' }],
    ['ibm', 'iamapikey', IBM_KEY, { auth: 'api-key' }, { kind: 'api-key', apiKey: IBM_KEY, exchange: true, username: 'iamapikey' }],
    ['ibm', 'iambearer', IBM_TOKEN, {}, { kind: 'token', token: IBM_TOKEN, username: 'iambearer' }],
    ['ibm', 'iambearer', IBM_TOKEN, { auth: 'token' }, { kind: 'token', token: IBM_TOKEN, username: 'iambearer' }],
    // Yandex Container Registry / Cloud Registry auth pages: oauth, iam, json_key, api_key
    ['yandex', 'iam', YC_IAM, {}, { kind: 'token', token: YC_IAM, username: 'iam' }],
    ['yandex', 'oauth', YC_OAUTH, {}, { kind: 'oauth-token', oauthToken: YC_OAUTH, exchange: true, username: 'oauth' }],
    ['yandex', 'oauth', YC_OAUTH, { exchange: 'false' }, { kind: 'oauth-token', oauthToken: YC_OAUTH, exchange: false, username: 'oauth' }],
    ['yandex', 'api_key', YC_API_KEY, { auth: 'password' }, { kind: 'api-key', apiKey: YC_API_KEY, username: 'api_key' }],
    [
      'yandex',
      'json_key',
      key.json,
      {},
      {
        kind: 'service-account-key',
        exchange: true,
        username: 'json_key',
        key: { id: key.id, serviceAccountId: key.serviceAccountId, json: key.json }
      }
    ],
    [
      'yandex',
      'json_key',
      key.json,
      { exchange: 'false', auth: 'service-account-key' },
      { kind: 'service-account-key', exchange: false, username: 'json_key' }
    ],
    // Nebius Container Registry authentication page: iam + static key (up to 3 years) or access token
    ['nebius', 'iam', NEBIUS_KEY, {}, { kind: 'token', token: NEBIUS_KEY, username: 'iam' }],
    ['nebius', 'iam', NEBIUS_KEY, { auth: 'password' }, { kind: 'token', token: NEBIUS_KEY, username: 'iam' }],
    // Alibaba configure-access-credentials: the account or RAM user login name + the instance's access credential
    [
      'alibaba',
      'ci@1234567890123456',
      'Instance-Passw0rd',
      {},
      { kind: 'password', username: 'ci@1234567890123456', password: 'Instance-Passw0rd' }
    ]
  ]
  test.each(documented)('%s: username %s', (cloud, username, password, extra, expected) => {
    expect(parsers[cloud]({ username, password, ...extra })).toMatchObject(expected)
  })
})

describe('what the clients get', () => {
  let iam: IamServer
  beforeEach(async () => {
    iam = await startIamServer({ apiKeys: [IBM_KEY] })
  })
  afterEach(() => iam.close())

  test('IBM iamapikey is exchanged for an IAM token (iambearer) by default, and the log says so', async () => {
    const login = plan('ibm', { region: 'us-south', username: 'iamapikey', password: IBM_KEY })
    expect(login.method).toMatch(/username iamapikey \+ password\) exchanged for a short-lived IAM access token, logged in as iambearer/)
    const [credential] = await mint(login, testProviderContext({ REGISTRY_LOGIN_ENDPOINT_IBM_IAM: iam.url }))
    expect(credential).toMatchObject({ registry: 'us.icr.io', username: 'iambearer', password: iam.issued[0] })
    expect(iam.requests).toHaveLength(1)
    expect(iam.requests[0]?.body).toContain(`apikey=${IBM_KEY}`)
  })

  const passedThrough: Array<[string, Record<string, string>, string, string, RegExp]> = [
    [
      'ibm',
      { region: 'de', username: 'iamapikey', password: IBM_KEY, exchange: 'false' },
      'iamapikey',
      IBM_KEY,
      /iamapikey, given as username iamapikey/
    ],
    ['ibm', { region: 'de', username: 'iambearer', password: IBM_TOKEN }, 'iambearer', IBM_TOKEN, /iambearer, given as username iambearer/],
    ['yandex', { username: 'iam', password: YC_IAM }, 'iam', YC_IAM, /IAM token \(iam, given as username iam \+ password\)/],
    ['yandex', { username: 'api_key', password: YC_API_KEY }, 'api_key', YC_API_KEY, /api_key, given as username api_key/],
    [
      'yandex',
      { username: 'oauth', password: YC_OAUTH, exchange: 'false', registry: 'cr.yandex' },
      'oauth',
      YC_OAUTH,
      /oauth, given as username oauth/
    ],
    [
      'nebius',
      { region: 'eu-north1', username: 'iam', password: NEBIUS_KEY },
      'iam',
      NEBIUS_KEY,
      /static key or access token \(iam, given as username iam/
    ]
  ]
  test.each(passedThrough)('%s %j: no cloud call, the password as is', async (provider, values, username, password, method) => {
    const login = plan(provider, values)
    expect(login.method).toMatch(method)
    const credentials = await mint(login, testProviderContext({ REGISTRY_LOGIN_ENDPOINT_IBM_IAM: iam.url }))
    expect(credentials.map(c => [c.username, c.password])).toEqual(login.registries.map(() => [username, password]))
    expect(iam.requests).toHaveLength(0)
  })

  test('Yandex oauth with exchange false on Cloud Registry warns that its docs list only IAM tokens and API keys', async () => {
    const ctx = testProviderContext({})
    await mint(plan('yandex', { username: 'oauth', password: YC_OAUTH, exchange: 'false' }), ctx)
    expect(ctx.warnings.join('\n')).toMatch(/Cloud Registry's documentation lists only IAM tokens and API keys.*registry\.yandexcloud\.net/)
    const old = testProviderContext({})
    await mint(plan('yandex', { 'oauth-token': YC_OAUTH, exchange: 'false', registry: 'cr.yandex' }), old)
    expect(old.warnings.join('\n')).not.toMatch(/Cloud Registry's documentation/)
  })

  test("Yandex username iam with something that is no IAM token: the warning speaks of 'password' and the other usernames", async () => {
    const ctx = testProviderContext({})
    await mint(plan('yandex', { username: 'iam', password: YC_OAUTH }), ctx)
    expect(ctx.warnings).toEqual([
      expect.stringMatching(
        /^Input 'password' \(username iam\) does not look like an IAM token.*use username oauth; for an API key use username api_key\.$/
      )
    ])
  })

  test('Yandex oauth is exchanged by default: the IAM call gets the OAuth token', async () => {
    const ctx = testProviderContext({ REGISTRY_LOGIN_ENDPOINT_YANDEX_IAM: `${iam.url}/yandex` }, fastHttp({ attempts: 1 }).http)
    const login = plan('yandex', { username: 'oauth', password: YC_OAUTH })
    expect(login.method).toBe('Yandex ID OAuth token exchanged for an IAM token (iam, given as username oauth + password)')
    await failure(mint(login, ctx))
    expect(iam.requests.map(r => JSON.parse(r.body) as unknown)).toEqual([{ yandexPassportOauthToken: YC_OAUTH }])
  })
})

describe('input errors name the input and the usernames the cloud knows, never the password', () => {
  const errors: Array<[string, Record<string, string>, string, RegExp]> = [
    [
      'ibm',
      { region: 'us', username: 'admin', password: IBM_KEY },
      'username',
      /'admin', which IBM Cloud Container Registry does not know.*iamapikey \(password: an IBM Cloud API key\), iambearer/
    ],
    [
      'yandex',
      { username: 'json-key', password: YC_API_KEY },
      'username',
      /'json-key'.*iam \(password: an IAM token.*oauth.*json_key.*api_key/
    ],
    [
      'nebius',
      { region: 'eu-north1', username: 'oauth', password: NEBIUS_KEY },
      'username',
      /'oauth', which Nebius Container Registry does not know.*iam \(password: a static key/
    ],
    ['ibm', { region: 'us', password: IBM_KEY }, 'username', /is empty but 'password' is set.*iamapikey/],
    [
      'ibm',
      { region: 'us', username: 'iamapikey' },
      'password',
      /is empty but 'username' is iamapikey\. Pass an IBM Cloud API key from a secret/
    ],
    ['yandex', { username: 'json_key' }, 'password', /is empty but 'username' is json_key/],
    ['ibm', { region: 'us', username: 'iamapikey', password: IBM_KEY, 'api-key': IBM_KEY }, 'api-key', /and input 'username' are both set/],
    [
      'ibm',
      { region: 'us', username: 'iambearer', password: IBM_TOKEN, auth: 'api-key' },
      'username',
      /logs in with auth method token, but 'auth' is api-key/
    ],
    ['ibm', { region: 'us', auth: 'password', 'api-key': IBM_KEY }, 'username', /is empty but 'auth' is password/],
    ['yandex', { username: 'oauth', password: YC_OAUTH, 'api-key': YC_API_KEY }, 'api-key', /and input 'username' are both set/],
    ['yandex', { username: 'iam', password: YC_IAM, auth: 'api-key' }, 'username', /logs in with auth method token/],
    ['yandex', { username: 'json_key', password: 'not-a-key-file-anywhere' }, 'password', /neither key JSON nor the path/],
    [
      'nebius',
      { region: 'eu-north1', username: 'iam', password: NEBIUS_KEY, token: NEBIUS_KEY },
      'token',
      /and input 'username' are both set/
    ],
    ['nebius', { region: 'eu-north1', auth: 'password' }, 'username', /is empty but 'auth' is password/]
  ]
  test.each(errors)('%s %j -> %s', (provider, values, input, message) => {
    const error = inputError(provider, values)
    expect(error.input).toBe(input)
    expect(error.message).toMatch(message)
  })

  // Issue #19: every error about an empty secret says the secret may be missing or misnamed, and names the input.
  test.each([
    [
      'yandex',
      { username: 'json_key', password: '' },
      "Input 'password' is empty but 'username' is json_key. Pass a service account's authorized key JSON (or its path) from a secret."
    ],
    [
      'ibm',
      { region: 'us', username: 'iamapikey' },
      "Input 'password' is empty but 'username' is iamapikey. Pass an IBM Cloud API key from a secret."
    ],
    [
      'nebius',
      { region: 'eu-north1', username: 'iam' },
      "Input 'password' is empty but 'username' is iam. Pass a static key (nebius iam static-key issue --service CONTAINER_REGISTRY) or an access token from a secret."
    ]
  ])("%s: docker/login-action's form with the password secret empty, word for word", (provider, values, message) => {
    expect(inputError(provider, values).message).toBe(
      `${message} The secret it is passed from may be missing or misnamed (a secret that does not exist is empty).`
    )
  })

  test.each([
    ['a Yandex API key (40 characters)', 'yandex', { username: 'AQVN1a2b3c4d5e6f7g8h9i0jAbCdEfGhIjKlMnOp', password: 'api_key' }],
    [
      'an Alibaba-style AccessKey secret (30 characters)',
      'ibm',
      { region: 'us', username: 'q9XzT2mLk8RwP4vN7bYc1JdF6hGs3a', password: 'iamapikey' }
    ],
    ['a Nebius-style static key', 'nebius', { region: 'eu-north1', username: 'v1.CmQKHGNvbnRhaW5lcn', password: 'iam' }]
  ])('username and password swapped: %s in username is not repeated', (_name, provider, values) => {
    const error = inputError(provider, values)
    expect(error.input).toBe('username')
    expect(error.message).toMatch(/^Input 'username' is set to a value, which/)
    expect(error.message).not.toContain(values.username.slice(4, 20))
  })

  test('username json_key with a key file path in password: the error names the file (a path is no secret, so it is not masked)', () => {
    const error = inputError('yandex', { username: 'json_key', password: './keys/no-such-key.json' })
    expect(error.input).toBe('password')
    expect(error.message).toContain("names the file './keys/no-such-key.json', which does not exist")
  })

  test('a username that could be a misplaced secret is not repeated', () => {
    const error = inputError('ibm', { region: 'us', username: 'ApiKey-0123456789abcdef0123456789abcdef0123456789', password: IBM_KEY })
    expect(error.message).toMatch(/^Input 'username' is set to a value, which IBM/)
    expect(error.message).not.toContain('0123456789abcdef')
  })

  test("today's IBM trap: username iamapikey is no longer silently ignored", () => {
    expect(() => plan('ibm', { region: 'us', username: 'iamapikey', password: IBM_KEY })).not.toThrow()
  })
})
