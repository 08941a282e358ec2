/**
 * The action's file reads and writes. Synchronous on purpose: a step touches a handful of small
 * files, and node's async fs would start a thread pool and pay a round trip to it for each call
 * (milliseconds a login step does not need). Nothing here can stall the step: a path that is a
 * FIFO, socket or device is refused, never read.
 */
import { closeSync, constants, fstatSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import path from 'node:path'

/** The text of a regular file; undefined when nothing is there. Errors carry node's `code` (EISDIR, EACCES, …; EFTYPE: not a regular file). */
export function readTextFile(file: string): string | undefined {
  let fd: number
  try {
    // Non-blocking: opening a FIFO for reading would otherwise wait for a writer, for ever.
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
  try {
    const stat = fstatSync(fd)
    if (!stat.isFile()) {
      const code = stat.isDirectory() ? 'EISDIR' : 'EFTYPE'
      throw Object.assign(new Error(`${code}: ${file} is not a regular file`), { code })
    }
    return readFileSync(fd, 'utf8')
  } finally {
    closeSync(fd)
  }
}

let tmpFiles = 0

/** Writes a file only its owner can read (0600, directory 0700), replacing it whole and refusing to follow a symlink at the temporary name. */
export function writePrivateFile(file: string, content: string): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 })
  const tmp = `${file}.${process.pid}.${++tmpFiles}.tmp`
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | (constants.O_NOFOLLOW ?? 0), 0o600)
  try {
    writeFileSync(fd, content)
  } finally {
    closeSync(fd)
  }
  renameSync(tmp, file)
}
