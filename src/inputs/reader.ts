// Reads the step's inputs: text, secrets (masked at once), lists, booleans, choices and whole numbers, with input errors.
import { getInput } from '@actions/core'
import { InputError } from '../log/errors.js'
import { maskSecret } from '../log/secrets.js'
import { looksLikePath } from './text-or-file.js'

/** Reads raw action inputs; every provider validates its own through this. */
export interface InputReader {
  /** Trimmed value, '' when unset; one line without control characters (else an InputError). */
  text(name: string): string
  /** Whether the input has a value, without reading it as text or masking it. */
  isSet(name: string): boolean
  /** A secret value: masked before it is returned. Not trimmed inside, only at the ends. */
  secret(name: string): string
  /**
   * A secret that may instead be the path of a file holding it (a key): masked unless it is a
   * path, so that errors can name the file (a path is no secret; the file's content is masked when read).
   */
  secretOrPath(name: string): string
  /** A list separated by commas, line breaks or spaces, trimmed, empty entries dropped, duplicates removed. */
  list(name: string): string[]
  bool(name: string, fallback: boolean): boolean
  choice<T extends string>(name: string, allowed: readonly T[], fallback: T): T
  /** A whole number in plain decimal digits within [min, max]. */
  integer(name: string, fallback: number, min: number, max: number): number
  /** Says how an input was taken (a key taken out of the file it came in, a region newer than the list), for the log: names, never values. */
  note(message: string): void
  /** The notes so far, in order. */
  notes(): readonly string[]
}

/**
 * The one list parser ('region', 'registry', 'clients'): commas, line breaks and spaces all separate, so
 * `us-south eu-de`, `us-south, eu-de` and a YAML block of lines are one list. No entry has a space inside.
 */
export function splitList(value: string): string[] {
  const items = value
    .split(/[,\s]+/)
    .map(item => item.trim())
    .filter(item => item.length > 0)
  return [...new Set(items)]
}

// C0/C1 controls (line breaks, \r, ESC) and the Unicode line and paragraph separators.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/

const TRUE = ['true', 'True', 'TRUE', 'yes', 'on', '1']
const FALSE = ['false', 'False', 'FALSE', 'no', 'off', '0']

export function createInputReader(read: (name: string) => string = name => getInput(name)): InputReader {
  const text = (name: string): string => {
    const value = read(name).trim()
    if (CONTROL.test(value))
      throw new InputError(name, 'contains a line break or another control character', 'Give it on one line, as plain text.')
    return value
  }
  const notes: string[] = []
  return {
    text,
    note: message => void notes.push(message),
    notes: () => [...notes],
    isSet: name => read(name).trim() !== '',
    secret(name) {
      const value = read(name).trim()
      maskSecret(value)
      return value
    },
    secretOrPath(name) {
      const value = read(name).trim()
      if (!looksLikePath(value)) maskSecret(value)
      return value
    },
    list: name => splitList(read(name)),
    bool(name, fallback) {
      const value = text(name)
      if (value === '') return fallback
      if (TRUE.includes(value)) return true
      if (FALSE.includes(value)) return false
      throw new InputError(name, `must be true or false, got '${value}'`)
    },
    choice<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
      const value = text(name)
      if (value === '') return fallback
      const match = allowed.find(option => option === value.toLowerCase())
      if (!match) throw new InputError(name, `must be one of ${allowed.join(', ')}; got '${value}'`)
      return match
    },
    integer(name, fallback, min, max) {
      const value = text(name)
      if (value === '') return fallback
      // Plain digits only: Number() would also take 1e3, 0x384, +900 and 9e2.
      const number = /^[0-9]{1,15}$/.test(value) ? Number(value) : NaN
      if (!Number.isInteger(number) || number < min || number > max) {
        throw new InputError(name, `must be a whole number from ${min} to ${max}; got '${value}'`)
      }
      return number
    }
  }
}
