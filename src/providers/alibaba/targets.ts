// Where an Alibaba login goes: the registry hosts from 'registry', or from 'instance-name'/'instance-id' and 'region', and the API that issues each one's password.
import { InputError } from '../../log/errors.js'
import type { InputReader } from '../../inputs/reader.js'
import type { CommonInputs } from '../provider.js'
import { listedRegion, noRegion } from '../kit/regions.js'
import type { AlibabaAuth } from './auth.js'
import { ALIBABA_REGISTRY_HOSTS, enterpriseHost, parseAlibabaHost, personalHost, personalInstanceHost } from './hosts.js'
import { ACR_REGION_LIST } from './regions.js'

/** Where to log in, and which API issues its password: an Enterprise call always has its InstanceId. */
export type AlibabaTarget = { registry: string; region: string } & (
  | { api: 'enterprise'; instanceId: string } // GetAuthorizationToken 2018-12-01
  | { api: 'personal' } // ROA GET /tokens 2016-06-07
  | { api: 'none' } // permanent password, no call
)

const ENTERPRISE_ID = /^cri-[a-z0-9]+$/
const PERSONAL_INSTANCE_ID = /^crpi-[a-z0-9]+$/
// Alibaba's CreateInstance (Container Registry API 2018-12-01): "3 to 30 characters in length, lowercase
// letters, digits, and hyphens (-); cannot start or end with a hyphen". The input is lower-cased first (a host name).
const INSTANCE_NAME = /^[a-z0-9][a-z0-9-]{1,28}[a-z0-9]$/

const HOST_FORMS = ALIBABA_REGISTRY_HOSTS.patterns.join('; ')

/** What the step says about the instance, and whether the login calls an API (every method but password). */
interface Instance {
  id: string
  name: string
  needsApi: boolean
}

function readInstance(inputs: InputReader, auth: AlibabaAuth): Instance {
  const id = inputs.text('instance-id')
  const name = inputs.text('instance-name').toLowerCase()
  if (id && !ENTERPRISE_ID.test(id) && !PERSONAL_INSTANCE_ID.test(id)) {
    throw new InputError(
      'instance-id',
      `has '${id}', which is not an ACR instance id`,
      'Use the Enterprise instance id (cri-…) from the console, or a new Personal Edition instance id (crpi-…).'
    )
  }
  if (name && !INSTANCE_NAME.test(name)) {
    throw new InputError(
      'instance-name',
      `has '${name}', which is not an Enterprise instance name (3 to 30 lowercase letters, digits and hyphens, not starting or ending with a hyphen)`,
      'Use the name in the instance host <instance-name>-registry.<region>.cr.aliyuncs.com.'
    )
  }
  return { id, name, needsApi: auth.kind !== 'password' }
}

/** The 'region' entries, each checked against ACR's regions (a newer one of the documented shape passes with a note). */
function checkedRegions(inputs: InputReader, common: CommonInputs): string[] {
  return common.regions.map(region => listedRegion(region, ACR_REGION_LIST, message => inputs.note(message)))
}

/**
 * The instance id GetAuthorizationToken needs for an Enterprise instance: set, and an Enterprise id. `subject`
 * says what names the instance ("'<host>' is", "'instance-name' names"), `where` where its id is found.
 */
function enterpriseId(instanceId: string, subject: string, where: string): string {
  if (!instanceId) {
    throw new InputError(
      'instance-id',
      `is empty, but ${subject} an Enterprise Edition instance`,
      `Set 'instance-id' to the instance's id (${where}). GetAuthorizationToken needs it; a missing or wrong id only shows up as a 'not found' error (aliyun/acr-login#15).`
    )
  }
  if (!ENTERPRISE_ID.test(instanceId)) {
    throw new InputError(
      'instance-id',
      `has '${instanceId}', but ${subject} an Enterprise Edition instance`,
      'Use the Enterprise instance id, which starts with cri-.'
    )
  }
  return instanceId
}

