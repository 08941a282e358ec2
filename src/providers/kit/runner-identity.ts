// auth: runner-identity, the parts every cloud shares: its name (never in a cloud's `auto`), the check that no credential
// input is set beside it, and a metadata service's token reply read the one way.
import { InputError } from '../../log/errors.js'
import {
  metadataCall,
  metadataJson,
  metadataStatusError,
  NoRunnerIdentity,
  type MetadataRequest,
  type MetadataService,
  type RunnerIdentity
} from '../../net/metadata.js'
import type { ProviderContext } from '../provider.js'
import type { ReaderContext } from './auth.js'
import { accessTokenOf, type ExpiringToken } from './credentials.js'

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

/** A metadata service's token call: which service, its name in messages, the runner it implies, what is asked. */
export interface MetadataTokenCall {
  service: MetadataService
  /** e.g. "The Yandex Cloud metadata service" */
  name: string
  identity: RunnerIdentity
  /** e.g. "the service account token", for the 404 message */
  asked: string
  /** The fix for any other refusal (IBM: the profile must trust the instance). */
  hint?: string
}

/**
 * Asks for a token: HTTP 404 means no identity attached (NoRunnerIdentity), any other status but 200/201 is the
 * service's words with the hint, and a reply is an access token (masked) with its expiry.
 */
export async function metadataToken(call: MetadataTokenCall, request: MetadataRequest, ctx: ProviderContext): Promise<ExpiringToken> {
  const reply = await metadataCall(call.service, request, call.identity, ctx.env)
  if (reply.status === 404) throw new NoRunnerIdentity(call.identity, `its metadata service answered HTTP 404 for ${call.asked}`)
  if (reply.status !== 200 && reply.status !== 201) throw metadataStatusError(call.name, reply, call.hint)
  return accessTokenOf(call.name, metadataJson(call.name, reply), ctx)
}
