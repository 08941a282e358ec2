// Input hygiene: ignored inputs reported by name, strict integers, the OIDC variables checked while
// parsing, the fork-PR skip, and safe quoting of values in input errors.
import { ActionError, InputError } from '../../../src/log/errors.js'
import { createInputReader } from '../../../src/inputs/reader.js'
import { parseInputs, parseStep, type Inputs } from '../../../src/step/parse-step.js'
import { providers } from '../../../src/providers/index.js'
import { PROVIDER_IDS } from '../../../src/types.js'
import { methodInputs, SECRET_INPUTS } from '../../../src/step/input-hygiene.js'
import { captureStdout, type StdoutCapture } from '../../helpers/stdout.js'
import { DEPENDABOT_ENV, forkPullRequestEnv, pullRequestEnv } from '../../helpers/events.js'

let stdout: StdoutCapture
beforeEach(() => {
  stdout = captureStdout()
})
afterEach(() => stdout.restore())

const OIDC = {
  ACTIONS_ID_TOKEN_REQUEST_URL: 'https://pipelines.actions.githubusercontent.com/oidc/token?api-version=2.0',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token'
}
const reader = (values: Record<string, string>) => createInputReader(name => values[name] ?? '')
const parse = (values: Record<string, string>, env: NodeJS.ProcessEnv = {}): Inputs => parseInputs(reader(values), env)
const warnings = (inputs: Inputs): string[] => inputs.notices.filter(n => n.level === 'warning').map(n => n.message)

