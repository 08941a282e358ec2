import { existsSync, readFileSync, statSync } from 'node:fs'
import { InputError } from './errors.js'
import { maskSecret } from './secrets.js'

/**
 * A secret input that is either the text itself (JSON, PEM) or the path of a file holding it.
 * A file's content is masked as soon as it is read. Errors never echo the value.
 */
export function textOrFile(
  input: string,
  value: string,
  looksInline: (text: string) => boolean,
  what: string,
  hint = `Pass the ${what} itself from a secret, or the path of a file that holds it.`
): string {
  if (looksInline(value)) return value
  let isFile = false
  try {
    isFile = value.length < 4096 && !value.includes('\n') && existsSync(value) && statSync(value).isFile()
  } catch {
    isFile = false
  }
  if (!isFile) throw new InputError(input, `is neither ${what} nor the path of a readable file`, hint)
  const text = readFileSync(value, 'utf8').trim()
  maskSecret(text)
  return text
}
