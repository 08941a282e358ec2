import { clients } from '../../../src/clients/index.js'
import { clientFailure, ClientCommandError, loginVerdict, rateLimited } from '../../../src/clients/login-failure.js'
import { runClient } from '../../../src/clients/login-command.js'
import {
  CLIENT_MAX_RATE_LIMIT_DELAY_MS,
  CLIENT_MAX_RETRY_AFTER_MS,
  CLIENT_RATE_LIMIT_DELAY_MS,
  clientRateLimitDelay,
  clientRetry,
  REGISTRY_PROBE_TIMEOUT_MS
} from '../../../src/net/policies.js'
import { budget, DeadlineError } from '../../../src/process/run-process.js'
import { ActionError } from '../../../src/log/errors.js'
import type { RegistryCredential } from '../../../src/types.js'
import { fakeClientContext, type RunResult } from '../../helpers/contexts.js'
import { captureStdout, type StdoutCapture } from '../../helpers/stdout.js'

let stdout: StdoutCapture
beforeEach(() => {
  stdout = captureStdout()
})
afterEach(() => stdout.restore())

const credential: RegistryCredential = { registry: 'us.icr.io', username: 'iambearer', password: 'eyJ-retry-test-password' }
/** No real waiting between attempts in these tests. */
const fastEnv = { REGISTRY_LOGIN_CLIENT_RETRY_DELAY_MS: '0', REGISTRY_LOGIN_CLIENT_RATE_LIMIT_DELAY_MS: '0' }
const failed = (stderr: string, exitCode = 1): RunResult => ({ exitCode, stdout: '', stderr })