describe('inputs the chosen cloud or method does not read are reported by name, never by value', () => {
  const SECRET = 'Secret-Value-Never-Shown-0123'
  test.each([
    [
      'IBM with an Alibaba secret',
      { provider: 'ibm', token: 'ibm-token-0123456789', region: 'us', 'access-key-secret': SECRET },
      [
        "Input 'access-key-secret' is set, but IBM Cloud with auth token does not use it: ignored. Remove it, or choose the provider and 'auth' it belongs to."
      ]
    ],
    [
      'Alibaba password with AccessKey inputs',
      {
        provider: 'alibaba',
        auth: 'password',
        username: 'ci@1234',
        password: 'pass-0123456789',
        registry: 'acme-registry.cn-hangzhou.cr.aliyuncs.com',
        'access-key-id': 'LTAI0123',
        'access-key-secret': SECRET
      },
      [
        "Inputs 'access-key-id', 'access-key-secret' are set, but Alibaba Cloud with auth password does not use them: ignored. Remove them, or choose the provider and 'auth' they belong to."
      ]
    ],
    [
      'Nebius token with an audience',
      { provider: 'nebius', token: 'v1.static-0123456789', region: 'eu-north1', audience: 'https://github.com/acme' },
      [
        "Input 'audience' is set, but Nebius AI Cloud with auth token does not use it: ignored. Remove it, or choose the provider and 'auth' it belongs to."
      ]
    ],
    [
      'Yandex with a region',
      { provider: 'yandex', token: 't1.token-0123456789', region: 'ru-central1' },
      ["Input 'region' is ignored: Yandex Cloud registries are not regional ('registry' chooses the hosts)."]
    ],
    [
      'IBM with region and registry',
      { provider: 'ibm', token: 'ibm-token-0123456789', region: 'eu-de', registry: 'us.icr.io' },
      ["Input 'region' is ignored: 'registry' is set and names the hosts. Remove one of them."]
    ],
    ['IBM token and nothing else', { provider: 'ibm', token: 'ibm-token-0123456789', region: 'us' }, []],
    // exchange / token-exchange: the runner passes their defaults (true, auto) to every step; only another value counts as set (#9).
    [
      'IBM token with the runner defaults of exchange and token-exchange',
      { provider: 'ibm', token: 'ibm-token-0123456789', region: 'us', exchange: 'true', 'token-exchange': 'auto' },
      []
    ],
    [
      'IBM token with exchange false',
      { provider: 'ibm', token: 'ibm-token-0123456789', region: 'us', exchange: 'false' },
      [
        "Input 'exchange' is set, but IBM Cloud with auth token does not use it: ignored. Remove it, or choose the provider and 'auth' it belongs to."
      ]
    ],
    [
      'IBM iambearer password with exchange false',
      { provider: 'ibm', username: 'iambearer', password: 'ibm-token-0123456789', region: 'us', exchange: 'false' },
      [
        "Input 'exchange' is set, but IBM Cloud with auth password does not use it: ignored. Remove it, or choose the provider and 'auth' it belongs to."
      ]
    ],
    [
      'IBM iamapikey password with exchange false: used',
      { provider: 'ibm', username: 'iamapikey', password: 'ibm-apikey-0123456789', region: 'us', exchange: 'false' },
      []
    ],
    [
      'IBM token with token-exchange grpc',
      { provider: 'ibm', token: 'ibm-token-0123456789', region: 'us', 'token-exchange': 'grpc' },
      [
        "Input 'token-exchange' is set, but IBM Cloud with auth token does not use it: ignored. Remove it, or choose the provider and 'auth' it belongs to."
      ]
    ],
    [
      'IBM token with an Alibaba secret and exchange false: one warning',
      { provider: 'ibm', token: 'ibm-token-0123456789', region: 'us', 'access-key-secret': SECRET, exchange: 'no' },
      [
        "Inputs 'access-key-secret', 'exchange' are set, but IBM Cloud with auth token does not use them: ignored. Remove them, or choose the provider and 'auth' they belong to."
      ]
    ],
    [
      'Yandex OIDC with exchange false (always exchanges)',
      { provider: 'yandex', 'service-account-id': 'ajesa0123456789abcde', exchange: 'false' },
      [
        "Input 'exchange' is set, but Yandex Cloud with auth oidc does not use it: ignored. Remove it, or choose the provider and 'auth' it belongs to."
      ]
    ],
    [
      'Yandex IAM token with exchange false',
      { provider: 'yandex', token: 't1.token-0123456789', exchange: 'false' },
      [
        "Input 'exchange' is set, but Yandex Cloud with auth token does not use it: ignored. Remove it, or choose the provider and 'auth' it belongs to."
      ]
    ],
    [
      'Yandex api_key password with exchange false',
      { provider: 'yandex', username: 'api_key', password: 'AQVN-api-key-0123456789', exchange: 'false' },
      [
        "Input 'exchange' is set, but Yandex Cloud with auth password does not use it: ignored. Remove it, or choose the provider and 'auth' it belongs to."
      ]
    ],
    [
      'Yandex oauth password with exchange false: used',
      { provider: 'yandex', username: 'oauth', password: 'y0_oauth-0123456789', exchange: 'false' },
      []
    ],
    [
      'Nebius token with token-exchange grpc',
      { provider: 'nebius', token: 'v1.static-0123456789', region: 'eu-north1', 'token-exchange': 'GRPC' },
      [
        "Input 'token-exchange' is set, but Nebius AI Cloud with auth token does not use it: ignored. Remove it, or choose the provider and 'auth' it belongs to."
      ]
    ],
    [
      'Nebius iam password with token-exchange http',
      { provider: 'nebius', username: 'iam', password: 'v1.static-0123456789', region: 'eu-north1', 'token-exchange': 'http' },
      [
        "Input 'token-exchange' is set, but Nebius AI Cloud with auth password does not use it: ignored. Remove it, or choose the provider and 'auth' it belongs to."
      ]
    ],
    [
      'Nebius OIDC with exchange false (always exchanges)',
      { provider: 'nebius', 'service-account-id': 'serviceaccount-e00unit0123456789', region: 'eu-north1', exchange: 'false' },
      [
        "Input 'exchange' is set, but Nebius AI Cloud with auth oidc does not use it: ignored. Remove it, or choose the provider and 'auth' it belongs to."
      ]
    ],
    [
      'Nebius OIDC with token-exchange http: used',
      { provider: 'nebius', 'service-account-id': 'serviceaccount-e00unit0123456789', region: 'eu-north1', 'token-exchange': 'http' },
      []
    ],
    [
      'Alibaba password with exchange false and token-exchange grpc',
      {
        provider: 'alibaba',
        username: 'ci@1234',
        password: 'pass-0123456789',
        registry: 'acme-registry.cn-hangzhou.cr.aliyuncs.com',
        exchange: 'false',
        'token-exchange': 'grpc'
      },
      [
        "Inputs 'exchange', 'token-exchange' are set, but Alibaba Cloud with auth password does not use them: ignored. Remove them, or choose the provider and 'auth' they belong to."
      ]
    ],
    [
      'Alibaba OIDC with its own inputs',
      {
        provider: 'alibaba',
        'role-arn': 'acs:ram::1234567890123456:role/ci',
        'oidc-provider-arn': 'acs:ram::1234567890123456:oidc-provider/gh',
        registry: 'registry.cn-hangzhou.aliyuncs.com',
        'duration-seconds': '900',
        audience: 'sts.aliyuncs.com'
      },
      []
    ]
  ])('%s', (_name, values, expected) => {
    const inputs = parse(values, OIDC)
    expect(warnings(inputs)).toEqual(expected)
    expect(JSON.stringify(inputs.notices)).not.toContain(SECRET)
  })

  test('every input a method declares is a real action input with an empty default, and every secret input is read by some method', async () => {
    const { parse: parseYaml } = await import('yaml')
    const { readFileSync } = await import('node:fs')
    const action = parseYaml(readFileSync('action.yml', 'utf8')) as { inputs: Record<string, { default?: string }> }
    const declared = methodInputs(Object.values(providers))
    for (const name of declared) expect(action.inputs[name]?.default).toBe('')
    for (const name of SECRET_INPUTS) expect(declared).toContain(name)
  })

  test.each(PROVIDER_IDS)('%s declares every auth method it offers, and nothing else', id => {
    expect(Object.keys(providers[id].methods).sort()).toEqual([...providers[id].authMethods].sort())
  })
})

