/** podman, buildah and skopeo: their auth file and their login and logout commands. */
import { randomBytes } from 'node:crypto'
import { lstatSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { readCredHelper } from '../auth-files/auth-file.js'
import { fileKey } from '../auth-files/file-key.js'
import { safeText } from '../log/escape.js'
import { log } from '../log/log.js'
import { dockerConfigFile } from './docker-paths.js'
import { thisPlatform, userHome, type Platform } from '../runner/platform.js'
import type { RegistryClient } from './client.js'
import { CONTAINERS_RULES } from '../auth-files/storage-rules.js'
import { runClient } from './login-command.js'

/**
 * Where podman, buildah and skopeo keep credentials (containers-common's rules, as root and
 * rootless): REGISTRY_AUTH_FILE, else DOCKER_CONFIG/config.json when DOCKER_CONFIG is set; then on
 * Linux $XDG_RUNTIME_DIR/containers/auth.json, else /run/containers/<uid>/auth.json (but see
 * `podmanAuthFile`); on macOS and Windows (podman is a remote client there) ~/.config/containers/auth.json.
 */
export function containersAuthFile(env: NodeJS.ProcessEnv, platform: Platform = thisPlatform()): string {
  const p = platform.path
  if (env.REGISTRY_AUTH_FILE) return env.REGISTRY_AUTH_FILE
  if (env.DOCKER_CONFIG) return p.join(env.DOCKER_CONFIG, 'config.json')
  if (platform.os !== 'linux') return p.join(userHome(env, platform), '.config', 'containers', 'auth.json')
  if (env.XDG_RUNTIME_DIR) return p.join(env.XDG_RUNTIME_DIR, 'containers', 'auth.json')
  return p.join('/run/containers', String(platform.uid ?? 0), 'auth.json')
}

/** The owner and permission bits of a directory (not followed if a link), or undefined when there is none. */
export type DirOwner = (dir: string) => { uid: number; mode: number } | undefined

const lstatOwner: DirOwner = dir => {
  try {
    const st = lstatSync(dir)
    return st.isDirectory() ? { uid: st.uid, mode: st.mode & 0o777 } : undefined
  } catch {
    return undefined
  }
}

/**
 * podman's auth file. Rootless podman without XDG_RUNTIME_DIR sets that variable itself before
 * containers/image looks for the file (cmd/podman `setXdgDirs`, containers/storage
 * `homedir.GetRuntimeDir`): /run/user/<uid> when it is this user's directory and writable by it alone,
 * else $TMPDIR/storage-run-<uid> (/tmp without TMPDIR). So its file is <that>/containers/auth.json, not the
 * /run/containers/<uid>/auth.json that skopeo and buildah (which set nothing) read.
 */
export function podmanAuthFile(env: NodeJS.ProcessEnv, platform: Platform = thisPlatform(), owner: DirOwner = lstatOwner): string {
  const uid = platform.uid
  const setsRuntimeDir = platform.os === 'linux' && !env.REGISTRY_AUTH_FILE && !env.DOCKER_CONFIG && !env.XDG_RUNTIME_DIR
  if (!setsRuntimeDir || uid === undefined || uid === 0) return containersAuthFile(env, platform)
  const p = platform.path
  const own = (dir: string): boolean => {
    const st = owner(dir)
    return st !== undefined && st.uid === uid && (st.mode & 0o722) === 0o700
  }
  const runUser = p.join('/run/user', String(uid))
  const runtimeDir = own(runUser) ? runUser : p.join(env.TMPDIR || '/tmp', `storage-run-${uid}`)
  return p.join(runtimeDir, 'containers', 'auth.json')
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

const noted = new Set<string>()

/**
 * containers/image reads docker's config.json too, after the tool's own auth file, and a `credHelpers`
 * entry there for the registry (a helper that is missing, or "", which it runs as `docker-credential-`)
 * fails the lookup `login` makes before it stores (podman 4.3: "get credentials: … docker-credential-yc
 * resolves to executable in current directory"). Their login and logout are given the username and
 * password and need nothing from that file, so they run with DOCKER_CONFIG pointed at a directory that does
 * not exist: docker's config is neither read nor changed, and its helper never runs. Later steps find this
 * login in the tool's own auth file, which they read first. Returns the variables to set, or undefined.
 */
export function withoutDockerHelper(
  registry: string,
  authFile: string,
  env: NodeJS.ProcessEnv,
  say: boolean
): NodeJS.ProcessEnv | undefined {
  const dockerFile = dockerConfigFile(env)
  // The tool's own file is docker's: the routing of that file already decides its mapping.
  if (fileKey(dockerFile) === fileKey(authFile)) return undefined
  let helper: string | undefined
  try {
    helper = readCredHelper(dockerFile, registry)
  } catch {
    return undefined // not JSON: containers/image ignores an unparsable docker config only if it can; nothing to hide from
  }
  if (helper === undefined) return undefined
  const key = `${fileKey(dockerFile)}\n${registry}`
  if (say && !noted.has(key)) {
    noted.add(key)
    log.notice(
      `${safeText(registry)}: ${safeText(dockerFile)} hands it to the credential helper '${safeText(helper, 60)}' (docker-credential-${safeText(helper, 60)}), which podman, buildah and skopeo read too and would fail on; ` +
        `their login and logout run without docker's config (DOCKER_CONFIG pointed at a directory that does not exist), so that file and its helper are not touched. Later steps find this login in their own auth file first.`
    )
  }
  return { DOCKER_CONFIG: path.join(env.RUNNER_TEMP || os.tmpdir(), `registry-login-no-docker-config-${randomBytes(8).toString('hex')}`) }
}

function containersClient(id: keyof typeof tools): RegistryClient {
  return {
    id,
    binary: id,
    ...tools[id],
    authFile: id === 'podman' ? podmanAuthFile : containersAuthFile,
    storage: CONTAINERS_RULES,
    async login(credential, authFile, ctx) {
      const args = ['login', '--authfile', authFile, '--username', credential.username, '--password-stdin', credential.registry]
      const env = withoutDockerHelper(credential.registry, authFile, ctx.env, true)
      await runClient(ctx, id, args, { stdin: credential.password, ...(env ? { env } : {}) })
    },
    async logout(registry, authFile, ctx) {
      // "not logged into" means the entry is gone already, which is what logout is for
      const env = withoutDockerHelper(registry, authFile, ctx.env, false)
      await runClient(ctx, id, ['logout', '--authfile', authFile, registry], { ignoreFailure: /not logged in/i, ...(env ? { env } : {}) })
    }
  }
}

export const podman = containersClient('podman')
export const buildah = containersClient('buildah')
export const skopeo = containersClient('skopeo')
