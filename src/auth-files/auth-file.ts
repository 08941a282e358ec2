/** Docker-format auth files (docker, podman, buildah, skopeo, helm, oras): read whole, one entry or mapping changed at a time. */
import { realpathSync } from 'node:fs'
import { readTextFile, writePrivateFile } from '../runner/files.js'
import { parseJsonText } from '../runner/json.js'
import { ActionError, errorMessage } from '../log/errors.js'
import { safeText } from '../log/escape.js'

/** One `auths` entry of a docker-format auth file (docker, podman, buildah, skopeo, helm, oras). */
export type AuthEntry = Record<string, unknown>

/** An auth file's content as read. */
export interface AuthFileJson {
  auths?: Record<string, AuthEntry>
  [key: string]: unknown
}

/** The file's content; undefined when there is no file. Throws an ActionError saying why one cannot be used. */
export function readAuthFile(file: string): AuthFileJson | undefined {
  return readLaidOut(file).json
}

/**
 * How a file's JSON is laid out, so that a change keeps it: its indent (docker writes tabs and no final line
 * break; a compact file stays compact) and whether it ends with a line break. A new file: two spaces and one.
 */
interface Layout {
  indent: string
  newline: boolean
}

function layoutOf(text: string | undefined): Layout {
  if (text === undefined || text.trim() === '') return { indent: '  ', newline: true }
  return { indent: /\n([ \t]+)\S/.exec(text)?.[1] ?? '', newline: text.endsWith('\n') }
}

const serialize = (json: AuthFileJson, layout: Layout): string =>
  `${JSON.stringify(json, null, layout.indent)}${layout.newline ? '\n' : ''}`

/** The file's content and layout (see readAuthFile). */
function readLaidOut(file: string): { json: AuthFileJson | undefined; layout: Layout } {
  let text: string | undefined
  try {
    text = readTextFile(file)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const what = code === 'EISDIR' ? ': it is a directory' : code === 'EFTYPE' ? ': it is not a regular file' : ''
    throw new ActionError(
      `The auth file ${safeText(file)} cannot be read (${code ?? errorMessage(error)}${what}), so the action cannot add its login to it (nor put back what it held).`,
      "Fix its path or permissions in an earlier step, or set 'isolated-config: true' to use a fresh per-job auth file."
    )
  }
  const layout = layoutOf(text)
  if (text === undefined) return { json: undefined, layout }
  if (text.trim() === '') return { json: {}, layout }
  let parsed: unknown
  try {
    parsed = parseJsonText(text)
  } catch {
    parsed = undefined
  }
  if (!isMap(parsed)) {
    throw new ActionError(
      `The auth file ${file} does not hold a JSON object, so the action cannot add its login to it (nor put back what it held).`,
      "Fix or delete the file in an earlier step, or set 'isolated-config: true' to use a fresh per-job auth file."
    )
  }
  return { json: parsed as AuthFileJson, layout }
}

