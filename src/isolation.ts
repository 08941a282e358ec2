import { promises as fs } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/** Auth-file locations of a per-job config directory, as the variables the clients read. */
export type IsolatedEnv = Record<'DOCKER_CONFIG' | 'REGISTRY_AUTH_FILE' | 'HELM_REGISTRY_CONFIG', string>

/**
 * A fresh 0700 directory under RUNNER_TEMP for every client's credentials, so that concurrent jobs
 * on a shared self-hosted runner never read, overwrite or log out each other's logins.
 */
export async function createIsolatedConfig(env: NodeJS.ProcessEnv): Promise<{ dir: string; env: IsolatedEnv }> {
  const dir = await fs.mkdtemp(path.join(env.RUNNER_TEMP || os.tmpdir(), 'registry-login-config-'))
  return {
    dir,
    env: {
      DOCKER_CONFIG: path.join(dir, 'docker'),
      REGISTRY_AUTH_FILE: path.join(dir, 'containers', 'auth.json'),
      HELM_REGISTRY_CONFIG: path.join(dir, 'helm', 'registry.json')
    }
  }
}

export async function removeIsolatedConfig(dir: string): Promise<void> {
  // Only ever a directory this action made.
  if (!path.basename(dir).startsWith('registry-login-config-')) throw new Error(`refusing to remove ${dir}`)
  await fs.rm(dir, { recursive: true, force: true })
}
