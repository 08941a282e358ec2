import { alibaba } from './alibaba/index.js'
import { ibm } from './ibm/index.js'
import { nebius } from './nebius/index.js'
import type { Provider } from './provider.js'
import { yandex } from './yandex/index.js'

/** Adding a cloud: one module under providers/, one line here. */
export const providers = {
  alibaba,
  ibm,
  nebius,
  yandex
} satisfies Record<string, Provider>

export type ProviderId = keyof typeof providers
export const PROVIDER_IDS = Object.keys(providers) as ProviderId[]
