// Signing a compact JWT (RS256, PS256) with node:crypto, for the clouds' service-account key exchanges.
import { createPrivateKey, createSign, constants, type KeyObject } from 'node:crypto'

export type JwtAlgorithm = 'RS256' | 'PS256'

const json64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')

/**
 * Signs a compact JWT with an RSA key. RS256 is PKCS#1 v1.5; PS256 is RSA-PSS with SHA-256 and a
 * 32-byte salt (RFC 7518 §3.5). A dozen lines of node:crypto, so no JWT library in the bundle.
 */
export function signJwt(
  alg: JwtAlgorithm,
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
  signingKey: KeyObject | string
): string {
  const privateKey = typeof signingKey === 'string' ? createPrivateKey(signingKey) : signingKey
  const input = `${json64({ ...header, alg, typ: 'JWT' })}.${json64(claims)}`
  const key = alg === 'PS256' ? { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } : privateKey
  const signature = createSign('RSA-SHA256').update(input).sign(key)
  return `${input}.${signature.toString('base64url')}`
}
