// One emulator module per cloud. Adding a cloud: its module, and one line here.
import { createAlibabaEmulator } from './alibaba.js'
import { createIbmEmulator } from './ibm.js'
import { createNebiusEmulator } from './nebius.js'
import { createYandexEmulator } from './yandex.js'

export const emulatorFactories = {
  alibaba: createAlibabaEmulator,
  ibm: createIbmEmulator,
  nebius: createNebiusEmulator,
  yandex: createYandexEmulator
}
