import { ActionError, InputError } from '../../../../src/log/errors.js'
import { HttpError } from '../../../../src/net/http.js'
import { createInputReader } from '../../../../src/inputs/reader.js'
import { parseInputs } from '../../../../src/step/parse-step.js'
import {
  ALIBABA_CR_URL,
  ALIBABA_STS_URL,
  crEndpoint,
  isRpcFailure,
  parseAlibabaError,
  stsEndpoint
} from '../../../../src/providers/alibaba/api.js'
import { alibabaHint } from '../../../../src/providers/alibaba/hints.js'
import { parseAlibabaHost } from '../../../../src/providers/alibaba/hosts.js'
import { alibaba, defaultSessionName } from '../../../../src/providers/alibaba/index.js'
import type { CommonInputs, LoginSpec } from '../../../../src/providers/provider.js'
import { rpcStringToSign } from '../../../../src/providers/alibaba/signature.js'
import { ALIBABA_INSTANCE, ALIBABA_OIDC_PROVIDER_ARN, ALIBABA_PERSONAL_INSTANCE } from '../../../../harness/emulators/alibaba.js'
import { fastHttp, testProviderContext, withGithubOidc, type TestProviderContext } from '../../../helpers/contexts.js'
import { captureStdout, type StdoutCapture } from '../../../helpers/stdout.js'
import { failure, thrownInputError } from '../../../helpers/thrown.js'
import { startLocalAlibaba, type LocalAlibaba } from './local-alibaba.js'
import { mint } from '../../../../src/providers/index.js'

const EE_HOST = 'acme-registry.cn-hangzhou.cr.aliyuncs.com'
const NOW = new Date('2030-01-01T00:00:00Z')

function common(overrides: Partial<CommonInputs> = {}): CommonInputs {
  return { regions: [], registries: [], auth: 'auto', exchange: true, ...overrides }
}

function plan(values: Record<string, string>, c: Partial<CommonInputs> = {}): LoginSpec {
  return alibaba.plan(
    createInputReader(name => values[name] ?? ''),
    common(c)
  )
}

function planError(values: Record<string, string>, c: Partial<CommonInputs> = {}): InputError {
  return thrownInputError(() => plan(values, c))
}

let stdout: StdoutCapture
beforeEach(() => {
  stdout = captureStdout()
})
afterEach(() => {
  stdout.restore()
})

describe('registry hosts', () => {
  test.each([
    ['acme-registry.cn-hangzhou.cr.aliyuncs.com', { edition: 'enterprise', instanceName: 'acme', region: 'cn-hangzhou', vpc: false }],
    ['acme-registry-vpc.cn-hangzhou.cr.aliyuncs.com', { edition: 'enterprise', instanceName: 'acme', region: 'cn-hangzhou', vpc: true }],
    [
      'my-registry-registry.ap-southeast-1.cr.aliyuncs.com',
      { edition: 'enterprise', instanceName: 'my-registry', region: 'ap-southeast-1', vpc: false }
    ],
    ['registry.cn-beijing.aliyuncs.com', { edition: 'personal', region: 'cn-beijing', vpc: false }],
    ['registry-vpc.eu-central-1.aliyuncs.com', { edition: 'personal', region: 'eu-central-1', vpc: true }],
    ['registry-intl.us-west-1.aliyuncs.com', { edition: 'personal', region: 'us-west-1', vpc: false }],
    [
      'crpi-abc123.cn-hangzhou.personal.cr.aliyuncs.com',
      { edition: 'personal-instance', instanceId: 'crpi-abc123', region: 'cn-hangzhou', vpc: false }
    ],
    [
      'crpi-abc123-vpc.cn-hangzhou.personal.cr.aliyuncs.com/ns',
      { edition: 'personal-instance', instanceId: 'crpi-abc123', region: 'cn-hangzhou', vpc: true }
    ]
  ])('%s', (host, expected) => {
    expect(parseAlibabaHost(host)).toEqual(expected)
  })

  test.each([
    'cr.cn-hangzhou.aliyuncs.com',
    'registry.aliyuncs.com',
    'acme.cn-hangzhou.cr.aliyuncs.com',
    'us.icr.io',
    'registry.cn-hangzhou.aliyuncs.com.evil.example'
  ])('%s is not a registry host', host => {
    expect(parseAlibabaHost(host)).toBeUndefined()
  })
})

