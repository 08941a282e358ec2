/** podman, buildah and skopeo: their auth file and their login and logout commands. */
import { thisPlatform, userHome, type Platform } from '../runner/platform.js'
import type { RegistryClient } from './client.js'
import { CONTAINERS_RULES } from '../auth-files/storage-rules.js'
import { runClient } from './login-command.js'

/**
 * Where podman, buildah and skopeo keep credentials (containers-common's rules, as root and
 * rootless): REGISTRY_AUTH_FILE, else DOCKER_CONFIG/config.json when DOCKER_CONFIG is set; then on
 * Linux $XDG_RUNTIME_DIR/containers/auth.json, else /run/containers/<uid>/auth.json; on macOS and
 * Windows (podman is a remote client there) ~/.config/containers/auth.json.
 */
export function containersAuthFile(env: NodeJS.ProcessEnv, platform: Platform = thisPlatform()): string {
  const p = platform.path
  if (env.REGISTRY_AUTH_FILE) return env.REGISTRY_AUTH_FILE
  if (env.DOCKER_CONFIG) return p.join(env.DOCKER_CONFIG, 'config.json')
  if (platform.os !== 'linux') return p.join(userHome(env, platform), '.config', 'containers', 'auth.json')
  if (env.XDG_RUNTIME_DIR) return p.join(env.XDG_RUNTIME_DIR, 'containers', 'auth.json')
  return p.join('/run/containers', String(platform.uid ?? 0), 'auth.json')
}

const APT =
  "GitHub's ubuntu runners have podman, buildah and skopeo; on other Debian/Ubuntu runners run 'sudo apt-get install -y {tool}' in an earlier step"

const tools = {
  podman: {
    platforms: ['linux', 'darwin', 'win32'],
    installHint: `${APT.replace('{tool}', 'podman')}; on Windows and Linux, redhat-actions/podman-install installs it`
  },
  buildah: { platforms: ['linux'], installHint: APT.replace('{tool}', 'buildah') },
  skopeo: { platforms: ['linux'], installHint: APT.replace('{tool}', 'skopeo') }
} as const satisfies Record<string, Pick<RegistryClient, 'platforms' | 'installHint'>>

function containersClient(id: keyof typeof tools): RegistryClient {
  return {
    id,
    binary: id,
    ...tools[id],
    authFile: containersAuthFile,
    storage: CONTAINERS_RULES,
    async login(credential, authFile, ctx) {
      const args = ['login', '--authfile', authFile, '--username', credential.username, '--password-stdin', credential.registry]
      await runClient(ctx, id, args, { stdin: credential.password })
    },
    async logout(registry, authFile, ctx) {
      // "not logged into" means the entry is gone already, which is what logout is for
      await runClient(ctx, id, ['logout', '--authfile', authFile, registry], { ignoreFailure: /not logged in/i })
    }
  }
}

export const podman = containersClient('podman')
export const buildah = containersClient('buildah')
export const skopeo = containersClient('skopeo')
