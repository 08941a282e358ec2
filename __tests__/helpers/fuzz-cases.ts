// The fuzz suite's cases, generated from tables: one table per category of issue #9.
import { generateKeyPairSync } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { FuzzCase } from './fuzz-run.js'
import { DEPENDABOT_ENV, forkPullRequestEnv } from './events.js'

const rsaPem = (): string =>
  generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
const PEM = rsaPem()
const YANDEX_KEY = JSON.stringify({
  id: 'ajekeyfuzz0123456789',
  service_account_id: 'ajesafuzz01234567890',
  created_at: '2030-01-01T00:00:00Z',
  key_algorithm: 'RSA_2048',
  public_key: '',
  private_key: PEM
})
const NEBIUS_SA = 'serviceaccount-e00fuzz0123456789'
const NEBIUS_KID = 'publickey-e00fuzzkey0123'
const NEBIUS_CREDS = JSON.stringify({
  'subject-credentials': { type: 'JWT', alg: 'RS256', 'private-key': PEM, kid: NEBIUS_KID, iss: NEBIUS_SA, sub: NEBIUS_SA }
})
const ARN = { 'role-arn': 'acs:ram::1234567890123456:role/ci', 'oidc-provider-arn': 'acs:ram::1234567890123456:oidc-provider/github' }

type Inputs = Record<string, string>

/** Every auth method of every cloud, with a well-formed credential, and the cloud's own host. */
export const METHODS: Array<{ provider: string; method: string; inputs: Inputs; own: string }> = [
  { provider: 'ibm', method: 'api-key', inputs: { 'api-key': 'ibm-apikey-fuzz-0123456789abcdef' }, own: 'us.icr.io' },
  {
    provider: 'ibm',
    method: 'api-key, exchange false',
    inputs: { 'api-key': 'ibm-apikey-fuzz-0123456789abcdef', exchange: 'false' },
    own: 'us.icr.io'
  },
  { provider: 'ibm', method: 'token', inputs: { token: 'ibm-iam-token-fuzz-0123456789' }, own: 'de.icr.io' },
  { provider: 'yandex', method: 'oidc', inputs: { 'service-account-id': 'ajesafuzz01234567890' }, own: 'registry.yandexcloud.net' },
  { provider: 'yandex', method: 'service-account-key', inputs: { 'service-account-key': YANDEX_KEY }, own: 'registry.yandexcloud.net' },
  {
    provider: 'yandex',
    method: 'service-account-key, exchange false',
    inputs: { 'service-account-key': YANDEX_KEY, exchange: 'false' },
    own: 'cr.yandex'
  },
  { provider: 'yandex', method: 'token', inputs: { token: 't1.fuzz-iam-token-0123456789' }, own: 'registry.yandexcloud.net' },
  { provider: 'yandex', method: 'oauth-token', inputs: { 'oauth-token': 'y0_fuzz-oauth-token-0123456789' }, own: 'cr.yandex' },
  {
    provider: 'yandex',
    method: 'oauth-token, exchange false',
    inputs: { 'oauth-token': 'y0_fuzz-oauth-token-0123456789', exchange: 'false' },
    own: 'cr.yandex'
  },
  { provider: 'yandex', method: 'api-key', inputs: { 'api-key': 'AQVNfuzz-api-key-0123456789' }, own: 'registry.pe.yandexcloud.net' },
  { provider: 'nebius', method: 'oidc', inputs: { 'service-account-id': NEBIUS_SA }, own: 'cr.eu-north1.nebius.cloud' },
  { provider: 'nebius', method: 'service-account-key', inputs: { 'service-account-key': NEBIUS_CREDS }, own: 'cr.eu-north1.nebius.cloud' },
  {
    provider: 'nebius',
    method: 'key fields',
    inputs: { 'service-account-id': NEBIUS_SA, 'public-key-id': NEBIUS_KID, 'private-key': PEM },
    own: 'cr.us-central1.nebius.cloud'
  },
  { provider: 'nebius', method: 'token', inputs: { token: 'v1.fuzz-static-key-0123456789' }, own: 'cr.eu-west1.nebius.cloud' },
  // username + password that name a cloud credential (static logins): the cloud's hosts only.
  {
    provider: 'ibm',
    method: 'username iamapikey',
    inputs: { username: 'iamapikey', password: 'ibm-apikey-fuzz-0123456789abcdef' },
    own: 'us.icr.io'
  },
  {
    provider: 'yandex',
    method: 'username api_key',
    inputs: { username: 'api_key', password: 'AQVNfuzz-api-key-0123456789' },
    own: 'registry.yandexcloud.net'
  },
  {
    provider: 'nebius',
    method: 'username iam',
    inputs: { username: 'iam', password: 'v1.fuzz-static-key-0123456789' },
    own: 'cr.eu-north1.nebius.cloud'
  },
  {
    provider: 'alibaba',
    method: 'access-key',
    inputs: { 'access-key-id': 'LTAIfuzz0123456789', 'access-key-secret': 'fuzz-ak-secret-0123456789', 'instance-id': 'cri-fuzz0123' },
    own: 'registry.cn-hangzhou.aliyuncs.com'
  },
  {
    provider: 'alibaba',
    method: 'sts access-key',
    inputs: {
      'access-key-id': 'STS.fuzz0123456789',
      'access-key-secret': 'fuzz-sts-secret-0123456789',
      'security-token': 'fuzz-sts-token-0123456789',
      'instance-id': 'cri-fuzz0123'
    },
    own: 'registry.cn-shanghai.aliyuncs.com'
  },
  {
    provider: 'alibaba',
    method: 'oidc',
    inputs: { ...ARN, 'instance-id': 'cri-fuzz0123' },
    own: 'acme-registry.cn-hangzhou.cr.aliyuncs.com'
  }
]

