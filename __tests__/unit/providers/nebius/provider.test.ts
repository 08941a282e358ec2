import { generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { InputError } from '../../../../src/log/errors.js'
import { createInputReader } from '../../../../src/inputs/reader.js'
import { parseInputs } from '../../../../src/step/parse-step.js'
import { defaultAudience, nebius } from '../../../../src/providers/nebius/index.js'
import { parseNebiusAuth } from '../../../../src/providers/nebius/auth.js'
import { NEBIUS_REGIONS, nebiusRegistryHost } from '../../../../src/providers/nebius/regions.js'
import type { LoginSpec } from '../../../../src/providers/provider.js'
import { testProviderContext, withGithubOidc } from '../../../helpers/contexts.js'
import { captureStdout, type StdoutCapture } from '../../../helpers/stdout.js'
import { thrownInputError } from '../../../helpers/thrown.js'
import { mint } from '../../../../src/providers/index.js'

const SA = 'serviceaccount-e00unit0123456789'
const KID = 'publickey-e00unitkey0123'
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
const creds = (fields: Record<string, unknown> = {}): Record<string, unknown> => ({
  'subject-credentials': { type: 'JWT', alg: 'RS256', 'private-key': rsa, kid: KID, iss: SA, sub: SA, ...fields }
})
const credsText = (fields: Record<string, unknown> = {}): string => JSON.stringify(creds(fields))
const PEM_BODY_LINE = rsa.split('\n')[1] as string

let dir: string
let stdout: StdoutCapture
beforeEach(() => {
  stdout = captureStdout()
  dir = mkdtempSync(path.join(os.tmpdir(), 'nebius-unit-'))
})
afterEach(() => {
  stdout.restore()
  rmSync(dir, { recursive: true, force: true })
})

function plan(values: Record<string, string>): LoginSpec {
  return parseInputs(
    createInputReader(name => values[name] ?? ''),
    RUNNER_OIDC
  ).plan
}

/** A runner step with 'id-token: write' offers these; the token itself comes from each test's context. */
const RUNNER_OIDC = {
  ACTIONS_ID_TOKEN_REQUEST_URL: 'https://pipelines.actions.githubusercontent.com/oidc/token',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token'
}

/** The InputError a set of inputs raises; checks that no secret value leaks into it. */
function inputError(values: Record<string, string>): InputError {
  const error = thrownInputError(() => plan({ provider: 'nebius', region: 'eu-north1', ...values }))
  for (const secret of [rsa, PEM_BODY_LINE, values.token, values['service-account-key'], values['private-key']]) {
    if (secret && secret.length > 12 && !secret.startsWith('/')) expect(error.message).not.toContain(secret)
  }
  return error
}

describe('regions', () => {
  test('the six documented regions, cr.<region>.nebius.cloud', () => {
    expect([...NEBIUS_REGIONS]).toEqual(['eu-north1', 'eu-north2', 'eu-west1', 'me-west1', 'uk-south1', 'us-central1'])
    expect(NEBIUS_REGIONS.map(nebiusRegistryHost)).toEqual([
      'cr.eu-north1.nebius.cloud',
      'cr.eu-north2.nebius.cloud',
      'cr.eu-west1.nebius.cloud',
      'cr.me-west1.nebius.cloud',
      'cr.uk-south1.nebius.cloud',
      'cr.us-central1.nebius.cloud'
    ])
    expect(nebiusRegistryHost(' EU-NORTH1 ')).toBe('cr.eu-north1.nebius.cloud')
  })
  test.each(['', 'eu', 'eu-north3', 'us-north1', 'cr.eu-north1.nebius.cloud', 'us-south'])('%j is not a listed region', name => {
    expect(nebiusRegistryHost(name)).toBeUndefined()
  })
  test('several regions become several registries, duplicates dropped; registry overrides region', () => {
    expect(plan({ provider: 'nebius', region: 'eu-north1, us-central1\neu-north1', token: 'static-key-0123456789' }).registries).toEqual([
      'cr.eu-north1.nebius.cloud',
      'cr.us-central1.nebius.cloud'
    ])
    expect(plan({ provider: 'nebius', registry: 'cr.me-west1.nebius.cloud', token: 'static-key-0123456789' }).registries).toEqual([
      'cr.me-west1.nebius.cloud'
    ])
  })
  test('no region and no registry', () => {
    expect(inputError({ region: '', token: 'static-key-0123456789' }).message).toBe(
      "Input 'region' is empty, and so is 'registry'. Set 'region' to one or more of eu-north1, eu-north2, eu-west1, me-west1, uk-south1, us-central1, or 'registry' to a host such as cr.eu-north1.nebius.cloud."
    )
  })
})

describe('regions beyond the list: an id of the documented shape is used with one notice, a malformed one refused', () => {
  const LISTED = 'eu-north1, eu-north2, eu-west1, me-west1, uk-south1, us-central1'
  const notice = (region: string): string =>
    `'region' has '${region}', which is not in this version's list of regions; using cr.${region}.nebius.cloud. Listed: ${LISTED}. If '${region}' is not a Nebius AI Cloud region, the login fails there; correct 'region'.`
  const parse = (region: string) =>
    parseInputs(
      createInputReader(name => ({ provider: 'nebius', region, token: 'static-key-0123456789' })[name] ?? ''),
      RUNNER_OIDC
    )
  const regionNotices = (region: string) => parse(region).notices.filter(n => n.message.includes("this version's list"))

  test.each([
    // listed: its host, no notice
    { region: 'eu-north1', registries: ['cr.eu-north1.nebius.cloud'], unlisted: [] },
    { region: 'US-CENTRAL1', registries: ['cr.us-central1.nebius.cloud'], unlisted: [] },
    // of the shape <area>-<direction><number>, not listed: cr.<id>.nebius.cloud and one notice each
    { region: 'us-north1', registries: ['cr.us-north1.nebius.cloud'], unlisted: ['us-north1'] },
    { region: 'eu-south12', registries: ['cr.eu-south12.nebius.cloud'], unlisted: ['eu-south12'] },
    { region: 'Us-North1', registries: ['cr.us-north1.nebius.cloud'], unlisted: ['us-north1'] },
    // mixed, the same unlisted one twice: one host and one notice for it
    {
      region: 'eu-north1, us-north1, us-north1',
      registries: ['cr.eu-north1.nebius.cloud', 'cr.us-north1.nebius.cloud'],
      unlisted: ['us-north1']
    },
    {
      region: 'us-north1, ap-east2',
      registries: ['cr.us-north1.nebius.cloud', 'cr.ap-east2.nebius.cloud'],
      unlisted: ['us-north1', 'ap-east2']
    }
  ])('$region: $registries', ({ region, registries, unlisted }) => {
    const inputs = parse(region)
    expect(inputs.plan.registries).toEqual(registries)
    expect(regionNotices(region)).toEqual(unlisted.map(id => ({ level: 'notice', message: notice(id) })))
  })

  test.each([
    'mars-1',
    'eu',
    'eu-north',
    'eu-north-1',
    'eu-north1a',
    'north1',
    '1eu-north1',
    'us_central1',
    'cr.eu-north1.nebius.cloud',
    'eu-north1.example.com',
    `${'a'.repeat(60)}-north1`,
    '-north1'
  ])('%j is refused, naming the input', region => {
    const error = thrownInputError(() => parse(`eu-north1, ${region}`))
    expect(error.message).toBe(
      `Input 'region' has '${region.toLowerCase()}', which is not a Nebius AI Cloud region. Use a region id such as ${LISTED} (<area>-<direction><number>).`
    )
  })

  test("with 'registry' set, 'region' chooses nothing and brings no region notice", () => {
    const inputs = parseInputs(
      createInputReader(
        name =>
          ({ provider: 'nebius', region: 'us-north1', registry: 'cr.us-north1.nebius.cloud', token: 'static-key-0123456789' })[name] ?? ''
      ),
      RUNNER_OIDC
    )
    expect(inputs.plan.registries).toEqual(['cr.us-north1.nebius.cloud'])
    expect(inputs.notices.filter(n => n.message.includes("this version's list"))).toEqual([])
  })

  test('the host allow-list and the region shape agree: every host a region of the shape gives is a Nebius host', () => {
    for (const region of ['us-north1', 'eu-south12', 'ap-east2']) {
      expect(nebius.registryHosts.allows(`cr.${region}.nebius.cloud`)).toBe(true)
    }
    expect(nebius.registryHosts.allows('cr.eu-north-1.nebius.cloud')).toBe(false)
  })
})

describe('auth: auto picks the method from the inputs', () => {
  const parse = (values: Record<string, string>) =>
    parseNebiusAuth(
      createInputReader(name => values[name] ?? ''),
      { regions: [], registries: [], auth: values.auth ?? 'auto', exchange: values.exchange !== 'false' }
    )

  test('service-account-key (JSON text) -> service-account-key, transport auto', () => {
    const auth = parse({ 'service-account-key': credsText() })
    expect(auth).toMatchObject({ kind: 'service-account-key', transport: 'auto', key: { serviceAccountId: SA, publicKeyId: KID } })
  })
  test('service-account-key as a file path; separate fields with the private key as a file or as text with literal \\n', () => {
    const file = path.join(dir, 'credentials.json')
    writeFileSync(file, credsText())
    expect(parse({ 'service-account-key': file })).toMatchObject({ kind: 'service-account-key', key: { serviceAccountId: SA } })
    const pemFile = path.join(dir, 'key.pem')
    writeFileSync(pemFile, rsa)
    expect(parse({ 'service-account-id': SA, 'public-key-id': KID, 'private-key': pemFile, 'token-exchange': 'grpc' })).toMatchObject({
      kind: 'service-account-key',
      transport: 'grpc',
      key: { serviceAccountId: SA, publicKeyId: KID }
    })
    const oneLine = rsa.trim().replace(/\n/g, '\\n')
    expect(parse({ 'service-account-id': SA, 'public-key-id': KID, 'private-key': oneLine })).toMatchObject({ kind: 'service-account-key' })
  })
  test('token -> token; service-account-id alone -> oidc over gRPC', () => {
    expect(parse({ token: 'static-key-0123456789' })).toEqual({ kind: 'token', token: 'static-key-0123456789' })
    expect(parse({ 'service-account-id': SA })).toEqual({ kind: 'oidc', serviceAccountId: SA, audience: undefined, transport: 'grpc' })
    expect(parse({ 'service-account-id': SA, 'token-exchange': 'auto', audience: 'my-aud' })).toEqual({
      kind: 'oidc',
      serviceAccountId: SA,
      audience: 'my-aud',
      transport: 'grpc'
    })
    expect(parse({ 'service-account-id': SA, 'token-exchange': 'http' })).toMatchObject({ kind: 'oidc', transport: 'http' })
  })
  test('explicit auth ignores inputs of other methods', () => {
    expect(parse({ auth: 'token', token: 'static-key-0123456789', 'service-account-id': SA })).toEqual({
      kind: 'token',
      token: 'static-key-0123456789'
    })
    expect(parse({ auth: 'oidc', token: 'static-key-0123456789', 'service-account-id': SA })).toMatchObject({ kind: 'oidc' })
  })
})

describe('input errors name the input and the fix, never the secret', () => {
  test.each<[string, Record<string, string>, string]>([
    [
      'key file and private-key',
      { 'service-account-key': credsText(), 'private-key': rsa },
      "Input 'service-account-key' and input 'private-key' are both set."
    ],
    [
      'key file and public-key-id',
      { 'service-account-key': credsText(), 'public-key-id': KID },
      "Input 'service-account-key' and input 'public-key-id' are both set."
    ],
    [
      'token and key file',
      { token: 'static-key-0123456789', 'service-account-key': credsText() },
      "Input 'token' and input 'service-account-key' are both set. Set only one credential, or choose with 'auth'."
    ],
    [
      'token and private-key',
      { token: 'static-key-0123456789', 'private-key': rsa },
      "Input 'token' and input 'private-key' are both set."
    ],
    [
      'token and service-account-id',
      { token: 'static-key-0123456789', 'service-account-id': SA },
      "Input 'token' and input 'service-account-id' are both set."
    ],
    [
      'auth token without token',
      { auth: 'token' },
      "Input 'token' is empty but 'auth' is token. Pass a Nebius static key (nebius iam static-key issue --service CONTAINER_REGISTRY) or an access token from a secret. The secret it is passed from may be missing or misnamed (a secret that does not exist is empty)."
    ],
    ['auth oidc without service-account-id', { auth: 'oidc' }, "Input 'service-account-id' is empty but 'auth' is oidc."],
    [
      'auth service-account-key without a key',
      { auth: 'service-account-key' },
      "Input 'service-account-key' is empty but 'auth' is service-account-key. Pass the credentials file of 'nebius iam auth-public-key generate' (or its fields in 'service-account-id', 'public-key-id', 'private-key'). The secret it is passed from may be missing or misnamed (a secret that does not exist is empty)."
    ],
    [
      'unknown auth',
      { auth: 'api-key', token: 'x' },
      "Input 'auth' is 'api-key', which Nebius AI Cloud does not support. Use one of: auto, oidc, service-account-key, token, password, runner-identity."
    ],
    [
      'exchange false with a key',
      { 'service-account-key': credsText(), exchange: 'false' },
      "Input 'exchange' is false, but Nebius Container Registry does not take a service-account key as a password."
    ],
    [
      'bad token-exchange',
      { token: 'static-key-0123456789', 'token-exchange': 'rest' },
      "Input 'token-exchange' must be one of auto, http, grpc; got 'rest'."
    ],
    [
      'oidc with a bad service account id',
      { 'service-account-id': 'my-robot' },
      "Input 'service-account-id' is not a service account id. Nebius service account ids look like 'serviceaccount-e00…'"
    ],
    ['audience with white space', { 'service-account-id': SA, audience: 'a b' }, "Input 'audience' contains white space."],
    [
      'key neither JSON nor a file',
      { 'service-account-key': 'not-json-and-no-such-file' },
      "Input 'service-account-key' is neither a credentials JSON nor the path of a file. Pass a credentials JSON itself from a secret, or the path of a file that holds it."
    ],
    ['key invalid JSON', { 'service-account-key': '{"subject-credentials": ' }, "Input 'service-account-key' is not valid JSON."],
    ['no subject-credentials', { 'service-account-key': '{"id":"x"}' }, "Input 'service-account-key' has no 'subject-credentials' object."],
    [
      'type not JWT',
      { 'service-account-key': credsText({ type: 'OAUTH' }) },
      "Input 'service-account-key' has subject-credentials.type 'OAUTH'."
    ],
    [
      'alg not RS256',
      { 'service-account-key': credsText({ alg: 'PS256' }) },
      "Input 'service-account-key' has subject-credentials.alg 'PS256'. Nebius service-account keys use 'RS256'."
    ],
    [
      'no private-key',
      { 'service-account-key': credsText({ 'private-key': '' }) },
      "Input 'service-account-key' has no subject-credentials.private-key."
    ],
    ['no kid', { 'service-account-key': credsText({ kid: undefined }) }, "Input 'service-account-key' has no subject-credentials.kid."],
    ['no iss', { 'service-account-key': credsText({ iss: '' }) }, "Input 'service-account-key' has no subject-credentials.iss."],
    ['no sub', { 'service-account-key': credsText({ sub: 42 }) }, "Input 'service-account-key' has no subject-credentials.sub."],
    [
      'iss differs from sub',
      { 'service-account-key': credsText({ iss: 'serviceaccount-other' }) },
      "Input 'service-account-key' has subject-credentials.iss different from subject-credentials.sub."
    ],
    [
      'sub not a service account',
      { 'service-account-key': credsText({ iss: 'user-1', sub: 'user-1' }) },
      "Input 'service-account-key' has a subject-credentials.sub that is not a service account id."
    ],
    [
      'kid not a key id',
      { 'service-account-key': credsText({ kid: 'key1' }) },
      "Input 'service-account-key' has a subject-credentials.kid that is not a public key id."
    ],
    [
      'private key garbage',
      { 'service-account-key': credsText({ 'private-key': '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----' }) },
      "Input 'service-account-key' has a private key that cannot be read."
    ],
    [
      'private key not RSA',
      { 'service-account-key': credsText({ 'private-key': ec }) },
      "Input 'service-account-key' has a ec private key. Nebius signs service-account JWTs with RS256, so the key must be RSA."
    ],
    [
      'private-key without service-account-id',
      { 'private-key': rsa, 'public-key-id': KID },
      "Input 'service-account-id' is empty, but 'private-key' is set."
    ],
    [
      'private-key without public-key-id',
      { 'private-key': rsa, 'service-account-id': SA },
      "Input 'public-key-id' is empty, but 'private-key' is set."
    ],
    [
      'public-key-id without private-key',
      { 'public-key-id': KID, 'service-account-id': SA },
      "Input 'private-key' is empty, but 'public-key-id' is set. Pass the PEM private key from a secret. The secret it is passed from may be missing or misnamed (a secret that does not exist is empty)."
    ],
    [
      'bad public-key-id',
      { 'public-key-id': 'kid-1', 'service-account-id': SA, 'private-key': rsa },
      "Input 'public-key-id' is not a public key id."
    ],
    [
      'bad service-account-id with fields',
      { 'public-key-id': KID, 'service-account-id': 'sa-1', 'private-key': rsa },
      "Input 'service-account-id' is not a service account id."
    ],
    [
      'private-key neither PEM nor file',
      { 'public-key-id': KID, 'service-account-id': SA, 'private-key': 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC' },
      "Input 'private-key' is neither a PEM private key nor the path of a file."
    ],
    [
      'private-key PEM garbage',
      { 'public-key-id': KID, 'service-account-id': SA, 'private-key': '-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----' },
      "Input 'private-key' has a private key that cannot be read."
    ]
  ])('%s', (_name, values, expected) => {
    expect(inputError(values).message.startsWith(expected)).toBe(true)
  })

  test('a directory is not a key file', () => {
    expect(inputError({ 'service-account-key': dir }).message).toMatch(
      new RegExp(`^Input 'service-account-key' names '${dir}', which is a directory, not a file\\.`)
    )
  })

  test('a key read from a file is masked, line by line', () => {
    // A key no earlier test has masked (masking is once per value per process).
    const fresh = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
    const file = path.join(dir, 'credentials.json')
    writeFileSync(file, credsText({ 'private-key': fresh }))
    plan({ provider: 'nebius', region: 'eu-north1', 'service-account-key': file })
    expect(stdout.text()).toContain(`::add-mask::${fresh.split('\n')[1] as string}`)
  })
})

describe('plans and credentials', () => {
  test('token: iam + the token for every registry, no call, no expiry', async () => {
    const p = plan({ provider: 'nebius', region: 'eu-north1, uk-south1', token: 'static-key-0123456789' })
    expect(p.method).toBe('static key or access token (iam)')
    expect(await mint(p, testProviderContext({}))).toEqual([
      { registry: 'cr.eu-north1.nebius.cloud', username: 'iam', password: 'static-key-0123456789' },
      { registry: 'cr.uk-south1.nebius.cloud', username: 'iam', password: 'static-key-0123456789' }
    ])
  })

  test('method names say the transport', () => {
    expect(plan({ provider: 'nebius', region: 'eu-north1', 'service-account-key': credsText() }).method).toBe(
      'service-account key exchanged for an access token over HTTPS, gRPC as fallback (iam)'
    )
    expect(plan({ provider: 'nebius', region: 'eu-north1', 'service-account-key': credsText(), 'token-exchange': 'http' }).method).toBe(
      'service-account key exchanged for an access token over HTTPS (iam)'
    )
    expect(plan({ provider: 'nebius', region: 'eu-north1', 'service-account-id': SA }).method).toBe(
      'federated credentials: GitHub OIDC token exchanged for an access token over gRPC (iam)'
    )
  })

  test('oidc asks GitHub for the default audience https://github.com/<owner>, or the audience input', async () => {
    const ctx = withGithubOidc(
      testProviderContext({ GITHUB_REPOSITORY_OWNER: 'acme', REGISTRY_LOGIN_ENDPOINT_NEBIUS_TOKEN_GRPC: 'http://127.0.0.1:1' }),
      () => {
        throw new Error('stop here')
      }
    )
    await expect(mint(plan({ provider: 'nebius', region: 'eu-north1', 'service-account-id': SA }), ctx)).rejects.toThrow('stop here')
    await expect(
      mint(plan({ provider: 'nebius', region: 'eu-north1', 'service-account-id': SA, audience: 'custom' }), ctx)
    ).rejects.toThrow('stop here')
    expect(ctx.audiences).toEqual(['https://github.com/acme', 'custom'])
    expect(nebius.authMethods).toEqual(['oidc', 'service-account-key', 'token', 'password', 'runner-identity'])
  })

  test('defaultAudience: GitHub Enterprise server URL, owner from GITHUB_REPOSITORY, and a warned fallback', () => {
    const warnings: string[] = []
    const warn = (m: string): void => void warnings.push(m)
    expect(defaultAudience({ GITHUB_SERVER_URL: 'https://ghe.example.com/', GITHUB_REPOSITORY_OWNER: 'corp' }, warn)).toBe(
      'https://ghe.example.com/corp'
    )
    expect(defaultAudience({ GITHUB_REPOSITORY: 'octo/repo' }, warn)).toBe('https://github.com/octo')
    expect(warnings).toEqual([])
    expect(defaultAudience({}, warn)).toBe('https://github.com')
    expect(warnings[0]).toMatch(/GITHUB_REPOSITORY_OWNER.*Set 'audience'/)
  })
})
