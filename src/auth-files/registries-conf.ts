/** registries.conf: the credential helpers podman, buildah and skopeo consult besides the auth file. */
import { existsSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { readTextFile } from '../runner/files.js'
import { thisPlatform, userHome, type Platform } from '../runner/platform.js'

/** The built-in entry of `credential-helpers` that means "the auth file". */
const AUTH_FILE_HELPER = 'containers-auth.json'

function readText(file: string): string | undefined {
  try {
    return readTextFile(file)
  } catch {
    return undefined
  }
}

/** The top-level `credential-helpers = [...]` of one registries.conf (TOML), if set. */
export function credentialHelpersIn(toml: string): string[] | undefined {
  const topLevel = toml.split(/^\s*\[/m)[0] ?? ''
  const match = /^\s*credential-helpers\s*=\s*\[([^\]]*)\]/m.exec(topLevel.replace(/#.*$/gm, ''))
  if (!match) return undefined
  return [...(match[1] ?? '').matchAll(/"([^"]*)"|'([^']*)'/g)].map(m => m[1] ?? m[2] ?? '')
}

/** Where the system's registries.conf and its drop-ins live. */
export interface SystemRegistriesConf {
  conf: string
  dropIns: string
}

const SYSTEM: SystemRegistriesConf = { conf: '/etc/containers/registries.conf', dropIns: '/etc/containers/registries.conf.d' }

function confFiles(dir: string): string[] {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    names = []
  }
  return names
    .filter(name => name.endsWith('.conf'))
    .sort()
    .map(name => path.join(dir, name))
}

/**
 * The user's containers configuration directory, `.config/containers` under the home containers/image
 * finds (storage's `homedir.Get`): %USERPROFILE% on Windows, where runners may not set HOME; $HOME elsewhere,
 * else the account's home directory.
 */
export function userRegistriesDir(env: NodeJS.ProcessEnv, platform: Platform = thisPlatform()): string {
  return platform.path.join(userHome(env, platform), '.config', 'containers')
}

/**
 * The credential helpers podman, buildah and skopeo consult besides the auth file, as
 * containers/image (`sysregistriesv2`) reads them: the main file is `CONTAINERS_REGISTRIES_CONF`, else
 * `~/.config/containers/registries.conf` when it exists, else the system's; then the drop-ins, each
 * directory in name order: the system's (not when the user's main file is used) and then the user's.
 * A later setting replaces an earlier one. They store a login in the first helper that takes it and
 * erase a logout from every one.
 */
export function externalCredentialHelpers(
  env: NodeJS.ProcessEnv,
  system = SYSTEM,
  platform: Platform = thisPlatform()
): { helpers: string[]; file: string } {
  const user = userRegistriesDir(env, platform)
  const userConf = platform.path.join(user, 'registries.conf')
  const userDropIns = platform.path.join(user, 'registries.conf.d')
  const usersOwn = !env.CONTAINERS_REGISTRIES_CONF && existsSync(userConf)
  const main = env.CONTAINERS_REGISTRIES_CONF || (usersOwn ? userConf : system.conf)
  const dropIns = [...(usersOwn ? [] : confFiles(system.dropIns)), ...confFiles(userDropIns)]
  let found = { helpers: [AUTH_FILE_HELPER], file: main }
  for (const file of [main, ...dropIns]) {
    const helpers = credentialHelpersIn(readText(file) ?? '')
    if (helpers) found = { helpers, file }
  }
  return { helpers: found.helpers.filter(h => h !== AUTH_FILE_HELPER), file: found.file }
}
