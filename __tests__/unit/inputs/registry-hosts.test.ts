// The registry allow-list: strict parsing of `registry`, and each cloud's credential handed only to
// that cloud's documented registry hosts, for every auth method, checked while parsing inputs.
import { InputError } from '../../../src/log/errors.js'
import { createInputReader } from '../../../src/inputs/reader.js'
import { parseInputs } from '../../../src/step/parse-step.js'
import { providers } from '../../../src/providers/index.js'
import { PROVIDER_IDS, type ProviderId } from '../../../src/types.js'
import { checkRegistryHosts, parseRegistry, registryHost } from '../../../src/inputs/registry-hosts.js'
import { captureStdout, type StdoutCapture } from '../../helpers/stdout.js'
import { thrownInputError } from '../../helpers/thrown.js'

let stdout: StdoutCapture
beforeEach(() => {
  stdout = captureStdout()
})
afterEach(() => stdout.restore())

describe('parseRegistry: what is accepted, and how it is normalised', () => {
  test.each([
    ['us.icr.io', 'us.icr.io'],
    ['US.ICR.IO', 'us.icr.io'],
    ['https://us.icr.io', 'us.icr.io'],
    ['HTTPS://Private.JP.icr.io//', 'private.jp.icr.io'],
    ['us.icr.io/', 'us.icr.io'],
    ['us.icr.io/namespace', 'us.icr.io/namespace'],
    ['de.icr.io:443/my-namespace/sub_dir/app.v2', 'de.icr.io:443/my-namespace/sub_dir/app.v2'],
    ['registry.yandexcloud.net:65535', 'registry.yandexcloud.net:65535'],
    ['cr.eu-north1.nebius.cloud:1', 'cr.eu-north1.nebius.cloud:1'],
    ['xn--80ak6aa92e.example', 'xn--80ak6aa92e.example'],
    [`${'a'.repeat(63)}.example`, `${'a'.repeat(63)}.example`]
  ])('%s -> %s', (raw, parsed) => {
    expect(parseRegistry(raw)).toBe(parsed)
  })

  test.each([
    ['http://us.icr.io', 'whose scheme http:// is not https://'],
    ['oci://us.icr.io', 'whose scheme oci:// is not https://'],
    ['ftp://us.icr.io', 'whose scheme ftp:// is not https://'],
    ['user@us.icr.io', 'which has a user name in it (user@host)'],
    ['https://user:pass@us.icr.io', 'which has a user name in it (user@host)'],
    ['us.icr.io?x=1', 'which has a query or fragment'],
    ['us.icr.io#frag', 'which has a query or fragment'],
    ['us..icr.io', 'whose host has an empty label'],
    ['.us.icr.io', 'whose host has an empty label'],
    ['us.icr.io.', 'whose host has an empty label'],
    ['-us.icr.io', "whose host label '-us' is not a DNS label"],
    ['us-.icr.io', "whose host label 'us-' is not a DNS label"],
    ['us_x.icr.io', "whose host label 'us_x' is not a DNS label"],
    ['[::1]:5000', 'is not a DNS label'],
    [`${'a'.repeat(64)}.example`, 'is not a DNS label'],
    [`${'abcdefghi.'.repeat(26)}io`, 'whose host is longer than 253 characters'],
    ['not a host', "whose host label 'not a host' is not a DNS label"],
    ['us.icr.io:99999', "whose port '99999' is not a number from 1 to 65535"],
    ['us.icr.io:65536', "whose port '65536' is not a number from 1 to 65535"],
    ['us.icr.io:0', "whose port '0' is not a number from 1 to 65535"],
    ['us.icr.io:0443', "whose port '0443' is not a number from 1 to 65535"],
    ['us.icr.io:', "whose port '' is not a number from 1 to 65535"],
    ['us.icr.io:port', "whose port 'port' is not a number from 1 to 65535"],
    ['us.icr.io:-1', "whose port '-1' is not a number from 1 to 65535"],
    [':443', 'which has no host'],
    ['https://', 'which has no host'],
    ['us.icr.io/../evil', "whose path has an empty, '.' or '..' segment"],
    ['us.icr.io/./ns', "whose path has an empty, '.' or '..' segment"],
    ['us.icr.io//ns', "whose path has an empty, '.' or '..' segment"],
    ['us.icr.io/ns//app', "whose path has an empty, '.' or '..' segment"],
    ['us.icr.io/ns/%2e%2e', "whose path segment '%2e%2e' is not a repository name component"],
    ['us.icr.io/ns\\app', "whose path segment 'ns\\app' is not a repository name component"],
    [`us.icr.io/${'a'.repeat(600)}`, 'which is longer than 512 characters']
  ])('refuses %s', (raw, problem) => {
    const error = thrownInputError(() => parseRegistry(raw))
    expect(error.input).toBe('registry')
    expect(error.message).toContain(problem)
    expect(error.message).toMatch(/^Input 'registry' has '.*'.* (Give|Use)/)
  })

  test('a hostile value is shown as one safe, cut line: no line break, no ANSI, no workflow command', () => {
    const hostile = `us.icr.io\n::add-mask::x\u001b[31m${'A'.repeat(120_000)}`
    const error = thrownInputError(() => parseRegistry(hostile))
    expect(error.message.length).toBeLessThan(1000)
    expect(error.message).not.toMatch(/[\n\r\u001b]/)
    expect(error.message).not.toContain('::')
    expect(error.message).toContain('characters, cut)')
  })

  test('registryHost is the host alone', () => {
    expect(registryHost('de.icr.io:443/ns/app')).toBe('de.icr.io')
    expect(registryHost('us.icr.io')).toBe('us.icr.io')
  })
})