/** The file a path names, through symlinks (a dotfile manager's link stays a link); the path itself if it does not exist yet. */
function resolveLink(file: string): string {
  try {
    return realpathSync(file)
  } catch {
    return file
  }
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** `map[key]` when the map has it as its own key: never what a plain object inherits (`constructor`, `__proto__`). */
function own(map: unknown, key: string): unknown {
  return isMap(map) && Object.hasOwn(map, key) ? map[key] : undefined
}

/** The entry for `registry`, if there is one. */
export function authEntryIn(json: AuthFileJson | undefined, registry: string): AuthEntry | undefined {
  const entry = own(json?.auths, registry)
  return entry === undefined ? undefined : (entry as AuthEntry)
}

/**
 * The `credHelpers` mapping for `registry` (docker, podman/buildah/skopeo and helm all read it):
 * the helper's name (`docker-credential-<name>`), '' for "this registry's credentials live in the
 * file", or undefined when the file maps no helper for it.
 */
export function credHelperIn(json: AuthFileJson | undefined, registry: string): string | undefined {
  const value = own(json?.credHelpers, registry)
  return typeof value === 'string' ? value : undefined
}

/** Where `registry` sits among the keys of the file's `credHelpers` or `auths` map (undefined: not there). */
export function positionIn(json: AuthFileJson | undefined, map: 'credHelpers' | 'auths', registry: string): number | undefined {
  const keys = json?.[map]
  const at = isMap(keys) ? Object.keys(keys).indexOf(registry) : -1
  return at < 0 ? undefined : at
}

/** Where `registry` sits among the keys of the file's `credHelpers` map (undefined: not there). */
export const credHelperPositionIn = (json: AuthFileJson | undefined, registry: string): number | undefined =>
  positionIn(json, 'credHelpers', registry)

/** The file's top-level settings besides `auths` and `credHelpers` (docker's credsStore, proxies, plugins, …). */
export function otherSettingsIn(json: AuthFileJson | undefined): Record<string, unknown> {
  const { auths: _auths, credHelpers: _helpers, ...others } = json ?? {}
  return others
}

/** Whether the file has a `credHelpers` map with nothing in it: removing the last mapping drops the map, and so does docker (Go's omitempty) whenever it saves. */
export function hasEmptyCredHelpers(json: AuthFileJson | undefined): boolean {
  const helpers = json?.credHelpers
  return isMap(helpers) && Object.keys(helpers).length === 0
}

/** The entry for `registry` in `file`, if there is one. */
export function readAuthEntry(file: string, registry: string): AuthEntry | undefined {
  return authEntryIn(readAuthFile(file), registry)
}

/** The `credHelpers` mapping for `registry` in `file` (see `credHelperIn`). */
export function readCredHelper(file: string, registry: string): string | undefined {
  return credHelperIn(readAuthFile(file), registry)
}

/** What a docker-format auth file says about where a registry's credential is kept. */
export interface StorageSettings {
  /** `credHelpers[registry]`: a helper name, '' (docker: the file), or undefined (no mapping). */
  credHelper?: string
  /** The global `credsStore`, when the file names one. */
  credsStore?: string
  /** Whether the file configures any credential besides `credHelpers[registry]` (oras-go's "auth configured"). */
  othersConfigured: boolean
}

export function readStorageSettings(file: string, registry: string): StorageSettings {
  const json = readAuthFile(file) ?? {}
  const helpers = checkedCredHelpers(file, json.credHelpers)
  const mapped = own(helpers, registry)
  const credsStore = typeof json.credsStore === 'string' && json.credsStore ? json.credsStore : undefined
  const otherHelpers = Object.keys(helpers).some(key => key !== registry)
  const auths = isMap(json.auths) && Object.keys(json.auths).length > 0
  return {
    ...(typeof mapped === 'string' ? { credHelper: mapped } : {}),
    ...(credsStore ? { credsStore } : {}),
    othersConfigured: Boolean(credsStore) || otherHelpers || auths
  }
}

/**
 * The `credHelpers` map, refused when it is not a map of names: docker reads the rest of such a file
 * and rewrites the bad part (a number becomes '', an array is dropped) on login, so neither the
 * routing nor post's restore could be what the file says.
 */
function checkedCredHelpers(file: string, value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {}
  const bad = !isMap(value) ? 'is not a map of registry to helper name' : Object.keys(value).find(key => typeof value[key] !== 'string')
  if (bad === undefined) return value as Record<string, string>
  const what = isMap(value) ? `maps ${safeText(bad, 100)} to something other than a helper name (a string)` : bad
  throw new ActionError(
    `The auth file ${safeText(file)} has a "credHelpers" setting that ${what}: the clients would ignore or rewrite it when they store the login, so it could not be put back as it was.`,
    `Fix "credHelpers" in ${safeText(file)} in an earlier step, or set 'isolated-config: true' to use a fresh per-job auth file.`
  )
}

/**
 * Puts back top-level settings a client dropped when it rewrote the file (podman, buildah and skopeo
 * keep only `auths` and `credHelpers`, so a shared docker config.json would lose its `credsStore`);
 * settings still there are left as they are.
 */
export function restoreOtherSettings(authFile: string, settings: Record<string, unknown>): void {
  const file = resolveLink(authFile)
  const { json, layout } = readLaidOut(file)
  if (!json) return
  const missing = Object.keys(settings).filter(key => !(key in json))
  if (missing.length === 0) return
  writePrivateFile(file, serialize({ ...json, ...Object.fromEntries(missing.map(key => [key, settings[key]])) }, layout))
}

/** Puts back the empty `credHelpers` map the file had, if it is gone; a map there now is left as it is. */
export function restoreEmptyCredHelpers(authFile: string): void {
  restoreOtherSettings(authFile, { credHelpers: {} })
}

/** Sets (or, with `undefined`, removes) the entry for `registry`, keeping everything else in the file; `at` puts it back at its earlier place. */
export function writeAuthEntry(authFile: string, registry: string, entry: AuthEntry | undefined, options: MapUpdate = {}): void {
  updateMap(authFile, 'auths', registry, entry, options)
}

/**
 * Sets (or, with `undefined`, removes) `credHelpers[registry]`, keeping everything else in the file.
 * `at` puts a key back at its earlier place among the others; `keepEmpty` keeps an emptied map
 * (so that putting the mapping back later restores the file as it was).
 */
export function writeCredHelper(authFile: string, registry: string, helper: string | undefined, options: MapUpdate = {}): void {
  updateMap(authFile, 'credHelpers', registry, helper, options)
}

export interface MapUpdate {
  at?: number
  keepEmpty?: boolean
}

/**
 * Read-modify-write of one key of one top-level map (`auths`, `credHelpers`); an emptied `credHelpers` is
 * dropped unless `keepEmpty`. Synchronous from read to write, so no other update in this process comes between.
 */
function updateMap(authFile: string, map: 'auths' | 'credHelpers', key: string, value: unknown, options: MapUpdate = {}): void {
  const file = resolveLink(authFile)
  const read = readLaidOut(file)
  const json = read.json ?? {}
  const current = json[map]
  let next: Record<string, unknown> = { ...(isMap(current) ? current : {}) }
  if (value === undefined) delete next[key]
  else if (options.at === undefined) next[key] = value
  else {
    // Back at its place: the clients rewrite the map in their own order (Go sorts map keys).
    const entries = Object.entries(next).filter(([k]) => k !== key)
    entries.splice(options.at, 0, [key, value])
    next = Object.fromEntries(entries)
  }
  const out: AuthFileJson = { ...json, [map]: next }
  if (map === 'credHelpers' && Object.keys(next).length === 0 && !options.keepEmpty) delete out.credHelpers
  writePrivateFile(file, serialize(out, read.layout))
}
