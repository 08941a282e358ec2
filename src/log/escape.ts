/**
 * The one place that makes outside text (inputs, cloud replies, client output, file names) safe
 * to print: the runner treats a line that starts with `::` (or `##[`) as a workflow command, so
 * a value with a line break could otherwise write `::add-mask::`, `::stop-commands::`, … into
 * the log. Every such value goes through `safeText` before `core.info`/`warning`/`error`, and
 * through `escapeHtml` before the job summary.
 */
import { redactSecrets } from './secrets.js'

/** Longest piece of outside text a log line shows; the rest is cut with a note of its length. */
export const MAX_SHOWN = 200

// C0 and C1 controls (line breaks, \r, ESC of ANSI sequences, NUL, …) and the Unicode line and
// paragraph separators, which some log viewers also break on.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g

/**
 * One line of printable text: ANSI sequences dropped, other control characters shown as `\xNN`
 * / `\uNNNN` (so `\n` never starts a new log line), workflow-command markers broken up, and
 * anything longer than `max` characters cut.
 */
export function safeText(value: unknown, max: number = MAX_SHOWN): string {
  // Masked secrets go first: cut in half, one would no longer match the runner's mask.
  let text = redactSecrets(String(value)).replace(ANSI, '')
  const length = text.length
  if (length > max) text = text.slice(0, max)
  text = breakCommands(text).replace(CONTROL, ch => {
    const code = ch.charCodeAt(0)
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`
  })
  return length > max ? `${text}… (${length} characters, cut)` : text
}

// `::` where a line starts: at the start of the text or after a line break, blanks allowed.
const LINE_START_COLONS = /((?:^|[\n\r\u0085\u2028\u2029])[ \t]*)::/g
// `::name::` or `::name props::`, the shape of a workflow command (the runner reads the name up
// to the first space or the next `::`).
const COMMAND = /::([ \t]*[A-Za-z][\w-]*(?:[ \t][^\n\r\u0085\u2028\u2029]*?)?)::/g

/**
 * A zero-width break keeps a command from ever reading as one, wherever the text ends up (a
 * later core.info that starts with it, an annotation, a summary cell): a `::` where a line
 * starts, both `::` of anything shaped like `::name …::`, and every legacy `##[`. A lone `::`
 * inside a line (an ARN, acs:ram::123:role/ci) is no command and stays, so it can be copied.
 */
function breakCommands(text: string): string {
  return text.replace(COMMAND, ':\u200b:$1:\u200b:').replace(LINE_START_COLONS, '$1:\u200b:').replace(/##\[/g, '#\u200b#[')
}

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Text for the job summary (HTML): made safe as a log line, then HTML-escaped. */
export function escapeHtml(value: unknown, max: number = MAX_SHOWN): string {
  return safeText(value, max).replace(/[&<>"']/g, ch => HTML[ch] ?? ch)
}