describe('integers are plain decimal', () => {
  const base = {
    provider: 'alibaba',
    'role-arn': 'acs:ram::1234567890123456:role/ci',
    'oidc-provider-arn': 'acs:ram::1234567890123456:oidc-provider/gh',
    registry: 'registry.cn-hangzhou.aliyuncs.com'
  }
  test.each([
    '1e3',
    '0x384',
    ' 9e2',
    '+900',
    '900.0',
    '9_00',
    '１２００',
    '-900',
    '0b1110000100',
    'Infinity',
    'NaN',
    '900s',
    '99999999999999999999'
  ])('duration-seconds %j is refused', value => {
    expect(() => parse({ ...base, 'duration-seconds': value }, OIDC)).toThrow(
      /^Input 'duration-seconds' must be a whole number from 900 to 43200; got '/
    )
  })
  test.each([
    ['900', 900],
    ['43200', 43200],
    [' 3600 ', 3600],
    ['', 3600]
  ])('duration-seconds %j is %d', (value, seconds) => {
    const inputs = parse({ ...base, 'duration-seconds': value }, OIDC)
    expect(inputs.plan.method).toMatch(/STS/)
    expect(createInputReader(() => value).integer('duration-seconds', 3600, 900, 43200)).toBe(seconds)
  })
})