/** Hosts no cloud credential may reach: lookalikes of every cloud, loopback, metadata, private and foreign hosts. */
const FOREIGN = [
  'us.icr.io.evil.example.com',
  'registry.yandexcloud.net.evil.example',
  'cr.eu-north1.nebius.cloud.evil.example.com',
  'registry.cn-hangzhou.aliyuncs.com.evil.example',
  'localhost',
  'localhost:5000/ns',
  '127.0.0.1',
  '169.254.169.254',
  'https://169.254.169.254/latest',
  '10.0.0.1:443',
  'evil.example.com',
  'https://evil.example.com/ns/app'
]

/** Registry values that are not a registry address at all. */
const MALFORMED_HOSTS = [
  'http://us.icr.io',
  'oci://us.icr.io',
  'ftp://us.icr.io',
  'file:///etc/passwd',
  'user@us.icr.io',
  'https://u:p@us.icr.io',
  'us.icr.io?x=1',
  'us.icr.io#f',
  'us..icr.io',
  '.us.icr.io',
  'us.icr.io.',
  '-us.icr.io',
  'us_x.icr.io',
  '[::1]:5000',
  'us.icr.io:99999',
  'us.icr.io:65536',
  'us.icr.io:0',
  'us.icr.io:',
  'us.icr.io:port',
  'us.icr.io/../evil',
  'us.icr.io/./ns',
  'us.icr.io//ns',
  'us.icr.io/ns/%2e%2e',
  'us.icr.io/ns\\app',
  `${'a'.repeat(64)}.icr.io`,
  `${'abcdefghi.'.repeat(26)}io`,
  'not a host',
  'us.icr.io/NS WITH SPACE',
  'https://',
  ':443'
]

/** Strings that try to write workflow commands, break lines or colour the log. */
const INJECTIONS = [
  'x\n::warning::INJECTED-warning',
  'x\n::add-mask::INJECTED-mask',
  'x\n::stop-commands::INJECTED-stop',
  'x\r::warning::INJECTED-cr',
  'x\r\n::error file=INJECTED::y',
  'x\n##[error]INJECTED-hash',
  '\u001b[31mINJECTED-ansi\u001b[0m\u001b]0;title\u0007',
  'x\u2028::warning::INJECTED-ls'
]

const BIG = `${'A'.repeat(60_000)}\n::warning::INJECTED-big\n${'B'.repeat(60_000)}`

