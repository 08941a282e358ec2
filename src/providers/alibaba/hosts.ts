// Alibaba Cloud Container Registry host names: the three documented forms, read from a host and built for a region.
import type { RegistryHostPolicy } from '../../inputs/registry-hosts.js'

/**
 * Alibaba Cloud Container Registry host names, as Alibaba Cloud's Container Registry docs give them
 * (alibabacloud.com/help/en/acr/product-overview/terms, "Addresses of container images", and for the
 * endpoints of Personal Edition instances created from 2024-09-09
 * alibabacloud.com/help/en/acr/user-guide/individual-edition-instance-independent-domain-name-capacity-limit):
 * - Enterprise Edition: `<instance-name>-registry[-vpc].<region>.cr.aliyuncs.com`
 * - Personal Edition (before 2024-09-09): `registry[-vpc].<region>.aliyuncs.com`
 *   (`registry-intl.<region>.aliyuncs.com` is a third-party-only alias, accepted too)
 * - Personal Edition (from 2024-09-09): `crpi-<id>[-vpc].<region>.personal.cr.aliyuncs.com`
 */

export type AlibabaHost =
  | { edition: 'enterprise'; region: string; instanceName: string; vpc: boolean }
  | { edition: 'personal'; region: string; vpc: boolean }
  | { edition: 'personal-instance'; region: string; instanceId: string; vpc: boolean }

/** Region ids look like cn-hangzhou, ap-southeast-1, cn-shanghai-finance-1. */
export const REGION_PATTERN = /^[a-z]{2,}(-[a-z0-9]+)+$/

const ENTERPRISE = /^([a-z0-9][a-z0-9-]*?)-registry(-vpc)?\.([a-z0-9-]+)\.cr\.aliyuncs\.com$/
const PERSONAL_INSTANCE = /^(crpi-[a-z0-9]+)(-vpc)?\.([a-z0-9-]+)\.personal\.cr\.aliyuncs\.com$/
const PERSONAL = /^registry(-intl)?(-vpc)?\.([a-z0-9-]+)\.aliyuncs\.com$/

/**
 * The three forms, most specific first; each pattern captures a name, `-vpc` and the region, in that order.
 * (The Personal Edition pattern's name is the optional `-intl`, which says nothing about the registry.)
 */
const FORMS: ReadonlyArray<readonly [RegExp, (name: string, vpc: boolean, region: string) => AlibabaHost]> = [
  [PERSONAL_INSTANCE, (instanceId, vpc, region) => ({ edition: 'personal-instance', instanceId, vpc, region })],
  [ENTERPRISE, (instanceName, vpc, region) => ({ edition: 'enterprise', instanceName, vpc, region })],
  [PERSONAL, (_intl, vpc, region) => ({ edition: 'personal', vpc, region })]
]

/** What a registry host says about itself; undefined for a host that is none of the forms above. */
export function parseAlibabaHost(registry: string): AlibabaHost | undefined {
  const host = registry.toLowerCase().split('/')[0]?.replace(/:\d+$/, '') ?? ''
  for (const [pattern, build] of FORMS) {
    const [, name = '', vpc, region = ''] = pattern.exec(host) ?? []
    if (region && REGION_PATTERN.test(region)) return build(name, Boolean(vpc), region)
  }
  return undefined
}

export const enterpriseHost = (instanceName: string, region: string): string => `${instanceName}-registry.${region}.cr.aliyuncs.com`
export const personalHost = (region: string): string => `registry.${region}.aliyuncs.com`
export const personalInstanceHost = (instanceId: string, region: string): string => `${instanceId}.${region}.personal.cr.aliyuncs.com`

/** Alibaba Cloud Container Registry hosts: the three documented forms above, nothing else. */
export const ALIBABA_REGISTRY_HOSTS: RegistryHostPolicy = {
  cloud: 'Alibaba Cloud',
  patterns: [
    '<instance-name>-registry[-vpc].<region>.cr.aliyuncs.com (Enterprise)',
    'registry[-vpc].<region>.aliyuncs.com (Personal)',
    'crpi-<id>[-vpc].<region>.personal.cr.aliyuncs.com (Personal)'
  ],
  allows: host => parseAlibabaHost(host) !== undefined
}
