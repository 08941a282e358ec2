// Nebius AI Cloud Container Registry hosts: one per region, cr.<region>.nebius.cloud, listed or of the documented shape.
import type { RegistryHostPolicy } from '../../inputs/registry-hosts.js'

/**
 * The regions docs.nebius.com/container-registry/authentication lists (the `credHelpers` that `nebius registry
 * configure-helper` writes, one `cr.<region>.nebius.cloud` per region), as of 2026-12.
 */
export const NEBIUS_REGIONS = ['eu-north1', 'eu-north2', 'eu-west1', 'me-west1', 'uk-south1', 'us-central1'] as const

export type NebiusRegion = (typeof NEBIUS_REGIONS)[number]

/**
 * The documented shape of a region id: <area>-<direction><number> (eu-north1, us-central1), one DNS label. A
 * region Nebius opens later keeps it, so an id of this shape the list lacks is used with a notice (kit/regions.ts).
 */
const REGION_ID = '[a-z]+-[a-z]+[0-9]+'
export const NEBIUS_REGION_SHAPE = new RegExp(`^(?=.{1,63}$)${REGION_ID}$`)
// parseRegistry already holds every label of a 'registry' host to 63 characters.
const REGISTRY_HOST = new RegExp(`^cr\\.${REGION_ID}\\.nebius\\.cloud$`)

/** The registry host of a region id of the documented shape, listed or not. */
export const nebiusPatternHost = (region: string): string => `cr.${region}.nebius.cloud`

/** Registry host for a listed region id (case and surrounding spaces ignored), or undefined. */
export function nebiusRegistryHost(region: string): string | undefined {
  const name = region.trim().toLowerCase()
  return (NEBIUS_REGIONS as readonly string[]).includes(name) ? nebiusPatternHost(name) : undefined
}

/** Nebius Container Registry hosts: cr.<region>.nebius.cloud, nothing else. */
export const NEBIUS_REGISTRY_HOSTS: RegistryHostPolicy = {
  cloud: 'Nebius AI Cloud',
  patterns: [
    `cr.<region>.nebius.cloud, e.g. ${NEBIUS_REGIONS.map(nebiusPatternHost).slice(0, 2).join(', ')} (regions: ${NEBIUS_REGIONS.join(', ')})`
  ],
  allows: host => REGISTRY_HOST.test(host)
}
