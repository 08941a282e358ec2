/** The docker-config client: no binary, the credential written straight into docker's config.json. */
import { basicAuth } from '../log/secrets.js'
import { writeAuthEntry } from '../auth-files/auth-file.js'
import type { RegistryClient } from './client.js'
import { DOCKER_RULES } from '../auth-files/storage-rules.js'
import { dockerConfigFile } from './docker-paths.js'

/** Runs `write` now; its failure is the promise's rejection, as a client process's would be. */
const settled = (write: () => void): Promise<void> => new Promise(resolve => resolve(write()))

/**
 * No binary: writes the credential straight into docker's config.json (mode 0600), for tools
 * that only read that file, such as kaniko and buildkit (buildctl, buildx). They read
 * `credHelpers`/`credsStore` as docker does, so main routes a registry a helper owns to the file first.
 */
export const dockerConfig: RegistryClient = {
  id: 'docker-config',
  authFile: dockerConfigFile,
  // reads the file as docker does; removing its own entry touches nothing else; the entry it writes makes
  // the file "configured", so neither it nor the tools reading the file after it look for a platform store
  storage: { ...DOCKER_RULES, detectsPlatformStore: false, logoutErasesSchemes: false },
  // The file is written at once (synchronous file I/O); the promise is the shape of a client that runs a process.
  login: (credential, authFile) =>
    settled(() => writeAuthEntry(authFile, credential.registry, { auth: basicAuth(credential.username, credential.password) })),
  logout: (registry, authFile) => settled(() => writeAuthEntry(authFile, registry, undefined))
}
