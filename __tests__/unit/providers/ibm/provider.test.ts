import { ActionError } from '../../../../src/log/errors.js'
import { HttpError, NetworkError } from '../../../../src/net/http.js'
import { createInputReader } from '../../../../src/inputs/reader.js'
import { parseInputs } from '../../../../src/step/parse-step.js'
import { exchangeApiKey, IBM_IAM_URL, parseIamError } from '../../../../src/providers/ibm/iam.js'
import { ibm } from '../../../../src/providers/ibm/index.js'
import { IBM_REGION_NAMES, ibmRegistryHost } from '../../../../src/providers/ibm/regions.js'
import type { LoginSpec } from '../../../../src/providers/provider.js'
import { fastHttp, testProviderContext } from '../../../helpers/contexts.js'
import { startIamServer, UNKNOWN_KEY_BODY, type IamServer } from '../../../helpers/iam-server.js'
import { captureStdout, type StdoutCapture } from '../../../helpers/stdout.js'
import { failure } from '../../../helpers/thrown.js'
import { mint } from '../../../../src/providers/index.js'

describe('IBM Cloud Container Registry regions', () => {
  // IBM Cloud docs, "Regions" of Container Registry: region id, domain prefixes, domain.
  const documented: Array<[string, string[], string]> = [
    ['global', ['icr.io'], 'icr.io'],
    ['us-south', ['us'], 'us.icr.io'],
    ['eu-gb', ['uk', 'uk-south'], 'uk.icr.io'],
    ['eu-de', ['de', 'eu-central'], 'de.icr.io'],
    ['au-syd', ['au', 'ap-south'], 'au.icr.io'],
    ['jp-tok', ['jp', 'ap-north'], 'jp.icr.io'],
    ['jp-osa', ['jp2'], 'jp2.icr.io'],
    ['br-sao', ['br'], 'br.icr.io'],
    ['ca-tor', ['ca'], 'ca.icr.io'],
    ['ca-mon', ['ca2'], 'ca2.icr.io'],
    ['eu-es', ['es'], 'es.icr.io'],
    ['in-che', ['in'], 'in.icr.io'],
    ['in-mum', ['in2'], 'in2.icr.io']
  ]

  test('the region list is exactly the documented regions', () => {
    expect([...IBM_REGION_NAMES].sort()).toEqual(documented.map(([id]) => id).sort())
  })

  test.each(documented)('%s (and %j) -> %s, private.%s -> private. domain', (id, aliases, domain) => {
    for (const name of [id, ...aliases]) {
      expect(ibmRegistryHost(name)).toBe(domain)
      expect(ibmRegistryHost(name.toUpperCase())).toBe(domain)
      expect(ibmRegistryHost(` ${name} `)).toBe(domain)
      expect(ibmRegistryHost(`private.${name}`)).toBe(`private.${domain}`)
      expect(ibmRegistryHost(`PRIVATE.${name.toUpperCase()}`)).toBe(`private.${domain}`)
    }
  })

  test.each(['', 'mars', 'us-east', 'private.', 'private.mars', 'private.private.us', 'us.icr.io', 'icr'])('%j is not a region', name => {
    expect(ibmRegistryHost(name)).toBeUndefined()
  })
})

describe('parseIamError', () => {
  test("reads IAM's code, message and request id", () => {
    expect(parseIamError(JSON.stringify(UNKNOWN_KEY_BODY))).toEqual({
      code: 'BXNIM0415E',
      message: 'Provided API key could not be found.',
      requestId: 'req-1'
    })
  })
  test('leaves out what IAM did not say', () => {
    expect(parseIamError('{"errorMessage":"x"}')).toEqual({ message: 'x' })
  })
})

const API_KEY = 'ibm-unit-key-3FhQ9wLmZr7TbV2xNc5K'

let stdout: StdoutCapture
let server: IamServer
beforeEach(async () => {
  stdout = captureStdout()
  server = await startIamServer({ apiKeys: [API_KEY] })
})
afterEach(async () => {
  stdout.restore()
  await server.close()
})

const iamEnv = (): NodeJS.ProcessEnv => ({ REGISTRY_LOGIN_ENDPOINT_IBM_IAM: server.url })

function plan(values: Record<string, string>): LoginSpec {
  return parseInputs(createInputReader(name => values[name] ?? '')).plan
}