// What the real clients print (collected by running them against the local cloud with faults and
// against closed, resetting and silent ports).
describe("loginVerdict reads the clients' own words", () => {
  test.each([
    // refused: the registry judged the credential
    [
      'docker, wrong password',
      'Error response from daemon: Get "https://us.icr.io/v2/": unauthorized: incorrect username or password',
      'refused'
    ],
    [
      'docker, wrong password, http fallback last',
      'Error logging in to endpoint ... unauthorized: authentication required\nlogin attempt to http://127.0.0.11/v2/ failed with status: 400 Bad Request',
      'refused'
    ],
    ['podman/buildah', 'Error: logging into "us.icr.io": invalid username/password', 'refused'],
    ['skopeo', 'time="…" level=fatal msg="logging into \\"us.icr.io\\": invalid username/password"', 'refused'],
    ['helm', 'Error: login attempt to https://us.icr.io/v2/ failed with status: 401 Unauthorized', 'refused'],
    ['helm 3.18', 'Error: response status code 401: unauthorized: invalid username/password', 'refused'],
    [
      'oras',
      'Error: failed to validate the credential for us.icr.io: GET "https://us.icr.io/v2/": response status code 403: denied: requested access to the resource is denied',
      'refused'
    ],
    [
      'token service 403',
      'Error: authenticating creds for "us.icr.io": Requesting bearer token: received unexpected HTTP status: 403 Forbidden',
      'refused'
    ],
    [
      'podman, token 403',
      'Error: authenticating creds for "us.icr.io": Requesting bearer token: invalid status code from registry 403 (Forbidden)',
      'refused'
    ],
    [
      'docker, token 403',
      'level=info msg="Error logging in to endpoint" error="Get \\"https://us.icr.io/v2/\\": denied"\nGet "http://us.icr.io/v2/": dial tcp 127.0.0.11:80: connect: connection refused',
      'refused'
    ],
    [
      'helm, token 403',
      'Error: authenticating to "us.icr.io": GET "https://token.ibm.registry.test/token?service=ibm-registry": response status code 403: denied: requested access to the resource is denied',
      'refused'
    ],
    [
      'docker, wrong password (the http fallback is refused last)',
      'error="Get \\"https://us.icr.io/v2/\\": unauthorized: invalid username/password"\nGet "http://us.icr.io/v2/": dial tcp 127.0.0.11:80: connect: connection refused',
      'refused'
    ],
    // transient: the registry or the network
    [
      'podman, token 503',
      'Error: authenticating creds for "us.icr.io": Requesting bearer token: invalid status code from registry 503 (Service Unavailable)',
      'transient'
    ],
    [
      'skopeo, token 500',
      'level=fatal msg="authenticating creds for \\"us.icr.io\\": Requesting bearer token: invalid status code from registry 500 (Internal Server Error)"',
      'transient'
    ],
    ['podman, token 429', 'Error: authenticating creds for "us.icr.io": too many requests to registry', 'transient'],
    [
      'docker, token 429',
      'error="Get \\"https://us.icr.io/v2/\\": error parsing HTTP 429 response body: no error details found in HTTP response body"',
      'transient'
    ],
    [
      'docker, token 503',
      'error="Get \\"https://us.icr.io/v2/\\": received unexpected HTTP status: 503 Service Unavailable"\nGet "http://us.icr.io/v2/": dial tcp 127.0.0.11:80: connect: connection refused',
      'transient'
    ],
    [
      'helm, token 503',
      'Error: authenticating to "us.icr.io": GET "https://us.icr.io/v2/": GET "https://token.ibm.registry.test/token?service=ibm-registry": response status code 503: Service Unavailable',
      'transient'
    ],
    [
      'helm, reset',
      'Error: authenticating to "us.icr.io": GET "https://us.icr.io/v2/": Get "https://token.ibm.registry.test/token?service=ibm-registry": stream error: stream ID 1; NO_ERROR; received from peer',
      'transient'
    ],
    [
      'podman, reset mid-answer',
      'Error: authenticating creds for "us.icr.io": Get "https://token.ibm.registry.test/token?account=iamapikey&service=ibm-registry": EOF',
      'transient'
    ],
    ['helm, 503', 'Error: login attempt to https://us.icr.io/v2/ failed with status: 503 Service Unavailable', 'transient'],
    ['docker, 502', 'Error response from daemon: received unexpected HTTP status: 502 Bad Gateway', 'transient'],
    ['429', 'Error: response status code 429: toomanyrequests: rate limit exceeded', 'transient'],
    ['500', 'Error: login attempt to https://us.icr.io/v2/ failed with status: 500 Internal Server Error', 'transient'],
    ['docker, refused', 'Get "http://127.0.0.5:1/v2/": dial tcp 127.0.0.5:1: connect: connection refused', 'transient'],
    [
      'podman, reset',
      'Error: authenticating creds for "x": pinging container registry x: Get "https://x/v2/": read tcp 127.0.0.1:57108->127.0.0.5:5444: read: connection reset by peer',
      'transient'
    ],
    [
      'podman, TLS handshake timeout',
      'Error: authenticating creds for "x": pinging container registry x: Get "https://x/v2/": net/http: TLS handshake timeout',
      'transient'
    ],
    [
      'docker, client timeout',
      'Get "http://x/v2/": net/http: request canceled (Client.Timeout exceeded while awaiting headers)',
      'transient'
    ],
    ['dial timeout', 'dial tcp 10.0.0.1:443: i/o timeout', 'transient'],
    ['EOF', 'Get "https://x/v2/": EOF', 'transient'],
    ['DNS hiccup', 'dial tcp: lookup x on 127.0.0.53:53: server misbehaving', 'transient'],
    // other: reported at once
    ['unknown host', 'dial tcp: lookup nope.example on 127.0.0.53:53: no such host', 'other'],
    ['unwritable auth file', 'Error: open /root/.docker/config.json: permission denied', 'other'],
    ['bad flag', 'unknown flag: --password-stdinn', 'other'],
    ['nothing said', '', 'other']
  ] as const)('%s → %s', (_name, output, verdict) => {
    expect(loginVerdict(output)).toBe(verdict)
  })
})

