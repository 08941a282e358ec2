import { basicAuth } from '../secrets.js'
import { ActionError } from '../errors.js'
import { dockerCredentialHelper, writeAuthEntry } from './auth-file.js'
import type { RegistryClient } from './client.js'
import { dockerConfigFile } from './docker.js'

/**
 * No binary: writes the credential straight into docker's config.json (mode 0600), for tools
 * that only read that file, such as kaniko and buildkit (buildctl, buildx).
 */
export const dockerConfig: RegistryClient = {
  id: 'docker-config',
  authFile: dockerConfigFile,
  async login(credential, authFile) {
    const helper = await dockerCredentialHelper(authFile, credential.registry)
    if (helper) {
      throw new ActionError(
        `Client 'docker-config' cannot log into ${credential.registry}: ${authFile} hands that registry to the credential helper '${helper}' (credsStore/credHelpers), so docker would ignore an entry written to the file.`,
        "Use client 'docker' (it stores through the helper), or 'isolated-config: true' for a fresh config.json."
      )
    }
    await writeAuthEntry(authFile, credential.registry, { auth: basicAuth(credential.username, credential.password) })
  },
  async logout(registry, authFile) {
    await writeAuthEntry(authFile, registry, undefined)
  }
}
