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
