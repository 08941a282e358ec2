// Cloud calls over HTTP: one request with its timeout, retried by the shared rule; the errors a cloud's answer makes.
import type { HttpClient } from '@actions/http-client'
import { ActionError } from '../log/errors.js'
import { safeText } from '../log/escape.js'
import { retry, type RetryOptions } from './retry.js'

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

/** A failure to reach the service at all: DNS, refused connection, reset, timeout. */
export class NetworkError extends ActionError {
  readonly transient = true
  constructor(
    readonly service: string,
    cause: string
  ) {
    super(`Could not reach ${service}: ${safeText(cause)}.`)
    this.name = 'NetworkError'
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
  timeoutMs: number
  retry: RetryOptions
}

function retryableStatus(status: number): boolean {
  return status === 429 || status >= 500
}

export function createHttp(options: HttpOptions): Http {
  // Loaded on the first call (a separate chunk of dist/): a login without a cloud call starts without https and tls.
  let client: Promise<HttpClient> | undefined
  const httpClient = (): Promise<HttpClient> =>
    (client ??= import('@actions/http-client').then(
      ({ HttpClient }) =>
        new HttpClient(options.userAgent, [], {
          allowRetries: false,
          allowRedirects: false,
          socketTimeout: options.timeoutMs,
          keepAlive: false
        })
    ))

  const request = (req: HttpRequest): Promise<HttpResponse> =>
    retry(() => once(httpClient, options.timeoutMs, req), {
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

/** One attempt: the response when it is a 2xx, else the HttpError (or NetworkError) it makes. */
async function once(httpClient: () => Promise<HttpClient>, timeoutMs: number, req: HttpRequest): Promise<HttpResponse> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new NetworkError(req.service, `no answer within ${timeoutMs} ms`)), timeoutMs)
  })
  const call = async (): Promise<HttpResponse> => {
    const headers = { Accept: 'application/json', ...req.headers }
    const response = await (await httpClient()).request(req.method, req.url, req.body ?? null, headers).catch((error: unknown) => {
      throw new NetworkError(req.service, error instanceof Error ? error.message : String(error))
    })
    const body = await response.readBody()
    return { status: response.message.statusCode ?? 0, headers: response.message.headers, body }
  }
  try {
    const response = await Promise.race([call(), timeout])
    if (response.status >= 200 && response.status < 300) return response
    throw failure(req, response)
  } finally {
    clearTimeout(timer)
  }
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
  return Object.assign(error, { retryAfter: retryAfterMs(response.headers['retry-after']) })
}

function retryAfterMs(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value
  if (!text) return undefined
  const seconds = Number(text)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const date = Date.parse(text)
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now())
}

/** application/x-www-form-urlencoded body from pairs, dropping undefined values. */
export function formBody(fields: Record<string, string | undefined>): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) params.append(key, value)
  return params.toString()
}
