import path from 'node:path'
import type { RegistryClient } from './client.js'
import { CONTAINERS_RULES } from './credential-store.js'
import { runClient } from './login-command.js'

/**
 * Where podman, buildah and skopeo keep credentials (containers-common's rules, as root and
 * rootless): REGISTRY_AUTH_FILE, else DOCKER_CONFIG/config.json when DOCKER_CONFIG is set, else
 * $XDG_RUNTIME_DIR/containers/auth.json, else /run/containers/<uid>/auth.json.
 */
export function containersAuthFile(env: NodeJS.ProcessEnv): string {
  if (env.REGISTRY_AUTH_FILE) return env.REGISTRY_AUTH_FILE
  if (env.DOCKER_CONFIG) return path.join(env.DOCKER_CONFIG, 'config.json')
  if (env.XDG_RUNTIME_DIR) return path.join(env.XDG_RUNTIME_DIR, 'containers', 'auth.json')
  return path.join('/run/containers', String(process.getuid?.() ?? 0), 'auth.json')
}

function containersClient(id: 'podman' | 'buildah' | 'skopeo'): RegistryClient {
  return {
    id,
    binary: id,
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
