// The usual mistakes of #19, each through the real parse step with the real inputs: the exact first error line, or the login it makes.
import { generateKeyPairSync } from 'node:crypto'
import { InputError } from '../../../src/log/errors.js'
import { createInputReader } from '../../../src/inputs/reader.js'
import { parseInputs, type Inputs } from '../../../src/step/parse-step.js'
import { captureStdout, type StdoutCapture } from '../../helpers/stdout.js'

const TOKEN = 'eyJ-iam-token-Pm4Gc6Jf1Ua9Xe3Wq7'
const AK_ID = 'LTAI5tMistakesTest0001'
const AK_SECRET = 'mistakes-test-ak-secret-30chrs'
const IBM_KEY = 'mIsTaKeS-test-IBM-api-key_0123456789abcdefgh'
const IBM_APIKEY_JSON = JSON.stringify(
  { name: 'ci-push', description: '', createdAt: '2026-12-01T10:00+0000', apikey: IBM_KEY },
  null,
  '\t'
)
const PEM = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
const YANDEX_KEY_JSON = JSON.stringify({
  id: 'ajemistakestestkey01',
  service_account_id: 'ajemistakestestsa001',
  created_at: '2026-12-01T10:00:00Z',
  key_algorithm: 'RSA_2048',
  public_key: '-----BEGIN PUBLIC KEY-----\n…',
  private_key: PEM
})
const YANDEX_API_KEY = 'AQVNmistakes_test_yandex_api_key_0123456'
// Each masked once per process: the outputs below hold keys no other test reads.
const YC_YAML_KEY = 'AQVNmistakes_yaml_output_api_key_0123456'
const YC_JSON_KEY = 'AQVNmistakes_json_output_api_key_0123456'
const YC_API_KEY_YAML = `api_key:
  id: ajemistakestestak01
  service_account_id: ajemistakestestsa001
  created_at: "2026-12-01T10:00:00.000000Z"
secret: ${YC_YAML_KEY}
`
const YC_API_KEY_JSON = JSON.stringify(
  { api_key: { id: 'ajemistakestestak01', service_account_id: 'ajemistakestestsa001' }, secret: YC_JSON_KEY },
  null,
  2
)
const YC_ACCESS_KEY_YAML = `access_key:
  id: ajemistakestestac01
  service_account_id: ajemistakestestsa001
  key_id: YCAJEmistakes
secret: YCPmistakes-test-static-secret
`
const YANDEX_IAM_TOKEN = `t1.${'A'.repeat(40)}.${'b'.repeat(86)}`
const NEBIUS_CREDENTIALS = JSON.stringify({
  'subject-credentials': {
    type: 'JWT',
    alg: 'RS256',
    'private-key': PEM,
    kid: 'publickey-e00mistakes',
    iss: 'serviceaccount-e00mistakes',
    sub: 'serviceaccount-e00mistakes'
  }
})
const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJtaXN0YWtlcyJ9.c2lnbmF0dXJl'
const IBM = { provider: 'ibm', region: 'us' }
const YANDEX = { provider: 'yandex' }
const NEBIUS = { provider: 'nebius', region: 'eu-north1' }
const ALIBABA = { provider: 'alibaba', region: 'cn-hangzhou', 'access-key-id': AK_ID }

const parse = (values: Record<string, string>): Inputs => parseInputs(createInputReader(name => values[name] ?? ''))

/** The first line of the InputError parse throws; fails the test when it throws nothing or something else. */
function firstErrorLine(values: Record<string, string>): string {
  try {
    parse(values)
  } catch (error) {
    if (error instanceof InputError) return error.message.split('\n')[0] ?? ''
    throw new Error(`expected an InputError, got ${String(error)}`)
  }
  throw new Error('expected parseInputs to throw')
}

let stdout: StdoutCapture
beforeEach(() => {
  stdout = captureStdout()
})
afterEach(() => stdout.restore())

describe('lists take commas, line breaks or spaces', () => {
  test.each([
    ['region with a space', { provider: 'ibm', token: TOKEN, region: 'us-south eu-de' }, ['us.icr.io', 'de.icr.io']],
    [
      'region on lines and with commas',
      { provider: 'ibm', token: TOKEN, region: 'us-south\neu-de, jp-osa' },
      ['us.icr.io', 'de.icr.io', 'jp2.icr.io']
    ],
    ['registry with a space', { provider: 'ibm', token: TOKEN, registry: 'us.icr.io de.icr.io/acme' }, ['us.icr.io', 'de.icr.io/acme']]
  ])('%s', (_name, values, registries) => {
    expect(parse(values).plan.registries).toEqual(registries)
  })

  test('clients with a space', () => {
    expect(parse({ provider: 'ibm', token: TOKEN, region: 'us', clients: 'docker podman' }).clients).toEqual(['docker', 'podman'])
  })
})

