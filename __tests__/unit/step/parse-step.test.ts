import { CLIENT_IDS } from '../../../src/types.js'
import { InputError } from '../../../src/log/errors.js'
import { createInputReader, splitList } from '../../../src/inputs/reader.js'
import { parseInputs, type Inputs } from '../../../src/step/parse-step.js'
import { PROVIDER_IDS } from '../../../src/types.js'
import { IBM_REGION_NAMES } from '../../../src/providers/ibm/regions.js'
import { addMaskLine, captureStdout, type StdoutCapture } from '../../helpers/stdout.js'
import { mint } from '../../../src/providers/index.js'

const API_KEY = 'ibm-apikey-Zq9xWv3Lk7Tn0Rb5Hs2Dy8'
const TOKEN = 'eyJ-iam-token-Pm4Gc6Jf1Ua9Xe3Wq7'

const parse = (values: Record<string, string>): Inputs => parseInputs(createInputReader(name => values[name] ?? ''))

/** The InputError parse throws; fails the test when it throws nothing or something else. */
function inputError(values: Record<string, string>): InputError {
  try {
    parse(values)
  } catch (error) {
    if (error instanceof InputError) return error
    throw new Error(`expected an InputError, got ${String(error)}`)
  }
  throw new Error('expected parseInputs to throw')
}

let stdout: StdoutCapture
beforeEach(() => {
  stdout = captureStdout()
})
afterEach(() => stdout.restore())

describe('valid IBM inputs', () => {
  test('an API key with one region: exchanged for a token, docker by default, logout on, no password output', async () => {
    const inputs = parse({ provider: 'ibm', 'api-key': API_KEY, region: 'us-south' })
    expect(inputs.provider).toBe('ibm')
    expect(inputs.clients).toEqual(['docker'])
    expect(inputs.logout).toBe(true)
    expect(inputs.outputPassword).toBe(false)
    expect(inputs.plan.method).toBe('API key exchanged for an IAM access token (iambearer)')
    expect(inputs.plan.registries).toEqual(['us.icr.io'])
  })

  test('a token gives iambearer + the token for every registry, without any network call', async () => {
    const inputs = parse({ provider: 'IBM', token: `  ${TOKEN}  `, region: 'eu-de, jp-osa' })
    expect(inputs.plan.method).toBe('IAM access token (iambearer)')
    const credentials = await mint(inputs.plan, {} as never)
    expect(credentials).toEqual([
      { registry: 'de.icr.io', username: 'iambearer', password: TOKEN },
      { registry: 'jp2.icr.io', username: 'iambearer', password: TOKEN }
    ])
  })

  test("auth 'auto' picks api-key when only the API key is set and token when only the token is set", () => {
    expect(parse({ provider: 'ibm', 'api-key': API_KEY, region: 'us', auth: 'auto' }).plan.method).toMatch(/^API key exchanged/)
    expect(parse({ provider: 'ibm', token: TOKEN, region: 'us' }).plan.method).toBe('IAM access token (iambearer)')
  })

  test('an explicit auth method is case-insensitive', () => {
    expect(parse({ provider: 'ibm', 'api-key': API_KEY, region: 'us', auth: 'API-KEY' }).plan.method).toMatch(/^API key exchanged/)
    expect(parse({ provider: 'ibm', token: TOKEN, region: 'us', auth: 'Token' }).plan.method).toBe('IAM access token (iambearer)')
  })

  test('exchange: false keeps the API key as the password (iamapikey)', () => {
    expect(parse({ provider: 'ibm', 'api-key': API_KEY, region: 'us', exchange: 'false' }).plan.method).toBe(
      'API key passed to the registry (iamapikey)'
    )
  })

  test('regions split on commas and newlines, trimmed, case-folded, and de-duplicated by host', () => {
    const inputs = parse({ provider: 'ibm', token: TOKEN, region: 'us-south, eu-de\njp-osa\n\n US-SOUTH ,us,private.de' })
    expect(inputs.plan.registries).toEqual(['us.icr.io', 'de.icr.io', 'jp2.icr.io', 'private.de.icr.io'])
  })

  test('explicit registries are normalized and take precedence over region', () => {
    const inputs = parse({
      provider: 'ibm',
      token: TOKEN,
      region: 'eu-gb',
      registry: 'https://us.icr.io/\nde.icr.io:443/my-namespace, HTTPS://Private.JP.icr.io//'
    })
    expect(inputs.plan.registries).toEqual(['us.icr.io', 'de.icr.io:443/my-namespace', 'private.jp.icr.io'])
  })

  test('registries that differ only in scheme, case or trailing slash are logged into once', () => {
    const inputs = parse({ provider: 'ibm', token: TOKEN, registry: 'https://us.icr.io/, us.icr.io\nUS.ICR.IO, de.icr.io' })
    expect(inputs.plan.registries).toEqual(['us.icr.io', 'de.icr.io'])
  })

  test('clients and regions differing only in case are one each: every client logs into every registry once', () => {
    const inputs = parse({
      provider: 'alibaba',
      username: 'ci',
      password: 'instance-password-Qx7',
      region: 'cn-hangzhou, CN-Hangzhou',
      clients: 'docker, DOCKER, Podman, podman'
    })
    expect(inputs.clients).toEqual(['docker', 'podman'])
    expect(inputs.plan.registries).toEqual(['registry.cn-hangzhou.aliyuncs.com'])
  })

  test('clients list is case-folded, in order', () => {
    expect(parse({ provider: 'ibm', token: TOKEN, region: 'us', clients: 'Podman, skopeo\ndocker-config\nHELM' }).clients).toEqual([
      'podman',
      'skopeo',
      'docker-config',
      'helm'
    ])
  })

  test.each([
    ['false', false],
    ['FALSE', false],
    ['no', false],
    ['off', false],
    ['0', false],
    ['true', true],
    ['yes', true],
    ['on', true],
    ['1', true],
    ['', true]
  ])("logout '%s' is %s", (value, expected) => {
    expect(parse({ provider: 'ibm', token: TOKEN, region: 'us', logout: value }).logout).toBe(expected)
  })

  test('output-password is only true when asked for', () => {
    expect(parse({ provider: 'ibm', token: TOKEN, region: 'us', 'output-password': 'true' }).outputPassword).toBe(true)
    expect(parse({ provider: 'ibm', token: TOKEN, region: 'us', 'output-password': 'false' }).outputPassword).toBe(false)
  })

  test('secret inputs are masked as they are read, before parsing goes on', () => {
    // A key no earlier test used: each value is announced to the runner only once per process.
    const key = 'ibm-apikey-only-in-the-masking-test-8Hd2'
    parse({ provider: 'ibm', 'api-key': key, region: 'us' })
    expect(stdout.lines()).toContain(addMaskLine(key))
  })
})