/** Each cloud's documented registry hosts (protocols.md §1.1, §2.1, §3.1, §4.1), and hosts that are not. */
const HOSTS: Record<ProviderId, { allowed: string[]; refused: string[] }> = {
  ibm: {
    allowed: [
      'icr.io',
      'private.icr.io',
      'us.icr.io',
      'uk.icr.io',
      'de.icr.io',
      'au.icr.io',
      'jp.icr.io',
      'jp2.icr.io',
      'br.icr.io',
      'ca.icr.io',
      'ca2.icr.io',
      'es.icr.io',
      'in.icr.io',
      'in2.icr.io',
      'private.us.icr.io',
      'private.jp2.icr.io'
    ],
    refused: [
      'us.icr.io.evil.example.com',
      'evil-us.icr.io',
      'fr2.icr.io',
      'dd0.us.icr.io',
      'private.private.us.icr.io',
      'icr.io.evil.example',
      'registry.bluemix.net',
      'xus.icr.io',
      'us.icr.iox',
      'localhost',
      '169.254.169.254',
      '127.0.0.1',
      'evil.example.com',
      'registry.yandexcloud.net'
    ]
  },
  yandex: {
    allowed: ['registry.yandexcloud.net', 'cr.yandex', 'registry.pe.yandexcloud.net'],
    refused: [
      'cr.yandex.evil.example.com',
      'registry.yandexcloud.net.evil.example',
      'evil.registry.yandexcloud.net',
      'cr.yandexcloud.kz',
      'yandexcloud.net',
      'iam.api.cloud.yandex.net',
      'localhost',
      '169.254.169.254',
      '10.0.0.1',
      'us.icr.io'
    ]
  },
  nebius: {
    allowed: [
      'cr.eu-north1.nebius.cloud',
      'cr.eu-north2.nebius.cloud',
      'cr.eu-west1.nebius.cloud',
      'cr.me-west1.nebius.cloud',
      'cr.uk-south1.nebius.cloud',
      'cr.us-central1.nebius.cloud'
    ],
    refused: [
      'cr.eu-north1.nebius.cloud.evil.example.com',
      'cr.nebius.cloud',
      'nebius.cloud',
      'api.eu.nebius.cloud',
      'cr.eu-north1.evil.nebius.cloud',
      'x.cr.eu-north1.nebius.cloud',
      'cr.eu-north1.nebius.cloudx',
      'localhost',
      '169.254.169.254',
      'registry.yandexcloud.net'
    ]
  },
  alibaba: {
    allowed: [
      'acme-registry.cn-hangzhou.cr.aliyuncs.com',
      'acme-registry-vpc.cn-hangzhou.cr.aliyuncs.com',
      'my-team-registry.ap-southeast-1.cr.aliyuncs.com',
      'registry.cn-hangzhou.aliyuncs.com',
      'registry-vpc.cn-shanghai.aliyuncs.com',
      'registry-intl.eu-central-1.aliyuncs.com',
      'crpi-abc123.cn-hangzhou.personal.cr.aliyuncs.com',
      'crpi-abc123-vpc.cn-hangzhou.personal.cr.aliyuncs.com'
    ],
    refused: [
      'registry.cn-hangzhou.aliyuncs.com.evil.example',
      'acme-registry.cn-hangzhou.cr.aliyuncs.com.evil.example.com',
      'cr.cn-hangzhou.aliyuncs.com',
      'sts.aliyuncs.com',
      'registry.aliyuncs.com',
      'acme.cn-hangzhou.cr.aliyuncs.com',
      'evil.example.com',
      'localhost',
      '169.254.169.254'
    ]
  }
}

describe.each(PROVIDER_IDS)('%s: the allow-list the provider declares', id => {
  const policy = providers[id].registryHosts

  test.each(HOSTS[id].allowed)('allows %s', host => {
    expect(policy.allows(host)).toBe(true)
  })

  test.each(HOSTS[id].refused)('refuses %s', host => {
    expect(policy.allows(host)).toBe(false)
  })

  test('a cloud credential is refused for a foreign host, naming registry, the host and the patterns', () => {
    const error = thrownInputError(() => checkRegistryHosts(policy, ['us.icr.io.evil.example.com/ns'], 'cloud', 'token'))
    expect(error.input).toBe('registry')
    expect(error.message).toContain("'us.icr.io.evil.example.com'")
    for (const pattern of policy.patterns) expect(error.message).toContain(pattern)
  })

  test('a registry-only credential may go to a custom domain, with one info line', () => {
    expect(
      checkRegistryHosts(policy, [HOSTS[id].allowed[0] as string, 'registry.example.com:5000/team'], 'registry-only', 'password')
    ).toEqual([
      expect.stringMatching(
        /^registry\.example\.com is not among the .* registry hosts: logging in with the registry's own username and password/
      )
    ])
  })
})

