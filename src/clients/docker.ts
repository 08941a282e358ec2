import os from 'node:os'
import path from 'node:path'
import type { RegistryClient } from './client.js'
import { DOCKER_RULES } from './credential-store.js'
import { runClient } from './login-command.js'

export function dockerConfigDir(env: NodeJS.ProcessEnv): string {
  return env.DOCKER_CONFIG || path.join(env.HOME || os.homedir(), '.docker')
}

/** docker CLI: `docker login --password-stdin`; works without a running engine. */
export const docker: RegistryClient = {
  id: 'docker',
  binary: 'docker',
  authFile: env => path.join(dockerConfigDir(env), 'config.json'),
  storage: DOCKER_RULES,
  async login(credential, authFile, ctx) {
    const args = ['--config', path.dirname(authFile), 'login', '--username', credential.username, '--password-stdin', credential.registry]
    await runClient(ctx, 'docker', args, { stdin: credential.password })
  },
  async logout(registry, authFile, ctx) {
    await runClient(ctx, 'docker', ['--config', path.dirname(authFile), 'logout', registry])
  }
}
