// The Alibaba Cloud API gateway's side of request signing, written independently of the action's
// src/providers/alibaba/signature.ts (byte-level encoding instead of encodeURIComponent, its own
// canonicalization), so that the emulator checks the action rather than agreeing with it.
// Checked against the official vectors in __tests__/unit/alibaba/emulator-signature.test.ts.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'

const UNRESERVED = new Set('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~'.split('').map(c => c.charCodeAt(0)))

/** RFC 3986 over the UTF-8 bytes. */
export function rfc3986(text) {
  let out = ''
  for (const byte of Buffer.from(String(text), 'utf8')) {
    out += UNRESERVED.has(byte) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

const compareBytes = (a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))

export function sameText(a, b) {
  const x = Buffer.from(String(a))
  const y = Buffer.from(String(b))
  return x.length === y.length && timingSafeEqual(x, y)
}

// ---------------------------------------------------------------- RPC v1

/** @param {Array<[string, string]>} pairs every query and form parameter except Signature */
export function rpcServerStringToSign(method, pairs) {
  const canonical = pairs
    .filter(([name]) => name !== 'Signature')
    .map(([name, value]) => [rfc3986(name), rfc3986(value)])
    .sort((a, b) => compareBytes(a[0], b[0]))
    .map(pair => pair.join('='))
    .join('&')
  return [method, rfc3986('/'), rfc3986(canonical)].join('&')
}

export function rpcServerSignature(stringToSign, secret) {
  return createHmac('sha1', Buffer.from(`${secret}&`, 'utf8'))
    .update(Buffer.from(stringToSign, 'utf8'))
    .digest('base64')
}

// ---------------------------------------------------------------- ROA

/** @param {Record<string, string | string[] | undefined>} headers as node gives them (lower-case names) */
export function roaServerStringToSign(method, pathname, searchParams, headers) {
  const get = name => {
    const value = headers[name]
    return Array.isArray(value) ? value.join(',') : (value ?? '')
  }
  const lines = [method, get('accept'), get('content-md5'), get('content-type'), get('date')]
  const acs = Object.keys(headers)
    .map(name => name.toLowerCase())
    .filter(name => name.indexOf('x-acs-') === 0)
    .sort(compareBytes)
    .map(
      name =>
        `${name}:${get(name)
          .replace(/[\t\n\r\f]/g, ' ')
          .trim()}`
    )
  let resource = pathname
  const params = [...searchParams].sort((a, b) => compareBytes(a[0], b[0]))
  if (params.length > 0) resource += `?${params.map(([k, v]) => (v === '' ? k : `${k}=${v}`)).join('&')}`
  return `${[...lines, ...acs].join('\n')}\n${resource}`
}

export function roaServerSignature(stringToSign, secret) {
  return createHmac('sha1', Buffer.from(secret, 'utf8')).update(Buffer.from(stringToSign, 'utf8')).digest('base64')
}

// ---------------------------------------------------------------- V3

const hex256 = data => createHash('sha256').update(data).digest('hex')

/**
 * @param {{ method: string, pathname: string, searchParams: Iterable<[string, string]>, headers: Record<string, string>,
 *   signedHeaders: string[], body?: Buffer | string }} request
 */
export function v3ServerCanonicalRequest({ method, pathname, searchParams, headers, signedHeaders, body = '' }) {
  const path = pathname.split('/').map(rfc3986).join('/')
  const query = [...searchParams]
    .map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`)
    .sort(compareBytes)
    .join('&')
  const names = [...signedHeaders].map(n => n.toLowerCase()).sort(compareBytes)
  const canonicalHeaders = names.map(name => `${name}:${String(headers[name] ?? '').trim()}\n`).join('')
  const payload = headers['x-acs-content-sha256'] || hex256(body)
  return `${method}\n${path}\n${query}\n${canonicalHeaders}\n${names.join(';')}\n${payload}`
}

export function v3ServerSignature(canonicalRequest, secret) {
  return createHmac('sha256', secret)
    .update(`ACS3-HMAC-SHA256\n${hex256(canonicalRequest)}`)
    .digest('hex')
}
