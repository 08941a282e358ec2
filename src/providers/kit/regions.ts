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

/** What a cloud's list of regions says about one region, for `listedRegion`. */
export interface RegionList {
  /** The regions this version knows. */
  known: readonly string[]
  /** The documented shape of a region id: one of that shape outside the list is taken as newer than the list. */
  shape: RegExp
  /** What a region id is called when it is not of the shape, e.g. 'an Alibaba Cloud region id'. */
  what: string
  /** The list, as messages name it, e.g. 'the regions Alibaba Cloud Container Registry serves'. */
  listed: string
  /** The fix for a name not of the documented shape. */
  unknownFix: string
}

/** Edit distance (insertions, deletions, substitutions) of two short names. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const next = [i]
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min((row[j] ?? 0) + 1, (next[j - 1] ?? 0) + 1, (row[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    row = next
  }
  return row[b.length] ?? 0
}

/** The listed region a name is a likely typo of: at most two edits away, and not only in its numbers (ap-southeast-7 is a newer region, not a typo of ap-southeast-1). */
function likelyTypoOf(region: string, known: readonly string[]): string | undefined {
  const digitsAsOne = (name: string): string => name.replace(/[0-9]+/g, '#')
  return known.find(name => distance(region, name) <= 2 && digitsAsOne(name) !== digitsAsOne(region))
}

/**
 * A region checked against a cloud's list, before any call: a listed one passes; a name not of the documented
 * shape, or a likely typo of a listed one, is an input error (a typo's names the region meant and the way
 * through for a newer one); any other name of the shape is taken as newer than the list, with a note for the log.
 */
export function listedRegion(region: string, list: RegionList, note: (message: string) => void): string {
  if (list.known.includes(region)) return region
  if (!list.shape.test(region)) throw unknownRegion(region, list.what, list.unknownFix)
  const meant = likelyTypoOf(region, list.known)
  if (meant) {
    throw new InputError(
      'region',
      `has '${region}', which is not one of ${list.listed} (a typo of ${meant}?)`,
      "Fix the name; for a region newer than this action's list, set 'registry' to its host instead."
    )
  }
  note(
    `Input 'region' has '${region}', which is not one of ${list.listed} that this version knows; taken as a region newer than the list. If the login cannot reach it, check the name.`
  )
  return region
}
