/**
 * The registry-login steps the README, the guides and the example workflows show are steps the action accepts:
 * each `with:` is parsed exactly as the action parses its inputs (secrets and expressions replaced by values of
 * the right shape), without an error and without an "ignored input" warning; in a complete job, every image it
 * pushes goes to a host its login steps logged into, and a keyless login has `id-token: write`.
 */
import { generateKeyPairSync } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { markdownFiles, yamlBlocks } from '../../scripts/doc-blocks.mjs'
import { createInputReader } from '../../src/inputs/reader.js'
import { parseRegistry, registryHost } from '../../src/inputs/registry-hosts.js'
import { cloudOfHost } from '../../src/step/provider-choice.js'
import { parseInputs, type Inputs } from '../../src/step/parse-step.js'
import { captureStdout, type StdoutCapture } from '../helpers/stdout.js'

type Json = Record<string, unknown>
interface Found {
  source: string
  with: Json
  /** The complete workflow's job the step is in, with the workflow's permissions. */
  job?: { name: string; value: Json; workflowPermissions: unknown }
}

const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
const YANDEX_KEY = (serviceAccountId: string): string =>
  JSON.stringify({
    id: 'ajekeyid1234567890ab',
    service_account_id: serviceAccountId,
    key_algorithm: 'RSA_2048',
    private_key: `PLEASE DO NOT REMOVE THIS LINE! Yandex.Cloud SA Key ID ajekeyid1234567890ab\n${pem}`
  })
const NEBIUS_SA = 'serviceaccount-e00fakefakefake0001'
const NEBIUS_KEY = JSON.stringify({
  'subject-credentials': {
    type: 'JWT',
    alg: 'RS256',
    'private-key': pem,
    kid: 'publickey-e00fakefakefake0002',
    iss: NEBIUS_SA,
    sub: NEBIUS_SA
  }
})
const IBM_API_KEY = 'Zq9xWv3Lk7Tn0Rb5Hs2Dy8Pm4Gc6Jf1Ua9Xe3Wq7AbcD'
const YANDEX_IAM = 't1.9euelZqWj5GOlc2Sks7Ix5GVmc-Kie3rnpWak5DOnsyPz5PJjpqNy5XKyA'
const REGIONS: Json = { ibm: 'us-south', nebius: 'eu-north1', alibaba: 'cn-hangzhou', yandex: '' }

/** The step's cloud: its 'provider', or (a docker/login-action step) the cloud of its first 'registry' host. */
function providerOf(values: Json): string {
  if (values.provider !== undefined) return String(values.provider)
  const first =
    String(values.registry ?? '')
      .split(/[,\n]/)[0]
      ?.trim() ?? ''
  return cloudOfHost(registryHost(parseRegistry(first))) ?? 'undefined'
}

/** A value of the right shape for an input whose value is an expression (a secret, an earlier step's output, a matrix). */
function fake(input: string, values: Json): string {
  const provider = providerOf(values)
  const username = String(values.username ?? '')
  switch (input) {
    case 'api-key':
      return provider === 'ibm' ? IBM_API_KEY : 'AQVN2zFakeYandexApiKeySecret0123456789ab'
    case 'token':
      return provider === 'yandex'
        ? YANDEX_IAM
        : provider === 'nebius'
          ? 'v1.CmFakeNebiusStaticKey0123456789'
          : 'eyJraWQiOiJmYWtlIn0.fake.ibm-iam-token'
    case 'service-account-key':
      return provider === 'nebius' ? NEBIUS_KEY : YANDEX_KEY(String(values['service-account-id'] ?? 'ajesa1234567890abcde'))
    case 'private-key':
      return pem
    case 'oauth-token':
      return 'y0_AgAAAAFakeYandexOauthToken0123456789'
    case 'access-key-id':
      return 'LTAI5tFakeAccessKeyId01234'
    case 'access-key-secret':
      return 'FakeAccessKeySecret0123456789ab'
    case 'security-token':
      return 'CAISFakeStsSecurityToken0123456789'
    case 'region':
      return String(REGIONS[provider] ?? '')
    case 'password':
      if (provider === 'ibm') return username === 'iambearer' ? 'eyJraWQiOiJmYWtlIn0.fake.ibm-iam-token' : IBM_API_KEY
      if (provider === 'yandex') return username === 'json_key' ? YANDEX_KEY('ajesa1234567890abcde') : YANDEX_IAM
      return 'Fake-Registry-Password-0123'
    default:
      throw new Error(`no fake value for input '${input}' (${provider}): add one to doc-steps.test.ts`)
  }
}

