/** The helper's configuration: the login spec main saves for the helper, and where the job's installations are. */
import { lstatSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { ENDPOINT_NAMES, endpointVariable } from '../net/endpoints.js'
import { readTextFile, writePrivateFile } from '../runner/files.js'
import { parseJsonText } from '../runner/json.js'
import type { LoginSpec } from '../providers/provider.js'
import { PROVIDER_IDS } from '../types.js'
import { TUNABLE_VARIABLES } from '../net/tunables.js'

/**
 * What the helper needs to run main's login plan again in a later step. Written 0600 in the helper's
 * directory under RUNNER_TEMP and removed by post. A key-based login keeps its key here: the
 * documented trade-off of credential-helper mode (the key never enters an auth file).
 */
export interface HelperConfig {
  version: 2
  /**
   * Main's login plan as data: the chosen method's own inputs only (never another cloud's key set on the
   * same step), minted again by the same provider code.
   */
  spec: LoginSpec
  /** Main's variables that decide where and as whom the plan logs in (endpoint overrides, the GitHub context). */
  env: Record<string, string>
  /** Registry host → username, for the protocol's `list`. */
  usernames: Record<string, string>
}

/** Every installation is a directory `<RUNNER_TEMP>/registry-login-helper-*`. */
export const HELPER_DIR_PREFIX = 'registry-login-helper-'

/** The files of one helper installation, all in one 0700 directory. */
export function helperFiles(dir: string): { config: string; cache: string } {
  return { config: path.join(dir, 'config.json'), cache: path.join(dir, 'cache.json') }
}

/**
 * The variables the plan reads: the documented endpoint overrides and tunables, named by the modules
 * that read them, and the GitHub context. Nothing else: a secret someone put in another REGISTRY_LOGIN_*
 * variable is never written to the helper's configuration.
 */
const CARRIED_ENV = new Set<string>([
  ...ENDPOINT_NAMES.map(endpointVariable),
  ...TUNABLE_VARIABLES,
  'GITHUB_SERVER_URL',
  'GITHUB_REPOSITORY',
  'GITHUB_REPOSITORY_OWNER',
  'GITHUB_RUN_ID',
  'GITHUB_RUN_ATTEMPT'
])

/** The part of main's environment the plan reads (REGISTRY_LOGIN_* tunables and endpoints, the GitHub context). */
export function carriedEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && CARRIED_ENV.has(name)) out[name] = value
  }
  return out
}

export function writeHelperConfig(file: string, config: HelperConfig): void {
  writePrivateFile(file, JSON.stringify(config))
}

export function readHelperConfig(file: string): HelperConfig {
  let parsed: Partial<HelperConfig>
  try {
    const text = readTextFile(file)
    if (text === undefined) throw Object.assign(new Error('missing'), { code: 'ENOENT' })
    parsed = parseJsonText(text) as Partial<HelperConfig>
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const why =
      code === 'ENOENT' || code === undefined
        ? 'the registry-login step that set it up has ended (post removed it) or did not finish'
        : 'it is not a file the registry-login step wrote'
    throw new Error(`cannot read its configuration ${file} (${code ?? 'not JSON'}): ${why}`)
  }
  if (parsed.version !== 2 || !isSpec(parsed.spec) || !isStringMap(parsed.env) || !isStringMap(parsed.usernames)) {
    throw new Error(`its configuration ${file} has an unknown shape`)
  }
  // Only the variables main carries: a configuration never points the helper's OIDC request, proxy or other settings elsewhere.
  return { version: 2, spec: parsed.spec, env: carriedEnv(parsed.env), usernames: parsed.usernames }
}

/** The shape main writes; each provider's method data is its own (the provider reads it as it wrote it). */
function isSpec(value: unknown): value is LoginSpec {
  if (typeof value !== 'object' || value === null) return false
  const spec = value as Partial<Record<keyof LoginSpec, unknown>>
  const data = spec.data as { kind?: unknown } | null | undefined
  return (
    (PROVIDER_IDS as readonly unknown[]).includes(spec.provider) &&
    typeof spec.auth === 'string' &&
    typeof spec.method === 'string' &&
    Array.isArray(spec.registries) &&
    spec.registries.every(r => typeof r === 'string') &&
    typeof data === 'object' &&
    data !== null &&
    typeof data.kind === 'string'
  )
}

function isStringMap(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every(v => typeof v === 'string')
}

/**
 * Another installation is served only if this job's action made it: a real directory (no symlink) of
 * this user that no one else can open, as mkdtemp makes it. A directory someone else planted next to
 * ours (RUNNER_TEMP falls back to the shared temp directory) never gets the job's OIDC token or a `get`.
 */
function isOwnInstallation(dir: string): boolean {
  try {
    const stat = lstatSync(dir)
    if (!stat.isDirectory()) return false
    return process.platform === 'win32' || (stat.uid === process.getuid?.() && (stat.mode & 0o077) === 0)
  } catch {
    return false
  }
}

/**
 * The configuration files of every installation in this job, `own` first: a job that runs the action
 * twice (two clouds) has two launchers of the same name on PATH, and the one found first serves both.
 */
export function jobHelperConfigs(own: string): string[] {
  const parent = path.dirname(path.dirname(own))
  let names: string[] = []
  try {
    names = readdirSync(parent)
  } catch {
    names = []
  }
  const dirs = names.filter(name => name.startsWith(HELPER_DIR_PREFIX)).map(name => path.join(parent, name))
  const others: string[] = []
  for (const dir of dirs.sort()) {
    const file = helperFiles(dir).config
    if (file !== own && isOwnInstallation(dir)) others.push(file)
  }
  return [own, ...others]
}
