/**
 * The key a registry gets in `credHelpers`: its host (with port). docker, containers-common and
 * helm look helpers up by host only, so `cr.yandex/crp123` is served as `cr.yandex`.
 */
export function registryHost(registry: string): string {
  return registry.split('/')[0]?.toLowerCase() ?? ''
}

/**
 * The host a client asks about: docker sends `us.icr.io`, other callers `https://us.icr.io`,
 * `us.icr.io/v2/` or `host/path`.
 */
export function serverHost(serverUrl: string): string {
  return registryHost(serverUrl.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, ''))
}
