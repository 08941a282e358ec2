// auth: runner-identity, the parts every cloud shares: its name (never in a cloud's `auto`), and the check that no credential input is set beside it.
import { InputError } from '../../log/errors.js'
import type { ReaderContext } from './auth.js'

/** The method name, the same for every cloud; `auto` never picks it (a metadata service is asked only when told to). */
export const RUNNER_IDENTITY = 'runner-identity'

/**
 * With auth: runner-identity, none of `inputs` may be set: the runner's own identity is the credential, so a key
 * or token beside it is a mistake worth one clear error naming the input. Run first in a cloud's reader.
 */
export function refuseCredentialInputs(context: ReaderContext<string, string>, inputs: readonly string[], cloud: string): void {
  for (const name of inputs) {
    if (context.inputs.isSet(name)) {
      throw new InputError(
        name,
        `is set, but 'auth' is ${RUNNER_IDENTITY}, which does not use it`,
        `Remove '${name}': the runner's own ${cloud} identity logs in; or choose another method with 'auth'.`
      )
    }
  }
}
