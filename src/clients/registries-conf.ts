import { promises as fs } from 'node:fs'
import path from 'node:path'

/** The built-in entry of `credential-helpers` that means "the auth file". */
const AUTH_FILE_HELPER = 'containers-auth.json'

async function readText(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8')
  } catch {
    return undefined
  }
}

async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(
    () => true,
    () => false
  )
}

/** The top-level `credential-helpers = [...]` of one registries.conf (TOML), if set. */
export function credentialHelpersIn(toml: string): string[] | undefined {
  const topLevel = toml.split(/^\s*\[/m)[0] ?? ''
  const match = /^\s*credential-helpers\s*=\s*\[([^\]]*)\]/m.exec(topLevel.replace(/#.*$/gm, ''))
  if (!match) return undefined
  return [...(match[1] ?? '').matchAll(/"([^"]*)"|'([^']*)'/g)].map(m => m[1] ?? m[2] ?? '')
}

/**
 * The credential helpers podman, buildah and skopeo consult besides the auth file, as
 * containers/image reads them: `CONTAINERS_REGISTRIES_CONF`, else `~/.config/containers/registries.conf`
 * when it exists, else `/etc/containers/registries.conf`; then the drop-ins of the user's (if it
 * exists) or the system's `registries.conf.d`, in name order, a later setting replacing an earlier one.
 * They store a login in the first helper that takes it and erase a logout from every one.
 */
export async function externalCredentialHelpers(env: NodeJS.ProcessEnv): Promise<{ helpers: string[]; file: string }> {
  const home = env.HOME ?? ''
  const user = path.join(home, '.config', 'containers')
  const main = env.CONTAINERS_REGISTRIES_CONF || ((await exists(path.join(user, 'registries.conf'))) ? path.join(user, 'registries.conf') : '/etc/containers/registries.conf')
  const dropInDir = (await exists(path.join(user, 'registries.conf.d'))) ? path.join(user, 'registries.conf.d') : '/etc/containers/registries.conf.d'
  const dropIns = (await fs.readdir(dropInDir).catch(() => [] as string[])).filter(name => name.endsWith('.conf')).sort()
  let found = { helpers: [AUTH_FILE_HELPER], file: main }
  for (const file of [main, ...dropIns.map(name => path.join(dropInDir, name))]) {
    const helpers = credentialHelpersIn((await readText(file)) ?? '')
    if (helpers) found = { helpers, file }
  }
  return { helpers: found.helpers.filter(h => h !== AUTH_FILE_HELPER), file: found.file }
}