/** A valid base for each non-secret input that gets a hostile value, and the input the error must name. */
const HOSTILE_TARGETS: Array<{ input: string; base: Inputs; names?: string }> = [
  { input: 'provider', base: { token: 'ibm-iam-token-fuzz-0123456789', region: 'us' } },
  { input: 'region', base: { provider: 'ibm', token: 'ibm-iam-token-fuzz-0123456789' } },
  { input: 'registry', base: { provider: 'ibm', token: 'ibm-iam-token-fuzz-0123456789' } },
  { input: 'clients', base: { provider: 'ibm', token: 'ibm-iam-token-fuzz-0123456789', region: 'us' } },
  { input: 'auth', base: { provider: 'ibm', token: 'ibm-iam-token-fuzz-0123456789', region: 'us' } },
  { input: 'logout', base: { provider: 'ibm', token: 'ibm-iam-token-fuzz-0123456789', region: 'us' } },
  { input: 'exchange', base: { provider: 'ibm', 'api-key': 'ibm-apikey-fuzz-0123456789abcdef', region: 'us' } },
  { input: 'duration-seconds', base: { provider: 'alibaba', ...ARN, registry: 'registry.cn-hangzhou.aliyuncs.com' } },
  { input: 'token-exchange', base: { provider: 'nebius', token: 'v1.fuzz-static-key-0123456789', region: 'eu-north1' } },
  { input: 'service-account-id', base: { provider: 'yandex' } },
  {
    input: 'role-arn',
    base: { provider: 'alibaba', 'oidc-provider-arn': ARN['oidc-provider-arn'], registry: 'registry.cn-hangzhou.aliyuncs.com' }
  },
  {
    input: 'instance-id',
    base: {
      provider: 'alibaba',
      'access-key-id': 'LTAIfuzz0123456789',
      'access-key-secret': 'fuzz-ak-secret-0123456789',
      registry: 'registry.cn-hangzhou.aliyuncs.com'
    }
  },
  {
    input: 'instance-name',
    base: {
      provider: 'alibaba',
      'access-key-id': 'LTAIfuzz0123456789',
      'access-key-secret': 'fuzz-ak-secret-0123456789',
      'instance-id': 'cri-fuzz0123',
      region: 'cn-hangzhou'
    }
  },
  { input: 'role-session-name', base: { provider: 'alibaba', ...ARN, registry: 'registry.cn-hangzhou.aliyuncs.com' } },
  {
    input: 'access-key-id',
    base: { provider: 'alibaba', 'access-key-secret': 'fuzz-ak-secret-0123456789', registry: 'registry.cn-hangzhou.aliyuncs.com' }
  },
  { input: 'public-key-id', base: { provider: 'nebius', 'service-account-id': NEBIUS_SA, 'private-key': PEM, region: 'eu-north1' } },
  { input: 'audience', base: { provider: 'nebius', 'service-account-id': NEBIUS_SA, region: 'eu-north1' } },
  {
    input: 'username',
    base: { provider: 'alibaba', password: 'fuzz-instance-password-0123', registry: 'registry.cn-hangzhou.aliyuncs.com' }
  }
]

/** Secret inputs carrying hostile values, sent to a foreign host (refused: the value must never show). */
const HOSTILE_SECRETS: Array<{ input: string; base: Inputs }> = [
  { input: 'token', base: { provider: 'ibm' } },
  { input: 'api-key', base: { provider: 'yandex' } },
  { input: 'token', base: { provider: 'nebius' } },
  { input: 'access-key-secret', base: { provider: 'alibaba', 'access-key-id': 'LTAIfuzz0123456789', 'instance-id': 'cri-fuzz0123' } }
]

/** Key-file paths that cannot be read, made once per run under `dir`. */
export function keyFileFixtures(dir: string): Array<{ name: string; path: string; shows: string }> {
  mkdirSync(path.join(dir, 'a-directory'), { recursive: true })
  const loop = path.join(dir, 'loop-a.json')
  symlinkSync(path.join(dir, 'loop-b.json'), loop)
  symlinkSync(loop, path.join(dir, 'loop-b.json'))
  writeFileSync(path.join(dir, 'plain-file'), 'not a directory')
  const fifo = path.join(dir, 'key.fifo')
  execFileSync('mkfifo', [fifo])
  return [
    { name: 'missing file', path: path.join(dir, 'missing-key.json'), shows: 'which does not exist' },
    { name: 'missing relative file', path: 'no-such-key.json', shows: 'which does not exist' },
    { name: 'directory', path: path.join(dir, 'a-directory'), shows: 'which is a directory' },
    { name: 'symlink loop', path: loop, shows: 'a symbolic link that loops' },
    { name: 'path through a file', path: path.join(dir, 'plain-file', 'key.json'), shows: 'but a part of that path is not a directory' },
    { name: 'fifo', path: fifo, shows: 'which is not a regular file' },
    { name: 'character device', path: '/dev/zero', shows: 'which is not a regular file' }
  ]
}

