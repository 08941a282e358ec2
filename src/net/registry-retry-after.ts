// How long a registry asks to be left alone: an anonymous look at its API root and token service after a login it refused with 429 or 503.
import { log } from '../log/log.js'
import { exchange, type Exchange, type Reply } from './http-request.js'
import { RATE_LIMIT_STATUSES, REGISTRY_PROBE_MAX_REPLY_BYTES, REGISTRY_PROBE_TIMEOUT_MS } from './policies.js'
import { retryAfterMs } from './retry-after.js'

const PAUSED = new Set<number>(RATE_LIMIT_STATUSES)

export interface RetryAfterProbe {
  /** The registry's base URL: `https://<host>`. */
  base: string
  userAgent: string
  /** How long the look may take in all: neither request runs past it. */
  withinMs: number
}

/** Sends one bounded request (net/http-request.ts `exchange`). */
export type Send = (call: Exchange) => Promise<Reply>

/**
 * No client prints a registry's Retry-After (docker, podman, buildah and skopeo print only the status), so after a
 * login the registry answered 429 or 503, the action asks the registry itself: `GET /v2/`, and when that is a token
 * challenge, the https token service the challenge names (its `realm` with its `service`, no scope). The first of the
 * two that answers 429 or 503 with a readable Retry-After gives the wait.
 *
 * Only `Accept` and `User-Agent` are sent: no credential, no token (the client itself has already sent its credential
 * to that realm); through the step's proxy like every other call. Each request has REGISTRY_PROBE_TIMEOUT_MS, both
 * together `withinMs`, and a small reply cap; any failure to ask gives undefined (a debug line says why), and the
 * caller keeps its own wait.
 */
export async function registryRetryAfter(probe: RetryAfterProbe, send: Send = exchange): Promise<number | undefined> {
  const base = parseUrl(probe.base)
  if (!base) return undefined
  const end = Date.now() + probe.withinMs
  const ask = async (url: URL): Promise<Reply | undefined> => {
    const timeoutMs = Math.min(REGISTRY_PROBE_TIMEOUT_MS, end - Date.now())
    if (timeoutMs <= 0) return undefined
    try {
      return await send({
        service: `the registry ${url.host}`,
        method: 'GET',
        url,
        headers: { Accept: 'application/json', 'User-Agent': probe.userAgent },
        timeoutMs,
        maxBytes: REGISTRY_PROBE_MAX_REPLY_BYTES
      })
    } catch (error) {
      log.debug`No Retry-After read from ${url.host}: ${error}`
      return undefined
    }
  }
  const pause = (reply: Reply): number | undefined =>
    PAUSED.has(reply.status) ? retryAfterMs(reply.headers['retry-after'], reply.headers.date) : undefined
  const ping = await ask(new URL('/v2/', base))
  if (!ping || ping.status !== 401) return ping && pause(ping)
  const realm = tokenRealm(ping.headers['www-authenticate'])
  const token = realm ? await ask(realm) : undefined
  return token && pause(token)
}

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text)
  } catch {
    return undefined
  }
}

/**
 * The token service a `WWW-Authenticate: Bearer realm="…",service="…"` challenge names, with its `service` added
 * to the realm's own query; undefined without a Bearer challenge or an https realm.
 */
export function tokenRealm(header: string | string[] | undefined): URL | undefined {
  const params = challenges(Array.isArray(header) ? header.join(', ') : (header ?? '')).get('bearer')
  const realm = parseUrl(params?.get('realm') ?? '')
  if (!realm || realm.protocol !== 'https:') return undefined
  realm.username = ''
  realm.password = ''
  const service = params?.get('service')
  if (service) realm.searchParams.set('service', service)
  return realm
}

/** token68-free challenge grammar (RFC 9110 11.6.1): `scheme name=value, name="quoted", …`, several schemes in a row. */
const CHALLENGE_PART =
  /\s*(?:([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([!#$%&'*+.^_`|~0-9A-Za-z-]+))|([!#$%&'*+.^_`|~0-9A-Za-z-]+))\s*,?/y

/** Each challenge's parameters by lower-cased scheme (the first challenge of a scheme, the first of each name). */
export function challenges(header: string): Map<string, Map<string, string>> {
  const found = new Map<string, Map<string, string>>()
  let current: Map<string, string> | undefined
  CHALLENGE_PART.lastIndex = 0
  for (let match = CHALLENGE_PART.exec(header); match && match[0] !== ''; match = CHALLENGE_PART.exec(header)) {
    const [, name, quoted, token, scheme] = match
    if (scheme !== undefined) {
      const key = scheme.toLowerCase()
      current = found.has(key) ? undefined : new Map()
      if (current) found.set(key, current)
    } else if (name !== undefined && current && !current.has(name.toLowerCase())) {
      current.set(name.toLowerCase(), quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : (token ?? ''))
    }
  }
  return found
}
