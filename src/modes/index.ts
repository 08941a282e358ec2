/** Which login mode a step uses: main picks it from the inputs, post from the state main saved. */
import type { PostState } from '../runner/state.js'
import type { Inputs } from '../step/parse-step.js'
import { authFilesMode } from './auth-files.js'
import { credentialHelperMode } from './credential-helper.js'
import { isolatedConfigMode } from './isolated-config.js'
import type { LoginMode } from './mode.js'

/** The mode the inputs ask for: the clients' auth files or the credential helper, in an isolated config if asked. */
export function chooseMode(inputs: Pick<Inputs, 'credentialHelper' | 'isolatedConfig'>): LoginMode {
  const mode = inputs.credentialHelper ? credentialHelperMode : authFilesMode
  return inputs.isolatedConfig ? isolatedConfigMode(mode) : mode
}

/** The mode main used, as its state says; undefined when main left nothing to undo. */
export function modeUsed(state: PostState): LoginMode | undefined {
  if (state.logins.length === 0 && !state.isolatedConfig && !state.credentialHelper) return undefined
  const mode = state.credentialHelper ? credentialHelperMode : authFilesMode
  return state.isolatedConfig ? isolatedConfigMode(mode) : mode
}