/** Names a plain object inherits: as a lookup key they must be unknown values like any other (#21). */
export const HOSTILE_KEYS = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'Constructor', '__PROTO__']

/** The clouds whose registry usernames name a kind of credential, with what else their login needs. */
const USERNAME_CLOUDS: Array<{ provider: string; base: Inputs }> = [
  { provider: 'ibm', base: { region: 'us' } },
  { provider: 'yandex', base: {} },
  { provider: 'nebius', base: { region: 'eu-north1' } }
]

/** Keyed inputs besides `username`, each with the rest of a login. */
const KEYED_INPUTS: Array<{ input: string; base: Inputs }> = [
  { input: 'provider', base: { token: 'ibm-iam-token-fuzz-0123456789', region: 'us' } },
  { input: 'auth', base: { provider: 'ibm', region: 'us', token: 'ibm-iam-token-fuzz-0123456789' } },
  { input: 'auth', base: { provider: 'yandex', token: 't1.fuzz-iam-token-0123456789' } },
  { input: 'auth', base: { provider: 'nebius', region: 'eu-north1', token: 'v1.fuzz-static-key-0123456789' } },
  {
    input: 'auth',
    base: {
      provider: 'alibaba',
      registry: 'fuzz-registry.cn-hangzhou.cr.aliyuncs.com',
      username: 'u',
      password: 'alibaba-fuzz-password-01234'
    }
  },
  { input: 'region', base: { provider: 'ibm', token: 'ibm-iam-token-fuzz-0123456789' } },
  { input: 'region', base: { provider: 'nebius', token: 'v1.fuzz-static-key-0123456789' } },
  { input: 'clients', base: { provider: 'ibm', region: 'us', token: 'ibm-iam-token-fuzz-0123456789' } },
  { input: 'token-exchange', base: { provider: 'nebius', region: 'eu-north1', 'service-account-id': NEBIUS_SA } }
]

/**
 * The start of a base64 `auth` (`fuzz-user:…`) that an auth file which is not JSON starts with: V8's
 * SyntaxError quotes the first ten characters of such a file, so the first eight are the secret looked for.
 */
const AUTH_START = 'ZnV6ei11c2VyOnNlY3JldC1wYXNzd29yZA'
const AUTH_START_SECRET = AUTH_START.slice(0, 8)
const NOT_JSON_FILES = [AUTH_START, `${AUTH_START}\n{"auths": {}}`]

function hostileKeyCases(
  add: (category: string, name: string, inputs: Inputs, expect: FuzzCase['expect'], extra?: Partial<FuzzCase>) => void
): void {
  for (const key of HOSTILE_KEYS) {
    for (const { provider, base } of USERNAME_CLOUDS) {
      for (const auth of ['auto', 'password']) {
        add(
          'hostile lookup key',
          `${provider} username ${key}, auth ${auth}`,
          { provider, ...base, auth, username: key, password: `${provider}-fuzz-password-0123456789` },
          { kind: 'invalid', names: 'username' }
        )
      }
    }
    // Alibaba's instance username is free: any name is a username, and the login needs no cloud call.
    add(
      'hostile lookup key',
      `alibaba username ${key}`,
      {
        provider: 'alibaba',
        registry: 'fuzz-registry.cn-hangzhou.cr.aliyuncs.com',
        username: key,
        password: 'alibaba-fuzz-password-01234'
      },
      { kind: 'login' }
    )
    for (const { input, base } of KEYED_INPUTS) {
      add(
        'hostile lookup key',
        `${base.provider ?? 'no provider'} ${input} ${key}`,
        { ...base, [input]: key },
        { kind: 'invalid', names: input }
      )
    }
  }
}

