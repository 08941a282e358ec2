// Yandex Cloud's error bodies (google.rpc.Status and OAuth) and its "try again" signals.
import type { CloudError } from '../../net/http.js'

/** gRPC status code names; Yandex REST errors carry the gRPC code as a number. */
const GRPC_CODES = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED'
] as const

export function grpcCodeName(code: number): string {
  return GRPC_CODES[code] ?? `code ${code}`
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined)

/** The request id of the first google.rpc.RequestInfo detail that has one. */
function requestInfoId(details: unknown): string | undefined {
  if (!Array.isArray(details)) return undefined
  for (const detail of details as Array<Record<string, unknown>>) {
    if (detail && typeof detail === 'object' && String(detail['@type']).endsWith('google.rpc.RequestInfo')) {
      const requestId = text(detail.requestId) ?? text(detail.request_id)
      if (requestId) return requestId
    }
  }
  return undefined
}

/**
 * Yandex REST errors are a `google.rpc.Status`:
 * `{"code":16,"message":"…","details":[{"@type":"type.googleapis.com/google.rpc.RequestInfo","requestId":"…"}]}`.
 * The code is reported by name (UNAUTHENTICATED); the request id comes from the RequestInfo detail.
 */
export function parseRpcStatus(body: string): CloudError {
  const json = JSON.parse(body) as { code?: unknown; message?: unknown; details?: unknown }
  const code = typeof json.code === 'number' ? grpcCodeName(json.code) : text(json.code)
  const message = text(json.message)
  const requestId = requestInfoId(json.details)
  return { ...(code ? { code } : {}), ...(message ? { message } : {}), ...(requestId ? { requestId } : {}) }
}

/**
 * The federation token endpoint answers errors OAuth-style (RFC 6749 §5.2 / RFC 8693):
 * `{"error":"invalid_grant","error_description":"…"}`. That shape is inferred from Yandex's own
 * action (UNCONFIRMED in Yandex docs), so a google.rpc.Status body is understood as well.
 */
export function parseOauthError(body: string): CloudError {
  const json = JSON.parse(body) as Record<string, unknown>
  const code = text(json.error)
  if (!code && (typeof json.code === 'number' || json.details !== undefined)) return parseRpcStatus(body)
  const message = text(json.error_description) ?? text(json.message)
  const requestId = text(json.request_id) ?? text(json.requestId)
  return { ...(code ? { code } : {}), ...(message ? { message } : {}), ...(requestId ? { requestId } : {}) }
}

/**
 * Yandex's own "try again" signals, whatever the HTTP status: google.rpc.Status code 14 (UNAVAILABLE,
 * read by parseRpcStatus as its name), or OAuth's `temporarily_unavailable` (RFC 6749 §4.1.2.1) from
 * the federation endpoint.
 */
export function yandexRetryable(_status: number, cloud: CloudError): boolean {
  return cloud.code === 'UNAVAILABLE' || cloud.code === '14' || cloud.code === 'temporarily_unavailable'
}
