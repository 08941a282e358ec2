// The one region rule every cloud shares (kit/regions.ts): listed, of the cloud's shape with one notice, or refused naming 'region'.
import { createInputReader } from '../../../../src/inputs/reader.js'
import {
  isUnlistedRegion,
  regionalRegistries,
  unlistedRegionNotice,
  unlistedRegionNotices,
  type RegionHosts
} from '../../../../src/providers/kit/regions.js'
import { providers } from '../../../../src/providers/index.js'
import type { CommonInputs } from '../../../../src/providers/provider.js'
import { parseInputs } from '../../../../src/step/parse-step.js'
import { thrownInputError } from '../../../helpers/thrown.js'

const LISTED = ['north1', 'south2']
const hosts: Record<string, string> = { north1: 'r.north1.example', south2: 'r.south2.example' }
/** A cloud whose regional hosts are a fixed set (IBM): no shape, nothing off the list. */
const fixed: RegionHosts = {
  host: region => hosts[region],
  listed: LISTED,
  what: 'a Test Cloud region',
  unknownFix: 'Use north1 or south2.',
  noneFix: "Set 'region'."
}
/** A cloud with a host pattern: listed regions and any id of the shape [a-z]+[0-9]. */
const patterned: RegionHosts = { ...fixed, shape: /^[a-z]+[0-9]$/, patternHost: region => `r.${region}.example` }

const common = (regions: string[], registries: string[] = []): CommonInputs => ({ regions, registries, auth: 'auto', exchange: true })

describe('regionalRegistries and unlistedRegionNotices', () => {
  test.each([
    { cloud: 'patterned', regions: ['north1'], registries: ['r.north1.example'], notices: [] },
    { cloud: 'patterned', regions: ['west3'], registries: ['r.west3.example'], notices: ['west3'] },
    {
      cloud: 'patterned',
      regions: ['north1', 'west3', 'east4'],
      registries: ['r.north1.example', 'r.west3.example', 'r.east4.example'],
      notices: ['west3', 'east4']
    },
    { cloud: 'fixed', regions: ['south2'], registries: ['r.south2.example'], notices: [] }
  ])('$cloud $regions: $registries, notices for $notices', ({ cloud, regions, registries, notices }) => {
    const rule = cloud === 'fixed' ? fixed : patterned
    expect(regionalRegistries(common(regions), rule)).toEqual(registries)
    expect(unlistedRegionNotices(common(regions), rule)).toEqual(
      notices.map(region => unlistedRegionNotice(region, rule, `r.${region}.example`))
    )
  })

  test.each([
    { cloud: 'patterned', region: 'west' },
    { cloud: 'patterned', region: 'west33' },
    { cloud: 'patterned', region: 'r.west3.example' },
    { cloud: 'fixed', region: 'west3' },
    { cloud: 'fixed', region: 'west' }
  ])("$cloud: '$region' is refused, naming 'region', with the cloud's fix", ({ cloud, region }) => {
    const rule = cloud === 'fixed' ? fixed : patterned
    expect(thrownInputError(() => regionalRegistries(common(['north1', region]), rule)).message).toBe(
      `Input 'region' has '${region}', which is not a Test Cloud region. Use north1 or south2.`
    )
  })

  test("'registry' set: its hosts, no region read and no notice; no region and no registry is refused", () => {
    expect(regionalRegistries(common(['west3'], ['r.west3.example']), patterned)).toEqual(['r.west3.example'])
    expect(unlistedRegionNotices(common(['west3'], ['r.west3.example']), patterned)).toEqual([])
    expect(unlistedRegionNotices(common(['west3']), undefined)).toEqual([])
    expect(thrownInputError(() => regionalRegistries(common([]), patterned)).message).toBe(
      "Input 'region' is empty, and so is 'registry'. Set 'region'."
    )
  })

  test('the notice names the id, the host used and the list', () => {
    expect(unlistedRegionNotice('west3', patterned, 'r.west3.example')).toBe(
      "'region' has 'west3', which is not in this version's list of regions; using r.west3.example. Listed: north1, south2. If 'west3' is not a Test Cloud region, the login fails there; correct 'region'."
    )
  })
})

describe('isUnlistedRegion: the rule for a cloud whose region is not a host (e.g. an endpoint), listed by its own test', () => {
  const isListed = (region: string): boolean => LISTED.includes(region)
  test.each([
    { region: 'north1', unlisted: false },
    { region: 'west3', unlisted: true }
  ])('$region: unlisted $unlisted', ({ region, unlisted }) => {
    expect(isUnlistedRegion(region, patterned, isListed)).toBe(unlisted)
  })
  test('a malformed id, or any id off the list without a shape, is refused', () => {
    expect(thrownInputError(() => isUnlistedRegion('west', patterned, isListed)).message).toContain(
      "'west', which is not a Test Cloud region"
    )
    expect(thrownInputError(() => isUnlistedRegion('west3', fixed, isListed)).message).toContain(
      "'west3', which is not a Test Cloud region"
    )
  })
})

describe('each regional cloud, as it declares its regions', () => {
  const parse = (values: Record<string, string>) =>
    parseInputs(
      createInputReader(name => values[name] ?? ''),
      {}
    )

  test('Nebius has a shape and a host pattern; IBM a fixed set (its region ids name no host by a pattern)', () => {
    expect(providers.nebius.regions?.shape).toBeDefined()
    expect(providers.nebius.regions?.patternHost?.('us-north1')).toBe('cr.us-north1.nebius.cloud')
    expect(providers.ibm.regions?.shape).toBeUndefined()
    expect(providers.ibm.regions?.patternHost).toBeUndefined()
  })

  test.each(['us-north', 'eu-fr', 'ca-van', 'jp3'])(
    "IBM: '%s', shaped like its region ids but not listed, is refused naming 'region'",
    region => {
      const error = thrownInputError(() => parse({ provider: 'ibm', region, 'api-key': 'ibm-unit-key-0123456789' }))
      expect(error.message).toMatch(new RegExp(`^Input 'region' has '${region}', which is not an IBM Cloud Container Registry region\\.`))
    }
  )
})
