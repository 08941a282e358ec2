// A cloud's credential inputs, read once in the cloud's own order into one record by input name.
import type { InputReader } from '../../inputs/reader.js'
import { credentialShape, type CredentialShape, type FormatTables } from '../../inputs/credential-shape.js'

/**
 * How one input is read: trimmed one-line text, a secret (masked as it is read), a secret that may
 * instead be a file path (masked unless it is a path), or the cloud's own reading.
 */
export type ReadAs = 'text' | 'secret' | 'secretOrPath' | ((inputs: InputReader) => string)

/** One input a cloud reads before it looks at 'auth', how, and (a credential) the shape it must have. */
export type CredentialInput<N extends string> = readonly [name: N, as: ReadAs, shape?: CredentialShape]

/** The values read, by input name; '' for an input that is not set. */
export type InputValues<N extends string> = Readonly<Record<N, string>>

/**
 * Reads every input of `reads`, in that order. The order is part of the behaviour: it decides which of
 * two malformed inputs is reported and in which order secrets are masked, so each cloud keeps its own.
 */
export function readInputs<N extends string>(
  inputs: InputReader,
  reads: readonly CredentialInput<N>[],
  tables: FormatTables
): InputValues<N> {
  const values: Partial<Record<N, string>> = {}
  for (const [name, as, shape] of reads) {
    const value = typeof as === 'function' ? as(inputs) : inputs[as](name)
    // Each secret is masked as it is read, before any later one's shape is checked.
    values[name] = shape ? credentialShape(name, value, shape, tables, message => inputs.note(message)) : value
  }
  return values as InputValues<N>
}

/** The first of `names` that is set. */
export function firstSet<N extends string>(values: InputValues<N>, names: readonly N[]): N | undefined {
  return names.find(name => values[name] !== '')
}
