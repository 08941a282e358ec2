/** The docker CLI client: `docker login` and `docker logout` against docker's config.json. */
import path from 'node:path'
import { dockerConfigFile } from './docker-paths.js'
import type { RegistryClient } from './client.js'
import { DOCKER_RULES } from '../auth-files/storage-rules.js'
import { runClient } from './login-command.js'

/** docker CLI: `docker login --password-stdin`; works without a running engine. */
export const docker: RegistryClient = {
  id: 'docker',
  binary: 'docker',
  installHint:
    "GitHub's ubuntu and windows runners have docker; elsewhere add docker/setup-docker-action (docker/setup-docker-action@v5) in an earlier step",
  authFile: dockerConfigFile,
  storage: DOCKER_RULES,
  async login(credential, authFile, ctx) {
    const args = ['--config', path.dirname(authFile), 'login', '--username', credential.username, '--password-stdin', credential.registry]
    await runClient(ctx, 'docker', args, { stdin: credential.password })
  },
  async logout(registry, authFile, ctx) {
    await runClient(ctx, 'docker', ['--config', path.dirname(authFile), 'logout', registry])
  }
}