describe('exchangeApiKey against a local IAM', () => {
  test('the default endpoint is the real IAM', () => {
    expect(IBM_IAM_URL).toBe('https://iam.cloud.ibm.com/identity/token')
  })

  test('sends the API key grant as a form POST and returns the token and its expiry', async () => {
    const ctx = testProviderContext(iamEnv())
    const result = await exchangeApiKey(API_KEY, ctx)
    expect(server.requests).toHaveLength(1)
    const [request] = server.requests
    expect(request?.method).toBe('POST')
    expect(request?.path).toBe('/identity/token')
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded')
    expect(request?.headers.accept).toBe('application/json')
    expect(Object.fromEntries(new URLSearchParams(request?.body))).toEqual({
      grant_type: 'urn:ibm:params:oauth:grant-type:apikey',
      apikey: API_KEY
    })
    expect(result.token).toBe(server.issued[0])
    expect(result.expiresAt).toEqual(new Date(server.expiration * 1000))
    // The token is masked the moment it arrives.
    expect(ctx.masked).toContain(result.token)
  })

  test('falls back to expires_in when IAM gives no expiration', async () => {
    server.behaviour = () => ({ status: 200, body: { access_token: 'eyJ-no-expiration-token', expires_in: 1200 } })
    const now = new Date('2031-05-06T07:08:09Z')
    const result = await exchangeApiKey(API_KEY, testProviderContext(iamEnv(), fastHttp().http, now))
    expect(result).toEqual({ token: 'eyJ-no-expiration-token', expiresAt: new Date(now.getTime() + 1_200_000) })
  })

  test('no expiry at all: no expiresAt', async () => {
    server.behaviour = () => ({ status: 200, body: { access_token: 'eyJ-no-expiry-at-all' } })
    expect(await exchangeApiKey(API_KEY, testProviderContext(iamEnv()))).toEqual({ token: 'eyJ-no-expiry-at-all' })
  })

  test('a 200 without access_token is a clear error', async () => {
    server.behaviour = () => ({ status: 200, body: { token_type: 'Bearer' } })
    const error = await failure(exchangeApiKey(API_KEY, testProviderContext(iamEnv())))
    expect(error).toBeInstanceOf(ActionError)
    expect(error.message).toBe('IBM Cloud IAM answered without an access_token.')
  })
})

