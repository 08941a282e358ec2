/** The oras client: `oras login`/`logout`, sharing docker's config.json by default. */
import type { RegistryClient } from './client.js'
import { ORAS_RULES } from '../auth-files/storage-rules.js'
import { dockerConfigFile } from './docker-paths.js'
import { runClient } from './login-command.js'

/** oras: `oras login --password-stdin`; by default it shares docker's config.json. */
export const oras: RegistryClient = {
  id: 'oras',
  binary: 'oras',
  installHint: 'add oras-project/setup-oras (oras-project/setup-oras@v2) in an earlier step',
  authFile: dockerConfigFile,
  storage: ORAS_RULES,
  async login(credential, authFile, ctx) {
    const args = ['login', '--registry-config', authFile, '--username', credential.username, '--password-stdin', credential.registry]
    await runClient(ctx, 'oras', args, { stdin: credential.password })
  },
  async logout(registry, authFile, ctx) {
    await runClient(ctx, 'oras', ['logout', '--registry-config', authFile, registry], { ignoreFailure: /not logged in/i })
  }
}