// Inputs that make each auth method of each cloud valid (no network: planning only).
const RUNNER_OIDC = {
  ACTIONS_ID_TOKEN_REQUEST_URL: 'https://pipelines.actions.githubusercontent.com/oidc/token',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token'
}
const METHOD_INPUTS: Record<ProviderId, Record<string, Record<string, string>>> = {
  ibm: {
    'api-key (exchanged)': { 'api-key': 'ibm-apikey-0123456789abcdef' },
    'api-key (iamapikey)': { 'api-key': 'ibm-apikey-0123456789abcdef', exchange: 'false' },
    token: { token: 'ibm-iam-token-0123456789' },
    'username iamapikey': { username: 'iamapikey', password: 'ibm-apikey-0123456789abcdef' }
  },
  yandex: {
    oidc: { 'service-account-id': 'ajesa0123456789abcde' },
    token: { token: 't1.token-0123456789' },
    'oauth-token': { 'oauth-token': 'y0_oauth-0123456789' },
    'oauth-token (oauth)': { 'oauth-token': 'y0_oauth-0123456789', exchange: 'false' },
    'api-key': { 'api-key': 'AQVN-0123456789' },
    'username oauth': { username: 'oauth', password: 'y0_oauth-0123456789' }
  },
  nebius: {
    oidc: { 'service-account-id': 'serviceaccount-e00unit0123456789' },
    token: { token: 'v1.static-key-0123456789' },
    'username iam': { username: 'iam', password: 'v1.static-key-0123456789' }
  },
  alibaba: {
    'access-key': { 'access-key-id': 'LTAI0123456789', 'access-key-secret': 'secret-0123456789', 'instance-id': 'cri-abc123' },
    oidc: {
      'role-arn': 'acs:ram::1234567890123456:role/ci',
      'oidc-provider-arn': 'acs:ram::1234567890123456:oidc-provider/github',
      'instance-id': 'cri-abc123'
    }
  }
}

const FOREIGN = ['us.icr.io.evil.example.com', 'evil.example.com', 'localhost', '169.254.169.254', 'localhost:5000/ns', 'https://127.0.0.1']

describe.each(PROVIDER_IDS.flatMap(id => Object.entries(METHOD_INPUTS[id]).map(([method, values]) => [id, method, values] as const)))(
  '%s %s: a cloud credential never reaches a foreign host',
  (id, _method, values) => {
    const parse = (registry: string) =>
      parseInputs(
        createInputReader(name => ({ provider: id, registry, ...values })[name] ?? ''),
        RUNNER_OIDC
      )

    test.each(FOREIGN)('%s is refused while parsing', registry => {
      const error = thrownInputError(() => parse(registry))
      expect(error.input).toBe('registry')
      expect(error.message).toMatch(
        /^Input 'registry' has '[^']+', which is not (one of the .* registry hosts|an Alibaba Cloud Container Registry host)/
      )
    })

    test('its own documented host is accepted', () => {
      const own = HOSTS[id].allowed[0] as string
      expect(parse(`${own}/team`).plan.registries).toEqual([`${own}/team`])
    })
  }
)

describe('Alibaba password: the registry-only credential', () => {
  const parse = (registry: string) =>
    parseInputs(
      createInputReader(name => ({ provider: 'alibaba', registry, username: 'ci@1234', password: 'instance-pass-0123' })[name] ?? '')
    )

  test('goes to a custom domain, and the log says so once', () => {
    const inputs = parse('registry.example.com')
    expect(inputs.plan.registries).toEqual(['registry.example.com'])
    expect(inputs.notices).toEqual([
      {
        level: 'info',
        message:
          "registry.example.com is not among the Alibaba Cloud registry hosts: logging in with the registry's own username and password (auth password), which open that registry only."
      }
    ])
  })

  test('several custom domains: still one line', () => {
    expect(parse('a.example.com, acme-registry.cn-hangzhou.cr.aliyuncs.com, b.example.com:5000/team').notices).toEqual([
      {
        level: 'info',
        message:
          "a.example.com, b.example.com are not among the Alibaba Cloud registry hosts: logging in with the registry's own username and password (auth password), which open that registry only."
      }
    ])
  })

  test('an Alibaba host gets no note', () => {
    expect(parse('acme-registry.cn-hangzhou.cr.aliyuncs.com').notices).toEqual([])
  })

  test('a malformed custom domain is still refused', () => {
    expect(() => parse('registry..example.com')).toThrow(InputError)
  })
})