function notJsonFileCases(
  add: (category: string, name: string, inputs: Inputs, expect: FuzzCase['expect'], extra?: Partial<FuzzCase>) => void
): void {
  const ibm = { provider: 'ibm', token: 'ibm-iam-token-fuzz-0123456789', region: 'us' }
  NOT_JSON_FILES.forEach((content, at) => {
    const extra = (file: string): Partial<FuzzCase> => ({ files: { [file]: content }, secrets: [AUTH_START_SECRET] })
    const name = (what: string): string => `${what} (${at === 0 ? 'all of it' : 'then JSON'})`
    add(
      'auth file not JSON',
      name('docker config.json'),
      { ...ibm },
      { kind: 'fails', says: 'does not hold a JSON object' },
      extra('docker/config.json')
    )
    add(
      'auth file not JSON',
      name('podman auth.json'),
      { ...ibm, clients: 'podman' },
      { kind: 'fails', says: 'does not hold a JSON object' },
      extra('containers/auth.json')
    )
    add(
      'auth file not JSON',
      name('helm registry.json'),
      { ...ibm, clients: 'helm' },
      { kind: 'fails', says: 'does not hold a JSON object' },
      extra('helm/registry.json')
    )
    add(
      'auth file not JSON',
      name('docker config.json, credential-helper mode'),
      { ...ibm, 'credential-helper': 'true' },
      { kind: 'fails', says: 'does not hold a JSON object' },
      extra('docker/config.json')
    )
    add(
      'auth file not JSON',
      name('docker config.json, isolated-config: not carried over, with a warning'),
      { ...ibm, 'isolated-config': 'true' },
      { kind: 'login', says: 'is not carried over to the isolated config: it cannot be read as JSON (it is not valid JSON' },
      extra('docker/config.json')
    )
  })
}

