// A pod's projected service-account token file (auth: runner-identity): checked at plan time, read again at mint time.
import { InputError } from '../log/errors.js'
import { maskSecret } from '../log/secrets.js'
import { readTextFile } from '../runner/files.js'
import { fileProblem } from './text-or-file.js'

/** A projected token is about 1 KiB; a few KiB of claims at most. */
const MAX_TOKEN_BYTES = 64 * 1024
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/

/**
 * The token in the file `path` (named by input `input`, or by the environment variable that gave it):
 * masked before it is returned; a missing, empty or non-JWT file is an InputError naming the input and the path.
 * Read each time it is needed: the kubelet rotates a projected token in place.
 */
export function readTokenFile(input: string, path: string): string {
  const hint = `Point '${input}' at the pod's projected service-account token (a serviceAccountToken volume), e.g. /var/run/secrets/tokens/sa-token.`
  let text: string | undefined
  try {
    text = readTextFile(path, MAX_TOKEN_BYTES)
  } catch (error) {
    const { code } = error as NodeJS.ErrnoException
    if (code === 'EFBIG') throw new InputError(input, `names the file '${path}', which is too big for a token`, hint)
    if (code === 'EFTYPE') throw new InputError(input, `names '${path}', which is not a regular file`, hint)
    throw new InputError(input, fileProblem(path, code), hint)
  }
  if (text === undefined) throw new InputError(input, fileProblem(path, 'ENOENT'), hint)
  const token = text.trim()
  if (!token) throw new InputError(input, `names the file '${path}', which is empty`, hint)
  maskSecret(token)
  if (!JWT_SHAPE.test(token)) throw new InputError(input, `names the file '${path}', which does not hold a JWT`, hint)
  return token
}
