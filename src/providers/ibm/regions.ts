// IBM Cloud Container Registry domains by region, and the hosts a credential may go to.
import type { RegistryHostPolicy } from '../../inputs/registry-hosts.js'

/**
 * IBM Cloud Container Registry domains by region (IBM Cloud docs, "Regions"). Each region is
 * known by its IBM region id and by its domain prefix; `global` is icr.io.
 */
const DOMAINS: Record<string, { domain: string; aliases: string[] }> = {
  global: { domain: 'icr.io', aliases: ['icr.io'] },
  'us-south': { domain: 'us.icr.io', aliases: ['us'] },
  'eu-gb': { domain: 'uk.icr.io', aliases: ['uk', 'uk-south'] },
  'eu-de': { domain: 'de.icr.io', aliases: ['de', 'eu-central'] },
  'au-syd': { domain: 'au.icr.io', aliases: ['au', 'ap-south'] },
  'jp-tok': { domain: 'jp.icr.io', aliases: ['jp', 'ap-north'] },
  'jp-osa': { domain: 'jp2.icr.io', aliases: ['jp2'] },
  'br-sao': { domain: 'br.icr.io', aliases: ['br'] },
  'ca-tor': { domain: 'ca.icr.io', aliases: ['ca'] },
  'ca-mon': { domain: 'ca2.icr.io', aliases: ['ca2'] },
  'eu-es': { domain: 'es.icr.io', aliases: ['es'] },
  'in-che': { domain: 'in.icr.io', aliases: ['in'] },
  'in-mum': { domain: 'in2.icr.io', aliases: ['in2'] }
}

const BY_NAME = new Map<string, string>()
for (const [region, { domain, aliases }] of Object.entries(DOMAINS)) {
  for (const name of [region, ...aliases]) BY_NAME.set(name, domain)
}

export const IBM_REGION_NAMES = Object.keys(DOMAINS)

/** Registry host for a region name; `private.` in front selects the private-network domain. */
export function ibmRegistryHost(region: string): string | undefined {
  const name = region.trim().toLowerCase()
  const isPrivate = name.startsWith('private.')
  const domain = BY_NAME.get(isPrivate ? name.slice('private.'.length) : name)
  if (!domain) return undefined
  return isPrivate ? `private.${domain}` : domain
}

const REGISTRY_DOMAINS = Object.values(DOMAINS).map(({ domain }) => domain)
const REGISTRY_HOSTS = new Set(REGISTRY_DOMAINS.flatMap(domain => [domain, `private.${domain}`]))

/** IBM Cloud Container Registry hosts: every documented domain and its private. form, nothing else. */
export const IBM_REGISTRY_HOSTS: RegistryHostPolicy = {
  cloud: 'IBM Cloud',
  patterns: [
    'icr.io',
    'private.icr.io',
    `[private.]<domain>.icr.io with <domain> one of ${REGISTRY_DOMAINS.filter(d => d !== 'icr.io')
      .map(d => d.replace(/\.icr\.io$/, ''))
      .join(', ')}`
  ],
  allows: host => REGISTRY_HOSTS.has(host)
}
