/** One name per auth file however its path is spelled, the key for "the same file". */
import { realpathSync } from 'node:fs'
import path from 'node:path'

/**
 * One name per file however it is spelled (relative, or through a symlinked file or directory), for
 * a file that may not exist yet.
 */
export function fileKey(file: string): string {
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
