import { constants, createPrivateKey, createVerify, generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createYandexEmulator } from '../../../../harness/emulators/yandex.js'
import { CredentialStore } from '../../../../harness/store.js'
import { keyJwt, parseAuthorizedKey, stripKeyPreamble } from '../../../../src/providers/yandex/key.js'
import { captureStdout, type StdoutCapture } from '../../../helpers/stdout.js'
import { thrownInputError } from '../../../helpers/thrown.js'

let stdout: StdoutCapture
beforeEach(() => {
  stdout = captureStdout()
})
afterEach(() => stdout.restore())

const emulator = createYandexEmulator({
  store: new CredentialStore(),
  github: { repository: 'acme/app', subject: 'repo:acme/app:ref:refs/heads/main' }
})
const made = emulator.createAuthorizedKey()
const file = JSON.parse(made.json) as Record<string, string>

describe('the authorized key file of yc iam key create', () => {
  test('the key file has the PLEASE DO NOT REMOVE line before the PEM (as Yandex writes it)', () => {
    expect(file.private_key).toMatch(
      new RegExp(`^PLEASE DO NOT REMOVE THIS LINE! Yandex.Cloud SA Key ID <${made.id}>\\n-----BEGIN PRIVATE KEY-----\\n`)
    )
    expect(Object.keys(file)).toEqual(['id', 'service_account_id', 'created_at', 'key_algorithm', 'public_key', 'private_key'])
  })

  test('parses the JSON text: id, service account and a usable private key; keeps the text as is for json_key', () => {
    const key = parseAuthorizedKey(made.json)
    expect(key.id).toBe(made.id)
    expect(key.serviceAccountId).toBe(made.serviceAccountId)
    expect(key.json).toBe(made.json)
    expect(createPrivateKey(key.privateKey).asymmetricKeyType).toBe('rsa')
    expect(createPrivateKey(key.privateKey).export({ type: 'pkcs8', format: 'pem' })).toBe(
      made.privateKey.export({ type: 'pkcs8', format: 'pem' })
    )
  })

  test('reads the file when given a path, and masks what it read', () => {
    // A fresh key: the masker registers each value once per process.
    const fresh = emulator.createAuthorizedKey()
    const dir = mkdtempSync(path.join(os.tmpdir(), 'yc-key-unit-'))
    writeFileSync(path.join(dir, 'key.json'), `${fresh.json}\n`)
    const key = parseAuthorizedKey(path.join(dir, 'key.json'))
    expect(key.id).toBe(fresh.id)
    expect(key.json).toBe(fresh.json)
    const masks = stdout
      .lines()
      .filter(line => line.startsWith('::add-mask::'))
      .map(line => line.slice('::add-mask::'.length))
    expect(masks).toContain(JSON.stringify(fresh.json).slice(1, -1))
    // The PEM itself (multi-line) is masked line by line, so each base64 line of the key is hidden.
    const pemLines = (fresh.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string)
      .split('\n')
      .filter(l => l.length > 20 && !l.startsWith('-----'))
    for (const line of pemLines) expect(masks).toContain(line)
  })

  test('a key without the PLEASE line (older files) works too', () => {
    const old = JSON.stringify({ ...file, private_key: stripKeyPreamble(file.private_key ?? '') })
    expect(parseAuthorizedKey(old).id).toBe(made.id)
  })

  test('stripKeyPreamble drops only what comes before -----BEGIN', () => {
    expect(stripKeyPreamble('PLEASE DO NOT REMOVE THIS LINE! Yandex.Cloud SA Key ID <x>\n-----BEGIN PRIVATE KEY-----\nAAA')).toBe(
      '-----BEGIN PRIVATE KEY-----\nAAA'
    )
    expect(stripKeyPreamble('-----BEGIN PRIVATE KEY-----\nAAA')).toBe('-----BEGIN PRIVATE KEY-----\nAAA')
  })

  test.each(['id', 'service_account_id', 'private_key'])('a key without %s names the missing field', field => {
    const broken = { ...file }
    delete broken[field]
    const error = thrownInputError(() => parseAuthorizedKey(JSON.stringify(broken)))
    expect(error.message).toMatch(
      new RegExp(
        `^Input 'service-account-key' has no '${field}' field\\. The key JSON must have 'id', 'service_account_id' and 'private_key'\\.`
      )
    )
    expect(error.message).not.toContain('BEGIN PRIVATE KEY')
  })

  test('invalid JSON: says so, and does not echo the text', () => {
    const error = thrownInputError(() => parseAuthorizedKey('{"id": "aje1", "private_key": "secret-material'))
    expect(error.message).toMatch(/^Input 'service-account-key' is not valid JSON\. Pass the whole file that 'yc iam key create/)
    expect(error.message).not.toContain('secret-material')
  })

  test('an empty object names the first missing field', () => {
    expect(thrownInputError(() => parseAuthorizedKey('{}')).message).toMatch(/has no 'id' field/)
  })

  test('text that is neither an object nor a path is refused before parsing', () => {
    expect(thrownInputError(() => parseAuthorizedKey('["not", "a", "key"]')).message).toMatch(
      /is neither key JSON nor the path of a file\./
    )
  })

  test('neither JSON nor an existing file: the path is named, since a path is no secret', () => {
    const error = thrownInputError(() => parseAuthorizedKey('/no/such/key-file.json'))
    expect(error.message).toBe(
      "Input 'service-account-key' names the file '/no/such/key-file.json', which does not exist. Check the path (relative to the job's working directory; ~ is not expanded) and that the runner's user may read it, or pass the whole file that 'yc iam key create --service-account-name <name> --output key.json' wrote (its text from a secret, or its path)."
    )
  })

  test('a file that does not hold JSON', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'yc-key-unit-'))
    writeFileSync(path.join(dir, 'key.pem'), file.private_key ?? '')
    const error = thrownInputError(() => parseAuthorizedKey(path.join(dir, 'key.pem')))
    expect(error.message).toMatch(/^Input 'service-account-key' names a file that does not hold key JSON\./)
    expect(error.message).not.toContain('BEGIN')
  })

  test("a user account's key is refused with the reason", () => {
    const user = { ...file, user_account_id: 'ajeuser0000000000000' }
    delete (user as Record<string, string>).service_account_id
    expect(thrownInputError(() => parseAuthorizedKey(JSON.stringify(user))).message).toMatch(
      /is a user account's key \(it has user_account_id\)/
    )
  })

  test('a non-RSA key algorithm is refused', () => {
    expect(thrownInputError(() => parseAuthorizedKey(JSON.stringify({ ...file, key_algorithm: 'ECDSA_P256' }))).message).toMatch(
      /has key_algorithm 'ECDSA_P256'\. IAM signs service-account JWTs with PS256 only/
    )
  })

  test('a private key that is not PEM is refused without echoing it', () => {
    const error = thrownInputError(() =>
      parseAuthorizedKey(
        JSON.stringify({
          ...file,
          private_key: 'PLEASE DO NOT REMOVE THIS LINE!\n-----BEGIN PRIVATE KEY-----\nnot-base64-secretbits\n-----END PRIVATE KEY-----'
        })
      )
    )
    expect(error.message).toMatch(/has a 'private_key' that is not a readable PEM private key/)
    expect(error.message).not.toContain('secretbits')
  })

  test('an EC private key is refused', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
    expect(thrownInputError(() => parseAuthorizedKey(JSON.stringify({ ...file, key_algorithm: '', private_key: ec }))).message).toMatch(
      /has a ec private key/
    )
  })
})

