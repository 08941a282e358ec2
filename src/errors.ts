import { safeText } from './log-safe.js'

/** An error the user can act on: what went wrong, and optionally what would fix it. */
export class ActionError extends Error {
  constructor(
    message: string,
    readonly hint?: string
  ) {
    super(hint ? `${message} ${hint}` : message)
    this.name = 'ActionError'
  }
}

/** Longest problem text an input error shows: a quoted input value is cut well before this. */
const MAX_PROBLEM = 400

/**
 * Bad or missing input: the message always names the input. The problem may quote the value: it is
 * made one safe line here (controls escaped, ANSI dropped, `::` broken, cut), so callers never have to.
 */
export class InputError extends ActionError {
  constructor(
    readonly input: string,
    problem: string,
    hint?: string
  ) {
    super(`Input '${input}' ${safeText(problem, MAX_PROBLEM)}.`, hint)
    this.name = 'InputError'
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message
  return String(error)
}
