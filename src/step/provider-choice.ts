// The cloud a step logs into: the 'provider' input, or (empty, as in a docker/login-action step) the one cloud every 'registry' host belongs to.
import { PROVIDER_IDS, type ProviderId } from '../types.js'
import { InputError } from '../log/errors.js'
import { registryHost } from '../inputs/registry-hosts.js'
import type { InputReader } from '../inputs/reader.js'
import { providers } from '../providers/index.js'

/*
 * A docker/login-action step (`registry`, `username`, `password`) works after changing only its `uses:` line:
 * with 'provider' empty, each host's cloud is read from the clouds' own host patterns (the same ones that keep a
 * cloud's credential to its hosts). A host no cloud claims (an Alibaba custom domain) or hosts of two clouds
 * leave the cloud unknown, and 'provider' is asked for by name.
 */

/** The cloud chosen, and how: 'input' when 'provider' names it, else the hosts it was read from. */
export interface ProviderChoice {
  id: ProviderId
  /** The registry hosts the cloud was read from; empty when 'provider' was set. */
  fromHosts: string[]
}

const ONE_OF = `Set it to one of: ${PROVIDER_IDS.join(', ')}.`

/** The cloud whose host patterns claim `host`; undefined when none does. */
export function cloudOfHost(host: string): ProviderId | undefined {
  return PROVIDER_IDS.find(id => providers[id].registryHosts.allows(host))
}

/** The step's cloud: 'provider' when set, else the one cloud all of `registries` (parsed entries) belong to. */
export function chooseProvider(inputs: InputReader, registries: readonly string[]): ProviderChoice {
  const name = inputs.text('provider').toLowerCase()
  if (name) {
    if (!(PROVIDER_IDS as readonly string[]).includes(name)) {
      throw new InputError('provider', `is '${name}', which is not a supported cloud`, `Use one of: ${PROVIDER_IDS.join(', ')}.`)
    }
    return { id: name as ProviderId, fromHosts: [] }
  }
  return { id: cloudOfRegistries(registries), fromHosts: [...new Set(registries.map(registryHost))] }
}

function cloudOfRegistries(registries: readonly string[]): ProviderId {
  if (registries.length === 0) {
    throw new InputError(
      'provider',
      "is empty, and so is 'registry', so the cloud is unknown",
      `${ONE_OF} (With 'registry' set to the cloud's registry host, as in a docker/login-action step, 'provider' may be left out.)`
    )
  }
  const clouds = new Map<ProviderId, string>()
  for (const registry of registries) {
    const host = registryHost(registry)
    const cloud = cloudOfHost(host)
    if (!cloud) {
      throw new InputError(
        'provider',
        `is empty, and 'registry' has '${host}', which is no cloud's own registry host (a custom domain, or a typo), so the cloud is unknown`,
        ONE_OF
      )
    }
    if (!clouds.has(cloud)) clouds.set(cloud, host)
  }
  if (clouds.size > 1) {
    const which = [...clouds].map(([cloud, host]) => `${host}: ${cloud}`).join(', ')
    throw new InputError(
      'provider',
      `is empty, and 'registry' has hosts of ${clouds.size} clouds (${which}), so the cloud is unknown`,
      `One step logs into one cloud: set 'provider', and give each cloud's hosts a step of its own.`
    )
  }
  return [...clouds.keys()][0] as ProviderId
}
