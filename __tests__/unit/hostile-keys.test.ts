/**
 * An input used as a lookup key never matches what a plain object inherits: `constructor`, `__proto__`,
 * `toString` or `hasOwnProperty` as a username (or any other keyed input) is just an unknown value, with
 * the same clear error as any other (#21).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { authEntryIn, credHelperIn, readStorageSettings, type AuthFileJson } from '../../src/auth-files/auth-file.js'
import { readCache } from '../../src/credential-helper/cache.js'
import { answer } from '../../src/credential-helper/protocol.js'
import { createInputReader } from '../../src/inputs/reader.js'
import { InputError } from '../../src/log/errors.js'
import { parseInputs } from '../../src/step/parse-step.js'
import { declaredMethod } from '../../src/providers/index.js'
import { captureStdout, type StdoutCapture } from '../helpers/stdout.js'

const HOSTILE_KEYS = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'Constructor', '__PROTO__']

let stdout: StdoutCapture
beforeEach(() => {
  stdout = captureStdout()
})
afterEach(() => stdout.restore())

/** What parsing these inputs throws, as `Class: message` (a TypeError is a crash, an InputError a clear answer). */
function parseError(values: Record<string, string>): { error: unknown; text: string } {
  try {
    const plan = parseInputs(createInputReader(name => values[name] ?? '')).plan
    return { error: undefined, text: `no error: ${JSON.stringify(plan)}` }
  } catch (error) {
    return { error, text: `${(error as Error).name}: ${(error as Error).message}` }
  }
}

const PASSWORD = 'hostile-key-password-0123456789'
const USERNAME_CLOUDS: Array<[string, Record<string, string>, string]> = [
  ['ibm', { region: 'us' }, 'IBM Cloud Container Registry'],
  ['yandex', {}, 'Yandex Cloud'],
  ['nebius', { region: 'eu-north1' }, 'Nebius Container Registry']
]

describe.each(USERNAME_CLOUDS)('%s: a hostile username is not a known username', (provider, extra, cloud) => {
  test.each(HOSTILE_KEYS)('%s', username => {
    for (const auth of ['', 'password']) {
      const { error, text } = parseError({ provider, ...extra, username, password: PASSWORD, ...(auth ? { auth } : {}) })
      expect(text).toBe(
        `InputError: Input 'username' is '${username}', which ${cloud} does not know as a registry username. ${(error as InputError).message.split('. ').slice(1).join('. ')}`
      )
      expect(error).toBeInstanceOf(InputError)
      expect(text).toMatch(/does not know as a registry username\. Use one of: /)
      expect(text).not.toContain(PASSWORD)
    }
  })
})

test.each(HOSTILE_KEYS)('alibaba: %s as the instance username is only a username (its password login)', username => {
  const { text } = parseError({ provider: 'alibaba', registry: 'myreg-registry.cn-hangzhou.cr.aliyuncs.com', username, password: PASSWORD })
  expect(text).toMatch(/^no error: /)
  expect(text).toContain(`"username":${JSON.stringify(username)}`)
})

describe.each(HOSTILE_KEYS)('other keyed inputs set to %s are unknown values, each naming its input', key => {
  test.each([
    ['provider', { provider: key }],
    ['auth', { provider: 'ibm', region: 'us', auth: key, token: 'ibm-token-123456' }],
    ['auth', { provider: 'yandex', auth: key, token: 't1.token-123456' }],
    ['auth', { provider: 'nebius', region: 'eu-north1', auth: key, token: 'v1.token-123456' }],
    [
      'auth',
      { provider: 'alibaba', registry: 'myreg-registry.cn-hangzhou.cr.aliyuncs.com', auth: key, username: 'u', password: 'p-123456' }
    ],
    ['region', { provider: 'ibm', region: key, token: 'ibm-token-123456' }],
    ['region', { provider: 'nebius', region: key, token: 'v1.token-123456' }],
    ['clients', { provider: 'ibm', region: 'us', token: 'ibm-token-123456', clients: key }],
    ['token-exchange', { provider: 'nebius', region: 'eu-north1', 'service-account-id': 'serviceaccount-e00abc', 'token-exchange': key }]
  ])("input '%s'", (input, values) => {
    const { error, text } = parseError(values)
    expect(error).toBeInstanceOf(InputError)
    expect(text).toMatch(new RegExp(`^InputError: Input '${input}' `))
  })
})

test.each(HOSTILE_KEYS)('a plan (or a helper configuration) naming method %s declares nothing', auth => {
  expect(() => declaredMethod({ provider: 'ibm', auth })).toThrow(`provider ibm planned auth method '${auth}', which it does not declare`)
})

describe('auth files: a registry is looked up among the own keys only', () => {
  const json = JSON.parse('{"auths": {"__proto__": {"auth": "b3du"}}, "credHelpers": {"toString": "own"}}') as AuthFileJson
  test.each(HOSTILE_KEYS)('%s', registry => {
    expect(authEntryIn({ auths: {} }, registry)).toBeUndefined()
    expect(credHelperIn({ credHelpers: {} }, registry)).toBeUndefined()
    expect(authEntryIn(json, registry)).toEqual(registry === '__proto__' ? { auth: 'b3du' } : undefined)
    expect(credHelperIn(json, registry)).toBe(registry === 'toString' ? 'own' : undefined)
  })
  test('readStorageSettings', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hostile-'))
    try {
      const file = path.join(dir, 'config.json')
      writeFileSync(file, '{"credHelpers": {}}')
      for (const registry of HOSTILE_KEYS) expect(readStorageSettings(file, registry)).toEqual({ othersConfigured: false })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('the credential helper: hosts are own keys of prototype-less tables', () => {
  test('a cache file naming __proto__ and constructor keeps them as hosts, and inherits nothing', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hostile-'))
    try {
      const file = path.join(dir, 'cache.json')
      const entry = { username: 'u', password: 'p', obtainedAt: 1 }
      writeFileSync(file, `{"__proto__": ${JSON.stringify(entry)}, "us.icr.io": ${JSON.stringify(entry)}}`)
      const cache = readCache(file)
      expect(Object.getPrototypeOf(cache)).toBeNull()
      expect(Object.keys(cache).sort()).toEqual(['__proto__', 'us.icr.io'])
      expect(cache.constructor).toBeUndefined()
      expect(Object.getPrototypeOf(readCache(path.join(dir, 'missing.json')))).toBeNull()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  test.each(HOSTILE_KEYS)('a get for %s is not a registry of the login', async host => {
    const reply = await answer('get', host, () => ({
      usernames: { 'us.icr.io': 'iambearer' },
      credential: () => Promise.reject(new Error('never asked'))
    }))
    expect(reply).toMatchObject({ stdout: 'credentials not found in native keychain\n', exitCode: 1 })
  })
})