/** Every registry-login step in a parsed YAML value, with its job when the value is a complete workflow. */
function stepsIn(source: string, doc: unknown): Found[] {
  const found: Found[] = []
  const walk = (value: unknown, job?: Found['job']): void => {
    if (Array.isArray(value)) return value.forEach(item => walk(item, job))
    if (!value || typeof value !== 'object') return
    const object = value as Json
    // A bare `uses:` line (how to reference a version) has no inputs to check; any step with `with:` is checked.
    if (typeof object.uses === 'string' && object.uses.startsWith('registry-login/registry-login@') && object.with) {
      found.push({ source, with: object.with as Json, ...(job ? { job } : {}) })
    }
    for (const item of Object.values(object)) walk(item, job)
  }
  const workflow = doc as Json | null
  if (workflow && typeof workflow === 'object' && workflow.jobs && typeof workflow.jobs === 'object') {
    for (const [name, job] of Object.entries(workflow.jobs as Json)) {
      walk(job, { name, value: job as Json, workflowPermissions: workflow.permissions })
    }
  } else walk(doc)
  return found
}

const sources: Array<{ source: string; text: string }> = [
  ...markdownFiles().flatMap((file: string) =>
    yamlBlocks(readFileSync(file, 'utf8')).map((block: { line: number; text: string }) => ({
      source: `${file}:${block.line}`,
      text: block.text
    }))
  ),
  ...readdirSync('docs/examples')
    .filter(name => name.endsWith('.yml'))
    .map(name => ({ source: `docs/examples/${name}`, text: readFileSync(`docs/examples/${name}`, 'utf8') }))
]
const steps = sources.flatMap(({ source, text }) => stepsIn(source, parse(text)))

let stdout: StdoutCapture
beforeEach(() => {
  stdout = captureStdout()
})
afterEach(() => stdout.restore())

const ENV = {
  ACTIONS_ID_TOKEN_REQUEST_URL: 'https://pipelines.example/idtoken',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_REPOSITORY: 'acme/app',
  GITHUB_REPOSITORY_OWNER: 'acme'
}

/** The step's inputs parsed as the action parses them: expressions replaced by fakes of the right shape. */
function parseStepOf(step: Found): Inputs {
  const values: Json = { ...step.with }
  for (const [name, value] of Object.entries(values)) {
    if (typeof value === 'string' && value.includes('${{')) values[name] = fake(name, values)
  }
  return parseInputs(
    createInputReader(name => (values[name] === undefined ? '' : String(values[name]))),
    ENV
  )
}

test('the docs show registry-login steps for every cloud, in complete jobs and fragments', () => {
  const providers = new Set(steps.map(step => providerOf(step.with)))
  expect([...providers].sort()).toEqual(['alibaba', 'ibm', 'nebius', 'yandex'])
  const readmeJobs = steps.filter(step => step.source.startsWith('README.md') && step.job)
  expect(new Set(readmeJobs.map(step => providerOf(step.with)))).toEqual(new Set(['alibaba', 'ibm', 'nebius', 'yandex']))
  expect(steps.length).toBeGreaterThanOrEqual(30)
})

test.each(steps.map(step => [`${step.source} (${providerOf(step.with)})`, step] as const))(
  '%s: the action accepts its inputs, with no ignored input',
  (_name, step) => {
    const inputs = parseStepOf(step)
    expect(inputs.notices.filter(notice => notice.level === 'warning')).toEqual([])
  }
)

