import { constants, createVerify } from 'node:crypto'
import { ActionError } from '../../../../src/log/errors.js'
import { HttpError } from '../../../../src/net/http.js'
import { createInputReader } from '../../../../src/inputs/reader.js'
import { parseInputs } from '../../../../src/step/parse-step.js'
import type { LoginSpec } from '../../../../src/providers/provider.js'
import { parseRfc3339, YANDEX_IAM_URL, YANDEX_WLIF_URL } from '../../../../src/providers/yandex/iam.js'
import { fastHttp, testProviderContext, withGithubOidc, type TestProviderContext } from '../../../helpers/contexts.js'
import { captureStdout, type StdoutCapture } from '../../../helpers/stdout.js'
import { failure } from '../../../helpers/thrown.js'
import { startLocalYandex, type LocalYandex } from './local-yandex.js'
import { mint } from '../../../../src/providers/index.js'
import { containerRegistrySunsetWarning } from '../../../../src/providers/yandex/hosts.js'

let stdout: StdoutCapture
let yc: LocalYandex
beforeEach(async () => {
  stdout = captureStdout()
  yc = await startLocalYandex()
})
afterEach(async () => {
  stdout.restore()
  await yc.close()
})

function plan(values: Record<string, string>): LoginSpec {
  return parseInputs(
    createInputReader(name => ({ provider: 'yandex', ...values })[name] ?? ''),
    RUNNER_OIDC
  ).plan
}

/** A runner step with 'id-token: write' offers these; the token itself comes from each test's context. */
const RUNNER_OIDC = {
  ACTIONS_ID_TOKEN_REQUEST_URL: 'https://pipelines.actions.githubusercontent.com/oidc/token',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token'
}

/** A provider context against the local Yandex, with a GitHub OIDC token service. */
function context(env: NodeJS.ProcessEnv = yc.env(), http = fastHttp().http): TestProviderContext & { audiences: string[] } {
  return withGithubOidc(testProviderContext(env, http, new Date()), audience => yc.github.mint(audience) as string)
}

const body = (n = 0): Record<string, string> => JSON.parse(yc.seen[n]?.body ?? '{}') as Record<string, string>
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

test('the default endpoints are the real Yandex hosts', () => {
  expect(YANDEX_IAM_URL).toBe('https://iam.api.cloud.yandex.net/iam/v1/tokens')
  expect(YANDEX_WLIF_URL).toBe('https://auth.yandex.cloud/oauth/token')
})

