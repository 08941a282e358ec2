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

/** Bad or missing input: the message always names the input. */
export class InputError extends ActionError {
  constructor(
    readonly input: string,
    problem: string,
    hint?: string
  ) {
    super(`Input '${input}' ${problem}.`, hint)
    this.name = 'InputError'
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message
  return String(error)
}
