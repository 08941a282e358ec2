// The host (port kept) a registry is known by in credHelpers, and the host a client asks the helper about.
/**
 * The key a registry gets in `credHelpers`: its host (with port). docker, containers-common and
 * helm look helpers up by host only, so `cr.yandex/crp123` is served as `cr.yandex`.
 */
export function registryHostWithPort(registry: string): string {
  return registry.split('/')[0]?.toLowerCase() ?? ''
}

/**
 * The host a client asks about: docker sends `us.icr.io`, other callers `https://us.icr.io`,
 * `us.icr.io/v2/` or `host/path`.
 */
export function serverHost(serverUrl: string): string {
  return registryHostWithPort(serverUrl.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, ''))
}