describe('the IBM provider plan against a local IAM', () => {
  test('api-key: exchanged for an IAM token, iambearer for every registry, expiry from IAM', async () => {
    const p = plan({ provider: 'ibm', 'api-key': API_KEY, region: 'us-south, eu-de' })
    const credentials = await mint(p, testProviderContext(iamEnv()))
    const token = server.issued[0]
    expect(token).toBeDefined()
    const expiresAt = new Date(server.expiration * 1000)
    expect(credentials).toEqual([
      { registry: 'us.icr.io', username: 'iambearer', password: token, expiresAt },
      { registry: 'de.icr.io', username: 'iambearer', password: token, expiresAt }
    ])
    expect(server.requests).toHaveLength(1)
  })

  test("an API key IAM does not know: IAM's code, message, request id and a hint; not retried; key not in the message", async () => {
    server.behaviour = () => ({ status: 400, body: UNKNOWN_KEY_BODY })
    const { http, sleeps } = fastHttp({ attempts: 4 })
    const p = plan({ provider: 'ibm', 'api-key': API_KEY, region: 'us' })
    const error = await failure(mint(p, testProviderContext(iamEnv(), http)))
    expect(error).toBeInstanceOf(HttpError)
    expect((error as HttpError).status).toBe(400)
    expect(error.message).toBe(
      "IBM Cloud IAM answered HTTP 400 BXNIM0415E: Provided API key could not be found. (request id req-1). Check the 'api-key' secret: IAM does not know this API key (deleted, mistyped, or from another account)."
    )
    expect(error.message).not.toContain(API_KEY)
    expect(server.requests).toHaveLength(1)
    expect(sleeps).toEqual([])
  })

  test('the local IAM itself refuses an unknown key the same way (its real behaviour, not a scripted reply)', async () => {
    const p = plan({ provider: 'ibm', 'api-key': 'ibm-unit-key-that-iam-never-issued', region: 'us' })
    const error = await failure(mint(p, testProviderContext(iamEnv())))
    expect(error.message).toMatch(
      /^IBM Cloud IAM answered HTTP 400 BXNIM0415E: Provided API key could not be found\. \(request id [0-9a-f]+\)\. Check the 'api-key' secret/
    )
    expect(server.requests).toHaveLength(1)
  })

  test('a 401 without an IAM body still gets a hint', async () => {
    server.behaviour = () => ({ status: 401, body: 'Unauthorized' })
    const error = await failure(mint(plan({ provider: 'ibm', 'api-key': API_KEY, region: 'us' }), testProviderContext(iamEnv())))
    expect(error.message).toBe("IBM Cloud IAM answered HTTP 401. Check the 'api-key' secret.")
    expect(server.requests).toHaveLength(1)
  })

  test('429 then success: retried once and succeeds', async () => {
    server.behaviour = (_req, n, iam) =>
      n === 1 ? { status: 429, body: { errorCode: 'BXNIM0429E', errorMessage: 'Too many requests' } } : iam()
    const { http, sleeps } = fastHttp({ attempts: 3 })
    const credentials = await mint(plan({ provider: 'ibm', 'api-key': API_KEY, region: 'us' }), testProviderContext(iamEnv(), http))
    expect(server.requests).toHaveLength(2)
    expect(sleeps).toHaveLength(1)
    expect(credentials).toEqual([
      { registry: 'us.icr.io', username: 'iambearer', password: server.issued[0], expiresAt: new Date(server.expiration * 1000) }
    ])
    expect(stdout.text()).toMatch(
      /IBM Cloud IAM: attempt 1 of 3 failed \(IBM Cloud IAM answered HTTP 429 BXNIM0429E: Too many requests\.\); retrying in \d+ ms/
    )
  })

  test('500 forever: gives up after the configured attempts with HTTP 500 in the message', async () => {
    server.behaviour = () => ({
      status: 500,
      body: { errorCode: 'BXNIM0500E', errorMessage: 'Internal error', context: { requestId: 'req-500' } }
    })
    const { http, sleeps } = fastHttp({ attempts: 3 })
    const error = await failure(mint(plan({ provider: 'ibm', 'api-key': API_KEY, region: 'us' }), testProviderContext(iamEnv(), http)))
    expect(error).toBeInstanceOf(HttpError)
    expect(error.message).toBe('IBM Cloud IAM answered HTTP 500 BXNIM0500E: Internal error (request id req-500).')
    expect(server.requests).toHaveLength(3)
    expect(sleeps).toHaveLength(2)
  })

  test('IAM never answers: NetworkError after the timeout, on every attempt', async () => {
    server.behaviour = () => 'hang'
    const { http } = fastHttp({ attempts: 2, timeoutMs: 150 })
    const started = Date.now()
    const error = await failure(mint(plan({ provider: 'ibm', 'api-key': API_KEY, region: 'us' }), testProviderContext(iamEnv(), http)))
    expect(error).toBeInstanceOf(NetworkError)
    expect(error.message).toBe('Could not reach IBM Cloud IAM: no answer within 150 ms.')
    expect(server.requests).toHaveLength(2)
    expect(Date.now() - started).toBeLessThan(5_000)
  })

  test('a 200 with a body that is not JSON is a clear error', async () => {
    server.behaviour = () => ({ status: 200, body: '<html>gateway says hi</html>' })
    const error = await failure(mint(plan({ provider: 'ibm', 'api-key': API_KEY, region: 'us' }), testProviderContext(iamEnv())))
    expect(error).toBeInstanceOf(ActionError)
    expect(error.message).toBe('IBM Cloud IAM answered HTTP 200 with a body that is not JSON.')
    expect(server.requests).toHaveLength(1)
  })

  test('exchange: false: iamapikey + the key itself, with a warning, and no call to IAM', async () => {
    const ctx = testProviderContext(iamEnv())
    const p = plan({ provider: 'ibm', 'api-key': API_KEY, registry: 'jp.icr.io', exchange: 'false' })
    const credentials = await mint(p, ctx)
    expect(credentials).toEqual([{ registry: 'jp.icr.io', username: 'iamapikey', password: API_KEY }])
    expect(server.requests).toHaveLength(0)
    expect(ctx.warnings).toHaveLength(1)
    expect(ctx.warnings[0]).toMatch(/long-lived API key/)
  })

  test('token: iambearer + the token, no call to IAM', async () => {
    const credentials = await mint(plan({ provider: 'ibm', token: 'eyJ-given-token', region: 'au-syd' }), testProviderContext(iamEnv()))
    expect(credentials).toEqual([{ registry: 'au.icr.io', username: 'iambearer', password: 'eyJ-given-token' }])
    expect(server.requests).toHaveLength(0)
  })

  test.each([
    ['http://iam.example.com/identity/token', false],
    ['http://10.0.0.5:8080/identity/token', false],
    ['http://127.0.0.1:1/identity/token', true],
    ['http://localhost:1/identity/token', true]
  ])(
    'an endpoint override %s: plain http only to this machine, so the API key never travels in clear (allowed: %s)',
    async (url, allowed) => {
      const ctx = testProviderContext({ REGISTRY_LOGIN_ENDPOINT_IBM_IAM: url }, fastHttp({ attempts: 1 }).http)
      const error = await failure(mint(plan({ provider: 'ibm', 'api-key': API_KEY, region: 'us' }), ctx))
      if (allowed) expect(error.message).toMatch(/^Could not reach IBM Cloud IAM/)
      else
        expect(error.message).toMatch(
          /^Environment variable REGISTRY_LOGIN_ENDPOINT_IBM_IAM is 'http:\/\/[^']+': the credential would travel in clear\. Use an https:\/\/ URL/
        )
      expect(server.requests).toHaveLength(0)
    }
  )

  test('a malformed endpoint override is refused with the variable named', async () => {
    const error = await failure(
      mint(
        plan({ provider: 'ibm', 'api-key': API_KEY, region: 'us' }),
        testProviderContext({ REGISTRY_LOGIN_ENDPOINT_IBM_IAM: 'not a url' })
      )
    )
    expect(error.message).toBe("Environment variable REGISTRY_LOGIN_ENDPOINT_IBM_IAM is not a URL: 'not a url'.")
    // an ActionError: main prints the message alone, no stack trace in the debug log
    expect(error).toBeInstanceOf(ActionError)
    expect(server.requests).toHaveLength(0)
  })

  test('the provider describes itself', () => {
    expect(ibm.id).toBe('ibm')
    expect([...ibm.authMethods]).toEqual(['api-key', 'token', 'password', 'runner-identity'])
  })
})
