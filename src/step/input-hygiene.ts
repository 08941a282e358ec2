// Input hygiene: the set inputs the chosen cloud and method ignore, and whether a step has no credential at all.
/*
 * Read from the providers' declarations. Only input names are ever reported, never values; no credential at
 * all is what a pull request from a fork looks like.
 */
import type { InputReader } from '../inputs/reader.js'
import { noOidcToken } from '../net/oidc.js'
import type { CommonInputs, LoginSpec, MethodOption, Provider } from '../providers/provider.js'
import { methodSpec } from '../providers/index.js'

/**
 * The inputs that carry secrets (action.yml: "from a secret"): a workflow run without access to
 * the repository's secrets (a pull request from a fork, Dependabot) gets every one of them empty.
 */
export const SECRET_INPUTS = [
  'api-key',
  'token',
  'service-account-key',
  'oauth-token',
  'private-key',
  'access-key-secret',
  'security-token',
  'password'
] as const

/** Every provider-specific input some method of some provider reads. */
export function methodInputs(providers: readonly Provider[]): string[] {
  return [...new Set(providers.flatMap(provider => Object.values(provider.methods).flatMap(method => method.reads)))]
}

/**
 * The inputs with a default that only some methods honour, and whether the step changed it: the
 * runner passes the default to every step, so only another value counts as set.
 */
const OPTION_CHANGED: Record<MethodOption, (inputs: InputReader, common: CommonInputs) => boolean> = {
  exchange: (_inputs, common) => !common.exchange,
  'token-exchange': inputs => !['', 'auto'].includes(inputs.text('token-exchange').toLowerCase())
}

/** The warning naming the set inputs the chosen method ignores (names only, never values), or none. */
function ignoredWarning(ignored: string[], cloud: string, auth: string): string[] {
  if (ignored.length === 0) return []
  const names = ignored.map(name => `'${name}'`).join(', ')
  const many = ignored.length > 1
  const words = many
    ? { subject: `Inputs ${names} are`, them: 'them', belong: 'they belong' }
    : { subject: `Input ${names} is`, them: 'it', belong: 'it belongs' }
  return [
    `${words.subject} set, but ${cloud} with auth ${auth} does not use ${words.them}: ignored. Remove ${words.them}, or choose the provider and 'auth' ${words.belong} to.`
  ]
}

/** 'region' where it chooses nothing: a cloud that is not regional, or 'registry' set too. */
function regionWarning(provider: Provider, common: CommonInputs): string[] {
  if (common.regions.length === 0) return []
  if (!provider.regional)
    return [`Input 'region' is ignored: ${provider.registryHosts.cloud} registries are not regional ('registry' chooses the hosts).`]
  if (common.registries.length > 0) return ["Input 'region' is ignored: 'registry' is set and names the hosts. Remove one of them."]
  return []
}

/** Warnings for inputs that are set but that this provider's chosen method does not read. */
export function ignoredInputWarnings(
  inputs: InputReader,
  all: readonly Provider[],
  provider: Provider,
  plan: Pick<LoginSpec, 'auth' | 'passwordFor'>,
  common: CommonInputs
): string[] {
  const { auth } = plan
  const reads = new Set<string>([
    ...(methodSpec(provider, auth)?.reads ?? []),
    ...(methodSpec(provider, plan.passwordFor ?? auth)?.options ?? [])
  ])
  const options = (Object.keys(OPTION_CHANGED) as MethodOption[]).filter(name => OPTION_CHANGED[name](inputs, common))
  const ignored = [...methodInputs(all).filter(name => inputs.isSet(name)), ...options].filter(name => !reads.has(name))
  return [...ignoredWarning(ignored, provider.registryHosts.cloud, auth), ...regionWarning(provider, common)]
}

/**
 * No credential at all: every secret input is empty and the runner offers no OIDC token. That is
 * what a pull request from a fork looks like; a credential that is set but partial or wrong is not.
 */
export function noCredentialAvailable(inputs: InputReader, env: NodeJS.ProcessEnv): boolean {
  return SECRET_INPUTS.every(name => !inputs.isSet(name)) && noOidcToken(env)
}