const OTHER_CLOUD = (cloud: string, here: string): string =>
  `${cloud} issues it, but this step logs into ${here}: check that the secret is the right one, and 'provider'.`

/** [mistake, inputs, the exact first line it prints]: a credential of the wrong shape, refused before any call. */
const SHAPES: ReadonlyArray<readonly [string, Record<string, string>, string]> = [
  [
    'IBM api-key in quotes',
    { ...IBM, 'api-key': `"${IBM_KEY}"` },
    'Input \'api-key\' is wrapped in quotes ("…"), which would be sent as part of an IBM Cloud API key. Store the secret without the quotes around it.'
  ],
  [
    'IBM api-key with a space inside',
    { ...IBM, 'api-key': `${IBM_KEY.slice(0, 20)} ${IBM_KEY.slice(20)}` },
    "Input 'api-key' has white space inside (a space, tab or line break), which an IBM Cloud API key never has. Copy it again as one word, without spaces or line breaks."
  ],
  [
    'IBM token with an escape sequence inside',
    { ...IBM, token: 'eyJ-token\u001b[31m-red' },
    "Input 'token' has a control character inside, which an IAM access token never has. Copy it again from where it was issued."
  ],
  [
    'IBM api-key holding an IAM access token',
    { ...IBM, 'api-key': JWT },
    "Input 'api-key' is an IAM access token (a JWT, eyJ…), not an IBM Cloud API key. Pass it in 'token'."
  ],
  [
    'IBM api-key holding a JSON document that is no key file',
    { ...IBM, 'api-key': '{"key": "x"}' },
    "Input 'api-key' is a JSON document, not an IBM Cloud API key. Pass an IBM Cloud API key alone, not the file or output it came in."
  ],
  [
    'IBM api-key holding a PEM',
    { ...IBM, 'api-key': PEM },
    "Input 'api-key' is a PEM private key (-----BEGIN …), not an IBM Cloud API key. Pass an IBM Cloud API key alone."
  ],
  [
    'IBM api-key holding a Yandex authorized key',
    { ...IBM, 'api-key': YANDEX_KEY_JSON },
    `Input 'api-key' is a Yandex Cloud authorized key (the key.json of 'yc iam key create'), not an IBM Cloud API key. ${OTHER_CLOUD('Yandex Cloud', 'IBM Cloud')}`
  ],
  [
    'IBM api-key holding an Alibaba AccessKey ID',
    { ...IBM, 'api-key': AK_ID },
    `Input 'api-key' is an Alibaba Cloud AccessKey ID (LTAI…), not an IBM Cloud API key. ${OTHER_CLOUD('Alibaba Cloud', 'IBM Cloud')}`
  ],
  [
    'IBM password (iambearer) with a line break inside',
    { ...IBM, username: 'iambearer', password: 'eyJ-token-part-one\neyJ-token-part-two' },
    "Input 'password' has white space inside (a space, tab or line break), which an IAM access token never has. Copy it again as one word, without spaces or line breaks."
  ],
  [
    'IBM api-key holding a GitHub token',
    { ...IBM, 'api-key': `ghp_${'a1'.repeat(18)}` },
    `Input 'api-key' is a GitHub token, not an IBM Cloud API key. ${OTHER_CLOUD('GitHub', 'IBM Cloud')}`
  ],
  [
    'Yandex token holding an authorized key',
    { ...YANDEX, token: YANDEX_KEY_JSON },
    "Input 'token' is a Yandex Cloud authorized key (the key.json of 'yc iam key create'), not an IAM token. Pass it in 'service-account-key' (or as 'password' with 'username: json_key')."
  ],
  [
    'Yandex token holding a Nebius credentials file',
    { ...YANDEX, token: NEBIUS_CREDENTIALS },
    `Input 'token' is a Nebius AI Cloud credentials file (the JSON of 'nebius iam auth-public-key generate'), not an IAM token. ${OTHER_CLOUD('Nebius AI Cloud', 'Yandex Cloud')}`
  ],
  [
    'Yandex api-key holding an IAM token',
    { ...YANDEX, 'api-key': YANDEX_IAM_TOKEN },
    "Input 'api-key' is a Yandex Cloud IAM token (t1.…), not a service account's API key. Pass it in 'token' (or as 'password' with 'username: iam')."
  ],
  [
    'Yandex token holding an API key',
    { ...YANDEX, token: YANDEX_API_KEY },
    "Input 'token' is a Yandex Cloud API key (AQVN…), not an IAM token. Pass it in 'api-key' (or as 'password' with 'username: api_key')."
  ],
  [
    "Yandex api-key holding the output of 'yc iam access-key create'",
    { ...YANDEX, 'api-key': YC_ACCESS_KEY_YAML },
    "Input 'api-key' is the output of 'yc iam access-key create' (a static access key for Object Storage), not a service account's API key. No registry takes it: create an API key ('yc iam api-key create') or an authorized key ('yc iam key create') for the service account."
  ],
  [
    'Yandex oauth-token with a space inside',
    { ...YANDEX, 'oauth-token': 'y0_AgAAAAmistakes test-oauth-token' },
    "Input 'oauth-token' has white space inside (a space, tab or line break), which a Yandex ID OAuth token never has. Copy it again as one word, without spaces or line breaks."
  ],
  [
    'Yandex service-account-key holding the PEM alone',
    { ...YANDEX, 'service-account-key': PEM },
    "Input 'service-account-key' is a PEM private key, not a service account's authorized key JSON. Yandex takes a private key only inside its key.json: pass the whole file that 'yc iam key create --output key.json' wrote in 'service-account-key'."
  ],
  [
    'Yandex service-account-key holding a Nebius credentials file',
    { ...YANDEX, 'service-account-key': NEBIUS_CREDENTIALS },
    `Input 'service-account-key' is a Nebius AI Cloud credentials file (the JSON of 'nebius iam auth-public-key generate'), not a service account's authorized key JSON. ${OTHER_CLOUD('Nebius AI Cloud', 'Yandex Cloud')}`
  ],
  [
    'Yandex service-account-key holding an IBM apikey.json',
    { ...YANDEX, 'service-account-key': IBM_APIKEY_JSON },
    `Input 'service-account-key' is an IBM Cloud API key file (apikey.json), not a service account's authorized key JSON. ${OTHER_CLOUD('IBM Cloud', 'Yandex Cloud')}`
  ],
  [
    'Yandex service-account-key holding a Google Cloud key',
    { ...YANDEX, 'service-account-key': JSON.stringify({ type: 'service_account', project_id: 'p', private_key: PEM }) },
    `Input 'service-account-key' is a Google Cloud service account key (JSON), not a service account's authorized key JSON. ${OTHER_CLOUD('Google Cloud', 'Yandex Cloud')}`
  ],
  [
    'Yandex service-account-key in quotes',
    { ...YANDEX, 'service-account-key': `'${YANDEX_KEY_JSON}'` },
    "Input 'service-account-key' is wrapped in quotes ('…'), which would be sent as part of a service account's authorized key JSON. Store the secret without the quotes around it."
  ],
  [
    'Yandex password (json_key) holding the PEM alone',
    { ...YANDEX, username: 'json_key', password: PEM },
    "Input 'password' is a PEM private key, not a service account's authorized key JSON. Yandex takes a private key only inside its key.json: pass the whole file that 'yc iam key create --output key.json' wrote in 'service-account-key'."
  ],
  [
    'Nebius service-account-key holding the PEM alone',
    { ...NEBIUS, 'service-account-key': PEM },
    "Input 'service-account-key' is a PEM private key, not a Nebius credentials file (JSON). Pass it in 'private-key', with 'service-account-id' and 'public-key-id'; or pass the whole credentials file in 'service-account-key'."
  ],
  [
    'Nebius private-key holding the whole credentials file',
    {
      ...NEBIUS,
      'private-key': NEBIUS_CREDENTIALS,
      'public-key-id': 'publickey-e00mistakes',
      'service-account-id': 'serviceaccount-e00mistakes'
    },
    "Input 'private-key' is a Nebius AI Cloud credentials file (the JSON of 'nebius iam auth-public-key generate'), not a PEM private key. Pass the whole file in 'service-account-key' (it holds the private key with its ids), not in 'private-key'."
  ],
  [
    'Nebius service-account-key holding a Yandex authorized key',
    { ...NEBIUS, 'service-account-key': YANDEX_KEY_JSON },
    `Input 'service-account-key' is a Yandex Cloud authorized key (the key.json of 'yc iam key create'), not a Nebius credentials file (JSON). ${OTHER_CLOUD('Yandex Cloud', 'Nebius AI Cloud')}`
  ],
  [
    'Nebius token holding a Yandex IAM token',
    { ...NEBIUS, token: YANDEX_IAM_TOKEN },
    `Input 'token' is a Yandex Cloud IAM token (t1.…), not a Nebius static key or access token. ${OTHER_CLOUD('Yandex Cloud', 'Nebius AI Cloud')}`
  ],
  [
    'Nebius token holding a credentials file, with exchange: false',
    { ...NEBIUS, token: NEBIUS_CREDENTIALS, exchange: 'false' },
    "Input 'exchange' is false, but Nebius Container Registry does not take a service-account key as a password. Leave 'exchange' at true (the key is exchanged for a 12-hour access token), or use a static key in 'token'."
  ],
  [
    'Alibaba access-key-secret holding the AccessKey ID (swapped)',
    { ...ALIBABA, 'access-key-id': AK_SECRET, 'access-key-secret': AK_ID },
    "Input 'access-key-secret' is an Alibaba Cloud AccessKey ID (LTAI…), not an AccessKey secret. Pass it in 'access-key-id' and the secret in 'access-key-secret': the two may be swapped."
  ],
  [
    "Alibaba access-key-secret holding the console's AccessKey CSV",
    { ...ALIBABA, 'access-key-secret': `AccessKey ID,AccessKey Secret\n${AK_ID},${AK_SECRET}\n` },
    "Input 'access-key-secret' is the AccessKey file the console downloads (ID and secret together), not an AccessKey secret. Pass the AccessKey ID in 'access-key-id' and the AccessKey secret in 'access-key-secret' (an STS SecurityToken in 'security-token'), each from its own secret."
  ],
  [
    'Alibaba access-key-secret holding a CreateAccessKey reply',
    { ...ALIBABA, 'access-key-secret': JSON.stringify({ AccessKey: { AccessKeyId: AK_ID, AccessKeySecret: AK_SECRET } }) },
    "Input 'access-key-secret' is an Alibaba Cloud AccessKey ID and secret together (JSON), not an AccessKey secret. Pass the AccessKey ID in 'access-key-id' and the AccessKey secret in 'access-key-secret' (an STS SecurityToken in 'security-token'), each from its own secret."
  ],
  [
    'Alibaba access-key-secret in quotes',
    { ...ALIBABA, 'access-key-secret': `'${AK_SECRET}'` },
    "Input 'access-key-secret' is wrapped in quotes ('…'), which would be sent as part of an AccessKey secret. Store the secret without the quotes around it."
  ],
  [
    'Alibaba access-key-secret holding an AWS access key ID',
    { ...ALIBABA, 'access-key-secret': 'AKIAMISTAKESTEST0001' },
    `Input 'access-key-secret' is an AWS access key ID (AKIA…), not an AccessKey secret. ${OTHER_CLOUD('AWS', 'Alibaba Cloud')}`
  ]
]

