import { createPrivateKey, type KeyObject } from 'node:crypto'
import { InputError } from '../../log/errors.js'
import { maskSecret } from '../../log/secrets.js'
import { textOrFile } from '../../inputs/text-or-file.js'

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

/**
 * The credentials file of `nebius iam auth-public-key generate` (and the SDKs):
 * {"subject-credentials":{"type":"JWT","alg":"RS256","private-key":"<PEM>","kid":"publickey-…","iss":"serviceaccount-…","sub":"serviceaccount-…"}}
 */
export function parseCredentialsFile(input: string, text: string): ServiceAccountKey {
  let json: unknown
  try {
    json = JSON.parse(text)
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
  const field = (name: string): string => {
    const value = (creds as Record<string, unknown>)[name]
    return typeof value === 'string' ? value.trim() : ''
  }
  const type = field('type')
  if (type !== '' && type !== 'JWT')
    throw new InputError(input, `has subject-credentials.type '${type}'`, "Only 'JWT' credentials are supported.")
  const alg = field('alg')
  if (alg !== 'RS256') throw new InputError(input, `has subject-credentials.alg '${alg}'`, "Nebius service-account keys use 'RS256'.")
  for (const name of ['private-key', 'kid', 'iss', 'sub']) {
    if (!field(name)) throw new InputError(input, `has no subject-credentials.${name}`, 'Pass the credentials file unchanged.')
  }
  if (field('iss') !== field('sub')) {
    throw new InputError(
      input,
      'has subject-credentials.iss different from subject-credentials.sub',
      'Both must be the service account id.'
    )
  }
  if (!SA_ID.test(field('sub')))
    throw new InputError(input, 'has a subject-credentials.sub that is not a service account id', "Expected 'serviceaccount-…'.")
  if (!KEY_ID.test(field('kid')))
    throw new InputError(input, 'has a subject-credentials.kid that is not a public key id', "Expected 'publickey-…'.")
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
    throw new InputError('private-key', "is empty, but 'public-key-id' is set", 'Pass the PEM private key from a secret.')
  const pem = textOrFile('private-key', privateKeyValue, text => text.startsWith('-----BEGIN'), 'a PEM private key')
  return { serviceAccountId, publicKeyId, privateKey: readPrivateKey('private-key', pem) }
}
