/** The docker credential helper protocol: `get`, `list`, `store`, `erase`, answered from a credential source. */
import { errorMessage } from '../log/errors.js'
import { safeText } from '../log/escape.js'
import { serverHost } from './hosts.js'

/** The helper's name in `credHelpers`; the binary on PATH is `docker-credential-registry-login`. */
export const HELPER_NAME = 'registry-login'
export const HELPER_BINARY = `docker-credential-${HELPER_NAME}`

/** docker, containers-common and oras-go read exactly this text on stdout as "no credentials: go anonymous". */
export const NOT_FOUND = 'credentials not found in native keychain'

/** Where the helper gets credentials for the registries of the plan main set up. */
export interface CredentialSource {
  /** Registry host → username, for `list` (no network). */
  usernames: Record<string, string>
  /** A credential for one of the plan's hosts: from the cache, or minted now. */
  credential(host: string): Promise<{ username: string; password: string }>
}

export interface HelperReply {
  stdout: string
  stderr: string
  exitCode: number
}

const ok = (stdout = ''): HelperReply => ({ stdout, stderr: '', exitCode: 0 })

/**
 * A failure: one line on stdout (clients read a helper's error from there and put it into their own
 * error, as docker-credential-helpers do) and on stderr (which docker, skopeo and helm pass through).
 */
export function failure(message: string): HelperReply {
  const line = safeText(message, 1000)
  return { stdout: `${line}\n`, stderr: `${HELPER_BINARY}: ${line}\n`, exitCode: 1 }
}

/**
 * Answers one invocation of the docker credential helper protocol. `load` gives the source; `store`
 * and `erase` never need it (clients call them on login and logout, even after post removed it).
 */
export async function answer(verb: string | undefined, stdin: string, load: () => CredentialSource): Promise<HelperReply> {
  switch (verb) {
    case 'get': {
      const host = serverHost(stdin)
      const source = load()
      if (!host || !Object.hasOwn(source.usernames, host)) {
        return {
          stdout: `${NOT_FOUND}\n`,
          stderr: `${HELPER_BINARY}: ${safeText(host || '(no server URL on stdin)')} is not a registry this job's login covers\n`,
          exitCode: 1
        }
      }
      try {
        const { username, password } = await source.credential(host)
        return ok(`${JSON.stringify({ ServerURL: host, Username: username, Secret: password })}\n`)
      } catch (error) {
        return failure(`registry-login could not get a credential for ${host}: ${errorMessage(error)}`)
      }
    }
    case 'list':
      return ok(`${JSON.stringify(load().usernames)}\n`)
    // Clients call these on login and logout; the credentials are minted on demand, so nothing is kept.
    case 'store':
    case 'erase':
      return ok()
    default:
      return failure(`unknown action '${safeText(verb ?? '')}': use get, list, store or erase (the docker credential helper protocol)`)
  }
}