test('splitList trims, drops empty entries and duplicates', () => {
  expect(splitList(' a, b\n\n,a ,c\r\n')).toEqual(['a', 'b', 'c'])
})

test('splitList takes commas, line breaks, spaces and tabs as separators, in any mix', () => {
  expect(splitList('us-south eu-de')).toEqual(['us-south', 'eu-de'])
  expect(splitList('docker  podman,helm\n\toras')).toEqual(['docker', 'podman', 'helm', 'oras'])
  expect(splitList(' , \n ')).toEqual([])
})

describe('invalid inputs: each error names the input, says what is wrong, and leaks no secret', () => {
  const providers = PROVIDER_IDS.join(', ')
  const regions = IBM_REGION_NAMES.join(', ')
  const cases: Array<[string, Record<string, string>, string, string]> = [
    [
      'missing provider, and no registry to read the cloud from',
      { 'api-key': API_KEY, region: 'us' },
      'provider',
      `Input 'provider' is empty, and so is 'registry', so the cloud is unknown. Set it to one of: ${providers}. (With 'registry' set to the cloud's registry host, as in a docker/login-action step, 'provider' may be left out.)`
    ],
    [
      'unknown provider',
      { provider: 'AWS', 'api-key': API_KEY, region: 'us' },
      'provider',
      `Input 'provider' is 'aws', which is not a supported cloud. Use one of: ${providers}.`
    ],
    [
      'unknown client',
      { provider: 'ibm', 'api-key': API_KEY, region: 'us', clients: 'docker, kubectl' },
      'clients',
      `Input 'clients' has 'kubectl', which is not a supported client. Use any of: ${CLIENT_IDS.join(', ')}.`
    ],
    [
      'bad bool',
      { provider: 'ibm', 'api-key': API_KEY, region: 'us', logout: 'maybe' },
      'logout',
      "Input 'logout' must be true or false, got 'maybe'."
    ],
    [
      'bad exchange bool',
      { provider: 'ibm', 'api-key': API_KEY, region: 'us', exchange: 'nope' },
      'exchange',
      "Input 'exchange' must be true or false, got 'nope'."
    ],
    [
      'both api-key and token',
      { provider: 'ibm', 'api-key': API_KEY, token: TOKEN, region: 'us' },
      'api-key',
      "Input 'api-key' and input 'token' are both set. Set only one of them: 'api-key', 'token', or 'username' with 'password'."
    ],
    [
      'auth token with an empty token',
      { provider: 'ibm', 'api-key': API_KEY, token: '   ', region: 'us', auth: 'token' },
      'token',
      "Input 'token' is empty but 'auth' is token. Pass an IAM access token. The secret it is passed from may be missing or misnamed (a secret that does not exist is empty)."
    ],
    [
      'auth api-key with an empty key',
      { provider: 'ibm', token: TOKEN, region: 'us', auth: 'api-key' },
      'api-key',
      "Input 'api-key' is empty but 'auth' is api-key. Pass the API key from a secret. The secret it is passed from may be missing or misnamed (a secret that does not exist is empty)."
    ],
    [
      'unsupported auth method',
      { provider: 'ibm', 'api-key': API_KEY, region: 'us', auth: 'keyless' },
      'auth',
      "Input 'auth' is 'keyless', which IBM Cloud does not support. Use one of: auto, api-key, token, password, runner-identity."
    ],
    [
      'no region and no registry',
      { provider: 'ibm', 'api-key': API_KEY },
      'region',
      `Input 'region' is empty, and so is 'registry'. Set 'region' to one or more of ${regions} (or their domain prefixes such as us, de), or 'registry' to a host such as us.icr.io.`
    ],
    [
      'unknown region',
      { provider: 'ibm', token: TOKEN, region: 'us-south, Mars-1' },
      'region',
      `Input 'region' has 'mars-1', which is not an IBM Cloud Container Registry region. Use one of ${regions}, or a domain prefix such as us, uk, de, jp2 (add 'private.' for the private network).`
    ],
    [
      'bad registry host',
      { provider: 'ibm', token: TOKEN, registry: 'us.icr.io, not_a_host' },
      'registry',
      "Input 'registry' has 'not_a_host', whose host label 'not_a_host' is not a DNS label (letters, digits and inner hyphens, at most 63). Give a host such as us.icr.io, optionally with https:// in front, a :port and a /path."
    ]
  ]

  test.each(cases)('%s', (_name, values, input, message) => {
    const error = inputError(values)
    expect(error.message).toBe(message)
    expect(error.input).toBe(input)
    expect(error.message).not.toContain(API_KEY)
    expect(error.message).not.toContain(TOKEN)
  })

  test('the lists in the messages name real choices', () => {
    expect(PROVIDER_IDS).toContain('ibm')
    expect(IBM_REGION_NAMES).toEqual(expect.arrayContaining(['global', 'us-south', 'eu-de', 'jp-osa', 'in-mum']))
    expect(CLIENT_IDS).toEqual(expect.arrayContaining(['docker', 'podman', 'buildah', 'skopeo', 'helm', 'oras', 'docker-config']))
  })
})

describe('createInputReader', () => {
  const reader = createInputReader(name => ({ size: ' 7 ', big: '99', frac: '1.5', mode: ' Fast ', odd: 'slow?' })[name] ?? '')

  test('integer: fallback when unset, value within bounds, exact error otherwise', () => {
    expect(reader.integer('unset', 3, 1, 10)).toBe(3)
    expect(reader.integer('size', 3, 1, 10)).toBe(7)
    expect(() => reader.integer('big', 3, 1, 10)).toThrow("Input 'big' must be a whole number from 1 to 10; got '99'.")
    expect(() => reader.integer('frac', 3, 1, 10)).toThrow("Input 'frac' must be a whole number from 1 to 10; got '1.5'.")
  })

  test('choice: fallback when unset, case-insensitive match, exact error otherwise', () => {
    expect(reader.choice('unset', ['fast', 'slow'] as const, 'slow')).toBe('slow')
    expect(reader.choice('mode', ['fast', 'slow'] as const, 'slow')).toBe('fast')
    expect(() => reader.choice('odd', ['fast', 'slow'] as const, 'slow')).toThrow("Input 'odd' must be one of fast, slow; got 'slow?'.")
  })
})