describe('clientFailure', () => {
  test('a refused login names the user and registry, never the password, and says it is not retried', () => {
    const error = clientFailure('podman', 'login', failed('Error: logging into "us.icr.io": invalid username/password', 125), {
      username: 'iambearer',
      registry: 'us.icr.io'
    })
    expect(error.verdict).toBe('refused')
    expect(error.transient).toBe(false)
    expect(error.message).toBe(
      "'podman login' exited with code 125: Error: logging into \"us.icr.io\": invalid username/password. The registry us.icr.io refused the credential of user 'iambearer' (not retried). Check that the credential belongs to this registry (its cloud account, region or instance), that it has not expired or been revoked, and that this identity may pull from or push to it."
    )
  })

  test("the client's words are made safe for the log: no line breaks, no workflow commands", () => {
    const error = clientFailure('docker', 'login', failed('one\n::warning::injected\nError: unauthorized'), {
      username: 'ci\n::error::x',
      registry: 'us.icr.io'
    })
    expect(error.message).not.toMatch(/\n|::/)
  })

  test('a logout failure is plain: no verdict about a credential', () => {
    const error = clientFailure('docker', 'logout', failed('Error: unauthorized'))
    expect(error.verdict).toBe('other')
    expect(error.message).toBe("'docker logout' exited with code 1: Error: unauthorized")
  })
})

describe('client login retries', () => {
  test('defaults: 3 attempts from a 2 s base (at most 15 s); the environment overrides', () => {
    expect(clientRetry({})).toEqual({ attempts: 3, baseDelayMs: 2_000, maxDelayMs: 15_000 })
    expect(clientRetry({ REGISTRY_LOGIN_CLIENT_ATTEMPTS: '5', REGISTRY_LOGIN_CLIENT_RETRY_DELAY_MS: '100' })).toEqual({
      attempts: 5,
      baseDelayMs: 100,
      maxDelayMs: 15_000
    })
    expect(clientRetry({ REGISTRY_LOGIN_CLIENT_ATTEMPTS: '0' }).attempts).toBe(1)
  })

  test.each(['docker', 'podman', 'buildah', 'skopeo', 'helm', 'oras'] as const)(
    '%s: 503 twice, then logged in; the password is fed on stdin each time',
    async id => {
      const ctx = fakeClientContext(fastEnv, {
        behaviour: (_call, index) => (index < 2 ? failed('Error: received unexpected HTTP status: 503 Service Unavailable') : undefined)
      })
      await clients[id].login(credential, '/tmp/registry-login-retry-test/config.json', ctx)
      expect(ctx.calls).toHaveLength(3)
      expect(ctx.calls.map(call => call.stdin)).toEqual([credential.password, credential.password, credential.password])
      expect(ctx.calls.every(call => !call.args.includes(credential.password))).toBe(true)
      expect(stdout.lines().filter(line => line.includes('failed (')).length).toBe(2)
    }
  )

  test('a registry still failing after the last attempt: the last error, transient', async () => {
    const ctx = fakeClientContext(fastEnv, { behaviour: () => failed('dial tcp 127.0.0.11:443: connect: connection refused') })
    const error = await clients.docker.login(credential, '/d/config.json', ctx).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ClientCommandError)
    expect((error as Error).message).toBe("'docker login' exited with code 1: dial tcp 127.0.0.11:443: connect: connection refused")
    expect(ctx.calls).toHaveLength(3)
  })

  test('a refused credential is not retried', async () => {
    const ctx = fakeClientContext(fastEnv, {
      behaviour: () => failed('Error: response status code 401: unauthorized: invalid username/password')
    })
    await expect(clients.helm.login(credential, '/d/config.json', ctx)).rejects.toThrow(
      "The registry us.icr.io refused the credential of user 'iambearer' (not retried)."
    )
    expect(ctx.calls).toHaveLength(1)
  })

  test('a client stopped at its deadline is reported, not retried', async () => {
    const deadline = new DeadlineError('docker login', { ms: 120_000, variable: 'REGISTRY_LOGIN_CLIENT_TIMEOUT_MS' })
    const ctx = fakeClientContext(fastEnv, { behaviour: () => Promise.reject(deadline) })
    await expect(clients.docker.login(credential, '/d/config.json', ctx)).rejects.toBe(deadline)
    expect(ctx.calls).toHaveLength(1)
  })

  test('any other failure is reported at once', async () => {
    const ctx = fakeClientContext(fastEnv, { behaviour: () => failed('Error: open /d/config.json: permission denied') })
    await expect(clients.podman.login(credential, '/d/config.json', ctx)).rejects.toThrow(
      "'podman login' exited with code 1: Error: open /d/config.json: permission denied"
    )
    expect(ctx.calls).toHaveLength(1)
  })

  test('logouts are not retried', async () => {
    const ctx = fakeClientContext(fastEnv, { behaviour: () => failed('Error: received unexpected HTTP status: 503 Service Unavailable') })
    await expect(runClient(ctx, 'docker', ['--config', '/d', 'logout', 'us.icr.io'])).rejects.toThrow("'docker logout' exited with code 1")
    expect(ctx.calls).toHaveLength(1)
  })

  test('each run says which deadline applies: login for logins, logout for logouts', async () => {
    const purposes: unknown[] = []
    const ctx = fakeClientContext(fastEnv)
    const run = ctx.run
    ctx.run = (command, args, options) => {
      purposes.push(options?.purpose)
      return run(command, args, options)
    }
    await clients.podman.login(credential, '/tmp/registry-login-retry-test/auth.json', ctx)
    await clients.podman.logout(credential.registry, '/tmp/registry-login-retry-test/auth.json', ctx)
    expect(purposes).toEqual(['login', 'logout'])
  })
})

