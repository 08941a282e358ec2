// Alibaba Cloud OpenAPI request signatures (RPC v1, ROA, V3), made with node:crypto only.
/**
 * The three signatures:
 * - RPC signature v1 (HMAC-SHA1), what the official SDKs still send for RPC-style APIs
 *   (alibabacloud.com/help/doc-detail/28139.htm);
 * - ROA signature (HMAC-SHA1) for ROA-style APIs such as ACR Personal `GET /tokens`
 *   (alibabacloud.com/help/doc-detail/28906.htm);
 * - V3 (ACS3-HMAC-SHA256), the signature Alibaba recommends for every style
 *   (help.aliyun.com/zh/sdk/product-overview/v3-request-structure-and-signature).
 */
import { createHash, createHmac, randomUUID } from 'node:crypto'

/**
 * RFC 3986 percent-encoding of UTF-8 text: `A-Z a-z 0-9 - _ . ~` stay, everything else is `%XY`
 * (upper-case hex); a space is `%20`, never `+`, and `*` is `%2A`.
 */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

/**
 * A value percent-encoded once and twice, where that differs from the value: how an STS
 * SecurityToken (base64 with + / =) appears in the string-to-sign a SignatureDoesNotMatch echoes.
 */
export function percentEncodedForms(value: string): string[] {
  const once = percentEncode(value)
  return once === value ? [] : [once, percentEncode(once)]
}

/** Byte-order comparison of ASCII names (parameter and header names are ASCII). */
const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/** `YYYY-MM-DDThh:mm:ssZ`, UTC, no milliseconds. */
export function isoTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** A nonce that is unique per request (the cloud refuses a reused one). */
export function newNonce(): string {
  return randomUUID()
}

// ------------------------------------------------------------------------------------------
// RPC v1 (HMAC-SHA1)

/** Sorted, percent-encoded `name=value` pairs joined by `&` (the `Signature` itself left out). */
export function rpcCanonicalQuery(params: Record<string, string>): string {
  return Object.keys(params)
    .filter(name => name !== 'Signature')
    .sort(byName)
    .map(name => `${percentEncode(name)}=${percentEncode(params[name] ?? '')}`)
    .join('&')
}

/** `METHOD&%2F&percentEncode(CanonicalizedQueryString)`. */
export function rpcStringToSign(method: string, params: Record<string, string>): string {
  return `${method.toUpperCase()}&${percentEncode('/')}&${percentEncode(rpcCanonicalQuery(params))}`
}

/** Base64 HMAC-SHA1 with the key `AccessKeySecret + "&"`. */
export function rpcSignature(stringToSign: string, accessKeySecret: string): string {
  return createHmac('sha1', `${accessKeySecret}&`).update(stringToSign, 'utf8').digest('base64')
}

export interface AccessKeyCredential {
  accessKeyId: string
  accessKeySecret: string
  /** The STS security token when the AccessKey pair is temporary (`STS.…`). */
  securityToken?: string
}

/**
 * The full, signed parameter set of an RPC call: API params, the common params
 * (Format, Version, AccessKeyId, SignatureMethod/Version/Nonce, Timestamp, SecurityToken with STS)
 * and `Signature`.
 */
export function signRpcRequest(
  method: 'GET' | 'POST',
  apiParams: Record<string, string>,
  credential: AccessKeyCredential,
  options: { now: Date; nonce?: string }
): Record<string, string> {
  const params: Record<string, string> = {
    Format: 'JSON',
    ...apiParams,
    AccessKeyId: credential.accessKeyId,
    SignatureMethod: 'HMAC-SHA1',
    SignatureVersion: '1.0',
    SignatureNonce: options.nonce ?? newNonce(),
    Timestamp: isoTimestamp(options.now)
  }
  if (credential.securityToken) params.SecurityToken = credential.securityToken
  params.Signature = rpcSignature(rpcStringToSign(method, params), credential.accessKeySecret)
  return params
}

