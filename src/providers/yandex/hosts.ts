// Yandex Cloud registry hosts: the documented ones, which service each is, and Container Registry's shutdown warning.
import type { RegistryHostPolicy } from '../../inputs/registry-hosts.js'

/**
 * Yandex Cloud's registry services and their hosts, as Yandex Cloud's docs name them (yandex.cloud/en/docs/cloud-registry/,
 * yandex.cloud/en/docs/container-registry/). The registries are not regional: one host serves every folder,
 * and images are addressed as <host>/<registry id>/<repository>.
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
 * READMEs, so it is not here: a credential goes only to hosts Yandex documents.
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

/** Yandex's guide to the migration: `yc cloud-registry v1 migration start-folder`/`start-cloud`, the redirect, the 429s. */
export const CONTAINER_REGISTRY_MIGRATION_GUIDE = 'https://yandex.cloud/en/docs/container-registry/tutorials/container-registry-migration'

const MIGRATE =
  "`yc cloud-registry v1 migration start-folder <folder id>` (or `start-cloud <cloud id>`) copies a folder's (or cloud's) registries to Cloud Registry and redirects cr.yandex/<registry id>/... there"
const USE_CLOUD_REGISTRY = `log into ${CLOUD_REGISTRY} instead (set 'registry' to it, or leave 'registry' empty)`

/**
 * What is true of Container Registry on a given day (Yandex Cloud's "Container Registry shutdown" page and its
 * migration guide), latest phase first: the first row whose `from` (a UTC date) the job's day has reached speaks.
 */
export const CONTAINER_REGISTRY_PHASES: ReadonlyArray<{ from: string; says: (hosts: string) => string }> = [
  {
    from: CONTAINER_REGISTRY_SHUTDOWN,
    says: hosts =>
      `Yandex Container Registry (${hosts}) was switched off on ${CONTAINER_REGISTRY_SHUTDOWN}: only registries migrated to Cloud Registry still answer there, through the redirect of cr.yandex/<registry id>/... to Cloud Registry. ` +
      `For a registry not migrated yet, try ${MIGRATE} (Yandex keeps backups of what it held until 2027-06-30: ask its support), and ${USE_CLOUD_REGISTRY}: ${CONTAINER_REGISTRY_MIGRATION_GUIDE}`
  },
  {
    from: CONTAINER_REGISTRY_READ_ONLY,
    says: hosts =>
      `Yandex Container Registry (${hosts}) is read-only since ${CONTAINER_REGISTRY_READ_ONLY} and is switched off on ${CONTAINER_REGISTRY_SHUTDOWN}: pushes fail unless the registry was migrated to Cloud Registry, whose cr.yandex/<registry id>/... paths redirect there. ` +
      `${MIGRATE} (while it runs, a push may get HTTP 429 with Retry-After), then ${USE_CLOUD_REGISTRY}: ${CONTAINER_REGISTRY_MIGRATION_GUIDE}`
  },
  {
    from: '',
    says: hosts =>
      `Yandex Container Registry (${hosts}) is being shut down: it goes read-only on ${CONTAINER_REGISTRY_READ_ONLY} (pushes fail from then on unless the registry was migrated) and is switched off on ${CONTAINER_REGISTRY_SHUTDOWN}. ` +
      `${MIGRATE}, so image paths keep working; then ${USE_CLOUD_REGISTRY}: ${CONTAINER_REGISTRY_MIGRATION_GUIDE}`
  }
]

/** The warning for the Container Registry hosts among `registries`, as true on `now`'s day (UTC); none without them. */
export function containerRegistrySunsetWarning(registries: string[], now: Date): string | undefined {
  const old = registries.filter(isContainerRegistry)
  if (old.length === 0) return undefined
  const day = now.toISOString().slice(0, 10)
  const phase = CONTAINER_REGISTRY_PHASES.find(({ from }) => day >= from)
  return phase?.says(old.join(', '))
}