// What the clients printed when the local registry's token service answered 429 or 503 with `Retry-After: 3`
// (docker 28 client-side login, podman 4.3, buildah, skopeo 1.9, helm 3.18; #20). None shows the header's value.
describe('rate-limited: the registry answered 429 or 503 (#20)', () => {
  test.each([
    [
      'docker, 429 with an error body',
      'level=info msg="Error logging in to endpoint, trying next endpoint" error="Get \\"https://us.icr.io/v2/\\": toomanyrequests: Injected fault"\nGet "http://us.icr.io/v2/": dial tcp 127.0.0.11:80: connect: connection refused',
      true
    ],
    [
      'docker, 429 with a plain-text body',
      'error="Get \\"https://us.icr.io/v2/\\": error parsing HTTP 429 response body: invalid character \'p\' looking for beginning of value: \\"plain text body\\""',
      true
    ],
    [
      'docker, 503',
      'error="Get \\"https://us.icr.io/v2/\\": received unexpected HTTP status: 503 Service Unavailable"\nGet "http://us.icr.io/v2/": dial tcp 127.0.0.11:80: connect: connection refused',
      true
    ],
    ['podman or buildah, 429', 'Error: authenticating creds for "us.icr.io": too many requests to registry', true],
    ['skopeo, 429', 'time="…" level=fatal msg="authenticating creds for \\"us.icr.io\\": too many requests to registry"', true],
    [
      'podman, buildah or skopeo, 503',
      'Error: authenticating creds for "us.icr.io": Requesting bearer token: invalid status code from registry 503 (Service Unavailable)',
      true
    ],
    ['helm or oras, 429 after its own retries', 'Error: response status code 429: toomanyrequests: rate limit exceeded', true],
    ['helm, 503', 'Error: login attempt to https://us.icr.io/v2/ failed with status: 503 Service Unavailable', true],
    ['a 500', 'Error: login attempt to https://us.icr.io/v2/ failed with status: 500 Internal Server Error', false],
    ['a 502', 'Error response from daemon: received unexpected HTTP status: 502 Bad Gateway', false],
    ['connection refused', 'Get "http://127.0.0.5:1/v2/": dial tcp 127.0.0.5:1: connect: connection refused', false],
    ['an EOF', 'Get "https://x/v2/": EOF', false]
  ] as const)('%s: rate-limited is %s', (_name, output, expected) => {
    expect(rateLimited(output)).toBe(expected)
    expect(loginVerdict(output)).toBe('transient')
    expect(clientFailure('podman', 'login', failed(output), { username: 'iambearer', registry: 'us.icr.io' }).rateLimited).toBe(expected)
  })

  test('a refusal is never rate-limited, and neither is a logout', () => {
    const refused = clientFailure('helm', 'login', failed('Error: response status code 401: unauthorized (and 429 earlier)'), {
      username: 'u',
      registry: 'us.icr.io'
    })
    expect([refused.verdict, refused.rateLimited]).toEqual(['refused', false])
    expect(clientFailure('podman', 'logout', failed('too many requests to registry')).rateLimited).toBe(false)
  })

  test('the policy: 5 s, doubled per attempt, at most 60 s; the environment overrides the first wait', () => {
    expect([CLIENT_RATE_LIMIT_DELAY_MS, CLIENT_MAX_RATE_LIMIT_DELAY_MS]).toEqual([5_000, 60_000])
    expect([1, 2, 3, 4, 5].map(attempt => clientRateLimitDelay({}, attempt))).toEqual([5_000, 10_000, 20_000, 40_000, 60_000])
    expect(clientRateLimitDelay({ REGISTRY_LOGIN_CLIENT_RATE_LIMIT_DELAY_MS: '40' }, 2)).toBe(80)
  })

  test('a login answered 429 waits the rate-limit delay, doubling; other transient failures keep the backoff', async () => {
    const env = {
      REGISTRY_LOGIN_CLIENT_RETRY_DELAY_MS: '0',
      REGISTRY_LOGIN_CLIENT_RATE_LIMIT_DELAY_MS: '30',
      REGISTRY_LOGIN_CLIENT_ATTEMPTS: '4'
    }
    const answers = [
      failed('Error: authenticating creds for "us.icr.io": too many requests to registry', 125),
      failed(
        'Error: authenticating creds for "us.icr.io": Requesting bearer token: invalid status code from registry 503 (Service Unavailable)',
        125
      ),
      failed(
        'Error: authenticating creds for "us.icr.io": Requesting bearer token: invalid status code from registry 500 (Internal Server Error)',
        125
      )
    ]
    const ctx = fakeClientContext(env, { behaviour: (_call, index) => answers[index] })
    const started = Date.now()
    await clients.podman.login(credential, '/tmp/registry-login-retry-test/auth.json', ctx)
    expect(ctx.calls).toHaveLength(4)
    const waits = stdout
      .lines()
      .flatMap(line => /^podman login to us\.icr\.io: attempt \d of 4 failed .*; retrying in (\d+) ms$/.exec(line)?.[1] ?? [])
    expect(waits).toEqual(['30', '60', '0'])
    expect(Date.now() - started).toBeGreaterThanOrEqual(90)
  })

  test("no wait runs past the step's deadline: the login fails at once, naming the wait and the variable", async () => {
    const ctx = {
      ...fakeClientContext(
        { REGISTRY_LOGIN_CLIENT_RATE_LIMIT_DELAY_MS: '5000' },
        {
          behaviour: () => failed('Error: response status code 429: toomanyrequests: rate limit exceeded')
        }
      ),
      budget: budget({ ms: 2_000, variable: 'REGISTRY_LOGIN_MAIN_TIMEOUT_MS' })
    }
    const started = Date.now()
    const error = await clients.helm.login(credential, '/d/registry.json', ctx).catch((e: unknown) => e)
    expect(Date.now() - started).toBeLessThan(1_000)
    expect(ctx.calls).toHaveLength(1)
    expect(error).toBeInstanceOf(ActionError)
    expect((error as ActionError).message).toMatch(
      /^helm login to us\.icr\.io: attempt 1 of 3 failed \('helm login' exited with code 1: Error: response status code 429: toomanyrequests: rate limit exceeded\), and the next one is not made: its wait of 5000 ms would end past the step's deadline \(\d+ ms left\)\. If the registry needs longer, raise the environment variable REGISTRY_LOGIN_MAIN_TIMEOUT_MS \(milliseconds\)\.$/
    )
    expect((error as ActionError).hint).toBe(
      'If the registry needs longer, raise the environment variable REGISTRY_LOGIN_MAIN_TIMEOUT_MS (milliseconds).'
    )
  })

  test("a wait that ends within the step's deadline is made, and the login succeeds", async () => {
    const ctx = {
      ...fakeClientContext(
        { REGISTRY_LOGIN_CLIENT_RATE_LIMIT_DELAY_MS: '20' },
        {
          behaviour: (_call, index) => (index === 0 ? failed('Error: response status code 429: toomanyrequests: slow down') : undefined)
        }
      ),
      budget: budget({ ms: 60_000, variable: 'REGISTRY_LOGIN_MAIN_TIMEOUT_MS' })
    }
    await clients.helm.login(credential, '/d/registry.json', ctx)
    expect(ctx.calls).toHaveLength(2)
    expect(stdout.lines().some(line => line.endsWith('; retrying in 20 ms'))).toBe(true)
  })
})

