// The registry address policy: how a `registry` entry is parsed, and which hosts a cloud's credential may go to.
/**
 * The one policy for registry addresses: how a `registry` value is parsed, and which hosts a
 * cloud's credential may be handed to. Each provider declares its cloud's hosts (next to its other
 * host knowledge) as a `RegistryHostPolicy`; `checkRegistryHosts` runs for every provider after
 * planning and before any network call, so no provider can forget it.
 */
import { InputError } from '../log/errors.js'
import { safeText } from '../log/escape.js'

/** Longest `registry` entry accepted (host, port and path). */
export const MAX_REGISTRY_LENGTH = 512
/** DNS limits (RFC 1035). */
export const MAX_HOST_LENGTH = 253
const MAX_LABEL_LENGTH = 63

const LABEL = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/
const PORT = /^[1-9][0-9]{0,4}$/
// A repository path component as the distribution spec names it (lower case; . _ - inside).
const PATH_SEGMENT = /^[a-z0-9]+([._-]+[a-z0-9]+)*$/

const EXAMPLE = 'Give a host such as us.icr.io, optionally with https:// in front, a :port and a /path.'

function refuse(value: string, problem: string, hint = EXAMPLE): never {
  throw new InputError('registry', `has '${value}', ${problem}`, hint)
}

/**
 * One entry of the `registry` input, strictly: an optional `https://`, a DNS host name, an optional
 * port (1-65535) and an optional path of repository components. Returns it lower-cased, without the
 * scheme and trailing slashes, the way clients are given it (`host[:port][/path]`).
 */
export function parseRegistry(value: string): string {
  if (value.length > MAX_REGISTRY_LENGTH) refuse(value, `which is longer than ${MAX_REGISTRY_LENGTH} characters`)
  const rest = withoutScheme(value)
  const slash = rest.indexOf('/')
  const { host, port } = hostAndPort(value, slash < 0 ? rest : rest.slice(0, slash))
  const path = slash < 0 ? '' : rest.slice(slash + 1)
  if (path !== '') checkPath(value, path)
  return `${host}${port !== undefined ? `:${port}` : ''}${path ? `/${path}` : ''}`
}

/** The host and optional port of an entry's `host[:port]`, each checked. */
function hostAndPort(value: string, authority: string): { host: string; port: string | undefined } {
  if (authority.includes('@'))
    refuse(
      value,
      'which has a user name in it (user@host)',
      "Give the host alone; credentials go in their own inputs, never in 'registry'."
    )
  const colon = authority.lastIndexOf(':')
  const host = colon < 0 ? authority : authority.slice(0, colon)
  const port = colon < 0 ? undefined : authority.slice(colon + 1)
  checkHost(value, host)
  if (port !== undefined && (!PORT.test(port) || Number(port) > 65535))
    refuse(value, `whose port '${port}' is not a number from 1 to 65535`)
  return { host, port }
}

/** The entry lower-cased, without its `https://` (any other scheme refused), query or fragment (refused) and trailing slashes. */
function withoutScheme(value: string): string {
  let rest = value.trim().toLowerCase()
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//.exec(rest)
  if (scheme) {
    if (scheme[1] !== 'https')
      refuse(
        value,
        `whose scheme ${scheme[1]}:// is not https://`,
        'Give the host alone (us.icr.io) or with https://; registries are always reached over HTTPS.'
      )
    rest = rest.slice(scheme[0].length)
  }
  if (/[?#]/.test(rest)) refuse(value, 'which has a query or fragment', 'Give the host and an optional /path only.')
  return rest.replace(/\/+$/, '')
}

function checkHost(value: string, host: string): void {
  if (host === '') refuse(value, 'which has no host')
  if (host.length > MAX_HOST_LENGTH) refuse(value, `whose host is longer than ${MAX_HOST_LENGTH} characters`)
  for (const label of host.split('.')) {
    if (label === '') refuse(value, 'whose host has an empty label (two dots in a row, or a dot at an end)')
    if (label.length > MAX_LABEL_LENGTH || !LABEL.test(label)) {
      refuse(value, `whose host label '${label}' is not a DNS label (letters, digits and inner hyphens, at most ${MAX_LABEL_LENGTH})`)
    }
  }
}

/** An image reference's tag (`:1.0`) or digest (`@sha256:…`) at the end of the path. */
const TAG_OR_DIGEST = /(:[\w][\w.-]*|@[a-z0-9]+([+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+)$/

function checkPath(value: string, path: string): void {
  if (TAG_OR_DIGEST.test(path))
    refuse(
      value,
      `which is an image (it ends with a ${path.includes('@') ? 'digest' : 'tag'}), not a registry`,
      'Give a registry host, optionally with a namespace (us.icr.io/acme), not an image: the clients log into the registry, and push and pull the images under it.'
    )
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.' || segment === '..')
      refuse(
        value,
        "whose path has an empty, '.' or '..' segment",
        'Give the path as namespace or namespace/repository, without // . or ..'
      )
    if (!PATH_SEGMENT.test(segment))
      refuse(
        value,
        `whose path segment '${segment}' is not a repository name component`,
        'Use lower-case letters and digits, separated by . _ or -.'
      )
  }
}

/** The host name of a parsed registry entry, without port and path. */
export function registryHost(registry: string): string {
  return (registry.split('/')[0] ?? '').replace(/:\d+$/, '')
}

/** The hosts one cloud's credentials may be handed to. */
export interface RegistryHostPolicy {
  /** The cloud's name, as errors show it. */
  cloud: string
  /** Its registry host names and patterns, as errors show them. */
  patterns: readonly string[]
  allows(host: string): boolean
}

/**
 * What a credential can open: `cloud` (an API key, token, key or anything minted from them or from
 * OIDC: the cloud account) goes only to the cloud's own registry hosts; `registry-only` (a password
 * that one registry issued, such as an Alibaba instance's access credential) may go to any host.
 */
export type CredentialScope = 'cloud' | 'registry-only'

/**
 * Refuses any registry outside the cloud's hosts for a cloud credential; for a registry-only one,
 * returns one note naming the hosts outside them (custom domains), for the log.
 */
export function checkRegistryHosts(
  policy: RegistryHostPolicy,
  registries: readonly string[],
  scope: CredentialScope,
  method: string
): string[] {
  const custom: string[] = []
  for (const registry of registries) {
    const host = registryHost(registry)
    if (policy.allows(host)) continue
    if (scope === 'registry-only') {
      custom.push(safeText(host))
      continue
    }
    throw new InputError(
      'registry',
      `has '${host}', which is not one of the ${policy.cloud} registry hosts, so no ${policy.cloud} credential goes there (auth ${method})`,
      `Use one of the ${policy.cloud} registry hosts: ${policy.patterns.join('; ')}.`
    )
  }
  if (custom.length === 0) return []
  const which = custom.length > 1 ? `${custom.join(', ')} are not` : `${custom[0]} is not`
  return [
    `${which} among the ${policy.cloud} registry hosts: logging in with the registry's own username and password (auth ${method}), which open that registry only.`
  ]
}
