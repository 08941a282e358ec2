// Yandex Cloud's registry hosts: the documented ones (the only hosts a Yandex credential goes to) and Container Registry's shutdown.
import type { RegistryHostPolicy } from '../../inputs/registry-hosts.js'

/*
 * Yandex Cloud registry hosts, from Yandex Cloud's Cloud Registry and Container Registry documentation (e.g.
 * "Authentication in Cloud Registry"). The registries are not regional: one host serves every folder, and images are addressed as <host>/<registry id>/<repository>.
 */

/** Cloud Registry, the current service and the default. */
export const CLOUD_REGISTRY = 'registry.yandexcloud.net'
/** Cloud Registry through a VPC private endpoint (service connection). */
export const CLOUD_REGISTRY_PRIVATE = 'registry.pe.yandexcloud.net'
/** Container Registry: read-only from 2026-11-10, shut down on 2026-12-14. */
export const CONTAINER_REGISTRY = 'cr.yandex'

export const CONTAINER_REGISTRY_READ_ONLY = '2026-11-10'
export const CONTAINER_REGISTRY_SHUTDOWN = '2026-12-14'

/**
 * The documented hosts. The Kazakhstan installation's `cr.yandexcloud.kz` is seen only in third-party
 * READMEs, not in Yandex Cloud's docs, so it is not here: a credential goes only to hosts Yandex documents.
 */
export const YANDEX_REGISTRY_HOSTS = [CLOUD_REGISTRY, CONTAINER_REGISTRY, CLOUD_REGISTRY_PRIVATE] as const

export const YANDEX_REGISTRY_POLICY: RegistryHostPolicy = {
  cloud: 'Yandex Cloud',
  patterns: YANDEX_REGISTRY_HOSTS,
  allows: host => (YANDEX_REGISTRY_HOSTS as readonly string[]).includes(host)
}

/** The host part of a registry entry (which may carry a /path). */
export function hostOf(registry: string): string {
  return registry.split('/')[0]?.replace(/:\d+$/, '') ?? registry
}

export const isContainerRegistry = (registry: string): boolean => hostOf(registry) === CONTAINER_REGISTRY
export const isCloudRegistry = (registry: string): boolean =>
  hostOf(registry) === CLOUD_REGISTRY || hostOf(registry) === CLOUD_REGISTRY_PRIVATE

export function containerRegistrySunsetWarning(registries: string[]): string | undefined {
  const old = registries.filter(isContainerRegistry)
  if (old.length === 0) return undefined
  return (
    `Yandex Container Registry (${old.join(', ')}) is being shut down: it is read-only from ${CONTAINER_REGISTRY_READ_ONLY} ` +
    `and stops working on ${CONTAINER_REGISTRY_SHUTDOWN}. Migrate the images to Cloud Registry and log into ${CLOUD_REGISTRY} ` +
    "instead (set 'registry' to it, or leave 'registry' empty): https://yandex.cloud/en/docs/cloud-registry/"
  )
}