describe('keyJwt', () => {
  test('PS256, kid = key id, iss = service account, aud as given, one hour; the signature verifies with the public key (PSS, salt 32)', () => {
    const key = parseAuthorizedKey(made.json)
    const now = new Date('2030-01-02T03:04:05.678Z')
    const jwt = keyJwt(key, 'https://iam.api.cloud.yandex.net/iam/v1/tokens', now)
    const [h, c, s] = jwt.split('.') as [string, string, string]
    expect(JSON.parse(Buffer.from(h, 'base64url').toString())).toEqual({ kid: made.id, alg: 'PS256', typ: 'JWT' })
    const iat = Math.floor(now.getTime() / 1000)
    expect(JSON.parse(Buffer.from(c, 'base64url').toString())).toEqual({
      iss: made.serviceAccountId,
      aud: 'https://iam.api.cloud.yandex.net/iam/v1/tokens',
      iat,
      exp: iat + 3600
    })
    const verify = (saltLength: number): boolean =>
      createVerify('RSA-SHA256')
        .update(`${h}.${c}`)
        .verify({ key: made.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }, Buffer.from(s, 'base64url'))
    expect(verify(32)).toBe(true)
    // Not PKCS#1 v1.5 (RS256), which IAM refuses.
    expect(createVerify('RSA-SHA256').update(`${h}.${c}`).verify(made.publicKey, Buffer.from(s, 'base64url'))).toBe(false)
    // Another key's public key does not verify it.
    expect(
      createVerify('RSA-SHA256')
        .update(`${h}.${c}`)
        .verify(
          { key: emulator.createAuthorizedKey().publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
          Buffer.from(s, 'base64url')
        )
    ).toBe(false)
  })
})
