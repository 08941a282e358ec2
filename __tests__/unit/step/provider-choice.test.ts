// Issue #19: a drop-in for docker/login-action. With 'provider' empty the cloud is read from the 'registry' hosts;
// a host no cloud claims, or hosts of two clouds, need 'provider', with an error that says so.
import { PROVIDER_IDS } from '../../../src/types.js'
import { providers } from '../../../src/providers/index.js'
import { createInputReader } from '../../../src/inputs/reader.js'
import { parseInputs, type Inputs } from '../../../src/step/parse-step.js'
import { cloudOfHost } from '../../../src/step/provider-choice.js'
import { captureStdout, type StdoutCapture } from '../../helpers/stdout.js'
import { thrownInputError } from '../../helpers/thrown.js'

let stdout: StdoutCapture
beforeEach(() => {
  stdout = captureStdout()
})
afterEach(() => stdout.restore())

const parse = (values: Record<string, string>): Inputs => parseInputs(createInputReader(name => values[name] ?? ''))
const info = (inputs: Inputs): string[] => inputs.notices.filter(n => n.level === 'info').map(n => n.message)

describe("a docker/login-action step (registry, username, password) works with only its 'uses:' line changed", () => {
  test.each([
    [
      'Yandex Cloud Registry, an OAuth token',
      { registry: 'registry.yandexcloud.net', username: 'oauth', password: 'y0_drop-in-oauth-token-0123456789' },
      'yandex',
      'oauth-token',
      "Input 'provider' is empty: registry.yandexcloud.net is Yandex Cloud's, so the provider is yandex."
    ],
    [
      'Yandex Container Registry, an IAM token',
      { registry: 'cr.yandex', username: 'iam', password: 't1.drop-in-iam-token-0123456789' },
      'yandex',
      'token',
      "Input 'provider' is empty: cr.yandex is Yandex Cloud's, so the provider is yandex."
    ],
    [
      'IBM, an API key',
      { registry: 'us.icr.io', username: 'iamapikey', password: 'ibm-drop-in-api-key-0123456789abcdef' },
      'ibm',
      'api-key',
      "Input 'provider' is empty: us.icr.io is IBM Cloud's, so the provider is ibm."
    ],
    [
      'Nebius, a static key',
      { registry: 'cr.eu-north1.nebius.cloud', username: 'iam', password: 'v1.drop-in-nebius-static-key-0123456789' },
      'nebius',
      'token',
      "Input 'provider' is empty: cr.eu-north1.nebius.cloud is Nebius AI Cloud's, so the provider is nebius."
    ],
    [
      'Alibaba Personal Edition, the access credential',
      { registry: 'registry.cn-hangzhou.aliyuncs.com', username: 'ci@1234567890', password: 'drop-in-instance-password' },
      'alibaba',
      'password',
      "Input 'provider' is empty: registry.cn-hangzhou.aliyuncs.com is Alibaba Cloud's, so the provider is alibaba."
    ],
    [
      'two hosts of one cloud, one with a namespace',
      { registry: 'https://us.icr.io/acme\nde.icr.io', username: 'iamapikey', password: 'ibm-drop-in-api-key-0123456789abcdef' },
      'ibm',
      'api-key',
      "Input 'provider' is empty: us.icr.io, de.icr.io are IBM Cloud's, so the provider is ibm."
    ]
  ])('%s', (_name, values, provider, auth, notice) => {
    const inputs = parse(values)
    expect(inputs.provider).toBe(provider)
    expect(inputs.plan.provider).toBe(provider)
    expect(inputs.plan.data.kind).toBe(auth)
    expect(info(inputs)).toEqual([notice])
  })

  test("with 'provider' set, nothing is said about it", () => {
    const inputs = parse({
      provider: 'ibm',
      registry: 'us.icr.io',
      username: 'iamapikey',
      password: 'ibm-drop-in-api-key-0123456789abcdef'
    })
    expect(info(inputs)).toEqual([])
  })
})

describe("where the hosts do not say one cloud, 'provider' is asked for by name", () => {
  const ONE_OF = 'Set it to one of: alibaba, ibm, nebius, yandex.'
  test.each([
    [
      'no registry',
      { username: 'iamapikey', password: 'ibm-drop-in-api-key-0123456789abcdef' },
      `Input 'provider' is empty, and so is 'registry', so the cloud is unknown. ${ONE_OF} (With 'registry' set to the cloud's registry host, as in a docker/login-action step, 'provider' may be left out.)`
    ],
    [
      'an Alibaba custom domain',
      { registry: 'registry.example.com', username: 'ci@1234567890', password: 'drop-in-instance-password' },
      `Input 'provider' is empty, and 'registry' has 'registry.example.com', which is no cloud's own registry host (a custom domain, or a typo), so the cloud is unknown. ${ONE_OF}`
    ],
    [
      'Docker Hub',
      { registry: 'docker.io', username: 'octocat', password: 'dckr_pat_drop-in' },
      `Input 'provider' is empty, and 'registry' has 'docker.io', which is no cloud's own registry host (a custom domain, or a typo), so the cloud is unknown. ${ONE_OF}`
    ],
    [
      'hosts of two clouds',
      { registry: 'us.icr.io, cr.yandex', username: 'iamapikey', password: 'ibm-drop-in-api-key-0123456789abcdef' },
      "Input 'provider' is empty, and 'registry' has hosts of 2 clouds (us.icr.io: ibm, cr.yandex: yandex), so the cloud is unknown. One step logs into one cloud: set 'provider', and give each cloud's hosts a step of its own."
    ]
  ])('%s', (_name, values, message) => {
    const error = thrownInputError(() => parse(values))
    expect(error.input).toBe('provider')
    expect(error.message).toBe(message)
    expect(error.message).not.toContain(values.password)
  })

  test("a lookalike host is no cloud's", () => {
    expect(cloudOfHost('us.icr.io.evil.example.com')).toBeUndefined()
    expect(cloudOfHost('cr.yandex.evil.example.com')).toBeUndefined()
    expect(cloudOfHost('us.icr.io')).toBe('ibm')
  })

  test('an unknown provider is still refused by name', () => {
    expect(thrownInputError(() => parse({ provider: 'aws', registry: 'us.icr.io' })).message).toBe(
      "Input 'provider' is 'aws', which is not a supported cloud. Use one of: alibaba, ibm, nebius, yandex."
    )
  })
})

test("each cloud's hosts are claimed by that cloud alone, so the hosts decide the cloud unambiguously", () => {
  const samples: Record<string, string[]> = {
    yandex: ['registry.yandexcloud.net', 'registry.pe.yandexcloud.net', 'cr.yandex'],
    ibm: ['us.icr.io', 'icr.io', 'private.de.icr.io'],
    nebius: ['cr.eu-north1.nebius.cloud', 'cr.us-central1.nebius.cloud'],
    alibaba: [
      'registry.cn-hangzhou.aliyuncs.com',
      'acme-registry.cn-shanghai.cr.aliyuncs.com',
      'crpi-abc123.cn-beijing.personal.cr.aliyuncs.com'
    ]
  }
  for (const [cloud, hosts] of Object.entries(samples)) {
    for (const host of hosts) {
      expect(PROVIDER_IDS.filter(id => providers[id].registryHosts.allows(host))).toEqual([cloud])
    }
  }
})
