// Nebius AI Cloud Container Registry hosts: one per region.
import type { RegistryHostPolicy } from '../../inputs/registry-hosts.js'

/**
 * Nebius AI Cloud Container Registry hosts: `cr.<region>.nebius.cloud`, one per region listed by the
 * docker credential helper set-up in docs.nebius.com/container-registry/authentication.
 */
export const NEBIUS_REGIONS = ['eu-north1', 'eu-north2', 'eu-west1', 'me-west1', 'uk-south1', 'us-central1'] as const

export type NebiusRegion = (typeof NEBIUS_REGIONS)[number]

/** Registry host for a region id (case and surrounding spaces ignored), or undefined. */
export function nebiusRegistryHost(region: string): string | undefined {
  const name = region.trim().toLowerCase()
  return (NEBIUS_REGIONS as readonly string[]).includes(name) ? `cr.${name}.nebius.cloud` : undefined
}

// Region ids are <area>-<direction><number> (eu-north1, us-central1); new regions keep the form.
const REGISTRY_HOST = /^cr\.[a-z]+-[a-z]+[0-9]+\.nebius\.cloud$/

/** Nebius Container Registry hosts: cr.<region>.nebius.cloud, nothing else. */
export const NEBIUS_REGISTRY_HOSTS: RegistryHostPolicy = {
  cloud: 'Nebius AI Cloud',
  patterns: [
    `cr.<region>.nebius.cloud, e.g. ${NEBIUS_REGIONS.map(region => `cr.${region}.nebius.cloud`)
      .slice(0, 2)
      .join(', ')} (regions: ${NEBIUS_REGIONS.join(', ')})`
  ],
  allows: host => REGISTRY_HOST.test(host)
}
