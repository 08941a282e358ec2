import { promises as fs, constants } from 'node:fs'
import path from 'node:path'
import { ActionError, errorMessage } from '../errors.js'
import { safeText } from '../log-safe.js'
import { fileKey, inTurn } from '../schedule.js'

/** One `auths` entry of a docker-format auth file (docker, podman, buildah, skopeo, helm, oras). */
export type AuthEntry = Record<string, unknown>

interface AuthFileJson {
  auths?: Record<string, AuthEntry>
  [key: string]: unknown
}

async function readJson(file: string): Promise<AuthFileJson | undefined> {
  let text: string
  try {
    text = await fs.readFile(file, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return undefined
    throw new ActionError(
      `The auth file ${safeText(file)} cannot be read (${code ?? errorMessage(error)}${code === 'EISDIR' ? ': it is a directory' : ''}), so the action cannot add its login to it (nor put back what it held).`,
      "Fix its path or permissions in an earlier step, or set 'isolated-config: true' to use a fresh per-job auth file."
    )
  }
  if (text.trim() === '') return {}
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    parsed = undefined
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ActionError(
      `The auth file ${file} does not hold a JSON object, so the action cannot add its login to it (nor put back what it held).`,
      "Fix or delete the file in an earlier step, or set 'isolated-config: true' to use a fresh per-job auth file."
    )
  }
  return parsed as AuthFileJson
}

/** The file a path names, through symlinks (a dotfile manager's link stays a link); the path itself if it does not exist yet. */
async function resolveLink(file: string): Promise<string> {
  try {
    return await fs.realpath(file)
  } catch {
    return file
  }
}

/** The entry for `registry` in `file`, if there is one. */
export async function readAuthEntry(file: string, registry: string): Promise<AuthEntry | undefined> {
  const json = await readJson(file)
  return json?.auths?.[registry]
}

/**
 * The docker credential helper that owns `registry` in a docker config.json (`credHelpers`, else
 * `credsStore`): docker keeps such a registry's password in the helper and ignores `auths`.
 */
export async function dockerCredentialHelper(file: string, registry: string): Promise<string | undefined> {
  const json = await readJson(file)
  const helpers = json?.credHelpers
  const own = helpers && typeof helpers === 'object' ? (helpers as Record<string, unknown>)[registry] : undefined
  if (typeof own === 'string') return own || undefined
  return typeof json?.credsStore === 'string' && json.credsStore ? json.credsStore : undefined
}

/** Sets (or, with `undefined`, removes) the entry for `registry`, keeping everything else in the file. */
export async function writeAuthEntry(authFile: string, registry: string, entry: AuthEntry | undefined): Promise<void> {
  await updateMap(authFile, 'auths', registry, entry)
}

/**
 * The `credHelpers` mapping for `registry` (docker, podman/buildah/skopeo and helm all read it):
 * the helper's name (`docker-credential-<name>`), '' for "this registry's credentials live in the
 * file", or undefined when the file maps no helper for it.
 */
export async function readCredHelper(file: string, registry: string): Promise<string | undefined> {
  const helpers = (await readJson(file))?.credHelpers
  const value = helpers && typeof helpers === 'object' ? (helpers as Record<string, unknown>)[registry] : undefined
  return typeof value === 'string' ? value : undefined
}

/** Sets (or, with `undefined`, removes) `credHelpers[registry]`, keeping everything else in the file. */
export async function writeCredHelper(authFile: string, registry: string, helper: string | undefined): Promise<void> {
  await updateMap(authFile, 'credHelpers', registry, helper)
}

/** Read-modify-write of one key of one top-level map (`auths`, `credHelpers`); an emptied `credHelpers` is dropped. */
async function updateMap(authFile: string, map: 'auths' | 'credHelpers', key: string, value: unknown): Promise<void> {
  // Without taking turns, two updates at once both read the old file and the second write drops the first's key.
  await inTurn(fileKey(authFile), () => rewriteMap(authFile, map, key, value))
}

async function rewriteMap(authFile: string, map: 'auths' | 'credHelpers', key: string, value: unknown): Promise<void> {
  const file = await resolveLink(authFile)
  const json = (await readJson(file)) ?? {}
  const current = json[map]
  const next: Record<string, unknown> = { ...(current && typeof current === 'object' && !Array.isArray(current) ? current : {}) }
  if (value === undefined) delete next[key]
  else next[key] = value
  const out: AuthFileJson = { ...json, [map]: next }
  if (map === 'credHelpers' && Object.keys(next).length === 0) delete out.credHelpers
  await writePrivateFile(file, `${JSON.stringify(out, null, 2)}\n`)
}

let tmpFiles = 0

/** Writes a file only its owner can read, refusing to follow a symlink at the destination. */
export async function writePrivateFile(file: string, content: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 })
  const tmp = `${file}.${process.pid}.${++tmpFiles}.tmp`
  const handle = await fs.open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o600)
  try {
    await handle.writeFile(content)
  } finally {
    await handle.close()
  }
  await fs.rename(tmp, file)
}