describe('plan: hosts and auth methods', () => {
  test('region alone: Personal Edition hosts, one per region', () => {
    const p = plan({ 'access-key-id': 'LTAI5tTest', 'access-key-secret': 's' }, { regions: ['cn-hangzhou', 'cn-shanghai'] })
    expect(p.registries).toEqual(['registry.cn-hangzhou.aliyuncs.com', 'registry.cn-shanghai.aliyuncs.com'])
    expect(p.method).toBe('AccessKey exchanged for a temporary registry token')
  })

  test('instance-name + region: the Enterprise host; instance-id crpi- alone: the new Personal host', () => {
    // Alibaba's bounds: 3 and 30 characters.
    for (const name of ['a1b', 'x'.repeat(30)]) {
      expect(plan({ username: 'u', password: 'p', 'instance-name': name }, { regions: ['cn-hangzhou'] }).registries).toEqual([
        `${name}-registry.cn-hangzhou.cr.aliyuncs.com`
      ])
    }
    expect(
      plan(
        { 'access-key-id': 'LTAI5tTest', 'access-key-secret': 's', 'instance-name': 'Acme', 'instance-id': 'cri-x1' },
        { regions: ['cn-hangzhou'] }
      ).registries
    ).toEqual([EE_HOST])
    expect(plan({ username: 'u', password: 'p', 'instance-name': 'acme' }, { regions: ['cn-hangzhou'] }).registries).toEqual([EE_HOST])
    expect(
      plan({ 'access-key-id': 'LTAI5tTest', 'access-key-secret': 's', 'instance-id': 'crpi-x1' }, { regions: ['cn-beijing'] }).registries
    ).toEqual(['crpi-x1.cn-beijing.personal.cr.aliyuncs.com'])
  })

  test('auto picks oidc, access-key (with or without STS) or password from the inputs set', () => {
    expect(
      plan({ 'role-arn': 'acs:ram::1:role/r', 'oidc-provider-arn': 'acs:ram::1:oidc-provider/gh' }, { regions: ['cn-hangzhou'] }).method
    ).toMatch(/OIDC/)
    expect(
      plan({ 'access-key-id': 'STS.x', 'access-key-secret': 's', 'security-token': 't' }, { regions: ['cn-hangzhou'] }).method
    ).toMatch(/^STS credentials/)
    expect(plan({ username: 'u', password: 'p' }, { registries: ['my.custom.domain'] }).method).toMatch(/passed through/)
  })

  test('password: passed through for every host, no call', async () => {
    const p = plan({ username: 'ci@123', password: 'pw' }, { registries: [EE_HOST, 'registry.cn-hangzhou.aliyuncs.com'] })
    expect(await mint(p, testProviderContext({}))).toEqual([
      { registry: EE_HOST, username: 'ci@123', password: 'pw' },
      { registry: 'registry.cn-hangzhou.aliyuncs.com', username: 'ci@123', password: 'pw' }
    ])
  })

  test('secrets are masked as they are read', () => {
    plan(
      { 'access-key-id': 'STS.x', 'access-key-secret': 'the-ak-secret-value', 'security-token': 'the-sts-token-value' },
      { regions: ['cn-hangzhou'] }
    )
    expect(stdout.text()).toContain('::add-mask::the-ak-secret-value')
    expect(stdout.text()).toContain('::add-mask::the-sts-token-value')
  })

  test('through parseInputs with provider alibaba', () => {
    const inputs = parseInputs(
      createInputReader(
        name => (({ provider: 'alibaba', region: 'CN-Hangzhou', username: 'u', password: 'p' }) as Record<string, string>)[name] ?? ''
      )
    )
    expect(inputs.provider).toBe('alibaba')
    expect(inputs.plan.registries).toEqual(['registry.cn-hangzhou.aliyuncs.com'])
  })

  test('default session name from the run, sanitized and at most 64 characters', () => {
    expect(defaultSessionName({ GITHUB_RUN_ID: '123', GITHUB_RUN_ATTEMPT: '1' })).toBe('github-actions-123-1')
    expect(defaultSessionName({})).toBe('github-actions')
    expect(defaultSessionName({ GITHUB_RUN_ID: 'a b/c:d' })).toBe('github-actions-a-b-c-d')
    expect(defaultSessionName({ GITHUB_RUN_ID: '9'.repeat(100) })).toHaveLength(64)
  })
})

