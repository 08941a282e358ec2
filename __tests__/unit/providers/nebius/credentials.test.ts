// Each rule a Nebius credentials file must keep, with the exact error and hint when it is broken (src/providers/nebius/credentials.ts).
import { generateKeyPairSync } from 'node:crypto'
import { parseCredentialsFile } from '../../../../src/providers/nebius/credentials.js'
import { captureStdout, type StdoutCapture } from '../../../helpers/stdout.js'
import { thrownInputError } from '../../../helpers/thrown.js'

const SA = 'serviceaccount-e00unit0123456789'
const KID = 'publickey-e00unitkey0123'
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
const file = (fields: Record<string, unknown> = {}): string =>
  JSON.stringify({ 'subject-credentials': { type: 'JWT', alg: 'RS256', 'private-key': rsa, kid: KID, iss: SA, sub: SA, ...fields } })

let stdout: StdoutCapture
beforeEach(() => {
  stdout = captureStdout()
})
afterEach(() => {
  stdout.restore()
})

describe('parseCredentialsFile', () => {
  test('a whole file: the service account, the key id and the PEM, masked', () => {
    expect(parseCredentialsFile('service-account-key', file())).toEqual({ serviceAccountId: SA, publicKeyId: KID, privateKey: rsa.trim() })
    expect(stdout.text()).toContain('::add-mask::')
  })

  test.each([
    ["no 'type' or an empty one is JWT", { type: undefined }],
    ['a padded type, alg and ids', { type: ' JWT ', alg: ' RS256', kid: ` ${KID}`, iss: `${SA} `, sub: ` ${SA} ` }]
  ])('%s', (_, fields) => {
    expect(parseCredentialsFile('service-account-key', file(fields))).toMatchObject({ serviceAccountId: SA, publicKeyId: KID })
  })

  test.each<[string, string, string, string]>([
    [
      'not JSON',
      '{"subject-credentials": ',
      'is not valid JSON',
      "Pass the whole credentials file that 'nebius iam auth-public-key generate --output <file>' wrote, or its path."
    ],
    [
      'no subject-credentials',
      '{"id":"x"}',
      "has no 'subject-credentials' object",
      "Pass the credentials file of 'nebius iam auth-public-key generate', not the public key or another file."
    ],
    ['type not JWT', file({ type: 'OAUTH' }), "has subject-credentials.type 'OAUTH'", "Only 'JWT' credentials are supported."],
    ['alg not RS256', file({ alg: 'PS256' }), "has subject-credentials.alg 'PS256'", "Nebius service-account keys use 'RS256'."],
    ['no alg', file({ alg: undefined }), "has subject-credentials.alg ''", "Nebius service-account keys use 'RS256'."],
    ['no private-key', file({ 'private-key': '' }), 'has no subject-credentials.private-key', 'Pass the credentials file unchanged.'],
    ['no kid', file({ kid: undefined }), 'has no subject-credentials.kid', 'Pass the credentials file unchanged.'],
    ['no iss', file({ iss: ' ' }), 'has no subject-credentials.iss', 'Pass the credentials file unchanged.'],
    ['no sub (not a string)', file({ sub: 42 }), 'has no subject-credentials.sub', 'Pass the credentials file unchanged.'],
    [
      'iss differs from sub',
      file({ iss: 'serviceaccount-other' }),
      'has subject-credentials.iss different from subject-credentials.sub',
      'Both must be the service account id.'
    ],
    [
      'sub not a service account',
      file({ iss: 'user-1', sub: 'user-1' }),
      'has a subject-credentials.sub that is not a service account id',
      "Expected 'serviceaccount-…'."
    ],
    ['kid not a key id', file({ kid: 'key1' }), 'has a subject-credentials.kid that is not a public key id', "Expected 'publickey-…'."],
    // The rules are checked in order: the first broken one is reported.
    [
      'type and alg both wrong',
      file({ type: 'OAUTH', alg: 'PS256' }),
      "has subject-credentials.type 'OAUTH'",
      "Only 'JWT' credentials are supported."
    ],
    [
      'no kid and a bad sub',
      file({ kid: '', iss: 'x', sub: 'x' }),
      'has no subject-credentials.kid',
      'Pass the credentials file unchanged.'
    ],
    [
      'a bad sub and a bad kid',
      file({ kid: 'key1', iss: 'x', sub: 'x' }),
      'has a subject-credentials.sub that is not a service account id',
      "Expected 'serviceaccount-…'."
    ]
  ])('%s', (_, text, problem, hint) => {
    const error = thrownInputError(() => parseCredentialsFile('service-account-key', text))
    expect(error.input).toBe('service-account-key')
    expect(error.hint).toBe(hint)
    expect(error.message).toBe(`Input 'service-account-key' ${problem}. ${hint}`)
  })
})
