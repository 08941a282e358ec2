// The runner's own metadata service (auth: runner-identity): plain HTTP to a fixed link-local address, never a proxy.
import { lookup } from 'node:dns/promises'
import { isIP } from 'node:net'
import { ActionError } from '../log/errors.js'
import { safeText } from '../log/escape.js'
import { endpoint, endpointVariable, type EndpointName } from './endpoints.js'
import { exchange } from './http-request.js'
import { METADATA_CONNECT_TIMEOUT_MS, METADATA_EXCHANGE_TIMEOUT_MS, METADATA_MAX_REPLY_BYTES } from './policies.js'

/** The metadata services the action may ask, each at the address its cloud fixes (never from an input). */
export const METADATA_URLS = {
  YANDEX_METADATA: 'http://169.254.169.254',
  NEBIUS_METADATA: 'http://metadata.nebius.internal',
  ALIBABA_METADATA: 'http://100.100.100.200',
  IBM_METADATA: 'http://169.254.169.254'
} as const satisfies Partial<Record<EndpointName, string>>

export type MetadataService = keyof typeof METADATA_URLS

/** Who the runner would have to be, and how to make it so: the two halves of the "not there" error. */
export interface RunnerIdentity {
  /** e.g. "a Yandex Cloud VM with a linked service account" */
  runner: string
  /** e.g. "Link one: yc compute instance update <vm> --service-account-id <id> (docs/yandex.md)." */
  attach: string
}

/** The runner has no identity of this cloud: nothing answered, or the service said none is attached. */
export class NoRunnerIdentity extends ActionError {
  constructor(identity: RunnerIdentity, saw: string) {
    super(`This runner is not ${identity.runner}: ${safeText(saw, 300)}.`, identity.attach)
    this.name = 'NoRunnerIdentity'
  }
}

export interface MetadataRequest {
  method: 'GET' | 'PUT' | 'POST'
  path: string
  headers: Record<string, string>
  body?: string
}

export interface MetadataReply {
  status: number
  body: string
}

/** Loopback (an endpoint override for tests), link-local, or Alibaba's fixed metadata address. */
export function metadataAddressAllowed(address: string): boolean {
  if (isIP(address) === 6) return address === '::1' || /^fe[89ab][0-9a-f]:/i.test(address)
  return /^(127\.\d+\.\d+\.\d+|169\.254\.\d+\.\d+|100\.100\.100\.200)$/.test(address)
}

/** Where the service is: its fixed URL, or the documented override (plain http to this machine only). */
function target(service: MetadataService, env: NodeJS.ProcessEnv): URL {
  const url = new URL(endpoint(service, METADATA_URLS[service], env))
  if (url.protocol !== 'http:') {
    throw new ActionError(`Environment variable ${endpointVariable(service)} must be an http:// URL of a local metadata emulator.`)
  }
  return url
}

/** The host's address, within the connect deadline (a name no DNS server answers for must not hang the step). */
async function address(host: string): Promise<string> {
  if (isIP(host)) return host
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no address within ${METADATA_CONNECT_TIMEOUT_MS} ms`)), METADATA_CONNECT_TIMEOUT_MS)
  })
  try {
    return (await Promise.race([lookup(host), late])).address
  } finally {
    clearTimeout(timer)
  }
}

/**
 * One exchange with the runner's metadata service, by net/http-request.ts's bounded exchange: straight to the
 * checked address (never a proxy), connected within 2 s, done within 10 s, at most 64 KiB read, no retry
 * (net/policies.ts). Nothing there (no such name, not link-local, refused, silent, not a metadata service's
 * reply) is a NoRunnerIdentity naming what was seen; an HTTP status is returned as it came, for the cloud's code.
 */
export async function metadataCall(
  service: MetadataService,
  request: MetadataRequest,
  identity: RunnerIdentity,
  env: NodeJS.ProcessEnv
): Promise<MetadataReply> {
  const url = target(service, env)
  const host = url.hostname.replace(/^\[|\]$/g, '')
  let ip: string
  try {
    ip = await address(host)
  } catch (error) {
    throw new NoRunnerIdentity(identity, `${host} does not resolve (${describe(error)})`)
  }
  if (!metadataAddressAllowed(ip)) throw new NoRunnerIdentity(identity, `${host} resolves to ${ip}, which is not a link-local address`)
  const direct = new URL(request.path, `http://${isIP(ip) === 6 ? `[${ip}]` : ip}:${url.port || 80}`)
  try {
    const reply = await exchange({
      service: identity.runner,
      method: request.method,
      url: direct,
      // The Host header names the service as the cloud's own clients do; the connection goes to the checked address.
      headers: { ...request.headers, Host: url.host },
      body: request.body,
      timeoutMs: METADATA_EXCHANGE_TIMEOUT_MS,
      connectTimeoutMs: METADATA_CONNECT_TIMEOUT_MS,
      maxBytes: METADATA_MAX_REPLY_BYTES,
      direct: true
    })
    return { status: reply.status, body: reply.body }
  } catch (error) {
    throw new NoRunnerIdentity(identity, `${request.method} ${url.origin}${request.path.replace(/\?.*$/, '')}: ${describe(error)}`)
  }
}

/** What went wrong, in a few words: a NetworkError's reason, a ReplyError's problem, a DNS error's code. */
function describe(error: unknown): string {
  const { code, reason, problem, message } = error as { code?: unknown; reason?: string; problem?: string; message?: string }
  const text = reason ?? problem ?? (typeof code === 'string' ? code : (message ?? String(error)))
  return /ECONNREFUSED/.test(text) ? 'connection refused' : text
}

/** A metadata reply's JSON object, or an error naming the service. */
export function metadataJson(cloudService: string, reply: MetadataReply): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(reply.body)
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>
  } catch {
    // fall through
  }
  throw new ActionError(`${cloudService} answered HTTP ${reply.status} with a body that is not a JSON object.`)
}

/** A non-2xx metadata reply as an error: the status and the service's own words, made safe. */
export function metadataStatusError(cloudService: string, reply: MetadataReply, hint?: string): ActionError {
  const words = reply.body.trim() ? `: ${safeText(reply.body.trim(), 300)}` : ''
  return new ActionError(`${cloudService} answered HTTP ${reply.status}${words}.`, hint)
}