describe("keyless login: the runner's OIDC variables are checked while parsing, before any call", () => {
  const keyless = {
    yandex: { provider: 'yandex', 'service-account-id': 'ajesa0123456789abcde' },
    nebius: { provider: 'nebius', 'service-account-id': 'serviceaccount-e00unit0123456789', region: 'eu-north1' },
    alibaba: {
      provider: 'alibaba',
      'role-arn': 'acs:ram::1234567890123456:role/ci',
      'oidc-provider-arn': 'acs:ram::1234567890123456:oidc-provider/gh',
      registry: 'registry.cn-hangzhou.aliyuncs.com'
    }
  }
  const cases: Array<[string, NodeJS.ProcessEnv, RegExp]> = [
    [
      'neither variable',
      {},
      /runner offers none \(ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set\)\. Add 'permissions: id-token: write'/
    ],
    [
      'no request token',
      { ACTIONS_ID_TOKEN_REQUEST_URL: OIDC.ACTIONS_ID_TOKEN_REQUEST_URL },
      /but ACTIONS_ID_TOKEN_REQUEST_TOKEN is not set \(ACTIONS_ID_TOKEN_REQUEST_URL is\)/
    ],
    [
      'no request URL',
      { ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token' },
      /but ACTIONS_ID_TOKEN_REQUEST_URL is not set \(ACTIONS_ID_TOKEN_REQUEST_TOKEN is\)/
    ],
    [
      'an http URL',
      { ...OIDC, ACTIONS_ID_TOKEN_REQUEST_URL: 'http://pipelines.actions.githubusercontent.com/oidc/token' },
      /^ACTIONS_ID_TOKEN_REQUEST_URL must be an https:\/\/ URL without user info, but it is 'http:\/\/pipelines\.actions\.githubusercontent\.com\/oidc\/token': the request token would travel in clear/
    ],
    [
      'user info in the URL',
      { ...OIDC, ACTIONS_ID_TOKEN_REQUEST_URL: 'https://u:p@pipelines.actions.githubusercontent.com/x' },
      /must be an https:\/\/ URL without user info/
    ],
    [
      'not a URL',
      { ...OIDC, ACTIONS_ID_TOKEN_REQUEST_URL: 'not a url\n::warning::x' },
      /^ACTIONS_ID_TOKEN_REQUEST_URL is not a URL \('not a url\\x0a:\u200b:warning:\u200b:x'\)/
    ]
  ]
  describe.each(Object.entries(keyless))('%s', (_id, values) => {
    test.each(cases)('%s', (_name, env, message) => {
      let error: unknown
      try {
        parse(values, env)
      } catch (e) {
        error = e
      }
      expect(error).toBeInstanceOf(ActionError)
      expect((error as Error).message).toMatch(message)
      expect((error as Error).message).not.toContain('request-token')
    })
    test('with both variables and https, parsing succeeds', () => {
      expect(parse(values, OIDC).plan.auth).toBe('oidc')
    })
  })
})

describe('skip-without-credentials', () => {
  const FORK = forkPullRequestEnv()
  const step = (values: Record<string, string>, env: NodeJS.ProcessEnv = FORK) =>
    parseStep(reader({ 'skip-without-credentials': 'true', ...values }), env)
  const NONE = 'every secret input is empty and the runner offers no GitHub OIDC token'

  const empty: Array<[string, Record<string, string>]> = [
    ['IBM with every secret empty', { provider: 'ibm', region: 'us' }],
    ['IBM with auth api-key and the secret empty', { provider: 'ibm', region: 'us', auth: 'api-key' }],
    [
      'Alibaba with the username set and the password secret empty',
      { provider: 'alibaba', username: 'ci@1234', registry: 'registry.cn-hangzhou.aliyuncs.com' }
    ],
    [
      'Alibaba keyless without id-token permission',
      { provider: 'alibaba', 'role-arn': 'acs:ram::1:role/ci', 'oidc-provider-arn': 'acs:ram::1:oidc-provider/gh' }
    ],
    ['Yandex keyless without id-token permission', { provider: 'yandex', 'service-account-id': 'ajesa0123456789abcde' }],
    ['Nebius with nothing at all', { provider: 'nebius' }]
  ]

  test.each(empty)('skips in a pull request from a fork: %s', (_name, values) => {
    expect(step(values)).toEqual({
      skipped: true,
      provider: values.provider,
      reason: `${NONE}: a pull request from the fork someone/app-fork, which gets no secrets`
    })
  })

  test.each(empty)("skips in Dependabot's run: %s", (_name, values) => {
    expect(step(values, DEPENDABOT_ENV)).toEqual({
      skipped: true,
      provider: values.provider,
      reason: `${NONE}: a Dependabot run (actor dependabot[bot]), which gets no repository secrets`
    })
  })

  // Issue #19: on a push (the release pipeline) a misnamed secret skipped silently: a green job that pushed nothing.
  const skipLine = (why: string): string =>
    `::warning::'skip-without-credentials' did not skip the login: ${NONE}, but this is ${why}, so an empty credential means a secret that is missing or misnamed. It skips only in pull requests from forks and in Dependabot's runs, where GitHub withholds secrets.`
  test.each([
    ['a push', { GITHUB_EVENT_NAME: 'push' }, "a push event, which gets the repository's secrets"],
    ["a tag's release", { GITHUB_EVENT_NAME: 'release' }, "a release event, which gets the repository's secrets"],
    [
      'a pull request from a branch of the repository',
      pullRequestEnv('acme/app'),
      "a pull_request event from a branch of acme/app itself, which gets the repository's secrets"
    ],
    [
      'pull_request_target from a fork',
      pullRequestEnv('someone/app-fork', 'acme/app', 'pull_request_target'),
      "a pull_request_target event, which runs with the base repository's secrets, also for a fork"
    ]
  ])('on %s an empty credential fails as usual, after one line saying why the skip did not apply', (_name, env, why) => {
    expect(() => step({ provider: 'ibm', region: 'us' }, env)).toThrow(
      /^No IBM Cloud credential reached the step: every credential input is empty\. If the workflow passes one from a secret, that secret may be missing or misnamed/
    )
    expect(stdout.lines()).toEqual([skipLine(why)])
  })

  test('on a push, an explicit method with its secret empty names that input', () => {
    expect(() => step({ provider: 'yandex', auth: 'service-account-key' }, { GITHUB_EVENT_NAME: 'push' })).toThrow(
      "Input 'service-account-key' is empty but 'auth' is service-account-key. Pass the authorized key JSON of 'yc iam key create' from a secret, or its path. The secret it is passed from may be missing or misnamed (a secret that does not exist is empty)."
    )
    expect(stdout.lines()).toEqual([skipLine("a push event, which gets the repository's secrets")])
  })

  test.each([
    [
      'a secret is set (a partial credential fails as usual)',
      { provider: 'alibaba', 'access-key-secret': 'secret-0123456789', registry: 'registry.cn-hangzhou.aliyuncs.com' },
      FORK,
      /^Input 'access-key-id' is empty/
    ],
    [
      'only one OIDC variable is there',
      { provider: 'yandex', 'service-account-id': 'ajesa0123456789abcde' },
      { ...FORK, ACTIONS_ID_TOKEN_REQUEST_URL: OIDC.ACTIONS_ID_TOKEN_REQUEST_URL },
      /ACTIONS_ID_TOKEN_REQUEST_TOKEN is not set/
    ],
    [
      'an OIDC token is offered but the method needs a secret',
      { provider: 'ibm', region: 'us' },
      { ...FORK, ...OIDC },
      /^No IBM Cloud credential reached the step: every credential input is empty\./
    ]
  ])('does not skip when %s, and says nothing of the skip', (_name, values, env, message) => {
    expect(() => step(values, env)).toThrow(message)
    expect(stdout.text()).not.toContain('skip-without-credentials')
  })

  test('with an OIDC token offered, keyless login goes ahead', () => {
    const result = step({ provider: 'yandex', 'service-account-id': 'ajesa0123456789abcde' }, { ...FORK, ...OIDC })
    expect(result.skipped).toBe(false)
  })

  test('off by default: no credential is an error, in a pull request from a fork too', () => {
    expect(() => parseStep(reader({ provider: 'ibm', region: 'us' }), FORK)).toThrow(/^No IBM Cloud credential reached the step/)
    expect(stdout.text()).not.toContain('skip-without-credentials')
  })

  test('malformed inputs still fail while skipping', () => {
    expect(() => step({ provider: 'ibm', registry: 'us..icr.io' })).toThrow(/^Input 'registry'/)
    expect(() => step({ provider: 'ibm', region: 'us', 'skip-without-credentials': 'maybe' })).toThrow(
      /^Input 'skip-without-credentials' must be true or false/
    )
  })

  test('parseInputs, for callers without a skipped state, turns a skip into an error', () => {
    expect(() => parseInputs(reader({ provider: 'ibm', 'skip-without-credentials': 'true' }), FORK)).toThrow(/^The login was skipped/)
  })
})

describe('text inputs are one line of plain text', () => {
  test.each(['ibm\n::warning::x', 'ib\rm', 'i\u001b[31mbm', 'ib\u2028m', 'ib\u0000m', 'ibm\u0085'])(
    'provider %j is refused, the value not echoed',
    value => {
      expect(() => parse({ provider: value, token: 'ibm-token-0123456789', region: 'us' })).toThrow(
        "Input 'provider' contains a line break or another control character. Give it on one line, as plain text."
      )
    }
  )

  test('a secret may span lines (a PEM, a JSON key, a password): only text inputs are checked as text', () => {
    // A token or key with a line break inside is refused by its shape instead (mistakes.test.ts).
    expect(parse({ provider: 'alibaba', username: 'dev', password: 'line-one\nline-two', region: 'cn-hangzhou' }).plan.auth).toBe(
      'password'
    )
  })
})

describe('input errors quote values as one safe, short line', () => {
  test.each([
    ['a 120 KB value', 'x'.repeat(120_000)],
    ['ANSI escapes', '\u001b[31mred\u001b[0m'],
    ['a workflow command after a line break', 'us\n::warning::injected'],
    ['a carriage return', 'us\r::add-mask::x'],
    ['a ##[ marker', 'us\n##[error]x'],
    ['stop-commands', 'x\n::stop-commands::token']
  ])('%s', (_name, value) => {
    const error = new InputError('region', `has '${value}', which is not a region`, 'Use one of us, de.')
    expect(error.message).not.toMatch(/[\u0000-\u001f\u007f]/)
    expect(error.message).not.toContain('::')
    expect(error.message).not.toContain('##[')
    expect(error.message.length).toBeLessThan(400)
    expect(error.message).toMatch(/^Input 'region' has '.*', which is not a region\. Use one of us, de\.$/)
  })

  test('a bad choice from a real parse is shown cut, with its length', () => {
    const error = (() => {
      try {
        parse({ provider: 'ibm', token: 'ibm-token-0123456789', region: 'us', logout: 'y'.repeat(5000) })
      } catch (e) {
        return e as Error
      }
      throw new Error('expected an error')
    })()
    expect(error.message).toMatch(/^Input 'logout' must be true or false, got 'y{120}… \(5000 characters, cut\)'\.$/)
  })
})
