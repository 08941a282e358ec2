// A Nebius service account's authorized key: read from the credentials file or from the separate inputs, and checked.
import { createPrivateKey, type KeyObject } from 'node:crypto'
import { parseJsonText } from '../../runner/json.js'
import { InputError } from '../../log/errors.js'
import { maskSecret } from '../../log/secrets.js'
import { textOrFile } from '../../inputs/text-or-file.js'
import { MISSING_SECRET } from '../kit/static-login.js'

/** A service account's authorized public key: what signs the JWT for the token exchange. */
export interface ServiceAccountKey {
  serviceAccountId: string
  publicKeyId: string
  /** The PEM private key (checked to be RSA), as plain text so that a saved login plan can hold it. */
  privateKey: string
}

const SA_ID = /^serviceaccount-[A-Za-z0-9]+$/
const KEY_ID = /^publickey-[A-Za-z0-9]+$/

export function checkServiceAccountId(input: string, id: string): void {
  if (!SA_ID.test(id)) {
    throw new InputError(
      input,
      'is not a service account id',
      "Nebius service account ids look like 'serviceaccount-e00…' (nebius iam service-account get-by-name --name <name>, field metadata.id)."
    )
  }
}

function readPrivateKey(input: string, value: string): string {
  // A PEM pasted into a one-line secret often has literal \n instead of line breaks.
  const pem = !value.includes('\n') && value.includes('\\n') ? value.replace(/\\n/g, '\n') : value
  let key: KeyObject
  try {
    key = createPrivateKey(pem)
  } catch {
    throw new InputError(
      input,
      'has a private key that cannot be read',
      'Expected the PEM private key (-----BEGIN PRIVATE KEY-----) that nebius iam auth-public-key generate wrote, unchanged.'
    )
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new InputError(
      input,
      `has a ${key.asymmetricKeyType ?? 'non-RSA'} private key`,
      'Nebius signs service-account JWTs with RS256, so the key must be RSA.'
    )
  }
  return pem
}

/** A field of `subject-credentials`, trimmed; '' when it is missing or not a string. */
type Field = (name: string) => string

/** The `subject-credentials` object of a credentials file, read field by field. */
function subjectCredentials(input: string, text: string): Field {
  let json: unknown
  try {
    json = parseJsonText(text)
  } catch {
    throw new InputError(
      input,
      'is not valid JSON',
      "Pass the whole credentials file that 'nebius iam auth-public-key generate --output <file>' wrote, or its path."
    )
  }
  const creds = (json as { 'subject-credentials'?: unknown } | null)?.['subject-credentials']
  if (typeof creds !== 'object' || creds === null) {
    throw new InputError(
      input,
      "has no 'subject-credentials' object",
      "Pass the credentials file of 'nebius iam auth-public-key generate', not the public key or another file."
    )
  }
  return name => {
    const value = (creds as Record<string, unknown>)[name]
    return typeof value === 'string' ? value.trim() : ''
  }
}

/** A rule `subject-credentials` must keep: when it is broken, what the error says, and the hint. */
type FieldRule = readonly [broken: (field: Field) => boolean, problem: (field: Field) => string, hint: string]

const required = (name: string): FieldRule => [
  field => !field(name),
  () => `has no subject-credentials.${name}`,
  'Pass the credentials file unchanged.'
]

/** The rules, checked in this order: the first broken one is reported. */
const FIELD_RULES: readonly FieldRule[] = [
  [
    field => field('type') !== '' && field('type') !== 'JWT',
    field => `has subject-credentials.type '${field('type')}'`,
    "Only 'JWT' credentials are supported."
  ],
  [field => field('alg') !== 'RS256', field => `has subject-credentials.alg '${field('alg')}'`, "Nebius service-account keys use 'RS256'."],
  ...['private-key', 'kid', 'iss', 'sub'].map(required),
  [
    field => field('iss') !== field('sub'),
    () => 'has subject-credentials.iss different from subject-credentials.sub',
    'Both must be the service account id.'
  ],
  [
    field => !SA_ID.test(field('sub')),
    () => 'has a subject-credentials.sub that is not a service account id',
    "Expected 'serviceaccount-…'."
  ],
  [field => !KEY_ID.test(field('kid')), () => 'has a subject-credentials.kid that is not a public key id', "Expected 'publickey-…'."]
]

/**
 * The credentials file of `nebius iam auth-public-key generate` (and the SDKs):
 * {"subject-credentials":{"type":"JWT","alg":"RS256","private-key":"<PEM>","kid":"publickey-…","iss":"serviceaccount-…","sub":"serviceaccount-…"}}
 */
export function parseCredentialsFile(input: string, text: string): ServiceAccountKey {
  const field = subjectCredentials(input, text)
  const rule = FIELD_RULES.find(([broken]) => broken(field))
  if (rule) {
    const [, problem, hint] = rule
    throw new InputError(input, problem(field), hint)
  }
  const pem = field('private-key')
  maskSecret(pem)
  return { serviceAccountId: field('sub'), publicKeyId: field('kid'), privateKey: readPrivateKey(input, pem) }
}

/** The same key from the separate inputs service-account-id, public-key-id and private-key. */
export function keyFromFields(serviceAccountId: string, publicKeyId: string, privateKeyValue: string): ServiceAccountKey {
  if (!serviceAccountId)
    throw new InputError(
      'service-account-id',
      "is empty, but 'private-key' is set",
      'Set it to the id (serviceaccount-…) of the service account the key belongs to.'
    )
  checkServiceAccountId('service-account-id', serviceAccountId)
  if (!publicKeyId)
    throw new InputError(
      'public-key-id',
      "is empty, but 'private-key' is set",
      "Set it to the key's id (publickey-…), the 'kid' of the credentials file."
    )
  if (!KEY_ID.test(publicKeyId))
    throw new InputError('public-key-id', 'is not a public key id', "Expected 'publickey-…' (the 'kid' of the credentials file).")
  if (!privateKeyValue)
    throw new InputError('private-key', "is empty, but 'public-key-id' is set", `Pass the PEM private key from a secret. ${MISSING_SECRET}`)
  const pem = textOrFile('private-key', privateKeyValue, text => text.startsWith('-----BEGIN'), 'a PEM private key')
  return { serviceAccountId, publicKeyId, privateKey: readPrivateKey('private-key', pem) }
}
