// An input that holds a value or the path of a file holding it (a key): read, checked and masked.
import { lstatSync } from 'node:fs'
import { InputError } from '../log/errors.js'
import { readTextFile } from '../runner/files.js'
import { maskSecret } from '../log/secrets.js'

/** A key file is a few KB; anything bigger is not one (and is not read into memory). */
const MAX_FILE_BYTES = 1024 * 1024
const MAX_PATH_LENGTH = 4096
// Absolute, ./ ../ ~/ or drive-letter paths, or a file name with a key file's extension.
const PATH_SHAPE = /^(\/|\.{1,2}[\\/]|~[\\/]|[A-Za-z]:[\\/])|\.(json|pem|key|txt)$/i

/**
 * Whether a non-inline value is a file path rather than a secret in an unexpected form. A path is
 * no secret: errors show it, and it is not masked (a masked path would show as ***). Anything that
 * is neither an existing file-system entry nor shaped like a path is treated as a secret.
 */
export function looksLikePath(value: string): boolean {
  if (value === '' || value.length > MAX_PATH_LENGTH || /\s/.test(value)) return false
  if (PATH_SHAPE.test(value)) return true
  try {
    lstatSync(value)
    return true
  } catch (error) {
    // ENOENT: nothing there, so nothing tells it apart from a garbled secret. Other errors
    // (EACCES on a parent, ELOOP) mean the value did reach the file system as a path.
    return (error as NodeJS.ErrnoException).code !== 'ENOENT' && (error as NodeJS.ErrnoException).code !== 'ENAMETOOLONG'
  }
}

/** Why a path could not be read, in words, from the file system's error code. */
export function fileProblem(path: string, code: string | undefined): string {
  switch (code) {
    case 'ENOENT':
      return `names the file '${path}', which does not exist`
    case 'ENOTDIR':
      return `names the file '${path}', but a part of that path is not a directory`
    case 'EACCES':
    case 'EPERM':
      return `names the file '${path}', which this job may not read (permission denied)`
    case 'ELOOP':
      return `names the file '${path}', a symbolic link that loops`
    case 'EISDIR':
      return `names '${path}', which is a directory, not a file`
    case 'ENAMETOOLONG':
      return 'names a path that is too long'
    default:
      return `names the file '${path}', which cannot be read (${code ?? 'unknown error'})`
  }
}

/**
 * A secret input that is either the text itself (JSON, PEM) or the path of a file holding it.
 * The inline text and a file's content are masked; a path is shown in errors and never masked.
 * Errors never echo a secret or file content.
 */
export function textOrFile(
  input: string,
  value: string,
  looksInline: (text: string) => boolean,
  what: string,
  hint = `Pass ${what} itself from a secret, or the path of a file that holds it.`
): string {
  if (looksInline(value)) {
    maskSecret(value)
    return value
  }
  if (!looksLikePath(value)) {
    maskSecret(value)
    throw new InputError(input, `is neither ${what} nor the path of a file`, hint)
  }
  const fileHint = `Check the path (relative to the job's working directory; ~ is not expanded) and that the runner's user may read it, or ${hint.charAt(0).toLowerCase()}${hint.slice(1)}`
  let read: string | undefined
  try {
    // Only a regular file is read (a FIFO or device would block or never end), checked on the open file.
    read = readTextFile(value, MAX_FILE_BYTES)
  } catch (error) {
    const { code, size } = error as NodeJS.ErrnoException & { size?: number }
    if (code === 'EFTYPE') throw new InputError(input, `names '${value}', which is not a regular file`, fileHint)
    if (code === 'EFBIG') throw new InputError(input, `names the file '${value}', which is ${size} bytes: too big for ${what}`, fileHint)
    throw new InputError(input, fileProblem(value, code), fileHint)
  }
  if (read === undefined) throw new InputError(input, fileProblem(value, 'ENOENT'), fileHint)
  const text = read.trim()
  maskSecret(text)
  return text
}
