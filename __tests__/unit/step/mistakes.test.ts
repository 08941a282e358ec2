// The usual mistakes of #19, each through the real parse step with the real inputs: the exact first error line, or the login it makes.
import { InputError } from '../../../src/log/errors.js'
import { createInputReader } from '../../../src/inputs/reader.js'
import { parseInputs, type Inputs } from '../../../src/step/parse-step.js'
import { captureStdout, type StdoutCapture } from '../../helpers/stdout.js'

const TOKEN = 'eyJ-iam-token-Pm4Gc6Jf1Ua9Xe3Wq7'
const AK_ID = 'LTAI5tMistakesTest0001'
const AK_SECRET = 'mistakes-test-ak-secret-30chrs'

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
