// When the credential helper hands out a cached credential and when it mints a new one (#20): a client may keep the
// helper's answer for minutes (buildx: up to 10), so what it gets must stay valid that long. The clock is the test's.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { isFresh, minValidityMs, type CachedCredential } from '../../../src/credential-helper/cache.js'
import { helperFiles, writeHelperConfig } from '../../../src/credential-helper/config.js'
import { credentialSource } from '../../../src/credential-helper/source.js'
import { createInputReader } from '../../../src/inputs/reader.js'
import { HELPER_UNKNOWN_EXPIRY_REUSE_MS } from '../../../src/net/policies.js'
import { parseInputs } from '../../../src/step/parse-step.js'
import { startIamServer, type IamServer } from '../../helpers/iam-server.js'
import { captureStdout, type StdoutCapture } from '../../helpers/stdout.js'

const SECOND = 1_000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
/** Where the test's clock starts: any fixed instant (2026-11-20 10:00 UTC). */
const T0 = Date.UTC(2026, 10, 20, 10, 0, 0)

/** The lifetimes the clouds issue, and two short ones. */
const LIFETIMES: Array<[string, number]> = [
  ['1 h (IBM IAM token, Alibaba temporary password)', HOUR],
  ['12 h (Yandex IAM token, Nebius access token)', 12 * HOUR],
  ['a 20-minute token', 20 * MINUTE],
  ['a 5-minute token', 5 * MINUTE]
]

const minted = (lifetimeMs?: number): CachedCredential => ({
  username: 'u',
  password: 'p',
  obtainedAt: T0,
  ...(lifetimeMs !== undefined ? { expiresAt: T0 + lifetimeMs } : {})
})
/** The clock when `leftMs` of a credential minted at T0 for `lifetimeMs` remain. */
const when = (lifetimeMs: number, leftMs: number): number => T0 + lifetimeMs - leftMs

describe('isFresh: at least 15 minutes left, or half the lifetime of a credential issued for less than 30 minutes', () => {
  test.each([
    // 1 hour: reused while 15 minutes or more are left.
    ['1 h', HOUR, 59 * MINUTE, true],
    ['1 h', HOUR, 30 * MINUTE, true],
    ['1 h', HOUR, 15 * MINUTE, true],
    ['1 h', HOUR, 15 * MINUTE - SECOND, false],
    // the case of the issue: asked 7 minutes before the expiry, the old rule (a 6-minute margin) handed it out
    ['1 h', HOUR, 7 * MINUTE, false],
    ['1 h', HOUR, 0, false],
    // 12 hours: reused for 11 h 45 min, no mint per layer
    ['12 h', 12 * HOUR, 11 * HOUR, true],
    ['12 h', 12 * HOUR, HOUR, true],
    ['12 h', 12 * HOUR, 30 * MINUTE, true],
    ['12 h', 12 * HOUR, 15 * MINUTE, true],
    ['12 h', 12 * HOUR, 14 * MINUTE, false],
    // exactly 30 minutes: 15 minutes and half the lifetime agree
    ['30 min', 30 * MINUTE, 15 * MINUTE, true],
    ['30 min', 30 * MINUTE, 15 * MINUTE - SECOND, false],
    // 20 minutes: half its lifetime, 10 minutes
    ['20 min', 20 * MINUTE, 19 * MINUTE, true],
    ['20 min', 20 * MINUTE, 10 * MINUTE, true],
    ['20 min', 20 * MINUTE, 10 * MINUTE - SECOND, false],
    // 5 minutes: 2.5 minutes
    ['5 min', 5 * MINUTE, 4 * MINUTE, true],
    ['5 min', 5 * MINUTE, 150 * SECOND, true],
    ['5 min', 5 * MINUTE, 149 * SECOND, false],
    ['3 s', 3 * SECOND, 1.5 * SECOND, true],
    ['3 s', 3 * SECOND, SECOND, false]
  ])('a %s credential (%d ms) with %d ms left: fresh is %s', (_name, lifetime, left, fresh) => {
    expect(isFresh(minted(lifetime), when(lifetime, left))).toBe(fresh)
  })

  test.each([
    ['no known expiry, minted 4 minutes ago', true, minted(), T0 + 4 * MINUTE],
    ['no known expiry, minted 6 minutes ago', false, minted(), T0 + HELPER_UNKNOWN_EXPIRY_REUSE_MS + MINUTE],
    ['an expiry before the mint (a clock gone wrong)', false, { ...minted(), expiresAt: T0 - MINUTE }, T0],
    ['an expiry at the mint', false, { ...minted(), expiresAt: T0 }, T0]
  ])('%s: fresh is %s', (_name, fresh, entry, now) => expect(isFresh(entry, now)).toBe(fresh))

  test.each(LIFETIMES)(
    '%s: every answer stays valid for min(15 min, half the lifetime), and 30 minutes left is reused',
    (_name, lifetime) => {
      expect(minValidityMs(lifetime)).toBe(Math.min(15 * MINUTE, lifetime / 2))
      for (let left = lifetime; left >= 0; left -= 10 * SECOND) {
        const fresh = isFresh(minted(lifetime), when(lifetime, left))
        expect([left, fresh]).toEqual([left, left >= Math.min(15 * MINUTE, lifetime / 2)])
        if (lifetime >= 30 * MINUTE && left >= 30 * MINUTE) expect([left, fresh]).toEqual([left, true])
      }
    }
  )
})

