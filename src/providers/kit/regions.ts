// Region to registry host: the 'registry' input or each region's host, duplicates dropped, with the region errors every cloud shares.
import { InputError } from '../../log/errors.js'
import type { CommonInputs } from '../provider.js'

/** What a cloud knows about its regions, for `regionalRegistries`. */
export interface RegionHosts {
  /** The registry host of a region, or undefined for a name that is not one of the cloud's regions. */
  host(region: string): string | undefined
  /** What a region is called in the error, e.g. 'a Nebius AI Cloud region'. */
  what: string
  /** The fix for a region the cloud does not know. */
  unknownFix: string
  /** The fix when neither 'region' nor 'registry' is set. */
  noneFix: string
}

/** 'region' names something that is not one of the cloud's regions. */
export function unknownRegion(region: string, what: string, fix: string): InputError {
  return new InputError('region', `has '${region}', which is not ${what}`, fix)
}

/** Neither 'region' nor 'registry' is set. */
export function noRegion(fix: string): InputError {
  return new InputError('region', "is empty, and so is 'registry'", fix)
}

/** The registry hosts: the 'registry' input as given, else one host per region (duplicates dropped). */
export function regionalRegistries(common: CommonInputs, regions: RegionHosts): string[] {
  if (common.registries.length > 0) return common.registries
  if (common.regions.length === 0) throw noRegion(regions.noneFix)
  return [
    ...new Set(
      common.regions.map(region => {
        const host = regions.host(region)
        if (!host) throw unknownRegion(region, regions.what, regions.unknownFix)
        return host
      })
    )
  ]
}