export function fuzzCases(fixtureDir: string): FuzzCase[] {
  const cases: FuzzCase[] = []
  const add = (category: string, name: string, inputs: Inputs, expect: FuzzCase['expect'], extra: Partial<FuzzCase> = {}): void =>
    void cases.push({ category, name, inputs, expect, ...extra })

  for (const m of METHODS) {
    for (const host of [...FOREIGN, `https://${m.own.toUpperCase()}.EVIL.EXAMPLE.COM/ns`]) {
      add(
        'foreign or lookalike host',
        `${m.provider} ${m.method} -> ${host}`,
        { provider: m.provider, ...m.inputs, registry: host },
        { kind: 'invalid', names: 'registry' }
      )
    }
    // The own host next to a foreign one: the whole step is refused, nothing logged into.
    add(
      'foreign or lookalike host',
      `${m.provider} ${m.method} -> own + foreign`,
      { provider: m.provider, ...m.inputs, registry: `${m.own}\nlocalhost:5000` },
      { kind: 'invalid', names: 'registry' }
    )
  }

  for (const host of MALFORMED_HOSTS) {
    add(
      'malformed host',
      JSON.stringify(host),
      { provider: 'ibm', token: 'ibm-iam-token-fuzz-0123456789', registry: host },
      { kind: 'invalid', names: 'registry' }
    )
  }

  for (const target of HOSTILE_TARGETS) {
    for (const payload of INJECTIONS) {
      add(
        'workflow-command injection',
        `${target.input} = ${JSON.stringify(payload)}`,
        { ...target.base, [target.input]: payload },
        { kind: 'invalid', names: target.names ?? target.input }
      )
    }
    add(
      '120 KB value',
      `${target.input} = 120 KB`,
      { ...target.base, [target.input]: BIG },
      { kind: 'invalid', names: target.names ?? target.input }
    )
  }
  for (const target of HOSTILE_SECRETS) {
    for (const payload of [...INJECTIONS, BIG]) {
      add(
        'hostile secret to a foreign host',
        `${target.base.provider} ${target.input} = ${JSON.stringify(payload.slice(0, 40))}`,
        { ...target.base, [target.input]: `secret-${payload}`, registry: 'evil.example.com' },
        // Refused by its shape (a key has no line break or control character inside) before the host is looked at (#19).
        { kind: 'invalid', names: target.input }
      )
    }
  }

  const duration = { provider: 'alibaba', ...ARN, registry: 'registry.cn-hangzhou.aliyuncs.com' }
  for (const value of [
    '1e3',
    '0x384',
    ' 9e2',
    '+900',
    '900.0',
    '9_00',
    '-900',
    '0b1110000100',
    'Infinity',
    'NaN',
    '900s',
    '99999999999999999999',
    '899',
    '43201',
    '１２００'
  ]) {
    add(
      'bad integer',
      `duration-seconds ${JSON.stringify(value)}`,
      { ...duration, 'duration-seconds': value },
      { kind: 'invalid', names: 'duration-seconds' }
    )
  }
  const enterprise = {
    provider: 'alibaba',
    'access-key-id': 'LTAIfuzz0123456789',
    'access-key-secret': 'fuzz-ak-secret-0123456789',
    'instance-id': 'cri-fuzz0123',
    region: 'cn-hangzhou'
  }
  for (const value of ['ab', 'a'.repeat(31), 'acme-', 'evil.example.com/x', 'ac me']) {
    add(
      'bad instance name',
      `instance-name ${JSON.stringify(value)}`,
      { ...enterprise, 'instance-name': value },
      { kind: 'invalid', names: 'instance-name' }
    )
  }
  const ibm = { provider: 'ibm', token: 'ibm-iam-token-fuzz-0123456789', region: 'us' }
  for (const input of ['logout', 'exchange', 'isolated-config', 'output-password', 'skip-without-credentials']) {
    for (const value of ['maybe', '2', 'tru', 'y', 'null'])
      add('bad boolean', `${input} ${value}`, { ...ibm, [input]: value }, { kind: 'invalid', names: input })
  }
  for (const value of ['rest', 'grpcs', 'h2', 'auto,http']) {
    add(
      'bad choice',
      `token-exchange ${value}`,
      { provider: 'nebius', token: 'v1.fuzz-static-key-0123456789', region: 'eu-north1', 'token-exchange': value },
      { kind: 'invalid', names: 'token-exchange' }
    )
  }
  for (const value of ['aws', 'gcp', 'IBM Cloud', ''])
    add('bad choice', `provider ${JSON.stringify(value)}`, { ...ibm, provider: value }, { kind: 'invalid', names: 'provider' })
  for (const value of ['kubectl', 'docker;rm -rf /', 'dockerx'])
    add('bad choice', `clients ${value}`, { ...ibm, clients: value }, { kind: 'invalid', names: 'clients' })
  for (const provider of ['ibm', 'yandex', 'nebius', 'alibaba']) {
    const m = METHODS.find(method => method.provider === provider)
    if (m)
      add(
        'bad choice',
        `${m.provider} auth carrier-pigeon`,
        { provider: m.provider, ...m.inputs, auth: 'carrier-pigeon', registry: m.own },
        { kind: 'invalid', names: 'auth' }
      )
  }

  // Keyless methods with the runner's OIDC variables missing, partial or not https.
  const keyless = METHODS.filter(m => m.method === 'oidc')
  const oidcEnvs: Array<[string, Record<string, string | undefined>, string]> = [
    [
      'no OIDC variables',
      { ACTIONS_ID_TOKEN_REQUEST_URL: undefined, ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined },
      'ACTIONS_ID_TOKEN_REQUEST_URL'
    ],
    ['request token missing', { ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined }, 'ACTIONS_ID_TOKEN_REQUEST_TOKEN is not set'],
    ['request URL missing', { ACTIONS_ID_TOKEN_REQUEST_URL: undefined }, 'ACTIONS_ID_TOKEN_REQUEST_URL is not set'],
    ['request token empty', { ACTIONS_ID_TOKEN_REQUEST_TOKEN: '' }, 'ACTIONS_ID_TOKEN_REQUEST_TOKEN is not set'],
    ['http URL', { ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:9/oidc/token' }, 'ACTIONS_ID_TOKEN_REQUEST_URL must be an https'],
    [
      'URL with user info',
      { ACTIONS_ID_TOKEN_REQUEST_URL: 'https://u:p@127.0.0.1:9/oidc' },
      'ACTIONS_ID_TOKEN_REQUEST_URL must be an https'
    ],
    ['URL not a URL', { ACTIONS_ID_TOKEN_REQUEST_URL: 'not a url\n::warning::INJECTED-oidc' }, 'ACTIONS_ID_TOKEN_REQUEST_URL is not a URL']
  ]
  for (const m of keyless) {
    for (const [name, env, names] of oidcEnvs) {
      add(
        'OIDC variables',
        `${m.provider}: ${name}`,
        { provider: m.provider, ...m.inputs, registry: m.own },
        { kind: 'invalid', names: names.split(' ')[0] ?? names, shows: names },
        { env }
      )
    }
  }

  // Key files that cannot be read: the error names the input and shows the path.
  const keyInputs: Array<{ input: string; base: Inputs }> = [
    { input: 'service-account-key', base: { provider: 'yandex' } },
    { input: 'service-account-key', base: { provider: 'nebius', region: 'eu-north1' } },
    {
      input: 'private-key',
      base: { provider: 'nebius', region: 'eu-north1', 'service-account-id': NEBIUS_SA, 'public-key-id': NEBIUS_KID }
    }
  ]
  for (const { input, base } of keyInputs) {
    for (const fixture of keyFileFixtures(path.join(fixtureDir, `${base.provider}-${input}`))) {
      add(
        'unreadable key file',
        `${base.provider} ${input}: ${fixture.name}`,
        { ...base, [input]: fixture.path },
        { kind: 'invalid', names: input, shows: `'${fixture.path}', ${fixture.shows}` },
        { paths: [fixture.path] }
      )
    }
  }

  // Inputs the chosen cloud or method ignores: a warning naming them (never their values), and the login goes on.
  const ignored: Array<[string, Inputs, string[]]> = [
    ['IBM with an Alibaba secret', { ...ibm, 'access-key-secret': 'fuzz-unused-secret-0123456789' }, ['access-key-secret']],
    [
      'IBM with Yandex and Nebius inputs',
      { ...ibm, 'oauth-token': 'y0_fuzz-unused-0123456789', 'public-key-id': NEBIUS_KID },
      ['oauth-token', 'public-key-id']
    ],
    ['IBM with region and registry', { ...ibm, registry: 'de.icr.io' }, ['region']],
    ['Yandex with a region', { provider: 'yandex', token: 't1.fuzz-iam-token-0123456789', region: 'ru-central1' }, ['region']],
    [
      'Nebius token with an audience',
      { provider: 'nebius', token: 'v1.fuzz-static-key-0123456789', region: 'eu-north1', audience: 'https://github.com/acme' },
      ['audience']
    ],
    ['IBM token with exchange false', { ...ibm, exchange: 'false' }, ['exchange']],
    [
      'Nebius token with token-exchange grpc',
      { provider: 'nebius', token: 'v1.fuzz-static-key-0123456789', region: 'eu-north1', 'token-exchange': 'grpc' },
      ['token-exchange']
    ],
    [
      'Alibaba password with AccessKey inputs',
      {
        provider: 'alibaba',
        auth: 'password',
        username: 'ci@1234567890',
        password: 'fuzz-instance-password-0123',
        registry: 'acme-registry.cn-hangzhou.cr.aliyuncs.com',
        'access-key-id': 'LTAIfuzz0123456789',
        'access-key-secret': 'fuzz-unused-ak-secret-0123456789'
      },
      ['access-key-id', 'access-key-secret']
    ],
    [
      'Alibaba password to a custom domain',
      { provider: 'alibaba', username: 'ci@1234567890', password: 'fuzz-instance-password-0123', registry: 'registry.example.com' },
      []
    ]
  ]
  for (const [name, inputs, warns] of ignored) add('unused credential inputs', name, inputs, { kind: 'login', warns })

  // Fork pull requests: no secret and no OIDC token.
  const noOidc = { ACTIONS_ID_TOKEN_REQUEST_URL: undefined, ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined }
  const skip = { 'skip-without-credentials': 'true' }
  const forks: Array<[string, Inputs]> = [
    ['IBM', { provider: 'ibm', region: 'us' }],
    ['IBM auth api-key', { provider: 'ibm', region: 'us', auth: 'api-key' }],
    ['Yandex keyless', { provider: 'yandex', 'service-account-id': 'ajesafuzz01234567890' }],
    ['Nebius keyless', { provider: 'nebius', 'service-account-id': NEBIUS_SA, region: 'eu-north1' }],
    ['Alibaba keyless', { provider: 'alibaba', ...ARN, registry: 'registry.cn-hangzhou.aliyuncs.com' }],
    ['Alibaba username without password', { provider: 'alibaba', username: 'ci@1234567890', registry: 'registry.cn-hangzhou.aliyuncs.com' }]
  ]
  const fork = { ...noOidc, ...forkPullRequestEnv() }
  for (const [name, inputs] of forks) {
    add('fork pull request', `${name}: skipped`, { ...inputs, ...skip }, { kind: 'skipped' }, { env: fork })
    // IBM with auth api-key names that input; with auth auto no method is chosen, so none is named.
    const names =
      inputs.provider === 'ibm'
        ? inputs.auth
          ? 'api-key'
          : 'No IBM Cloud credential'
        : inputs.username
          ? 'password'
          : 'ACTIONS_ID_TOKEN_REQUEST_URL'
    add('fork pull request', `${name}: fails without the opt-in`, inputs, { kind: 'invalid', names }, { env: fork })
    // Secrets are there on a push: an empty one is a mistake, and the skip does not hide it (issue #19).
    add(
      'fork pull request',
      `${name}: not skipped on a push`,
      { ...inputs, ...skip },
      { kind: 'invalid', names },
      { env: { ...noOidc, GITHUB_EVENT_NAME: 'push' } }
    )
  }
  add(
    'fork pull request',
    "Dependabot's run: skipped",
    { provider: 'ibm', region: 'us', ...skip },
    { kind: 'skipped' },
    { env: { ...noOidc, ...DEPENDABOT_ENV } }
  )
  add(
    'fork pull request',
    'a partial credential still fails',
    { provider: 'alibaba', 'access-key-secret': 'fuzz-partial-secret-0123456789', registry: 'registry.cn-hangzhou.aliyuncs.com', ...skip },
    { kind: 'invalid', names: 'access-key-id' },
    { env: fork }
  )

  // A hostile client: what it prints must not become workflow commands (step debug echoes client output).
  const says = [
    '::warning::INJECTED-client',
    'ok\r::add-mask::INJECTED-client-cr',
    '##[error]INJECTED-client',
    '\u001b[31m::stop-commands::INJECTED-client'
  ]
  for (const output of says) {
    add(
      'hostile client output',
      `logs in, prints ${JSON.stringify(output)}`,
      { ...ibm, clients: 'docker,helm' },
      { kind: 'login' },
      { env: { FUZZ_CLIENT_SAYS: output } }
    )
    add(
      'hostile client output',
      `fails, prints ${JSON.stringify(output)}`,
      { ...ibm },
      { kind: 'client-fails' },
      { env: { FUZZ_CLIENT_SAYS: output, FUZZ_CLIENT_EXIT: '1' } }
    )
  }

  // Main's overall deadline set to nonsense: the default holds (no deadline at all is never an option, and a
  // huge one is the longest a timer can hold), and a login that needs no cloud call goes through.
  for (const value of ['0', '-1', 'soon', '1e999', '99999999999', ' '])
    add(
      'bad tunable',
      `REGISTRY_LOGIN_MAIN_TIMEOUT_MS ${JSON.stringify(value)}`,
      { ...ibm },
      { kind: 'login' },
      { env: { REGISTRY_LOGIN_MAIN_TIMEOUT_MS: value } }
    )

  hostileKeyCases(add)
  notJsonFileCases(add)

  // Controls: the recorders see what they are there to see.
  add('control', 'IBM token: the client shim records the login', { ...ibm }, { kind: 'login' })
  add(
    'control',
    'IBM API key: the IAM call is recorded and refused',
    { provider: 'ibm', 'api-key': 'ibm-apikey-fuzz-0123456789abcdef', region: 'us' },
    { kind: 'network' }
  )
  add(
    'control',
    'Yandex keyless: the OIDC request is recorded and refused',
    { provider: 'yandex', 'service-account-id': 'ajesafuzz01234567890' },
    { kind: 'network' }
  )
  return cases
}
