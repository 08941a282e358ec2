// Minimal JWT helpers for the emulators (RS256/PS256 signing and verification with node:crypto).
import { KeyObject, createPublicKey, createSign, createVerify, constants } from 'node:crypto'

export const b64url = buf => Buffer.from(buf).toString('base64url')
const json64 = value => b64url(JSON.stringify(value))

export function signJwt(header, claims, privateKey) {
  const input = `${json64(header)}.${json64(claims)}`
  const signer = createSign('RSA-SHA256').update(input)
  const options = header.alg === 'PS256' ? { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } : privateKey
  return `${input}.${b64url(signer.sign(options))}`
}

/** Splits and decodes a JWT without checking it. Throws on a malformed token. */
export function decodeJwt(token) {
  const parts = String(token).split('.')
  if (parts.length !== 3) throw new Error('not a JWT')
  const [h, c, s] = parts
  return {
    header: JSON.parse(Buffer.from(h, 'base64url').toString()),
    claims: JSON.parse(Buffer.from(c, 'base64url').toString()),
    input: `${h}.${c}`,
    signature: Buffer.from(s, 'base64url')
  }
}

/** Checks the signature with `publicKey` for the algorithm `alg`; returns the decoded parts. */
export function verifyJwt(token, publicKey, alg) {
  const jwt = decodeJwt(token)
  if (jwt.header.alg !== alg) throw new Error(`alg must be ${alg}, got ${jwt.header.alg}`)
  const key = publicKey instanceof KeyObject && publicKey.type === 'public' ? publicKey : createPublicKey(publicKey)
  const verifier = createVerify('RSA-SHA256').update(jwt.input)
  const ok =
    alg === 'PS256'
      ? verifier.verify({ key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO }, jwt.signature)
      : verifier.verify(key, jwt.signature)
  if (!ok) throw new Error('signature does not verify')
  return jwt
}