describe('the helper with a clock the test controls (IBM API key against a local IAM)', () => {
  const API_KEY = 'ibm-helper-freshness-key-Hj4Kl6Zx8'
  let server: IamServer
  let dir: string
  let stdout: StdoutCapture
  let clock: number

  beforeEach(async () => {
    server = await startIamServer({ apiKeys: [API_KEY] })
    dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'helper-freshness-')), 'registry-login-helper-a')
    mkdirSync(dir)
    stdout = captureStdout()
    clock = T0
  })
  afterEach(async () => {
    stdout.restore()
    await server.close()
    rmSync(path.dirname(dir), { recursive: true, force: true })
  })

  /** The helper for a saved IBM API-key plan; IAM issues tokens valid for `lifetime` from the test's clock. */
  async function helperFor(lifetime: number) {
    server.behaviour = (_request, _n, iam) => {
      server.expiration = (clock + lifetime) / 1000
      return iam()
    }
    const spec = parseInputs(
      createInputReader(name => ({ provider: 'ibm', registry: 'us.icr.io', 'api-key': API_KEY, 'credential-helper': 'true' })[name] ?? ''),
      {}
    ).plan
    const { config } = helperFiles(dir)
    await writeHelperConfig(config, {
      version: 2,
      spec,
      env: { REGISTRY_LOGIN_ENDPOINT_IBM_IAM: server.url, REGISTRY_LOGIN_HTTP_ATTEMPTS: '1' },
      usernames: { 'us.icr.io': 'iambearer' }
    })
    return credentialSource(config, {}, () => clock)
  }

  const ROWS: Array<[string, number, number, 'reused' | 'minted']> = [
    ['1 h', HOUR, 50 * MINUTE, 'reused'],
    ['1 h', HOUR, 30 * MINUTE, 'reused'],
    ['1 h', HOUR, 16 * MINUTE, 'reused'],
    ['1 h', HOUR, 14 * MINUTE, 'minted'],
    ['1 h', HOUR, 7 * MINUTE, 'minted'],
    ['12 h', 12 * HOUR, 6 * HOUR, 'reused'],
    ['12 h', 12 * HOUR, 30 * MINUTE, 'reused'],
    ['12 h', 12 * HOUR, 14 * MINUTE, 'minted'],
    ['20 min', 20 * MINUTE, 11 * MINUTE, 'reused'],
    ['20 min', 20 * MINUTE, 9 * MINUTE, 'minted'],
    ['5 min', 5 * MINUTE, 3 * MINUTE, 'reused'],
    ['5 min', 5 * MINUTE, 2 * MINUTE, 'minted']
  ]
  test.each(ROWS)('a %s token (%d ms) asked for again with %d ms left is %s', async (_name, lifetime, left, outcome) => {
    const helper = await helperFor(lifetime)
    const first = await helper.credential('us.icr.io')
    expect(server.requests).toHaveLength(1)
    clock = when(lifetime, left)
    const again = await helper.credential('us.icr.io')
    expect(server.requests).toHaveLength(outcome === 'minted' ? 2 : 1)
    expect(again.password).toBe(outcome === 'minted' ? server.issued[1] : first.password)
  })

  test.each(LIFETIMES)(
    '%s: a client asking every minute for 3 hours always gets a credential valid for min(15 min, half the lifetime)',
    async (_name, lifetime) => {
      const helper = await helperFor(lifetime)
      const expiry = new Map<string, number>()
      const end = T0 + 3 * HOUR
      for (; clock <= end; clock += MINUTE) {
        const issuedBefore = server.issued.length
        const { password } = await helper.credential('us.icr.io')
        if (server.issued.length > issuedBefore) expiry.set(password, clock + lifetime)
        expect((expiry.get(password) ?? 0) - clock).toBeGreaterThanOrEqual(Math.min(15 * MINUTE, lifetime / 2))
      }
      // Each token serves until min(15 min, half its lifetime) is left: a mint per 45 minutes for 1 h, one for 12 h.
      const servedMinutes = Math.floor((lifetime - Math.min(15 * MINUTE, lifetime / 2)) / MINUTE) + 1
      expect(server.issued).toHaveLength(Math.ceil(181 / servedMinutes))
    }
  )
})
