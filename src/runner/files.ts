/** The action's file reads and writes. The I/O model: files are read and written synchronously, never `async`, never locked. */
/*
 * Why: a step touches a handful of small files, and node's async fs would start a thread pool and pay a round
 * trip to it for each call (milliseconds a login step does not need); and a synchronous read-modify-write cannot
 * interleave with another in this process, so no lock is needed. Only the clients' processes and the network
 * calls are asynchronous (auth-files/concurrency.ts orders the processes). Nothing here can stall the step:
 * a path that is a FIFO, socket or device is refused, never read or written through.
 */
import { randomBytes } from 'node:crypto'
import { closeSync, constants, fstatSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileFault } from './faults.js'

// Undefined on Windows, where neither FIFOs that block an open nor symlink-following opens are a concern here.
const O_NONBLOCK = constants.O_NONBLOCK ?? 0
const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0

/**
 * The text of a regular file; undefined when nothing is there. Errors carry node's `code` (EISDIR, EACCES,
 * …; EFTYPE: not a regular file; EFBIG: over `maxBytes`, with the file's `size`).
 */
export function readTextFile(file: string, maxBytes = Infinity): string | undefined {
  let fd: number
  try {
    // Non-blocking: opening a FIFO for reading would otherwise wait for a writer, for ever.
    fd = openSync(file, constants.O_RDONLY | O_NONBLOCK)
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
    if (stat.size > maxBytes) throw Object.assign(new Error(`EFBIG: ${file} is ${stat.size} bytes`), { code: 'EFBIG', size: stat.size })
    return readFileSync(fd, 'utf8')
  } finally {
    closeSync(fd)
  }
}

export interface WriteOptions {
  /**
   * Create the directory (0700) when it is missing; true unless said otherwise. False: the file goes only
   * into a directory that still exists, else ENOENT (the credential helper's cache, whose installation
   * post may have removed while a `get` was minting).
   */
  createDirectory?: boolean
}

/**
 * Writes a file only its owner can read (0600, directory 0700), replacing it whole. The content goes to a
 * new file of an unguessable name first (O_EXCL: never into something planted there, a link or a FIFO),
 * which is renamed over the target, or removed if anything fails: no copy of a credential is left behind.
 */
export function writePrivateFile(file: string, content: string, options: WriteOptions = {}): void {
  const dir = path.dirname(file)
  // A failure is worded by runner/faults.ts: which file or directory, what is wrong, what to do (node's code kept).
  const inDir = (error: unknown): Error => fileFault(error, 'The directory', `${dir} (to hold ${path.basename(file)})`, 'written')
  try {
    if (options.createDirectory !== false) mkdirSync(dir, { recursive: true, mode: 0o700 })
  } catch (error) {
    throw fileFault(error, 'The directory', dir, 'created')
  }
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`
  let fd: number
  try {
    fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | O_NOFOLLOW | O_NONBLOCK, 0o600)
  } catch (error) {
    throw inDir(error)
  }
  try {
    try {
      writeFileSync(fd, content)
    } finally {
      closeSync(fd)
    }
    renameSync(tmp, file)
  } catch (error) {
    rmSync(tmp, { force: true })
    throw fileFault(error, 'The file', file, 'written')
  }
}