describe('a credential of the wrong shape never reaches a cloud: one error naming the input and the likely mix-up', () => {
  test.each(SHAPES)('%s', (_name, values, line) => {
    expect(firstErrorLine(values)).toBe(line)
    for (const value of Object.values(values)) if (value.length > 12) expect(line).not.toContain(value)
  })
})

/** The note an unambiguous key in its cloud's own document gets. */
const took = (input: string, what: string, field: string, expected: string): { level: 'info'; message: string } => ({
  level: 'info',
  message: `Input '${input}' holds ${what}: using its '${field}' field as ${expected}.`
})

describe("a cloud's own document with one unambiguous key: the key is used, and the log says so once", () => {
  test('IBM apikey.json pasted into api-key: its apikey, masked', () => {
    const inputs = parse({ ...IBM, 'api-key': IBM_APIKEY_JSON })
    expect(inputs.plan.data).toEqual({ kind: 'api-key', apiKey: IBM_KEY, exchange: true })
    expect(inputs.notices).toEqual([took('api-key', 'an IBM Cloud API key file (apikey.json)', 'apikey', 'an IBM Cloud API key')])
    expect(stdout.lines()).toContain(`::add-mask::${IBM_KEY}`)
    expect(JSON.stringify(inputs.notices)).not.toContain(IBM_KEY)
  })

  test('IBM apikey.json as the password of username iamapikey', () => {
    const inputs = parse({ ...IBM, username: 'iamapikey', password: IBM_APIKEY_JSON })
    expect(inputs.plan.data).toEqual({ kind: 'api-key', apiKey: IBM_KEY, exchange: true, username: 'iamapikey' })
    expect(inputs.notices).toEqual([took('password', 'an IBM Cloud API key file (apikey.json)', 'apikey', 'an IBM Cloud API key')])
  })

  test.each([
    ['YAML', YC_API_KEY_YAML, YC_YAML_KEY],
    ['JSON (--format json)', YC_API_KEY_JSON, YC_JSON_KEY]
  ])("the %s output of 'yc iam api-key create' pasted into api-key: its secret", (_name, output, key) => {
    const inputs = parse({ ...YANDEX, 'api-key': output })
    expect(inputs.plan.data).toEqual({ kind: 'api-key', apiKey: key })
    expect(inputs.notices).toEqual([took('api-key', "the output of 'yc iam api-key create'", 'secret', "a service account's API key")])
    expect(stdout.lines()).toContain(`::add-mask::${key}`)
  })

  test('a Nebius credentials file given as token: logs in with it as a service-account key', () => {
    const inputs = parse({ ...NEBIUS, token: NEBIUS_CREDENTIALS })
    expect(inputs.plan.data).toMatchObject({
      kind: 'service-account-key',
      key: { serviceAccountId: 'serviceaccount-e00mistakes', publicKeyId: 'publickey-e00mistakes' }
    })
    expect(inputs.plan.method).toBe('service-account key exchanged for an access token over HTTPS, gRPC as fallback (iam)')
    expect(inputs.notices).toEqual([
      {
        level: 'info',
        message:
          "Input 'token' holds a Nebius AI Cloud credentials file, not a static key or access token: logging in with it as a service-account key (exchanged for an access token), as 'service-account-key' would."
      }
    ])
  })

  test('a Nebius credentials file as the password of username iam: the same', () => {
    const inputs = parse({ ...NEBIUS, username: 'iam', password: NEBIUS_CREDENTIALS })
    expect(inputs.plan.data).toMatchObject({ kind: 'service-account-key' })
    expect(inputs.notices.map(notice => notice.message)).toEqual([
      expect.stringMatching(/^Input 'password' holds a Nebius AI Cloud credentials file/)
    ])
  })

  test('a well-formed key of each cloud passes untouched, without a note', () => {
    expect(parse({ ...IBM, 'api-key': IBM_KEY }).notices).toEqual([])
    expect(parse({ ...YANDEX, 'api-key': YANDEX_API_KEY }).notices).toEqual([])
    expect(parse({ ...YANDEX, token: YANDEX_IAM_TOKEN }).notices).toEqual([])
    expect(parse({ ...YANDEX, 'service-account-key': YANDEX_KEY_JSON }).plan.data).toMatchObject({ kind: 'service-account-key' })
    expect(parse({ ...ALIBABA, 'access-key-secret': AK_SECRET }).notices).toEqual([])
  })
})

