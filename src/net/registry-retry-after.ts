// How long a registry asks to be left alone: an anonymous look at its API root and token service after a login it refused with 429 or 503.
import { exchange, type Reply } from './http-request.js'
import { REGISTRY_PROBE_MAX_REPLY_BYTES, REGISTRY_PROBE_TIMEOUT_MS } from './policies.js'
import { retryAfterMs } from './retry-after.js'

/** The statuses that ask a client to come back later. */
const PAUSED = new Set([429, 503])

export interface RetryAfterProbe {
  /** The registry's base URL: `https://<host>`. */
  base: string
  userAgent: string
  /** What is left of the step's deadline: neither request runs past it. */
  remainingMs?: () => number
}

/**
 * No client prints a registry's Retry-After (docker, podman, buildah and skopeo print only the status), so after a
 * login the registry answered 429 or 503, the action asks the registry itself what the client asked: `GET /v2/`,
 * and when that is a token challenge, the challenge's token service (its `realm` with its `service`, no scope).
 * The first of the two that answers 429 or 503 with a readable Retry-After gives the wait.
 *
 * Nothing is sent but the request line and the User-Agent: no credential, no token (the client itself has already
 * sent its credential to that realm). A realm on plain http behind an https registry is not followed. Each request
 * has REGISTRY_PROBE_TIMEOUT_MS (or what is left of the step's deadline, if less) and a small reply cap; any failure
 * to ask gives undefined, and the caller keeps its own wait.
 */
export async function registryRetryAfter(probe: RetryAfterProbe): Promise<number | undefined> {
  const base = parseUrl(probe.base)
  if (!base) return undefined
  const ask = async (url: URL): Promise<Reply | undefined> => {
    const timeoutMs = Math.min(REGISTRY_PROBE_TIMEOUT_MS, probe.remainingMs?.() ?? Infinity)
    if (timeoutMs <= 0) return undefined
    try {
      return await exchange({
        service: `the registry ${url.host}`,
        method: 'GET',
        url,
        headers: { Accept: 'application/json', 'User-Agent': probe.userAgent },
        timeoutMs,
        maxBytes: REGISTRY_PROBE_MAX_REPLY_BYTES
      })
    } catch {
      return undefined
    }
  }
  const ping = await ask(new URL('/v2/', base))
  if (!ping) return undefined
  if (PAUSED.has(ping.status)) return retryAfterMs(ping.headers['retry-after'])
  if (ping.status !== 401) return undefined
  const realm = tokenRealm(ping.headers['www-authenticate'], base)
  const token = realm ? await ask(realm) : undefined
  return token && PAUSED.has(token.status) ? retryAfterMs(token.headers['retry-after']) : undefined
}

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text)
  } catch {
    return undefined
  }
}

/**
 * The token service a `WWW-Authenticate: Bearer realm="…",service="…"` challenge names, with its `service`; undefined
 * for any other challenge, an unreadable realm, or one that would leave https for plain http.
 */
export function tokenRealm(challenge: string | string[] | undefined, base: URL): URL | undefined {
  const params = bearerParams(Array.isArray(challenge) ? challenge.join(', ') : (challenge ?? ''))
  const realm = parseUrl(params.get('realm') ?? '')
  if (!realm || (realm.protocol !== 'https:' && (realm.protocol !== 'http:' || base.protocol !== 'http:'))) return undefined
  realm.username = ''
  realm.password = ''
  const service = params.get('service')
  if (service) realm.searchParams.set('service', service)
  return realm
}

/** The parameters of a Bearer challenge (names lower-cased, the first of each kept); none for other schemes. */
function bearerParams(challenge: string): Map<string, string> {
  const params = new Map<string, string>()
  const bearer = /(?:^|,\s*)Bearer\s+(.*)$/i.exec(challenge)?.[1] ?? ''
  for (const [, name = '', value = ''] of bearer.matchAll(/([A-Za-z]+)="([^"]*)"/g)) {
    if (!params.has(name.toLowerCase())) params.set(name.toLowerCase(), value)
  }
  return params
}
