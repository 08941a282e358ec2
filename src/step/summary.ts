/**
 * The job summary of a login: one table of what the step logged into. Written here rather than with
 * @actions/core's summary builder, whose module starts node's fs.promises (and a thread pool) just by
 * being loaded; every value from outside goes through escapeHtml.
 */
import { appendFileSync } from 'node:fs'
import type { Inputs } from './parse-step.js'
import { escapeHtml } from '../log/escape.js'
import { log } from '../log/log.js'
import { fileFault } from '../runner/faults.js'
import { expiryText } from './outputs.js'
import type { RegistryCredential } from '../types.js'

const row = (cells: string[], tag: 'th' | 'td'): string => `<tr>${cells.map(cell => `<${tag}>${cell}</${tag}>`).join('')}</tr>`

export function summaryHtml(inputs: Inputs, credentials: readonly RegistryCredential[]): string {
  const rows = credentials.map(c =>
    row(
      [escapeHtml(c.registry), escapeHtml(c.username), expiryText(c.expiresAt) ?? 'not reported', escapeHtml(inputs.clients.join(', '))],
      'td'
    )
  )
  return [
    '<h3>Registry login</h3>',
    `Provider <code>${escapeHtml(inputs.provider)}</code>, ${escapeHtml(inputs.plan.method)}.`,
    `<table>${row(['Registry', 'Username', 'Expires', 'Clients'], 'th')}${rows.join('')}</table>`,
    inputs.logout ? 'The post step logs every client out and restores earlier entries.' : 'Logout at the end of the job is off.',
    ''
  ].join('\n')
}

/** Appends the summary to the step's GITHUB_STEP_SUMMARY file, when the runner gives one; one that cannot be written is a warning. */
export function writeSummary(inputs: Inputs, credentials: readonly RegistryCredential[]): void {
  const file = process.env.GITHUB_STEP_SUMMARY
  if (!file) return
  try {
    appendFileSync(file, summaryHtml(inputs, credentials))
  } catch (error) {
    // The login is done: a summary that cannot be written does not fail it.
    const fault = fileFault(error, 'The job summary (GITHUB_STEP_SUMMARY)', file, 'written')
    log.warning(`${fault.message} The login succeeded; only its summary is missing.`)
  }
}