/** [mistake, inputs, the exact first line it prints]. */
const MISTAKES: ReadonlyArray<readonly [string, Record<string, string>, string]> = [
  [
    'clients: buildx',
    { provider: 'ibm', token: TOKEN, region: 'us', clients: 'buildx' },
    "Input 'clients' has 'buildx', which has no login of its own: docker buildx and BuildKit use docker's login (its config.json). List 'docker' instead (or 'docker-config' where no docker CLI runs)."
  ],
  [
    'clients: docker, buildkit',
    { provider: 'ibm', token: TOKEN, region: 'us', clients: 'docker, BuildKit' },
    "Input 'clients' has 'buildkit', which has no login of its own: docker buildx and BuildKit use docker's login (its config.json). List 'docker' instead (or 'docker-config' where no docker CLI runs)."
  ],
  [
    'IBM with auth: oidc',
    { provider: 'ibm', auth: 'oidc', region: 'us' },
    "Input 'auth' is 'oidc', but IBM Cloud has no federation for GitHub's OIDC tokens (IAM trusts no outside OIDC issuer). Use a service ID's API key in 'api-key', from a secret; on a self-hosted runner in IBM Cloud (a VPC instance, IKS or OpenShift, Code Engine), 'auth: runner-identity' logs in with the runner's trusted profile, without a key."
  ],
  [
    'Alibaba region with a typo',
    { provider: 'alibaba', 'access-key-id': AK_ID, 'access-key-secret': AK_SECRET, region: 'cn-hangzou' },
    "Input 'region' has 'cn-hangzou', which is not one of the regions Alibaba Cloud Container Registry serves (a typo of cn-hangzhou?). Fix the name; for a region newer than this action's list, set 'registry' to its host instead."
  ],
  [
    'Alibaba region without its number',
    { provider: 'alibaba', 'access-key-id': AK_ID, 'access-key-secret': AK_SECRET, region: 'us-east' },
    "Input 'region' has 'us-east', which is not one of the regions Alibaba Cloud Container Registry serves (a typo of us-east-1?). Fix the name; for a region newer than this action's list, set 'registry' to its host instead."
  ],
  [
    'Alibaba region that is no region id',
    { provider: 'alibaba', 'access-key-id': AK_ID, 'access-key-secret': AK_SECRET, region: 'hangzhou' },
    "Input 'region' has 'hangzhou', which is not an Alibaba Cloud region id. Use ids such as cn-hangzhou, cn-shanghai, ap-southeast-1, eu-central-1."
  ],
  [
    "Alibaba username copied with '--username='",
    { provider: 'alibaba', username: '--username=dev@1234567890', password: 'instance-pass', region: 'cn-hangzhou' },
    "Input 'username' starts with '-', which a client would take for an option, not a login name. Give the login name the console's docker login command shows (--username=<name>): the name alone, without '--username='."
  ],
  [
    'Alibaba username of 300 characters',
    { provider: 'alibaba', username: 'u'.repeat(300), password: 'instance-pass', region: 'cn-hangzhou' },
    "Input 'username' is 300 characters long, more than the 256 a login name has. Give the login name of the instance's access credential; a password or key goes in 'password'."
  ],
  [
    'Alibaba username with a control character',
    { provider: 'alibaba', username: 'dev\u0007@1234567890', password: 'instance-pass', region: 'cn-hangzhou' },
    "Input 'username' contains a line break or another control character. Give it on one line, as plain text."
  ],
  [
    'registry: an image with a tag',
    { provider: 'ibm', token: TOKEN, registry: 'us.icr.io/acme/app:1.0' },
    "Input 'registry' has 'us.icr.io/acme/app:1.0', which is an image (it ends with a tag), not a registry. Give a registry host, optionally with a namespace (us.icr.io/acme), not an image: the clients log into the registry, and push and pull the images under it."
  ],
  [
    'registry: an image with a digest',
    { provider: 'ibm', token: TOKEN, registry: `us.icr.io/acme/app@sha256:${'ab'.repeat(32)}` },
    `Input 'registry' has 'us.icr.io/acme/app@sha256:${'ab'.repeat(32)}', which is an image (it ends with a digest), not a registry. Give a registry host, optionally with a namespace (us.icr.io/acme), not an image: the clients log into the registry, and push and pull the images under it.`
  ]
]

describe('each mistake gets one error naming the input, the likely mix-up and the fix', () => {
  test.each(MISTAKES)('%s', (_name, values, line) => {
    expect(firstErrorLine(values)).toBe(line)
  })
})

describe('a region newer than the list', () => {
  test('an Alibaba region of the documented shape outside the list is taken, with one note', () => {
    const inputs = parse({ provider: 'alibaba', 'access-key-id': AK_ID, 'access-key-secret': AK_SECRET, region: 'ap-southeast-9' })
    expect(inputs.plan.registries).toEqual(['registry.ap-southeast-9.aliyuncs.com'])
    expect(inputs.notices).toEqual([
      {
        level: 'info',
        message:
          "Input 'region' has 'ap-southeast-9', which is not one of the regions Alibaba Cloud Container Registry serves that this version knows; taken as a region newer than the list. If the login cannot reach it, check the name."
      }
    ])
  })

  test('a listed Alibaba region gives no note', () => {
    expect(parse({ provider: 'alibaba', 'access-key-id': AK_ID, 'access-key-secret': AK_SECRET, region: 'cn-hangzhou' }).notices).toEqual(
      []
    )
  })
})