/** One host of the 'registry' input; each Enterprise instance's name goes into `enterprises`. */
function registryTarget(registry: string, regions: string[], instance: Instance, enterprises: Set<string>): AlibabaTarget {
  const parsed = parseAlibabaHost(registry)
  if (!parsed) {
    // A custom domain: only the instance's own password may go there (the host policy says so).
    if (!instance.needsApi) return { registry, region: regions[0] ?? '', api: 'none' }
    throw new InputError(
      'registry',
      `has '${registry}', which is not an Alibaba Cloud Container Registry host`,
      `Use ${HOST_FORMS}. A custom domain works with 'username' and 'password' only.`
    )
  }
  const region = parsed.region
  if (!instance.needsApi) return { registry, region, api: 'none' }
  if (parsed.edition === 'enterprise') {
    enterprises.add(parsed.instanceName)
    const instanceId = enterpriseId(instance.id, `'${registry}' is`, "cri-…, on the instance's overview page in the ACR console")
    return { registry, region, api: 'enterprise', instanceId }
  }
  // UNCONFIRMED: whether GetAuthorizationToken 2018-12-01 accepts a crpi- id. Used only when asked for.
  if (parsed.edition === 'personal-instance' && instance.id === parsed.instanceId)
    return { registry, region, api: 'enterprise', instanceId: instance.id }
  return { registry, region, api: 'personal' }
}

function registryTargets(registries: string[], regions: string[], instance: Instance): AlibabaTarget[] {
  const enterprises = new Set<string>()
  const targets = registries.map(registry => registryTarget(registry, regions, instance, enterprises))
  if (enterprises.size > 1) {
    throw new InputError(
      'registry',
      `names ${enterprises.size} Enterprise instances (${[...enterprises].join(', ')})`,
      "Log into one instance per step: 'instance-id' names one instance."
    )
  }
  return targets
}

/** The Enterprise instance 'instance-name' names, in its one region. */
function enterpriseTarget(regions: string[], instance: Instance): AlibabaTarget {
  if (regions.length > 1) {
    throw new InputError(
      'region',
      `lists ${regions.length} regions, but an Enterprise instance ('instance-name') lives in one`,
      'Give the one region of the instance.'
    )
  }
  const region = regions[0] ?? ''
  const registry = enterpriseHost(instance.name, region)
  if (!instance.needsApi) return { registry, region, api: 'none' }
  return { registry, region, api: 'enterprise', instanceId: enterpriseId(instance.id, "'instance-name' names", 'cri-…') }
}

/** Personal Edition hosts, one per region: a new instance's when 'instance-id' names one, else the older shared ones. */
function personalTargets(regions: string[], instance: Instance): AlibabaTarget[] {
  const { id, needsApi } = instance
  if (id && ENTERPRISE_ID.test(id)) {
    throw new InputError(
      'instance-name',
      `is empty, so the host of Enterprise instance ${id} is unknown`,
      "Set 'instance-name' (the <instance-name> in <instance-name>-registry.<region>.cr.aliyuncs.com) or 'registry'."
    )
  }
  if (id) {
    // A new Personal Edition instance named by id: its host; the instance API only when asked for (UNCONFIRMED).
    return regions.map((region): AlibabaTarget => {
      const registry = personalInstanceHost(id, region)
      return needsApi ? { registry, region, api: 'enterprise', instanceId: id } : { registry, region, api: 'none' }
    })
  }
  return regions.map(region => ({ registry: personalHost(region), region, api: needsApi ? 'personal' : 'none' }))
}

/** Registry hosts and the API for each, from `registry`, or from `instance-name`/`instance-id` and `region`. */
export function alibabaTargets(inputs: InputReader, common: CommonInputs, auth: AlibabaAuth): AlibabaTarget[] {
  const instance = readInstance(inputs, auth)
  const regions = checkedRegions(inputs, common)
  if (common.registries.length > 0) return registryTargets(common.registries, regions, instance)
  if (regions.length === 0) {
    throw noRegion(
      `Set 'region' (e.g. cn-hangzhou) together with 'instance-name' for an Enterprise instance, or set 'registry' to a host: ${HOST_FORMS}.`
    )
  }
  if (instance.name) return [enterpriseTarget(regions, instance)]
  return personalTargets(regions, instance)
}
