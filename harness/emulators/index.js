// One emulator module per cloud. Adding a cloud: its module, and one line here.
import { createIbmEmulator } from './ibm.js'

export const emulatorFactories = {
  ibm: createIbmEmulator
}
