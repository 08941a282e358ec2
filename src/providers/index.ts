import { ibm } from './ibm/index.js'
import type { Provider } from './provider.js'

/** Adding a cloud: one module under providers/, one line here. */
export const providers = {
  ibm
} satisfies Record<string, Provider>

export type ProviderId = keyof typeof providers
export const PROVIDER_IDS = Object.keys(providers) as ProviderId[]
