/** One name per auth file however its path is spelled, the key for "the same file". */
import { realpathSync } from 'node:fs'
import path from 'node:path'

/**
 * Whether the OS's file system ignores case in names: NTFS on Windows and APFS/HFS+ on macOS do by
 * default, so `Config.json` and `config.json` are one file there; Linux's file systems do not.
 */
export function namesIgnoreCase(os: NodeJS.Platform): boolean {
  return os === 'win32' || os === 'darwin'
}

/**
 * One name per file however it is spelled (relative, or through a symlinked file or directory, and in
 * any case where the file system ignores it), for a file that may not exist yet. A key, not a path to open.
 */
export function fileKey(file: string, os: NodeJS.Platform = process.platform): string {
  const key = resolvedName(file)
  return namesIgnoreCase(os) ? key.toLowerCase() : key
}

function resolvedName(file: string): string {
  const rest: string[] = []
  for (let dir = path.resolve(file); ; dir = path.dirname(dir)) {
    try {
      return path.join(realpathSync(dir), ...rest)
    } catch {
      if (path.dirname(dir) === dir) return path.resolve(file)
      rest.unshift(path.basename(dir))
    }
  }
}
