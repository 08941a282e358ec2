// The provider registry: every cloud by id, the one place a spec is minted, and the one place a spec's method declaration is looked up.
import { alibaba } from './alibaba/index.js'
import { ibm } from './ibm/index.js'
import { nebius } from './nebius/index.js'
import type { AuthMethodSpec, LoginSpec, Provider, ProviderContext } from './provider.js'
import type { ProviderId, RegistryCredential } from '../types.js'
import { yandex } from './yandex/index.js'

/** Adding a cloud: one folder under providers/, one line here. */
export const providers = {
  alibaba,
  ibm,
  nebius,
  yandex
} satisfies Record<ProviderId, Provider>

/** The cloud a spec names turns it into registry credentials (the network part of a login). */
export function mint(spec: LoginSpec, ctx: ProviderContext): Promise<RegistryCredential[]> {
  const provider: Provider = providers[spec.provider]
  return provider.mint(spec, ctx)
}

/** A provider's declaration of a method by name, among its own keys only: `constructor` declares nothing (#21). */
export function methodSpec(provider: Provider, name: string): AuthMethodSpec | undefined {
  return Object.hasOwn(provider.methods, name) ? provider.methods[name] : undefined
}

/** The declaration of the method a spec was planned with (its inputs, scope, OIDC), which the central checks read. */
export function declaredMethod(spec: Pick<LoginSpec, 'provider' | 'auth'>): AuthMethodSpec {
  const provider: Provider = providers[spec.provider]
  const method = methodSpec(provider, spec.auth)
  // The kit's resolver only plans methods the provider names; a provider that declares fewer is a bug.
  if (!method) throw new Error(`provider ${spec.provider} planned auth method '${spec.auth}', which it does not declare`)
  return method
}
