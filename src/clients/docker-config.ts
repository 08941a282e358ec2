import { basicAuth } from '../log/secrets.js'
import { writeAuthEntry } from '../auth-files/auth-file.js'
import type { RegistryClient } from './client.js'
import { DOCKER_RULES } from '../auth-files/routing.js'
import { dockerConfigFile } from './docker-paths.js'

/**
 * No binary: writes the credential straight into docker's config.json (mode 0600), for tools
 * that only read that file, such as kaniko and buildkit (buildctl, buildx). They read
 * `credHelpers`/`credsStore` as docker does, so main routes a registry a helper owns to the file first.
 */
export const dockerConfig: RegistryClient = {
  id: 'docker-config',
  authFile: dockerConfigFile,
  // reads the file as docker does; removing its own entry touches nothing else
  storage: { ...DOCKER_RULES, logoutErasesSchemes: false },
  async login(credential, authFile) {
    await writeAuthEntry(authFile, credential.registry, { auth: basicAuth(credential.username, credential.password) })
  },
  async logout(registry, authFile) {
    await writeAuthEntry(authFile, registry, undefined)
  }
}
