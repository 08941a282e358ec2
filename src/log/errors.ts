// Error types: ActionError (a message and a fix), InputError (names the input), and errorMessage for anything thrown.
import { safeText } from './escape.js'

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

/** Longest input value an error quotes, and longest problem text. */
const MAX_QUOTED = 120
const MAX_PROBLEM = 600

/** The problem as one safe line: each quoted value ('…') cut on its own, the whole made safe too. */
function safeProblem(problem: string): string {
  return safeText(
    problem.replace(/'([^']*)'/g, (_, value: string) => `'${safeText(value, MAX_QUOTED)}'`),
    MAX_PROBLEM
  )
}

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
    super(`Input '${input}' ${safeProblem(problem)}.`, hint)
    this.name = 'InputError'
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message
  return String(error)
}
