import os from 'node:os'
import path from 'node:path'
import type { RegistryClient } from './client.js'
import { ORAS_GO_RULES } from './credential-store.js'
import { runClient } from './login-command.js'

/** helm 3.8+ / 4: `helm registry login`, credentials in its own registry config. */
export const helm: RegistryClient = {
  id: 'helm',
  binary: 'helm',
  storage: ORAS_GO_RULES,
  authFile(env) {
    if (env.HELM_REGISTRY_CONFIG) return env.HELM_REGISTRY_CONFIG
    if (env.HELM_CONFIG_HOME) return path.join(env.HELM_CONFIG_HOME, 'registry', 'config.json')
    const config = env.XDG_CONFIG_HOME || path.join(env.HOME || os.homedir(), '.config')
    return path.join(config, 'helm', 'registry', 'config.json')
  },
  async login(credential, authFile, ctx) {
    const args = ['registry', 'login', '--registry-config', authFile, '--username', credential.username, '--password-stdin', credential.registry]
    await runClient(ctx, 'helm', args, { stdin: credential.password })
  },
  async logout(registry, authFile, ctx) {
    await runClient(ctx, 'helm', ['registry', 'logout', '--registry-config', authFile, registry], { ignoreFailure: /not logged in/i })
  }
}
