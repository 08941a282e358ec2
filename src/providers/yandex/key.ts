// A Yandex Cloud service account's authorized key: read from its JSON, checked, and the JWT it signs.
import { createPrivateKey, type KeyObject } from 'node:crypto'
import { InputError } from '../../log/errors.js'
import { signJwt } from '../../net/jwt.js'
import { textOrFile } from '../../inputs/text-or-file.js'
import { maskSecret } from '../../log/secrets.js'
import { parseJsonText } from '../../runner/json.js'

/** A service account's authorized key, from the JSON of `yc iam key create --output key.json`. */
export interface AuthorizedKey {
  /** Key id: the JWT's `kid`. */
  id: string
  serviceAccountId: string
  /** The PEM private key (checked to be RSA), as plain text so that a saved login plan can hold it. */
  privateKey: string
  /** The JSON text as given, which the registry takes as the `json_key` password. */
  json: string
}

const INPUT = 'service-account-key'
const HOW =
  "Pass the whole file that 'yc iam key create --service-account-name <name> --output key.json' wrote (its text from a secret, or its path)."

/** The key JSON itself, or the path of a file that holds it; a file's content is masked as soon as it is read. */
export function readKeyText(value: string, input = INPUT): string {
  const content = textOrFile(input, value, text => text.startsWith('{'), 'key JSON', HOW)
  if (!content.startsWith('{')) throw new InputError(input, 'names a file that does not hold key JSON', HOW)
  return content
}

/**
 * Current key files start `private_key` with a line Yandex asks to keep in the file:
 * `PLEASE DO NOT REMOVE THIS LINE! Yandex.Cloud SA Key ID <id>`. The PEM parser does not want it,
 * so everything before `-----BEGIN` is dropped here (the file and the `json_key` password keep it).
 */
export function stripKeyPreamble(privateKey: string): string {
  const begin = privateKey.indexOf('-----BEGIN')
  return begin > 0 ? privateKey.slice(begin) : privateKey
}

/** A field of the key JSON, trimmed; '' when it is missing or not a string. */
type Field = (name: string) => string

/** The key JSON, read field by field. */
function keyFields(json: string, input: string): Field {
  let parsed: unknown
  try {
    parsed = parseJsonText(json)
  } catch {
    throw new InputError(input, 'is not valid JSON', HOW)
  }
  // Text starting with '{' that parses is an object.
  const fields = parsed as Record<string, unknown>
  return name => (typeof fields[name] === 'string' ? (fields[name] as string).trim() : '')
}

/** A service account's key with the fields IAM needs and an RSA algorithm, or the error saying what is wrong. */
function checkKeyFields(field: Field, input: string): void {
  if (field('user_account_id') && !field('service_account_id')) {
    throw new InputError(
      input,
      "is a user account's key (it has user_account_id)",
      "The action logs in as a service account: create a key for one with 'yc iam key create --service-account-name <name> --output key.json'."
    )
  }
  for (const name of ['id', 'service_account_id', 'private_key']) {
    if (!field(name))
      throw new InputError(input, `has no '${name}' field`, `The key JSON must have 'id', 'service_account_id' and 'private_key'. ${HOW}`)
  }
  const algorithm = field('key_algorithm')
  if (algorithm && !algorithm.startsWith('RSA_')) {
    throw new InputError(
      input,
      `has key_algorithm '${algorithm}'`,
      'IAM signs service-account JWTs with PS256 only, so the key must be an RSA key (RSA_2048 or RSA_4096).'
    )
  }
}

/** The key's PEM must be a readable RSA private key. */
function checkRsaKey(pem: string, input: string): void {
  let privateKey: KeyObject
  try {
    privateKey = createPrivateKey(pem)
  } catch {
    throw new InputError(input, "has a 'private_key' that is not a readable PEM private key", `Do not edit the key file. ${HOW}`)
  }
  if (privateKey.asymmetricKeyType !== 'rsa') {
    throw new InputError(
      input,
      `has a ${privateKey.asymmetricKeyType ?? 'non-RSA'} private key`,
      'IAM accepts only PS256-signed JWTs, so the key must be RSA.'
    )
  }
}

/** `input` is the input the key came in, for error messages (`password` with username json_key). */
export function parseAuthorizedKey(value: string, input = INPUT): AuthorizedKey {
  const json = readKeyText(value, input)
  const field = keyFields(json, input)
  checkKeyFields(field, input)
  const pem = stripKeyPreamble(field('private_key').replace(/\\n/g, '\n'))
  maskSecret(pem)
  checkRsaKey(pem, input)
  return { id: field('id'), serviceAccountId: field('service_account_id'), privateKey: pem, json }
}

/** The JWT IAM exchanges for an IAM token: PS256, kid = key id, iss = service account, aud = the IAM URL. */
export function keyJwt(key: AuthorizedKey, audience: string, now: Date, lifetimeSeconds = 3600): string {
  const iat = Math.floor(now.getTime() / 1000)
  return signJwt('PS256', { kid: key.id }, { iss: key.serviceAccountId, aud: audience, iat, exp: iat + lifetimeSeconds }, key.privateKey)
}
