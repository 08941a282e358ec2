/**
 * Input hygiene from the providers' declarations: which set inputs the chosen cloud and method
 * ignore, and whether a step has no credential at all (a pull request from a fork). Only input
 * names are ever reported, never values.
 */
import type { InputReader } from './input-reader.js'
import { noOidcToken } from './oidc.js'
import type { CommonInputs, Provider } from './providers/provider.js'

/**
 * The inputs that carry secrets (action.yml: "from a secret"): a workflow run without access to
 * the repository's secrets (a pull request from a fork, Dependabot) gets every one of them empty.
 */
export const SECRET_INPUTS = ['api-key', 'token', 'service-account-key', 'oauth-token', 'private-key', 'access-key-secret', 'security-token', 'password'] as const

/** Every provider-specific input some method of some provider reads. */
export function methodInputs(providers: readonly Provider[]): string[] {
  return [...new Set(providers.flatMap(provider => Object.values(provider.methods).flatMap(method => method.reads)))]
}

/** Warnings for inputs that are set but that this provider's chosen method does not read. */
export function ignoredInputWarnings(
  inputs: InputReader,
  all: readonly Provider[],
  provider: Provider,
  auth: string,
  common: CommonInputs
): string[] {
  const reads = new Set(provider.methods[auth]?.reads ?? [])
  const cloud = provider.registryHosts.cloud
  const warnings: string[] = []
  const ignored = methodInputs(all).filter(name => !reads.has(name) && inputs.isSet(name))
  if (ignored.length > 0) {
    const names = ignored.map(name => `'${name}'`).join(', ')
    warnings.push(
      `${ignored.length > 1 ? `Inputs ${names} are` : `Input ${names} is`} set, but ${cloud} with auth ${auth} does not use ${ignored.length > 1 ? 'them' : 'it'}: ignored. Remove ${ignored.length > 1 ? 'them' : 'it'}, or choose the provider and 'auth' ${ignored.length > 1 ? 'they belong' : 'it belongs'} to.`
    )
  }
  if (common.regions.length > 0 && !provider.regional) {
    warnings.push(`Input 'region' is ignored: ${cloud} registries are not regional ('registry' chooses the hosts).`)
  } else if (common.regions.length > 0 && common.registries.length > 0) {
    warnings.push("Input 'region' is ignored: 'registry' is set and names the hosts. Remove one of them.")
  }
  return warnings
}

/**
 * No credential at all: every secret input is empty and the runner offers no OIDC token. That is
 * what a pull request from a fork looks like; a credential that is set but partial or wrong is not.
 */
export function noCredentialAvailable(inputs: InputReader, env: NodeJS.ProcessEnv): boolean {
  return SECRET_INPUTS.every(name => !inputs.isSet(name)) && noOidcToken(env)
}