describe('plan: every input error names the input and the fix, never a secret', () => {
  const AK = { 'access-key-id': 'LTAI5tTest', 'access-key-secret': 'sekrit-value' }
  const OIDC = { 'role-arn': 'acs:ram::1:role/r', 'oidc-provider-arn': 'acs:ram::1:oidc-provider/gh' }
  type Case = [string, Record<string, string>, Partial<CommonInputs>, string, RegExp]
  const cases: Case[] = [
    [
      'two methods with auto',
      { ...AK, username: 'u', password: 'p' },
      { regions: ['cn-hangzhou'] },
      'auth',
      /several methods are set \(access-key, password\)/
    ],
    [
      'unknown auth',
      AK,
      { auth: 'api-key', regions: ['cn-hangzhou'] },
      'auth',
      /'api-key', which Alibaba Cloud does not support\. Use one of: auto, oidc, access-key, password, runner-identity\.$/
    ],
    ['access-key without id', { 'access-key-secret': 'sekrit-value' }, { regions: ['cn-hangzhou'] }, 'access-key-id', /is empty/],
    [
      'access-key id not an id',
      { 'access-key-id': 'not an id', 'access-key-secret': 'sekrit-value' },
      { regions: ['cn-hangzhou'] },
      'access-key-id',
      /not an AccessKey ID/
    ],
    ['access-key without secret', { 'access-key-id': 'LTAI5tTest' }, { regions: ['cn-hangzhou'] }, 'access-key-secret', /is empty/],
    [
      'STS key without token',
      { 'access-key-id': 'STS.abc', 'access-key-secret': 'sekrit-value' },
      { regions: ['cn-hangzhou'] },
      'security-token',
      /STS AccessKey/
    ],
    ['access-key with exchange false', AK, { regions: ['cn-hangzhou'], exchange: false }, 'exchange', /do not accept an AccessKey/],
    [
      'oidc without role',
      { 'oidc-provider-arn': OIDC['oidc-provider-arn'] },
      { auth: 'oidc', regions: ['cn-hangzhou'] },
      'role-arn',
      /is empty but 'auth' is oidc/
    ],
    [
      'bad role arn',
      { ...OIDC, 'role-arn': 'arn:aws:iam::1:role/x' },
      { regions: ['cn-hangzhou'] },
      'role-arn',
      /not a RAM role ARN.*acs:ram::<account id>:role/
    ],
    ['oidc without provider', { 'role-arn': OIDC['role-arn'] }, { regions: ['cn-hangzhou'] }, 'oidc-provider-arn', /is empty/],
    [
      'bad provider arn',
      { ...OIDC, 'oidc-provider-arn': 'acs:ram::1:role/x' },
      { regions: ['cn-hangzhou'] },
      'oidc-provider-arn',
      /not a RAM OIDC provider ARN/
    ],
    [
      'bad session name',
      { ...OIDC, 'role-session-name': 'has space' },
      { regions: ['cn-hangzhou'] },
      'role-session-name',
      /2 to 64 characters/
    ],
    [
      'session name too short',
      { ...OIDC, 'role-session-name': 'a' },
      { regions: ['cn-hangzhou'] },
      'role-session-name',
      /STS does not accept/
    ],
    ['duration too long', { ...OIDC, 'duration-seconds': '50000' }, { regions: ['cn-hangzhou'] }, 'duration-seconds', /900 to 43200/],
    ['duration too short', { ...OIDC, 'duration-seconds': '60' }, { regions: ['cn-hangzhou'] }, 'duration-seconds', /900 to 43200/],
    ['oidc with exchange false', OIDC, { regions: ['cn-hangzhou'], exchange: false }, 'exchange', /always exchanges/],
    ['password without username', { password: 'sekrit-value' }, { regions: ['cn-hangzhou'] }, 'username', /is empty/],
    ['username without password', { username: 'u' }, { regions: ['cn-hangzhou'] }, 'password', /is empty/],
    ['no region and no registry', AK, {}, 'region', /is empty, and so is 'registry'/],
    ['bad region', AK, { regions: ['hangzhou'] }, 'region', /not an Alibaba Cloud region id/],
    [
      'unknown host with access-key',
      AK,
      { registries: ['my.custom.domain'] },
      'registry',
      /not an Alibaba Cloud Container Registry host.*custom domain works with 'username' and 'password'/
    ],
    [
      'Enterprise host without instance-id',
      AK,
      { registries: [EE_HOST] },
      'instance-id',
      /'acme-registry\.cn-hangzhou\.cr\.aliyuncs\.com' is an Enterprise Edition instance.*cri-.*acr-login#15/
    ],
    ['Enterprise host with a crpi id', { ...AK, 'instance-id': 'crpi-x' }, { registries: [EE_HOST] }, 'instance-id', /starts with cri-/],
    ['bad instance id', { ...AK, 'instance-id': 'i-abc' }, { registries: [EE_HOST] }, 'instance-id', /not an ACR instance id/],
    [
      'bad instance name',
      { ...AK, 'instance-name': 'a_b', 'instance-id': 'cri-x' },
      { regions: ['cn-hangzhou'] },
      'instance-name',
      /not an Enterprise instance name \(3 to 30 lowercase letters, digits and hyphens.*Use the name in the instance host/
    ],
    ...[
      ['too short', 'ab'],
      ['too long (31)', 'a'.repeat(31)],
      ['very long', 'a'.repeat(5000)],
      ['ending with a hyphen', 'acme-'],
      ['starting with a hyphen', '-acme'],
      ['a space', 'ac me'],
      ['a dot (another host)', 'evil.example'],
      ['non-ASCII', 'acmé'],
      ['a slash', 'acme/x']
    ].map(([what, name]): Case => [
      `instance name ${what}`,
      { ...AK, 'instance-name': name as string, 'instance-id': 'cri-x' },
      { regions: ['cn-hangzhou'] },
      'instance-name',
      /not an Enterprise instance name/
    ]),
    [
      'two Enterprise instances',
      { ...AK, 'instance-id': 'cri-x' },
      { registries: [EE_HOST, 'other-registry.cn-hangzhou.cr.aliyuncs.com'] },
      'registry',
      /2 Enterprise instances/
    ],
    [
      'instance-name in two regions',
      { ...AK, 'instance-name': 'acme', 'instance-id': 'cri-x' },
      { regions: ['cn-hangzhou', 'cn-shanghai'] },
      'region',
      /lives in one/
    ],
    [
      'instance-name without instance-id',
      { ...OIDC, 'instance-name': 'acme' },
      { regions: ['cn-hangzhou'] },
      'instance-id',
      /'instance-name' names an Enterprise Edition instance/
    ],
    [
      'instance-name with a crpi id',
      { ...AK, 'instance-name': 'acme', 'instance-id': 'crpi-x' },
      { regions: ['cn-hangzhou'] },
      'instance-id',
      /starts with cri-/
    ],
    [
      'cri id without a host',
      { ...AK, 'instance-id': 'cri-x' },
      { regions: ['cn-hangzhou'] },
      'instance-name',
      /host of Enterprise instance cri-x is unknown/
    ]
  ]
  test.each(cases)('%s', (_label, values, c, input, message) => {
    const error = planError(values, c)
    expect(error.input).toBe(input)
    expect(error.message).toMatch(new RegExp(`^Input '${input}' `))
    expect(error.message).toMatch(message)
    expect(error.message).not.toContain('sekrit-value')
  })
})

// Issue #19: an empty secret next to its partner says the secret may be missing or misnamed.
test.each<[string, Record<string, string>, string]>([
  [
    'access-key-id set, its secret empty',
    { 'access-key-id': 'LTAI5tTest' },
    "Input 'access-key-secret' is empty but 'access-key-id' is set. Pass the AccessKey secret from a secret. The secret it is passed from may be missing or misnamed (a secret that does not exist is empty)."
  ],
  [
    'an STS AccessKey without its security token',
    { 'access-key-id': 'STS.Test', 'access-key-secret': 'sekrit-value' },
    "Input 'security-token' is empty, but 'access-key-id' is an STS AccessKey (STS.…). Pass the SecurityToken that STS issued together with it. The secret it is passed from may be missing or misnamed (a secret that does not exist is empty)."
  ],
  [
    'username set, the password secret empty',
    { username: 'ci@1234567890' },
    "Input 'password' is empty but 'username' is set. Pass the instance's access credential password from a secret. The secret it is passed from may be missing or misnamed (a secret that does not exist is empty)."
  ]
])('%s: word for word', (_label, values, message) => {
  expect(planError(values, { regions: ['cn-hangzhou'] }).message).toBe(message)
})

describe('API endpoints and error parsing', () => {
  test('defaults are the real hosts; the CR override is a template with {region}', () => {
    expect(ALIBABA_CR_URL).toBe('https://cr.{region}.aliyuncs.com')
    expect(ALIBABA_STS_URL).toBe('https://sts.aliyuncs.com')
    expect(crEndpoint('cn-beijing', {})).toBe('https://cr.cn-beijing.aliyuncs.com')
    expect(stsEndpoint({})).toBe('https://sts.aliyuncs.com')
    expect(crEndpoint('eu-central-1', { REGISTRY_LOGIN_ENDPOINT_ALIBABA_CR: 'https://cr-vpc.{region}.example/' })).toBe(
      'https://cr-vpc.eu-central-1.example'
    )
    expect(stsEndpoint({ REGISTRY_LOGIN_ENDPOINT_ALIBABA_STS: 'https://sts-vpc.cn-hangzhou.aliyuncs.com' })).toBe(
      'https://sts-vpc.cn-hangzhou.aliyuncs.com'
    )
    expect(() => crEndpoint('x', { REGISTRY_LOGIN_ENDPOINT_ALIBABA_CR: 'not a url' })).toThrow(
      /REGISTRY_LOGIN_ENDPOINT_ALIBABA_CR is not a URL/
    )
  })

  test('RPC JSON, ROA JSON, errorCode/errorMsg and XML error bodies', () => {
    expect(parseAlibabaError('{"RequestId":"r1","HostId":"h","Code":"NoPrivilege","Message":"Access denied for this user."}')).toEqual({
      code: 'NoPrivilege',
      message: 'Access denied for this user.',
      requestId: 'r1'
    })
    expect(parseAlibabaError('{"code":"X","message":"y","requestId":"r2"}')).toEqual({ code: 'X', message: 'y', requestId: 'r2' })
    expect(parseAlibabaError('{"errorCode":"E","errorMsg":"m"}')).toEqual({ code: 'E', message: 'm' })
    expect(
      parseAlibabaError(
        '<?xml version="1.0"?><Error><RequestId>r3</RequestId><Code>Throttling</Code><Message>Request was denied.</Message></Error>'
      )
    ).toEqual({ code: 'Throttling', message: 'Request was denied.', requestId: 'r3' })
    expect(parseAlibabaError('{}')).toEqual({})
  })

  test("Code 'success' is no failure; another Code or IsSuccess false is", () => {
    expect(isRpcFailure({ Code: 'success', IsSuccess: true })).toBe(false)
    expect(isRpcFailure({})).toBe(false)
    expect(isRpcFailure({ Code: 'SystemError' })).toBe(true)
    expect(isRpcFailure({ IsSuccess: false })).toBe(true)
  })

  test('hints', () => {
    expect(alibabaHint({ code: 'NoPrivilege' }, { instanceId: 'cri-1', region: 'cn-hangzhou' })).toMatch(
      /cr:GetAuthorizationToken on acs:cr:cn-hangzhou:\*:instance\/cri-1/
    )
    expect(alibabaHint({ code: 'SignatureDoesNotMatch' }, {})).toMatch(/'access-key-secret'/)
    expect(alibabaHint({ code: 'SignatureDoesNotMatch' }, { oidc: true })).toMatch(/STS credentials/)
    expect(alibabaHint({ code: 'InvalidAccessKeyId.NotFound' }, {})).toMatch(/does not know this AccessKey ID/)
    expect(alibabaHint({ code: 'InvalidSecurityToken.Expired' }, {})).toMatch(/'security-token'/)
    expect(alibabaHint({ code: 'InvalidTimeStamp.Expired' }, {})).toMatch(/clock/)
    expect(alibabaHint({ code: 'SignatureNonceUsed' }, {})).toMatch(/replayed/)
    expect(alibabaHint({ code: 'INSTANCE_NOT_EXIST' }, { instanceId: 'cri-1', region: 'cn-hangzhou' })).toMatch(
      /'instance-id' \(cri-1\).*acr-login#15/
    )
    expect(alibabaHint({ code: 'Whatever' }, {})).toBeUndefined()
  })
})

describe('against the emulator on 127.0.0.1', () => {
  let local: LocalAlibaba
  beforeEach(async () => {
    local = await startLocalAlibaba(() => NOW.getTime())
  })
  afterEach(async () => {
    await local.close()
  })

  const ctx = (extra: NodeJS.ProcessEnv = {}, attempts = 3): TestProviderContext & { audiences: string[] } =>
    withGithubOidc(
      testProviderContext({ ...local.env, ...extra }, fastHttp({ attempts }).http, NOW),
      audience => local.github.mint(audience) as string
    )
  const eeInputs = (key: { id: string; secret: string }): Record<string, string> => ({
    'access-key-id': key.id,
    'access-key-secret': key.secret,
    'instance-id': ALIBABA_INSTANCE.id
  })

  test('AccessKey -> Enterprise GetAuthorizationToken: signed form POST, temp_user_cr, expiry, token masked, registry accepts it', async () => {
    const key = local.emulator.createAccessKey()
    const c = ctx()
    const creds = await mint(plan(eeInputs(key), { registries: [EE_HOST, 'acme-registry-vpc.cn-hangzhou.cr.aliyuncs.com'] }), c)
    expect(local.calls.cr).toHaveLength(1)
    const [call] = local.calls.cr
    expect(call?.method).toBe('POST')
    expect(call?.path).toBe('/')
    expect(call?.headers['content-type']).toBe('application/x-www-form-urlencoded')
    const form = Object.fromEntries(new URLSearchParams(call?.body))
    expect(form).toMatchObject({
      Action: 'GetAuthorizationToken',
      Version: '2018-12-01',
      InstanceId: ALIBABA_INSTANCE.id,
      RegionId: 'cn-hangzhou',
      Format: 'JSON',
      AccessKeyId: key.id,
      SignatureMethod: 'HMAC-SHA1',
      SignatureVersion: '1.0',
      Timestamp: '2030-01-01T00:00:00Z'
    })
    expect(form.SecurityToken).toBeUndefined()
    expect(creds).toHaveLength(2)
    expect(creds[0]).toMatchObject({ registry: EE_HOST, username: 'temp_user_cr', expiresAt: new Date(NOW.getTime() + 3600_000) })
    expect(creds[1]?.password).toBe(creds[0]?.password)
    expect(c.masked).toContain(creds[0]?.password)
    expect(local.store.accepts('alibaba', 'temp_user_cr', creds[0]?.password)).toBe(true)
  })

  test('AccessKey -> Personal /tokens: ROA-signed GET, one call per region, cr_temp_user', async () => {
    const key = local.emulator.createAccessKey()
    const creds = await mint(
      plan(
        { 'access-key-id': key.id, 'access-key-secret': key.secret },
        {
          registries: [
            'registry.cn-hangzhou.aliyuncs.com',
            'registry-vpc.cn-hangzhou.aliyuncs.com',
            `${ALIBABA_PERSONAL_INSTANCE.id}.cn-hangzhou.personal.cr.aliyuncs.com`
          ]
        }
      ),
      ctx()
    )
    expect(local.calls.cr).toHaveLength(1)
    const h = local.calls.cr[0]?.headers ?? {}
    expect(local.calls.cr[0]?.method).toBe('GET')
    expect(local.calls.cr[0]?.path).toBe('/tokens')
    expect(h['x-acs-version']).toBe('2016-06-07')
    expect(h.date).toBe('Tue, 01 Jan 2030 00:00:00 GMT')
    expect(h.authorization).toMatch(new RegExp(`^acs ${key.id}:[A-Za-z0-9+/]+=*$`))
    expect(creds.map(c => c.username)).toEqual(['cr_temp_user', 'cr_temp_user', 'cr_temp_user'])
    expect(creds[0]?.expiresAt).toEqual(new Date(NOW.getTime() + 3600_000))
  })

  test('Personal /tokens with a RAM user that has no registry account: 404 USER_NOT_EXIST with the cloud words and what works instead (acr-login#19)', async () => {
    const key = local.emulator.createAccessKey({ registered: false })
    const error = await failure(
      mint(plan({ 'access-key-id': key.id, 'access-key-secret': key.secret }, { regions: ['cn-hangzhou'] }), ctx())
    )
    expect(error).toBeInstanceOf(HttpError)
    expect(error.message).toMatch(
      /^Alibaba Cloud ACR \(Personal Edition \/tokens, cn-hangzhou\) answered HTTP 404 USER_NOT_EXIST: user is not exist\. \(request id [0-9A-F-]+\)\. Personal Edition does not know this RAM user yet/
    )
    expect(error.message).toMatch(
      /set its access credential .*CreateUserInfo.*'username' and 'password'.*Enterprise Edition instance \('instance-id'/
    )
    expect(error.message).not.toContain(key.secret)
    // The same RAM user is fine with an Enterprise instance: GetAuthorizationToken goes by its RAM policy.
    const creds = await mint(plan(eeInputs(key), { registries: [EE_HOST] }), ctx())
    expect(creds[0]?.username).toBe('temp_user_cr')
  })

  test('USER_NOT_EXIST after keyless login: a role cannot have a registry account, so the hint names the alternatives', () => {
    expect(alibabaHint({ code: 'USER_NOT_EXIST' }, { oidc: true })).toMatch(
      /RAM role cannot have one: log in with an access credential \('username' and 'password'\), or use an Enterprise Edition instance/
    )
  })

  test('a crpi- host with instance-id set to its id uses GetAuthorizationToken 2018-12-01 with that id', async () => {
    const key = local.emulator.createAccessKey()
    const creds = await mint(
      plan(
        { 'access-key-id': key.id, 'access-key-secret': key.secret, 'instance-id': ALIBABA_PERSONAL_INSTANCE.id },
        { registries: [`${ALIBABA_PERSONAL_INSTANCE.id}.cn-hangzhou.personal.cr.aliyuncs.com`] }
      ),
      ctx()
    )
    expect(new URLSearchParams(local.calls.cr[0]?.body).get('InstanceId')).toBe(ALIBABA_PERSONAL_INSTANCE.id)
    expect(creds[0]?.username).toBe('temp_user_cr')
  })

  test('STS credentials: SecurityToken signed into the RPC call and sent as x-acs-security-token to ROA; expiry capped by STS', async () => {
    const sts = local.emulator.issueStsCredentials({ lifetimeSeconds: 1200 })
    const inputs = {
      'access-key-id': sts.id,
      'access-key-secret': sts.secret,
      'security-token': sts.token,
      'instance-id': ALIBABA_INSTANCE.id
    }
    const creds = await mint(plan(inputs, { registries: [EE_HOST, 'registry.cn-hangzhou.aliyuncs.com'] }), ctx())
    expect(new URLSearchParams(local.calls.cr[0]?.body).get('SecurityToken')).toBe(sts.token)
    expect(local.calls.cr[1]?.headers['x-acs-security-token']).toBe(sts.token)
    expect(local.calls.cr[1]?.headers['x-acs-accesskey-id']).toBe(sts.id)
    expect(creds.map(c => c.expiresAt)).toEqual([new Date(sts.expiresAt), new Date(sts.expiresAt)])
  })

  test('OIDC: GitHub token for sts.aliyuncs.com -> anonymous AssumeRoleWithOIDC POST -> signed GetAuthorizationToken with the STS triple', async () => {
    const roleArn = local.emulator.createRole('gh', { maxSessionDuration: 7200 })
    const c = ctx({ GITHUB_RUN_ID: '77', GITHUB_RUN_ATTEMPT: '3' })
    const creds = await mint(
      plan(
        {
          'role-arn': roleArn,
          'oidc-provider-arn': ALIBABA_OIDC_PROVIDER_ARN,
          'instance-id': ALIBABA_INSTANCE.id,
          'duration-seconds': '7200'
        },
        { registries: [EE_HOST] }
      ),
      c
    )
    expect(c.audiences).toEqual(['sts.aliyuncs.com'])
    const [sts] = local.calls.sts
    expect(sts?.method).toBe('POST')
    const query = Object.fromEntries(new URLSearchParams(sts?.query))
    expect(query).toEqual({ Action: 'AssumeRoleWithOIDC', Format: 'JSON', Version: '2015-04-01', Timestamp: '2030-01-01T00:00:00Z' })
    const form = Object.fromEntries(new URLSearchParams(sts?.body))
    expect(Object.keys(form).sort()).toEqual(['DurationSeconds', 'OIDCProviderArn', 'OIDCToken', 'RoleArn', 'RoleSessionName'])
    expect(form).toMatchObject({
      RoleArn: roleArn,
      OIDCProviderArn: ALIBABA_OIDC_PROVIDER_ARN,
      RoleSessionName: 'github-actions-77-3',
      DurationSeconds: '7200'
    })
    const rpc = Object.fromEntries(new URLSearchParams(local.calls.cr[0]?.body))
    expect(rpc.AccessKeyId).toMatch(/^STS\./)
    expect(rpc.SecurityToken).toBeTruthy()
    // The STS secret and token were masked as soon as they arrived.
    expect(c.masked).toContain(rpc.SecurityToken)
    expect(creds[0]).toMatchObject({ registry: EE_HOST, username: 'temp_user_cr' })
  })

  test('OIDC: a custom audience and session name; a role for another repository is refused with STS words and a hint', async () => {
    const roleArn = local.emulator.createRole('other', { subject: 'repo:other/repo:ref:refs/heads/main' })
    const c = ctx()
    const error = await failure(
      mint(
        plan(
          {
            'role-arn': roleArn,
            'oidc-provider-arn': ALIBABA_OIDC_PROVIDER_ARN,
            audience: 'sts.aliyuncs.com',
            'role-session-name': 'ci.run@1'
          },
          { regions: ['cn-hangzhou'] }
        ),
        c
      )
    )
    expect(error).toBeInstanceOf(HttpError)
    expect(error.message).toMatch(
      /^Alibaba Cloud STS \(AssumeRoleWithOIDC\) answered HTTP 403 AuthenticationFail\.NoPermission: You are not authorized to assume the role .*other with this OIDC token\. \(request id [0-9A-F-]+\)\. The trust policy of/
    )
    expect(new URLSearchParams(local.calls.sts[0]?.body).get('RoleSessionName')).toBe('ci.run@1')
    expect(local.calls.cr).toHaveLength(0)
  })

  test('OIDC: an audience the OIDC provider does not list is refused, with a hint naming the audience input', async () => {
    const roleArn = local.emulator.createRole('gh')
    const c = ctx()
    const error = await failure(
      mint(
        plan(
          { 'role-arn': roleArn, 'oidc-provider-arn': ALIBABA_OIDC_PROVIDER_ARN, audience: 'https://github.com/acme' },
          { regions: ['cn-hangzhou'] }
        ),
        c
      )
    )
    expect(c.audiences).toEqual(['https://github.com/acme'])
    expect(error.message).toMatch(/ClientIdNotMatch.*input 'audience'/)
  })

  test('a wrong secret: SignatureDoesNotMatch with the server string-to-sign (no secret in it), not retried', async () => {
    const key = local.emulator.createAccessKey()
    const error = await failure(
      mint(plan({ ...eeInputs(key), 'access-key-secret': 'wrong-secret-value' }, { registries: [EE_HOST] }), ctx())
    )
    expect(error).toBeInstanceOf(HttpError)
    expect((error as HttpError).status).toBe(400)
    expect((error as HttpError).cloud.code).toBe('SignatureDoesNotMatch')
    const form = Object.fromEntries(new URLSearchParams(local.calls.cr[0]?.body))
    const { Signature: _s, ...signed } = form
    expect(error.message).toContain(`server string to sign is:${rpcStringToSign('POST', signed)}`)
    expect(error.message).toMatch(/Check 'access-key-secret'/)
    expect(error.message).not.toContain('wrong-secret-value')
    expect(error.message).not.toContain(key.secret)
    expect(local.calls.cr).toHaveLength(1)
  })

  test('an unknown AccessKey, a stale clock, a missing privilege and a wrong instance id each give the cloud message and a hint', async () => {
    const key = local.emulator.createAccessKey()
    let error = await failure(mint(plan({ ...eeInputs(key), 'access-key-id': 'LTAI5tUnknown' }, { registries: [EE_HOST] }), ctx()))
    expect(error.message).toMatch(
      /HTTP 404 InvalidAccessKeyId\.NotFound: Specified access key is not found\..*does not know this AccessKey ID/
    )

    local.emulator.clockSkewMs = 16 * 60 * 1000
    error = await failure(mint(plan({ 'access-key-id': key.id, 'access-key-secret': key.secret }, { regions: ['cn-hangzhou'] }), ctx()))
    expect(error.message).toMatch(/\/tokens, cn-hangzhou\) answered HTTP 400 InvalidTimeStamp\.Expired.*clock/)
    local.emulator.clockSkewMs = 0

    const denied = local.emulator.createAccessKey({ allowed: false })
    error = await failure(mint(plan(eeInputs(denied), { registries: [EE_HOST] }), ctx()))
    expect(error.message).toMatch(/HTTP 403 NoPrivilege: Access denied for this user\..*cr:GetAuthorizationToken/)

    error = await failure(mint(plan({ ...eeInputs(key), 'instance-id': 'cri-doesnotexist' }, { registries: [EE_HOST] }), ctx()))
    expect(error.message).toMatch(/HTTP 404 INSTANCE_NOT_EXIST.*Check 'instance-id' \(cri-doesnotexist\)/)
  })

  test('an expired or mismatched security token is refused', async () => {
    const sts = local.emulator.issueStsCredentials()
    const error = await failure(
      mint(
        plan(
          { 'access-key-id': sts.id, 'access-key-secret': sts.secret, 'security-token': 'CAISnotthetoken' },
          { regions: ['cn-hangzhou'] }
        ),
        ctx()
      )
    )
    expect(error.message).toMatch(/InvalidSecurityToken\.MismatchWithAccessKey.*'security-token'/)
  })

  test('a retry after a 500 is signed afresh: new nonce, so the gateway does not refuse it as a replay', async () => {
    const key = local.emulator.createAccessKey()
    // The first request reaches the emulator (its nonce is now used), then the answer is replaced by a 500.
    local.crAfter = n => (n === 1 ? { status: 500, body: { Code: 'SystemError', Message: 'system error', RequestId: 'r' } } : undefined)
    const creds = await mint(plan(eeInputs(key), { registries: [EE_HOST] }), ctx())
    expect(local.calls.cr).toHaveLength(2)
    const nonces = local.calls.cr.map(call => new URLSearchParams(call.body).get('SignatureNonce'))
    expect(new Set(nonces).size).toBe(2)
    expect(creds[0]?.username).toBe('temp_user_cr')
    // ROA too.
    local.calls.cr.length = 0
    local.crAfter = n => (n === 1 ? { status: 503, body: { Code: 'ServiceUnavailable', Message: 'x' } } : undefined)
    await mint(plan({ 'access-key-id': key.id, 'access-key-secret': key.secret }, { regions: ['cn-hangzhou'] }), ctx())
    expect(local.calls.cr).toHaveLength(2)
    expect(local.calls.cr[0]?.headers['x-acs-signature-nonce']).not.toBe(local.calls.cr[1]?.headers['x-acs-signature-nonce'])
  })

  test('a replayed nonce is refused by the emulator', async () => {
    const key = local.emulator.createAccessKey()
    await mint(plan(eeInputs(key), { registries: [EE_HOST] }), ctx())
    const body = local.calls.cr[0]?.body ?? ''
    const res = await fetch(`${local.env.REGISTRY_LOGIN_ENDPOINT_ALIBABA_CR}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body
    })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ Code: 'SignatureNonceUsed' })
  })

  test('a 200 whose Code is not success, and replies without a token, are clear errors', async () => {
    const key = local.emulator.createAccessKey()
    local.crOverride = () => ({
      status: 200,
      body: { Code: 'SystemError', Message: 'Internal error', RequestId: 'rq-9', IsSuccess: false }
    })
    let error = await failure(mint(plan(eeInputs(key), { registries: [EE_HOST] }), ctx()))
    expect(error).toBeInstanceOf(ActionError)
    expect(error.message).toBe(
      'Alibaba Cloud ACR (GetAuthorizationToken, cn-hangzhou) refused: SystemError: Internal error (request id rq-9).'
    )
    local.crOverride = () => ({ status: 200, body: { Code: 'success', IsSuccess: true } })
    error = await failure(mint(plan(eeInputs(key), { registries: [EE_HOST] }), ctx()))
    expect(error.message).toBe('Alibaba Cloud ACR answered GetAuthorizationToken without a temporary username and authorization token.')
    local.crOverride = () => ({ status: 200, body: { requestId: 'x' } })
    error = await failure(mint(plan({ 'access-key-id': key.id, 'access-key-secret': key.secret }, { regions: ['cn-hangzhou'] }), ctx()))
    expect(error.message).toBe('Alibaba Cloud ACR answered /tokens without a temporary username and authorization token.')
  })

  test('STS refuses a tampered GitHub token, an unknown OIDC provider or role, and a duration above the role maximum', async () => {
    const roleArn = local.emulator.createRole('gh')
    const oidc = { 'role-arn': roleArn, 'oidc-provider-arn': ALIBABA_OIDC_PROVIDER_ARN }
    const tampered = ctx()
    tampered.idToken = async audience => {
      const [h, c, s] = (local.github.mint(audience) as string).split('.')
      const claims = JSON.parse(Buffer.from(c ?? '', 'base64url').toString()) as Record<string, unknown>
      return `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: 'repo:evil/fork:ref:refs/heads/main' })).toString('base64url')}.${s}`
    }
    let error = await failure(mint(plan(oidc, { regions: ['cn-hangzhou'] }), tampered))
    expect(error.message).toMatch(
      /HTTP 400 AuthenticationFail\.OIDCToken\.Invalid: The OIDC token is invalid: signature does not verify.*issuer is https:\/\/token\.actions\.githubusercontent\.com/
    )

    error = await failure(
      mint(plan({ ...oidc, 'oidc-provider-arn': 'acs:ram::1357924680135792:oidc-provider/nope' }, { regions: ['cn-hangzhou'] }), ctx())
    )
    expect(error.message).toMatch(/HTTP 404 EntityNotExist\.OIDCProvider.*Check 'oidc-provider-arn'/)

    error = await failure(mint(plan({ ...oidc, 'role-arn': 'acs:ram::1357924680135792:role/nope' }, { regions: ['cn-hangzhou'] }), ctx()))
    expect(error.message).toMatch(
      /HTTP 404 EntityNotExist\.Role: The role not exists: acs:ram::1357924680135792:role\/nope\..*Check 'role-arn'/
    )

    error = await failure(mint(plan({ ...oidc, 'duration-seconds': '7200' }, { regions: ['cn-hangzhou'] }), ctx()))
    expect(error.message).toMatch(
      /InvalidParameter\.DurationSeconds: The Min\/Max value of DurationSeconds is 900\/3600 seconds\..*Lower 'duration-seconds'/
    )
    expect(local.calls.cr).toHaveLength(0)
  })

  test('expired STS credentials are refused with InvalidSecurityToken.Expired', async () => {
    const sts = local.emulator.issueStsCredentials({ lifetimeSeconds: -1 })
    const error = await failure(
      mint(
        plan({ 'access-key-id': sts.id, 'access-key-secret': sts.secret, 'security-token': sts.token }, { regions: ['cn-hangzhou'] }),
        ctx()
      )
    )
    expect(error.message).toMatch(/HTTP 400 InvalidSecurityToken\.Expired: Specified SecurityToken is expired\..*fetch a fresh one/)
  })

  test('STS answering without Credentials is a clear error', async () => {
    const roleArn = local.emulator.createRole('gh')
    const c = ctx({ REGISTRY_LOGIN_ENDPOINT_ALIBABA_STS: local.env.REGISTRY_LOGIN_ENDPOINT_ALIBABA_CR })
    local.crOverride = () => ({ status: 200, body: { RequestId: 'x' } })
    const error = await failure(
      mint(plan({ 'role-arn': roleArn, 'oidc-provider-arn': ALIBABA_OIDC_PROVIDER_ARN }, { regions: ['cn-hangzhou'] }), c)
    )
    expect(error.message).toBe(
      'Alibaba Cloud STS answered AssumeRoleWithOIDC without Credentials (AccessKeyId, AccessKeySecret, SecurityToken).'
    )
  })
})
