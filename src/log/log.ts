// The one door to the runner's log: every line escaped (log/escape.ts) and redacted before @actions/core prints it.
import * as core from '@actions/core'
import { safeText } from './escape.js'

/**
 * The only door to the job log. Every outside value, and every whole line once more, goes
 * through `safeText` (src/log/escape.ts), so no input, cloud reply, client output or file name can
 * write a workflow command:
 *
 * - as a tagged template, log.info`logged into ${registry} as ${username}`: the literal parts
 *   are the action's own words; each interpolated value is made safe and cut at MAX_SHOWN
 *   characters (a list shows its items, each made safe; an Error shows its message, cut at MAX_LINE, since its parts were escaped
 *   where they were put together);
 * - as a plain string, log.warning(message): a message composed elsewhere (a provider's
 *   warning, an error's text) is made safe as one whole line, cut at MAX_LINE.
 *
 * `core.setSecret` (::add-mask::) stays outside: it must reach the runner intact.
 */

/** Longest line the action prints; outside values inside it are cut much shorter. */
export const MAX_LINE = 4000

type Text = TemplateStringsArray | string

/** Most items of a list a line shows. */
const MAX_ITEMS = 20

function shown(value: unknown): string {
  if (value instanceof Error) return safeText(value.message, MAX_LINE)
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ITEMS).map(item => safeText(item))
    return value.length > MAX_ITEMS ? `${items.join(', ')} and ${value.length - MAX_ITEMS} more` : items.join(', ')
  }
  return safeText(value)
}

/** One safe log line from a tagged template or a composed message. */
export function line(text: Text, ...values: unknown[]): string {
  if (typeof text === 'string') return safeText(text, MAX_LINE)
  // The whole line once more: a value the template starts with must not start a command.
  return safeText(
    text.reduce((out, literal, i) => out + literal + (i < values.length ? shown(values[i]) : ''), ''),
    Infinity
  )
}

export const log = {
  info: (text: Text, ...values: unknown[]): void => core.info(line(text, ...values)),
  notice: (text: Text, ...values: unknown[]): void => core.notice(line(text, ...values)),
  warning: (text: Text, ...values: unknown[]): void => core.warning(line(text, ...values)),
  debug: (text: Text, ...values: unknown[]): void => core.debug(line(text, ...values)),
  /** The step's one ::error:: annotation and a failing exit code. */
  failed: (text: Text, ...values: unknown[]): void => core.setFailed(line(text, ...values))
}

/**
 * A writer for a client's raw output in step debug: whole lines, each made safe (a client's
 * stderr could otherwise print `::add-mask::` or `::stop-commands::`). `end` prints a last
 * line without its line break.
 */
export function safeLines(write: (text: string) => void): { push(chunk: Buffer | string): void; end(): void } {
  let pending = ''
  // A line longer than MAX_LINE is shown cut as soon as it is that long; the rest of it is not kept
  // (a client writing without line breaks must not fill the action's memory).
  let skipping = false
  return {
    push(chunk) {
      pending += chunk.toString()
      const lines = pending.split('\n')
      pending = lines.pop() ?? ''
      for (const text of lines) {
        if (!skipping) write(`${safeText(text.replace(/\r$/, ''), MAX_LINE)}\n`)
        skipping = false
      }
      if (!skipping && pending.length > MAX_LINE) {
        write(`${safeText(pending, MAX_LINE)}\n`)
        skipping = true
      }
      if (skipping) pending = ''
    },
    end() {
      if (pending && !skipping) write(`${safeText(pending, MAX_LINE)}\n`)
      pending = ''
      skipping = false
    }
  }
}