describe("the registry's Retry-After, read by the action after a 429 or 503 (#20)", () => {
  const TOO_MANY = failed('Error: authenticating creds for "us.icr.io": too many requests to registry', 125)
  const SERVER_ERROR = failed(
    'Error: authenticating creds for "us.icr.io": invalid status code from registry 500 (Internal Server Error)',
    125
  )
  /** A context whose registry names `retryAfter` ms (or none), recording every registry it was asked about. */
  const withRetryAfter = (answers: RunResult[], retryAfter: number | undefined, env: NodeJS.ProcessEnv = {}) => {
    const asked: string[] = []
    const within: number[] = []
    const ctx = {
      ...fakeClientContext(
        { REGISTRY_LOGIN_CLIENT_RETRY_DELAY_MS: '0', REGISTRY_LOGIN_CLIENT_RATE_LIMIT_DELAY_MS: '5000', ...env },
        { behaviour: (_call, index) => answers[index] }
      ),
      retryAfter: async (registry: string, withinMs: number) => {
        asked.push(registry)
        within.push(withinMs)
        return retryAfter
      }
    }
    return { ctx, asked, within }
  }
  const waits = (): string[] =>
    stdout.lines().flatMap(line => /^podman login to us\.icr\.io: attempt \d of \d failed .*; retrying in (\d+) ms$/.exec(line)?.[1] ?? [])

  test("the wait is the registry's Retry-After, not the rate-limit delay, and the log says where it came from", async () => {
    const { ctx, asked } = withRetryAfter([TOO_MANY], 40)
    await clients.podman.login(credential, '/tmp/registry-login-retry-test/auth.json', ctx)
    expect(asked).toEqual(['us.icr.io'])
    expect(ctx.calls).toHaveLength(2)
    expect(waits()).toEqual(['40'])
    expect(stdout.lines()).toContain('podman login to us.icr.io: the registry asks to wait 1 s (its Retry-After)')
  })

  test('without a Retry-After the rate-limit delay stays', async () => {
    const { ctx, asked } = withRetryAfter([TOO_MANY], undefined, { REGISTRY_LOGIN_CLIENT_RATE_LIMIT_DELAY_MS: '25' })
    await clients.podman.login(credential, '/tmp/registry-login-retry-test/auth.json', ctx)
    expect(asked).toEqual(['us.icr.io'])
    expect(waits()).toEqual(['25'])
    expect(stdout.lines().some(line => line.includes('Retry-After'))).toBe(false)
  })

  test('the registry is asked only after a 429 or 503, and never after the last attempt', async () => {
    const other = withRetryAfter([SERVER_ERROR], 40)
    await clients.podman.login(credential, '/tmp/registry-login-retry-test/auth.json', other.ctx)
    expect(other.asked).toEqual([])
    stdout.restore()
    stdout = captureStdout()
    const last = withRetryAfter([TOO_MANY, TOO_MANY, TOO_MANY], 10)
    const error = await clients.podman.login(credential, '/tmp/registry-login-retry-test/auth.json', last.ctx).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ClientCommandError)
    expect(last.ctx.calls).toHaveLength(3)
    expect(last.asked).toEqual(['us.icr.io', 'us.icr.io'])
  })

  test("a Retry-After past the step's deadline fails the login at once, naming the wait and the variable", async () => {
    const { ctx } = withRetryAfter([TOO_MANY], 30_000, { REGISTRY_LOGIN_CLIENT_RATE_LIMIT_DELAY_MS: '100' })
    const within = { ...ctx, budget: budget({ ms: 2_000, variable: 'REGISTRY_LOGIN_MAIN_TIMEOUT_MS' }) }
    const started = Date.now()
    const error = await clients.podman.login(credential, '/tmp/registry-login-retry-test/auth.json', within).catch((e: unknown) => e)
    expect(Date.now() - started).toBeLessThan(1_000)
    expect((error as ActionError).message).toMatch(
      /^podman login to us\.icr\.io: attempt 1 of 3 failed \(.*too many requests to registry\), and the next one is not made: its wait of 30000 ms would end past the step's deadline \(\d+ ms left\)\./
    )
  })

  test('a Retry-After longer than CLIENT_MAX_RETRY_AFTER_MS is cut to it, in the log too', async () => {
    const { ctx } = withRetryAfter([TOO_MANY], CLIENT_MAX_RETRY_AFTER_MS + 60_000, { REGISTRY_LOGIN_CLIENT_RATE_LIMIT_DELAY_MS: '100' })
    const within = { ...ctx, budget: budget({ ms: 1_000, variable: 'REGISTRY_LOGIN_MAIN_TIMEOUT_MS' }) }
    const error = await clients.podman.login(credential, '/tmp/registry-login-retry-test/auth.json', within).catch((e: unknown) => e)
    expect((error as ActionError).message).toContain(`its wait of ${CLIENT_MAX_RETRY_AFTER_MS} ms would end past`)
    expect(stdout.lines()).toContain(
      `podman login to us.icr.io: the registry asks to wait ${CLIENT_MAX_RETRY_AFTER_MS / 1000} s (its Retry-After)`
    )
  })

  test("the look gets what the step's deadline leaves once the rate-limit delay is set aside, at most two requests' time", async () => {
    const roomy = withRetryAfter([TOO_MANY], 10, { REGISTRY_LOGIN_CLIENT_RATE_LIMIT_DELAY_MS: '1000' })
    await clients.podman.login(credential, '/tmp/registry-login-retry-test/auth.json', {
      ...roomy.ctx,
      budget: budget({ ms: 60_000, variable: 'REGISTRY_LOGIN_MAIN_TIMEOUT_MS' })
    })
    expect(roomy.within).toEqual([2 * REGISTRY_PROBE_TIMEOUT_MS])
    const tight = withRetryAfter([TOO_MANY], 10, { REGISTRY_LOGIN_CLIENT_RATE_LIMIT_DELAY_MS: '1000' })
    await clients.podman.login(credential, '/tmp/registry-login-retry-test/auth.json', {
      ...tight.ctx,
      budget: budget({ ms: 3_000, variable: 'REGISTRY_LOGIN_MAIN_TIMEOUT_MS' })
    })
    expect(tight.within).toHaveLength(1)
    expect(tight.within[0]).toBeLessThanOrEqual(2_000)
    expect(tight.within[0]).toBeGreaterThan(1_500)
    // No room at all: the registry is not asked, and the delay (past the deadline) fails the login at once.
    const none = withRetryAfter([TOO_MANY], 10, { REGISTRY_LOGIN_CLIENT_RATE_LIMIT_DELAY_MS: '5000' })
    const error = await clients.podman
      .login(credential, '/tmp/registry-login-retry-test/auth.json', {
        ...none.ctx,
        budget: budget({ ms: 4_000, variable: 'REGISTRY_LOGIN_MAIN_TIMEOUT_MS' })
      })
      .catch((e: unknown) => e)
    expect(none.asked).toEqual([])
    expect((error as ActionError).message).toContain('its wait of 5000 ms would end past')
  })
})