/** Image references in a job's env and run scripts: a registry host of one of the four clouds, then a path. */
const IMAGE = /([a-z0-9][a-z0-9.-]*\.(?:icr\.io|nebius\.cloud|yandexcloud\.net|aliyuncs\.com)|cr\.yandex)\/([^\s"'`]*)/g

/**
 * What is wrong with one complete job of the docs: an image pushed to a host none of its login steps logged into;
 * a Nebius image path that keeps the registry id's "registry-" prefix; a keyless login without `id-token: write`;
 * and, with `strict` (the README's jobs), an `id-token: write` that no keyless login needs.
 */
function jobProblems(job: NonNullable<Found['job']>, logins: Inputs[], strict: boolean): string[] {
  const problems: string[] = []
  const hosts = new Set(logins.flatMap(inputs => inputs.plan.registries.map(registryHost)))
  for (const [, host = '', path = ''] of JSON.stringify({ env: job.value.env, steps: job.value.steps }).matchAll(IMAGE)) {
    if (!hosts.has(host)) problems.push(`pushes to ${host}, which no login step of the job logged into`)
    if (host.endsWith('.nebius.cloud') && path.startsWith('registry-'))
      problems.push(`${host}/${path}: the path is the registry id without "registry-"`)
  }
  const keyless = logins.some(inputs => inputs.plan.auth === 'oidc')
  const idToken = ((job.value.permissions ?? job.workflowPermissions ?? {}) as Json)['id-token']
  if (keyless && idToken !== 'write') problems.push('a keyless login without permissions id-token: write')
  if (!keyless && strict && idToken !== undefined) problems.push('id-token permission without a keyless login')
  return problems
}

const jobs = [...new Map(steps.filter(step => step.job).map(step => [`${step.source}#${step.job?.name}`, step])).entries()]

test.each(jobs)('%s: pushes only where it logged in, and asks for id-token: write exactly when a login is keyless', (key, sample) => {
  const job = sample.job as NonNullable<Found['job']>
  const logins = steps.filter(step => step.source === sample.source && step.job?.name === job.name).map(parseStepOf)
  expect({ key, problems: jobProblems(job, logins, sample.source.startsWith('README.md')) }).toEqual({ key, problems: [] })
})

test('the job check is live: a push to another host, a registry- path, and the wrong id-token each fail it', () => {
  const workflow = (provider: Json, permissions: Json, image: string): unknown =>
    parse(
      JSON.stringify({
        on: 'push',
        jobs: {
          push: {
            'runs-on': 'ubuntu-latest',
            permissions,
            steps: [{ uses: 'registry-login/registry-login@v1', with: provider }, { run: `docker push ${image}` }]
          }
        }
      })
    )
  const problemsOf = (doc: unknown): string[] => {
    const [step] = stepsIn('synthetic', doc)
    if (!step?.job) throw new Error('no job found')
    return jobProblems(step.job, [parseStepOf(step)], true)
  }
  const nebius = { provider: 'nebius', region: 'eu-north1', 'service-account-id': 'serviceaccount-e00abc' }
  expect(problemsOf(workflow(nebius, {}, 'cr.eu-north1.nebius.cloud/registry-e00abc/app:1'))).toEqual([
    'cr.eu-north1.nebius.cloud/registry-e00abc/app:1: the path is the registry id without "registry-"',
    'a keyless login without permissions id-token: write'
  ])
  const ibm = { provider: 'ibm', region: 'us-south', 'api-key': '${{ secrets.IBM_CLOUD_API_KEY }}' }
  expect(problemsOf(workflow(ibm, { 'id-token': 'write' }, 'de.icr.io/acme/app:1'))).toEqual([
    'pushes to de.icr.io, which no login step of the job logged into',
    'id-token permission without a keyless login'
  ])
  expect(problemsOf(workflow(ibm, { contents: 'read' }, 'us.icr.io/acme/app:1'))).toEqual([])
})
