import { alibaba } from './alibaba/index.js'
import { ibm } from './ibm/index.js'
import { nebius } from './nebius/index.js'
import type { LoginSpec, Provider, ProviderContext } from './provider.js'
import type { ProviderId, RegistryCredential } from '../types.js'
import { yandex } from './yandex/index.js'

/** Adding a cloud: one module under providers/, one line here. */
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
