import { promises as fs, constants } from 'node:fs'
import path from 'node:path'

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
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
  if (text.trim() === '') return {}
  const parsed: unknown = JSON.parse(text)
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`${file} is not a JSON object`)
  }
  return parsed as AuthFileJson
}

/** The entry for `registry` in `file`, if there is one. */
export async function readAuthEntry(file: string, registry: string): Promise<AuthEntry | undefined> {
  const json = await readJson(file)
  return json?.auths?.[registry]
}

/** Sets (or, with `undefined`, removes) the entry for `registry`, keeping everything else in the file. */
export async function writeAuthEntry(file: string, registry: string, entry: AuthEntry | undefined): Promise<void> {
  const json = (await readJson(file)) ?? {}
  const auths = { ...(json.auths ?? {}) }
  if (entry === undefined) delete auths[registry]
  else auths[registry] = entry
  await writePrivateFile(file, `${JSON.stringify({ ...json, auths }, null, 2)}\n`)
}

/** Writes a file only its owner can read, refusing to follow a symlink at the destination. */
export async function writePrivateFile(file: string, content: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 })
  const tmp = `${file}.${process.pid}.tmp`
  const handle = await fs.open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o600)
  try {
    await handle.writeFile(content)
  } finally {
    await handle.close()
  }
  await fs.rename(tmp, file)
}
