// Region to registry host: the 'registry' input or each region's host, duplicates dropped; the one rule for a region this version's list lacks; the region errors every cloud shares.
import { InputError } from '../../log/errors.js'
import type { CommonInputs, RegionHosts, RegionRule } from '../provider.js'

export type { RegionHosts, RegionRule } from '../provider.js'

/** 'region' names something that is not one of the cloud's regions. */
export function unknownRegion(region: string, what: string, fix: string): InputError {
  return new InputError('region', `has '${region}', which is not ${what}`, fix)
}

/** Neither 'region' nor 'registry' is set. */
export function noRegion(fix: string): InputError {
  return new InputError('region', "is empty, and so is 'registry'", fix)
}

/**
 * Whether `region` (lower case) is off the list but of the cloud's documented shape: false for a listed id (`isListed`),
 * true for one to accept with `unlistedRegionNotice`; a malformed id is refused with the 'region' input named.
 */
export function isUnlistedRegion(region: string, rule: RegionRule, isListed: (region: string) => boolean): boolean {
  if (isListed(region)) return false
  if (rule.shape?.test(region)) return true
  throw unknownRegion(region, rule.what, rule.unknownFix)
}

/** The one notice for a region of the cloud's shape that this version's list lacks, and what is used for it. */
export function unlistedRegionNotice(region: string, rule: RegionRule, using: string): string {
  return (
    `'region' has '${region}', which is not in this version's list of regions; using ${using}. ` +
    `Listed: ${rule.listed.join(', ')}. If '${region}' is not ${rule.what}, the login fails there; correct 'region'.`
  )
}

/** A region's registry host, and whether it came from the list. */
function regionHost(region: string, regions: RegionHosts): { host: string; listed: boolean } {
  const listed = regions.host(region)
  if (listed) return { host: listed, listed: true }
  isUnlistedRegion(region, regions, () => false)
  if (!regions.patternHost) throw unknownRegion(region, regions.what, regions.unknownFix)
  return { host: regions.patternHost(region), listed: false }
}

/** The registry hosts: the 'registry' input as given, else one host per region (duplicates dropped). */
export function regionalRegistries(common: CommonInputs, regions: RegionHosts): string[] {
  if (common.registries.length > 0) return common.registries
  if (common.regions.length === 0) throw noRegion(regions.noneFix)
  return [...new Set(common.regions.map(region => regionHost(region, regions).host))]
}

/** One notice per region the hosts came from that this version's list lacks (none when 'registry' chose them). */
export function unlistedRegionNotices(common: CommonInputs, regions: RegionHosts | undefined): string[] {
  if (!regions || common.registries.length > 0) return []
  return common.regions.flatMap(region => {
    const { host, listed } = regionHost(region, regions)
    return listed ? [] : [unlistedRegionNotice(region, regions, host)]
  })
}

/** What a cloud's list of regions says about one region, for `listedRegion` (where the region names an endpoint, not a host). */
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
  const rule: RegionRule = { what: list.what, listed: list.known, shape: list.shape, unknownFix: list.unknownFix }
  if (!isUnlistedRegion(region, rule, name => list.known.includes(name))) return region
  // Alibaba's ids are long (ap-southeast-1): two edits off a listed one is a typo. Nebius's are short (us-north1 is
  // two edits from eu-north1, and a new region), so regionalRegistries takes every id of the shape.
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
