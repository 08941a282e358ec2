// The `credential-helper` input, refused where a helper cannot work (docker-config, logout: false).
import type { ClientId } from '../types.js'
import { InputError } from '../log/errors.js'
import type { InputReader } from '../inputs/reader.js'

/** The `credential-helper` input, refused where a helper cannot work. */
export function parseCredentialHelper(inputs: InputReader, clients: ClientId[], logout: boolean): boolean {
  if (!inputs.bool('credential-helper', false)) return false
  if (clients.includes('docker-config')) {
    throw new InputError(
      'credential-helper',
      "is true, but client 'docker-config' is for tools that read docker's config.json without running a credential helper (kaniko, or buildkit inside a container)",
      "Use client 'docker' (docker build, buildx and docker push call the helper on the runner), or drop 'credential-helper' for docker-config."
    )
  }
  if (!logout) {
    throw new InputError(
      'credential-helper',
      "is true, but 'logout' is false: the helper lives only for this job, so post must take the clients' pointers to it away again",
      "Leave 'logout' at true, or drop 'credential-helper'."
    )
  }
  return true
}