/** `k=v&…` with RFC 3986 encoding, for a query string or a form body. */
export function encodeParams(params: Record<string, string>): string {
  return Object.entries(params)
    .map(([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`)
    .join('&')
}

// ------------------------------------------------------------------------------------------
// ROA (HMAC-SHA1)

function headerValue(headers: Record<string, string>, name: string): string {
  const key = Object.keys(headers).find(k => k.toLowerCase() === name.toLowerCase())
  return key === undefined ? '' : (headers[key] ?? '')
}

/**
 * `METHOD\nAccept\nContent-MD5\nContent-Type\nDate\n` + every `x-acs-*` header
 * (lower-cased name, sorted, `name:value\n`) + the path with its query sorted (raw, not encoded).
 */
export function roaStringToSign(request: {
  method: string
  path: string
  query?: Record<string, string>
  headers: Record<string, string>
}): string {
  const { method, path, headers } = request
  const acs = Object.keys(headers)
    .filter(name => name.toLowerCase().startsWith('x-acs-'))
    .map(name => [name.toLowerCase(), (headers[name] ?? '').replace(/[\t\n\r\f]/g, ' ').trim()] as const)
    .sort((a, b) => byName(a[0], b[0]))
    .map(([name, value]) => `${name}:${value}\n`)
    .join('')
  const query = request.query ?? {}
  const names = Object.keys(query).sort(byName)
  const resource = names.length ? `${path}?${names.map(name => (query[name] ? `${name}=${query[name]}` : name)).join('&')}` : path
  return [
    method.toUpperCase(),
    headerValue(headers, 'accept'),
    headerValue(headers, 'content-md5'),
    headerValue(headers, 'content-type'),
    headerValue(headers, 'date'),
    `${acs}${resource}`
  ].join('\n')
}

/** Base64 HMAC-SHA1 with the key `AccessKeySecret` (no `&`, unlike RPC). */
export function roaSignature(stringToSign: string, accessKeySecret: string): string {
  return createHmac('sha1', accessKeySecret).update(stringToSign, 'utf8').digest('base64')
}

/** RFC 1123 date in GMT, as the ROA `Date` header wants it. */
export function httpDate(date: Date): string {
  return date.toUTCString()
}

/** The headers of a signed ROA request with an empty body. */
export function signRoaRequest(
  method: 'GET' | 'POST',
  path: string,
  version: string,
  credential: AccessKeyCredential,
  options: { now: Date; nonce?: string }
): Record<string, string> {
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Content-MD5': createHash('md5').update('').digest('base64'),
    Date: httpDate(options.now),
    'x-acs-version': version,
    'x-acs-signature-method': 'HMAC-SHA1',
    'x-acs-signature-version': '1.0',
    'x-acs-signature-nonce': options.nonce ?? newNonce()
  }
  if (credential.securityToken) {
    headers['x-acs-security-token'] = credential.securityToken
    headers['x-acs-accesskey-id'] = credential.accessKeyId
  }
  const signature = roaSignature(roaStringToSign({ method, path, headers }), credential.accessKeySecret)
  headers.Authorization = `acs ${credential.accessKeyId}:${signature}`
  return headers
}

// ------------------------------------------------------------------------------------------
// V3 (ACS3-HMAC-SHA256)

export const V3_ALGORITHM = 'ACS3-HMAC-SHA256'

export const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex')

export interface V3Request {
  method: string
  /** `/` for RPC-style APIs, the resource path for ROA. */
  path: string
  query?: Record<string, string>
  /** Must contain `host`, the `x-acs-*` headers and, with a body, `content-type`. */
  headers: Record<string, string>
  body?: string
}

export interface V3Canonical {
  canonicalRequest: string
  signedHeaders: string
  hashedPayload: string
}

/** CanonicalRequest = METHOD, URI, query, headers, signed header names, payload hash, one a line. */
export function v3CanonicalRequest(request: V3Request): V3Canonical {
  const uri = request.path
    .split('/')
    .map(segment => percentEncode(segment))
    .join('/')
  const query = request.query ?? {}
  const canonicalQuery = Object.keys(query)
    .map(name => [percentEncode(name), percentEncode(query[name] ?? '')] as const)
    .sort((a, b) => byName(a[0], b[0]))
    .map(([name, value]) => `${name}=${value}`)
    .join('&')
  const signed = Object.keys(request.headers)
    .map(name => [name.toLowerCase(), (request.headers[name] ?? '').trim()] as const)
    .filter(([name]) => name === 'host' || name === 'content-type' || name.startsWith('x-acs-'))
    .sort((a, b) => byName(a[0], b[0]))
  const canonicalHeaders = signed.map(([name, value]) => `${name}:${value}\n`).join('')
  const signedHeaders = signed.map(([name]) => name).join(';')
  const hashedPayload = headerValue(request.headers, 'x-acs-content-sha256') || sha256Hex(request.body ?? '')
  const canonicalRequest = [request.method.toUpperCase(), uri, canonicalQuery, canonicalHeaders, signedHeaders, hashedPayload].join('\n')
  return { canonicalRequest, signedHeaders, hashedPayload }
}

/** `ACS3-HMAC-SHA256\n` + hex SHA-256 of the canonical request. */
export function v3StringToSign(canonicalRequest: string): string {
  return `${V3_ALGORITHM}\n${sha256Hex(canonicalRequest)}`
}

/** Lower-case hex HMAC-SHA256 with the key `AccessKeySecret`. */
export function v3Signature(stringToSign: string, accessKeySecret: string): string {
  return createHmac('sha256', accessKeySecret).update(stringToSign, 'utf8').digest('hex')
}

/** The `Authorization` header value of a V3 request. */
export function v3Authorization(request: V3Request, accessKeyId: string, accessKeySecret: string): string {
  const { canonicalRequest, signedHeaders } = v3CanonicalRequest(request)
  const signature = v3Signature(v3StringToSign(canonicalRequest), accessKeySecret)
  return `${V3_ALGORITHM} Credential=${accessKeyId},SignedHeaders=${signedHeaders},Signature=${signature}`
}
