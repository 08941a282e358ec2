// Cloud calls over HTTP: one bounded request per attempt, retried by the shared rule; the errors a cloud's answer makes.
import { ActionError } from '../log/errors.js'
import { safeText } from '../log/escape.js'
import { exchange, NetworkError } from './http-request.js'
import { MAX_REPLY_BYTES } from './policies.js'
import { retry, type RetryOptions } from './retry.js'
import { retryAfterMs } from './retry-after.js'

export { NetworkError }

/** What a cloud says about a failed call, in its own words. */
export interface CloudError {
  code?: string
  message?: string
  requestId?: string
}

export class HttpError extends ActionError {
  constructor(
    readonly service: string,
    readonly status: number,
    readonly cloud: CloudError,
    hint?: string,
    /** Worth another attempt: 429, 5xx, or the cloud's own "try again" code. */
    readonly transient = retryableStatus(status)
  ) {
    super(`${service} answered HTTP ${status}${cloudWords(cloud)}.`, hint)
    this.name = 'HttpError'
  }
}

/** Longest cloud message quoted: enough for a server's string-to-sign, far less than a hostile reply. */
const MAX_CLOUD_MESSAGE = 1000

/** What a cloud said, quoted for a message: ` Code: message (request id …)`, each part made safe. */
export function cloudWords(cloud: CloudError): string {
  const code = cloud.code ? safeText(cloud.code, 100) : ''
  const message = cloud.message ? safeText(cloud.message, MAX_CLOUD_MESSAGE) : ''
  const parts = [code, message].filter(Boolean).join(': ')
  const request = cloud.requestId ? ` (request id ${safeText(cloud.requestId, 80)})` : ''
  return `${parts ? ` ${parts}` : ''}${request}`
}

export interface HttpRequest {
  /** Names the service in errors, e.g. "IBM Cloud IAM". */
  service: string
  method: 'GET' | 'POST'
  url: string
  headers?: Record<string, string>
  body?: string
  /** Turns an error body into the cloud's code/message; defaults to none. */
  parseError?: (body: string) => CloudError
  /** Adds a fix to the message for a given failure. */
  hint?: (status: number, cloud: CloudError) => string | undefined
  /**
   * The cloud's own "try again" signal, whatever the HTTP status (Alibaba answers throttling with
   * HTTP 400 and Code Throttling.*): true makes the failure retried like a 503.
   */
  retryable?: (status: number, cloud: CloudError) => boolean
}

export interface HttpResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

export interface Http {
  request(req: HttpRequest): Promise<HttpResponse>
  json<T>(req: HttpRequest): Promise<T>
}

export interface HttpOptions {
  userAgent: string
  /** Each attempt, from connecting to the reply's last byte. */
  timeoutMs: number
  retry: RetryOptions
}

function retryableStatus(status: number): boolean {
  return status === 429 || status >= 500
}

export function createHttp(options: HttpOptions): Http {
  const request = (req: HttpRequest): Promise<HttpResponse> =>
    retry(() => once(options, req), {
      ...options.retry,
      delayHint: error => (error as { retryAfter?: number }).retryAfter,
      label: req.service
    })

  return {
    request,
    async json<T>(req: HttpRequest): Promise<T> {
      const response = await request(req)
      try {
        return JSON.parse(response.body) as T
      } catch {
        throw new ActionError(`${req.service} answered HTTP ${response.status} with a body that is not JSON.`)
      }
    }
  }
}

/**
 * One attempt: the response when it is a 2xx, else the HttpError it makes. The reply is bounded
 * (net/http-request.ts): a NetworkError when nothing answers in time, a ReplyError when the reply is
 * larger than MAX_REPLY_BYTES or not complete in time.
 */
async function once(options: HttpOptions, req: HttpRequest): Promise<HttpResponse> {
  let url: URL
  try {
    url = new URL(req.url)
  } catch {
    throw new NetworkError(req.service, 'Invalid URL')
  }
  const response = await exchange({
    service: req.service,
    method: req.method,
    url,
    headers: { Accept: 'application/json', ...req.headers, 'User-Agent': options.userAgent },
    body: req.body,
    timeoutMs: options.timeoutMs,
    maxBytes: MAX_REPLY_BYTES
  })
  if (response.status >= 200 && response.status < 300) return response
  throw failure(req, response)
}

/** The HttpError of a non-2xx answer, with the cloud's words, the hint and Retry-After. */
function failure(req: HttpRequest, response: HttpResponse): HttpError {
  let cloud: CloudError = {}
  try {
    cloud = req.parseError?.(response.body) ?? {}
  } catch {
    cloud = {}
  }
  // A cloud's "try again" is nobody's mistake: no hint about credentials or inputs for it.
  const tryAgain = req.retryable?.(response.status, cloud) === true
  const hint = tryAgain ? undefined : req.hint?.(response.status, cloud)
  const error = new HttpError(req.service, response.status, cloud, hint, retryableStatus(response.status) || tryAgain)
  return Object.assign(error, { retryAfter: retryAfterMs(response.headers['retry-after'], response.headers.date) })
}

/** application/x-www-form-urlencoded body from pairs, dropping undefined values. */
export function formBody(fields: Record<string, string | undefined>): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) params.append(key, value)
  return params.toString()
}
