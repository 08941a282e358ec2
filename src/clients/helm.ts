/** The helm client: helm's registry config and `helm registry login`/`logout`. */
import { thisPlatform, userHome, type Platform } from '../runner/platform.js'
import type { RegistryClient } from './client.js'
import { HELM_RULES } from '../auth-files/storage-rules.js'
import { runClient } from './login-command.js'

/**
 * helm's registry config, by helm's own rules (pkg/cli, pkg/helmpath): $HELM_REGISTRY_CONFIG, else
 * registry/config.json under the config home: $HELM_CONFIG_HOME, else $XDG_CONFIG_HOME/helm (on every
 * OS), else ~/.config/helm on Linux, ~/Library/Preferences/helm on macOS, %APPDATA%\helm on Windows.
 */
export function helmRegistryConfig(env: NodeJS.ProcessEnv, platform: Platform = thisPlatform()): string {
  const p = platform.path
  if (env.HELM_REGISTRY_CONFIG) return env.HELM_REGISTRY_CONFIG
  if (env.HELM_CONFIG_HOME) return p.join(env.HELM_CONFIG_HOME, 'registry', 'config.json')
  return p.join(env.XDG_CONFIG_HOME || defaultConfigHome(env, platform), 'helm', 'registry', 'config.json')
}

function defaultConfigHome(env: NodeJS.ProcessEnv, platform: Platform): string {
  const home = userHome(env, platform)
  if (platform.os === 'win32') return env.APPDATA || platform.path.join(home, 'AppData', 'Roaming')
  if (platform.os === 'darwin') return platform.path.join(home, 'Library', 'Preferences')
  return platform.path.join(home, '.config')
}

/** helm 3.8+ / 4: `helm registry login`, credentials in its own registry config. */
export const helm: RegistryClient = {
  id: 'helm',
  binary: 'helm',
  storage: HELM_RULES,
  installHint: 'add azure/setup-helm (Azure/setup-helm@v5) in an earlier step',
  authFile: helmRegistryConfig,
  async login(credential, authFile, ctx) {
    const args = [
      'registry',
      'login',
      '--registry-config',
      authFile,
      '--username',
      credential.username,
      '--password-stdin',
      credential.registry
    ]
    await runClient(ctx, 'helm', args, { stdin: credential.password })
  },
  async logout(registry, authFile, ctx) {
    await runClient(ctx, 'helm', ['registry', 'logout', '--registry-config', authFile, registry], { ignoreFailure: /not logged in/i })
  }
}