describe('service-account key exchanged for an IAM token', () => {
  test('POSTs {jwt} as JSON; the JWT is PS256 with kid, iss, aud = the IAM URL, one hour; verified with the public key', async () => {
    const key = yc.emulator.createAuthorizedKey()
    const ctx = context()
    const before = Math.floor(Date.now() / 1000)
    const credentials = await mint(plan({ 'service-account-key': key.json, registry: 'registry.yandexcloud.net, cr.yandex' }), ctx)
    expect(yc.seen).toHaveLength(1)
    const [request] = yc.seen
    expect(request?.method).toBe('POST')
    expect(request?.path).toBe('/iam/v1/tokens')
    expect(request?.headers['content-type']).toBe('application/json')
    expect(String(request?.headers['x-client-request-id'])).toMatch(UUID)
    expect(Object.keys(body())).toEqual(['jwt'])
    const [h, c, s] = body().jwt!.split('.') as [string, string, string]
    expect(JSON.parse(Buffer.from(h, 'base64url').toString())).toEqual({ kid: key.id, alg: 'PS256', typ: 'JWT' })
    const claims = JSON.parse(Buffer.from(c, 'base64url').toString()) as Record<string, number | string>
    expect(claims).toEqual({ iss: key.serviceAccountId, aud: yc.iamUrl, iat: expect.any(Number), exp: expect.any(Number) })
    expect(Number(claims.exp) - Number(claims.iat)).toBe(3600)
    expect(Number(claims.iat)).toBeGreaterThanOrEqual(before)
    const verified = createVerify('RSA-SHA256')
      .update(`${h}.${c}`)
      .verify({ key: key.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, Buffer.from(s, 'base64url'))
    expect(verified).toBe(true)

    const token = credentials[0]?.password ?? ''
    expect(token).toMatch(/^t1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{86}$/)
    expect(yc.store.accepts('yandex', 'iam', token)).toBe(true)
    const expiresAt = credentials[0]?.expiresAt
    expect(expiresAt!.getTime()).toBeGreaterThan(Date.now() + 11.9 * 3600_000)
    expect(credentials).toEqual([
      { registry: 'registry.yandexcloud.net', username: 'iam', password: token, expiresAt },
      { registry: 'cr.yandex', username: 'iam', password: token, expiresAt }
    ])
    expect(ctx.masked).toEqual(expect.arrayContaining([token, body().jwt]))
  })

  test('the JWT audience follows an IAM override (Kazakhstan), and can be pinned apart from it', async () => {
    const key = yc.emulator.createAuthorizedKey()
    // Pinned to the global IAM URL while the call goes to the local IAM: the local IAM refuses it, as the real one would.
    const env = { ...yc.env(), REGISTRY_LOGIN_ENDPOINT_YANDEX_JWT_AUDIENCE: 'https://iam.api.cloud.yandex.net/iam/v1/tokens' }
    const error = await failure(mint(plan({ 'service-account-key': key.json }), context(env)))
    expect(error.message).toMatch(
      new RegExp(
        `^Yandex Cloud IAM answered HTTP 401 UNAUTHENTICATED: Invalid JWT: aud must be ${yc.iamUrl.replace(/[.]/g, '\\.')} \\(request id [0-9a-f-]{36}\\)\\.`
      )
    )
    const claims = JSON.parse(Buffer.from(body().jwt!.split('.')[1]!, 'base64url').toString()) as { aud: string }
    expect(claims.aud).toBe('https://iam.api.cloud.yandex.net/iam/v1/tokens')
  })

  test("a deleted key: IAM's code, message, request id and a hint naming the key; not retried; nothing secret in the message", async () => {
    const key = yc.emulator.createAuthorizedKey()
    yc.emulator.deleteKey(key.id)
    const { http, sleeps } = fastHttp({ attempts: 4 })
    const error = await failure(mint(plan({ 'service-account-key': key.json }), context(yc.env(), http)))
    expect(error).toBeInstanceOf(HttpError)
    expect((error as HttpError).status).toBe(401)
    expect((error as HttpError).cloud).toEqual({
      code: 'UNAUTHENTICATED',
      message: `Key ${key.id} not found or deleted`,
      requestId: expect.stringMatching(UUID)
    })
    expect(error.message).toContain(`IAM does not accept key ${key.id} of service account ${key.serviceAccountId}`)
    expect(error.message).toContain(`yc iam key list --service-account-id ${key.serviceAccountId}`)
    expect(error.message).not.toContain('PRIVATE KEY')
    expect(yc.seen).toHaveLength(1)
    expect(sleeps).toEqual([])
  })

  test('a 403 and a 400 from IAM get their own hints', async () => {
    const key = yc.emulator.createAuthorizedKey()
    yc.script.push({
      status: 403,
      body: {
        code: 7,
        message: 'Permission denied',
        details: [{ '@type': 'type.googleapis.com/google.rpc.RequestInfo', requestId: 'req-403' }]
      }
    })
    const denied = await failure(mint(plan({ 'service-account-key': key.json }), context()))
    expect(denied.message).toBe(
      `Yandex Cloud IAM answered HTTP 403 PERMISSION_DENIED: Permission denied (request id req-403). Service account ${key.serviceAccountId} may not get an IAM token (is it deleted or blocked?).`
    )
    yc.script.push({ status: 400, body: { code: 3, message: 'Invalid JWT' } })
    const invalid = await failure(mint(plan({ 'service-account-key': key.json }), context()))
    expect(invalid.message).toBe(
      "Yandex Cloud IAM answered HTTP 400 INVALID_ARGUMENT: Invalid JWT. IAM refused the signed JWT. Keep the key file unchanged and the runner's clock right (the JWT is valid for one hour from now)."
    )
  })

  test('429, then the real answer: retried once and succeeds', async () => {
    const key = yc.emulator.createAuthorizedKey()
    yc.script.push({ status: 429, body: { code: 8, message: 'Too many requests' } })
    const { http, sleeps } = fastHttp({ attempts: 3 })
    const credentials = await mint(plan({ 'service-account-key': key.json }), context(yc.env(), http))
    expect(yc.seen).toHaveLength(2)
    expect(sleeps).toHaveLength(1)
    expect(credentials[0]?.username).toBe('iam')
    expect(stdout.text()).toMatch(
      /Yandex Cloud IAM: attempt 1 of 3 failed \(Yandex Cloud IAM answered HTTP 429 RESOURCE_EXHAUSTED: Too many requests\.\); retrying/
    )
  })

  test('a 200 without iamToken is a clear error', async () => {
    yc.script.push({ status: 200, body: { expiresAt: '2030-01-01T00:00:00Z' } })
    const error = await failure(mint(plan({ 'service-account-key': yc.emulator.createAuthorizedKey().json }), context()))
    expect(error).toBeInstanceOf(ActionError)
    expect(error.message).toBe('Yandex Cloud IAM answered without an iamToken.')
  })

  test('exchange: false: json_key + the key file text, warnings, and no call to IAM', async () => {
    const key = yc.emulator.createAuthorizedKey()
    const ctx = context()
    const credentials = await mint(
      plan({
        'service-account-key': key.json,
        exchange: 'false',
        registry: 'cr.yandex, registry.yandexcloud.net'
      }),
      ctx
    )
    expect(credentials).toEqual([
      { registry: 'cr.yandex', username: 'json_key', password: key.json },
      { registry: 'registry.yandexcloud.net', username: 'json_key', password: key.json }
    ])
    expect(yc.store.accepts('yandex', 'json_key', key.json)).toBe(true)
    expect(yc.seen).toHaveLength(0)
    expect(ctx.warnings).toEqual([
      expect.stringMatching(/^Yandex Container Registry \(cr\.yandex\) /),
      expect.stringMatching(/^The long-lived service-account key is stored in the clients' auth files/),
      "Yandex documents the json_key login for Container Registry only; that registry.yandexcloud.net accepts it is unconfirmed. If the login fails, leave 'exchange' at true."
    ])
  })
})

describe('OAuth token', () => {
  test('exchanged: POSTs {yandexPassportOauthToken}; iam + the IAM token', async () => {
    const oauth = yc.emulator.createOAuthToken()
    const ctx = context()
    const credentials = await mint(plan({ 'oauth-token': oauth }), ctx)
    expect(body()).toEqual({ yandexPassportOauthToken: oauth })
    expect(credentials).toEqual([
      { registry: 'registry.yandexcloud.net', username: 'iam', password: expect.stringMatching(/^t1\./), expiresAt: expect.any(Date) }
    ])
    expect(ctx.masked).toContain(credentials[0]?.password)
    expect(ctx.warnings).toEqual([])
  })

  test("an expired OAuth token: IAM's message and a hint about Yandex ID tokens", async () => {
    const oauth = yc.emulator.createOAuthToken()
    yc.emulator.expireOAuthToken(oauth)
    const error = await failure(mint(plan({ 'oauth-token': oauth }), context()))
    expect(error.message).toMatch(
      /^Yandex Cloud IAM answered HTTP 401 UNAUTHENTICATED: Token is invalid or has expired\. \(request id [0-9a-f-]{36}\)\. Check the 'oauth-token' secret: Yandex ID OAuth tokens live 12 months, and none are issued since 2026-06-01\./
    )
    expect(error.message).not.toContain(oauth)
  })

  test('exchange: false: oauth + the OAuth token, a warning, no call', async () => {
    const ctx = context()
    const credentials = await mint(plan({ 'oauth-token': 'y0_direct-oauth-token', exchange: 'false' }), ctx)
    expect(credentials).toEqual([{ registry: 'registry.yandexcloud.net', username: 'oauth', password: 'y0_direct-oauth-token' }])
    expect(ctx.warnings).toEqual([
      expect.stringMatching(/^The long-lived OAuth token is stored/),
      expect.stringMatching(
        /^Yandex Cloud Registry's documentation lists only IAM tokens and API keys for docker login, not the oauth login; registry\.yandexcloud\.net may refuse it/
      )
    ])
    expect(yc.seen).toHaveLength(0)
  })
})

describe('keyless: GitHub OIDC token exchanged at the federation endpoint', () => {
  test('asks GitHub for aud https://github.com/<owner>, POSTs the RFC 8693 form with the service account as audience', async () => {
    const sa = yc.emulator.createServiceAccount()
    yc.emulator.addFederatedCredential(sa, yc.github.subject)
    const ctx = context()
    const credentials = await mint(plan({ 'service-account-id': sa, registry: 'registry.yandexcloud.net' }), ctx)
    expect(ctx.audiences).toEqual(['https://github.com/acme'])
    const [request] = yc.seen
    expect(request?.path).toBe('/oauth/token')
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded')
    const form = Object.fromEntries(new URLSearchParams(request?.body))
    expect(Object.keys(form).sort()).toEqual(['audience', 'grant_type', 'requested_token_type', 'subject_token', 'subject_token_type'])
    expect(form).toMatchObject({
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      requested_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      audience: sa,
      subject_token_type: 'urn:ietf:params:oauth:token-type:id_token'
    })
    expect(yc.github.verify(form.subject_token, 'https://github.com/acme').sub).toBe(yc.github.subject)
    expect(credentials).toEqual([
      { registry: 'registry.yandexcloud.net', username: 'iam', password: expect.stringMatching(/^t1\./), expiresAt: expect.any(Date) }
    ])
    // expires_in 43200 s from now
    expect(Math.abs(credentials[0]!.expiresAt!.getTime() - (Date.now() + 43_200_000))).toBeLessThan(60_000)
    expect(ctx.masked).toEqual(expect.arrayContaining([form.subject_token, credentials[0]?.password]))
  })

  test('the owner comes from GITHUB_REPOSITORY when GITHUB_REPOSITORY_OWNER is unset; the audience input overrides both', async () => {
    const sa = yc.emulator.createServiceAccount()
    yc.emulator.addFederatedCredential(sa, yc.github.subject)
    const env = { ...yc.env(), GITHUB_REPOSITORY_OWNER: '' }
    const ctx = context(env)
    await mint(plan({ 'service-account-id': sa }), ctx)
    expect(ctx.audiences).toEqual(['https://github.com/acme'])
    yc.emulator.federationAudiences.push('sts.example/custom')
    const custom = context()
    await mint(plan({ 'service-account-id': sa, audience: 'sts.example/custom' }), custom)
    expect(custom.audiences).toEqual(['sts.example/custom'])
  })

  test('on GitHub Enterprise Server the default audience uses GITHUB_SERVER_URL, as GitHub does', async () => {
    const sa = yc.emulator.createServiceAccount()
    yc.emulator.addFederatedCredential(sa, yc.github.subject)
    yc.emulator.federationAudiences.push('https://ghe.example.com/acme')
    const ctx = context({ ...yc.env(), GITHUB_SERVER_URL: 'https://ghe.example.com/' })
    await mint(plan({ 'service-account-id': sa }), ctx)
    expect(ctx.audiences).toEqual(['https://ghe.example.com/acme'])
  })

  test('no owner in the environment and no audience input: a clear error before any call', async () => {
    const env = { ...yc.env(), GITHUB_REPOSITORY_OWNER: '', GITHUB_REPOSITORY: '' }
    const error = await failure(mint(plan({ 'service-account-id': yc.emulator.createServiceAccount() }), context(env)))
    expect(error.message).toBe(
      "Cannot tell the GitHub token audience for keyless login: GITHUB_REPOSITORY_OWNER is not set. Set input 'audience' to one of the audiences of the workload identity federation (usually https://github.com/<owner>)."
    )
    expect(yc.seen).toHaveLength(0)
    const ghes = await failure(
      mint(
        plan({ 'service-account-id': yc.emulator.createServiceAccount() }),
        context({ ...env, GITHUB_SERVER_URL: 'https://ghe.example.com' })
      )
    )
    expect(ghes.message).toMatch(/\(usually https:\/\/ghe\.example\.com\/<owner>\)\.$/)
  })

  test("a wrong subject: the federation's OAuth error and a hint with this job's subject and the client request id", async () => {
    const sa = yc.emulator.createServiceAccount()
    yc.emulator.addFederatedCredential(sa, 'repo:acme/app:ref:refs/heads/release')
    const error = await failure(mint(plan({ 'service-account-id': sa }), context()))
    expect(error).toBeInstanceOf(HttpError)
    expect((error as HttpError).cloud).toEqual({
      code: 'invalid_grant',
      message: `No federated credential of service account ${sa} matches subject ${yc.github.subject}`
    })
    const clientRequestId = String(yc.seen[0]?.headers['x-client-request-id'])
    expect(clientRequestId).toMatch(UUID)
    expect(error.message).toBe(
      `Yandex Cloud workload identity federation answered HTTP 400 invalid_grant: No federated credential of service account ${sa} matches subject ${yc.github.subject}. ` +
        `Service account ${sa} needs a federated credential whose external subject id is exactly this job's subject '${yc.github.subject}' (it names the repository and the branch, tag or environment), in a federation with issuer https://token.actions.githubusercontent.com. ` +
        `Yandex support can trace the call by its X-Client-Request-Id ${clientRequestId}.`
    )
  })

  test('an audience the federation does not list: a hint about the audience input', async () => {
    const sa = yc.emulator.createServiceAccount()
    yc.emulator.addFederatedCredential(sa, yc.github.subject)
    const error = await failure(mint(plan({ 'service-account-id': sa, audience: 'https://github.com/someone-else' }), context()))
    expect(error.message).toMatch(
      /answered HTTP 400 invalid_grant: Subject token audience https:\/\/github\.com\/someone-else is not among the federation's audiences\. The workload identity federation must list the GitHub token's audience 'https:\/\/github\.com\/someone-else' \(set input 'audience' to what the federation expects\)\./
    )
  })

  test('an unknown service account: a hint about service-account-id', async () => {
    const error = await failure(mint(plan({ 'service-account-id': 'ajenotknown000000000' }), context()))
    expect(error.message).toMatch(
      /answered HTTP 400 invalid_target: Service account ajenotknown000000000 not found\. Check input 'service-account-id' \(ajenotknown000000000\): it must be the id of the service account, not its name\./
    )
  })

  test('a google.rpc.Status error from the federation endpoint is understood too, with its request id', async () => {
    yc.script.push({
      status: 403,
      body: {
        code: 7,
        message: 'Permission denied',
        details: [{ '@type': 'type.googleapis.com/google.rpc.RequestInfo', requestId: 'req-wlif' }]
      }
    })
    const error = await failure(mint(plan({ 'service-account-id': 'ajeb0k5nkr4ttb4cdtg2' }), context()))
    expect(error.message).toBe(
      'Yandex Cloud workload identity federation answered HTTP 403 PERMISSION_DENIED: Permission denied (request id req-wlif). Check the workload identity federation (issuer, audiences, JWKS URL) and the federated credential on the service account.'
    )
  })

  test('a 200 without access_token is a clear error', async () => {
    yc.script.push({ status: 200, body: { token_type: 'Bearer' } })
    const error = await failure(mint(plan({ 'service-account-id': 'ajeb0k5nkr4ttb4cdtg2' }), context()))
    expect(error.message).toBe('Yandex Cloud workload identity federation answered without an access_token.')
  })

  test('without id-token: write the runner offers no token: the error says which permission', async () => {
    const ctx = testProviderContext(yc.env())
    const { providerContext } = await import('../../../../src/step/context.js')
    const real = providerContext({ ...yc.env(), ACTIONS_ID_TOKEN_REQUEST_URL: '', ACTIONS_ID_TOKEN_REQUEST_TOKEN: '' })
    const error = await failure(mint(plan({ 'service-account-id': 'ajeb0k5nkr4ttb4cdtg2' }), { ...ctx, idToken: real.idToken }))
    expect(error.message).toMatch(/Keyless login needs a GitHub OIDC token.*Add 'permissions: id-token: write' to the job/)
    expect(yc.seen).toHaveLength(0)
  })
})

describe('ready credentials and warnings', () => {
  test('token: iam + the token, no call; a token that is not t1. gets a warning', async () => {
    const ctx = context()
    expect(await mint(plan({ token: 't1.abc.def' }), ctx)).toEqual([
      { registry: 'registry.yandexcloud.net', username: 'iam', password: 't1.abc.def' }
    ])
    expect(ctx.warnings).toEqual([])
    const odd = context()
    await mint(plan({ token: 'y0_looks-like-oauth' }), odd)
    expect(odd.warnings).toEqual([
      "Input 'token' does not look like an IAM token (they start with 't1.'). For a Yandex ID OAuth token use 'oauth-token'; for an API key use 'api-key'."
    ])
    expect(yc.seen).toHaveLength(0)
  })

  test('api-key: api_key + the key; cr.yandex gets the sunset warning and the unconfirmed api_key warning', async () => {
    const ctx = context()
    const credentials = await mint(plan({ 'api-key': 'AQVN-unit', registry: 'cr.yandex' }), ctx)
    expect(credentials).toEqual([{ registry: 'cr.yandex', username: 'api_key', password: 'AQVN-unit' }])
    expect(ctx.warnings).toEqual([
      // the text of the job's day (sunset.test.ts holds each day's text)
      containerRegistrySunsetWarning(['cr.yandex'], ctx.now()),
      'Yandex documents the api_key login for Cloud Registry only; that cr.yandex accepts it is unconfirmed.'
    ])
  })

  test('the private-endpoint host gets no warning; region is reported as ignored while parsing; an undocumented host is refused', async () => {
    const pe = context()
    await mint(plan({ 'api-key': 'AQVN-unit', registry: 'registry.pe.yandexcloud.net' }), pe)
    expect(pe.warnings).toEqual([])
    const withRegion = parseInputs(
      createInputReader(name => ({ provider: 'yandex', 'api-key': 'AQVN-unit', region: 'ru-central1' })[name] ?? '')
    )
    expect(withRegion.notices).toEqual([
      { level: 'warning', message: "Input 'region' is ignored: Yandex Cloud registries are not regional ('registry' chooses the hosts)." }
    ])
    // The Kazakhstan host is seen only in third-party READMEs: no Yandex credential goes there.
    expect(() => plan({ 'api-key': 'AQVN-unit', registry: 'cr.yandexcloud.kz' })).toThrow(
      "Input 'registry' has 'cr.yandexcloud.kz', which is not one of the Yandex Cloud registry hosts, so no Yandex Cloud credential goes there (auth api-key). Use one of the Yandex Cloud registry hosts: registry.yandexcloud.net; cr.yandex; registry.pe.yandexcloud.net."
    )
    expect(yc.seen).toHaveLength(0)
  })

  test('a registry with a path keeps it; the host decides the warnings', async () => {
    const ctx = context()
    const credentials = await mint(plan({ 'api-key': 'AQVN-unit', registry: 'registry.yandexcloud.net/crp0abc' }), ctx)
    expect(credentials[0]?.registry).toBe('registry.yandexcloud.net/crp0abc')
    expect(ctx.warnings).toEqual([])
  })
})

describe('parseRfc3339', () => {
  test.each([
    ['2030-01-01T12:00:00Z', '2030-01-01T12:00:00.000Z'],
    ['2030-01-01T12:00:00.5Z', '2030-01-01T12:00:00.500Z'],
    ['2030-01-01T12:00:00.12Z', '2030-01-01T12:00:00.120Z'],
    ['2030-01-01T12:00:00.123456789Z', '2030-01-01T12:00:00.123Z'],
    ['2030-01-01T15:00:00.123456+03:00', '2030-01-01T12:00:00.123Z']
  ])('%s', (text, iso) => {
    expect(parseRfc3339(text)?.toISOString()).toBe(iso)
  })
  test.each([undefined, 42, '', 'tomorrow'])('%j is no date', value => {
    expect(parseRfc3339(value)).toBeUndefined()
  })
})
