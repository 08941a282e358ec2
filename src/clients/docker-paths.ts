// Where docker keeps its config: shared by the clients that use docker's config.json (docker, oras, docker-config).
import { thisPlatform, userHome, type Platform } from '../runner/platform.js'

/** docker's config directory: $DOCKER_CONFIG, else ~/.docker (%USERPROFILE%\.docker on Windows). */
export function dockerConfigDir(env: NodeJS.ProcessEnv, platform: Platform = thisPlatform()): string {
  return env.DOCKER_CONFIG || platform.path.join(userHome(env, platform), '.docker')
}

export function dockerConfigFile(env: NodeJS.ProcessEnv, platform: Platform = thisPlatform()): string {
  return platform.path.join(dockerConfigDir(env, platform), 'config.json')
}
