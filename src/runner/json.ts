/** JSON read from a file (auth file, helper configuration or cache, backup, state), parsed without ever quoting the file in an error. */
/*
 * Why: V8's SyntaxError quotes the start of the text (`Unexpected token 'e', "eyJhdXRoIj"... is not valid
 * JSON`), and the start of an auth file that is not JSON can be the start of a base64 `auth`. The error here
 * says only what is wrong and where (numbers taken from V8's message, never its text).
 */

/** A file's text that is not JSON; the message says what is wrong and where, never what the text holds. */
export class JsonSyntaxError extends Error {
  constructor(reason: string) {
    super(reason)
    this.name = 'JsonSyntaxError'
  }
}

/** What is wrong with text JSON.parse refused, in words that quote nothing of it ("is not valid JSON at line 2, column 5"). */
export function jsonProblem(text: string, error: unknown): string {
  if (text.trim() === '') return 'is empty'
  const message = error instanceof Error ? error.message : ''
  if (/end of JSON input/i.test(message)) return 'is not valid JSON: it ends early'
  const at = /at position (\d+)/.exec(message)?.[1]
  if (at === undefined) return 'is not valid JSON'
  const before = text.slice(0, Number(at)).split('\n')
  return `is not valid JSON at line ${before.length}, column ${(before.at(-1) ?? '').length + 1}`
}

/** JSON.parse of a file's text; a JsonSyntaxError that quotes none of the text when it is not JSON. */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch (error) {
    throw new JsonSyntaxError(jsonProblem(text, error))
  }
}
