/** The credential helper's launcher (`docker-credential-registry-login`, a shell script or a batch file) for the later steps. */
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { log } from '../log/log.js'
import { HELPER_BINARY } from '../credential-helper/protocol.js'

const shQuote = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`
// A batch file expands %NAME% even inside double quotes (a user or RUNNER_TEMP with % in its name); %% is a literal %.
const cmdEscape = (value: string): string => value.replace(/%/g, '%%')
const cmdQuote = (value: string): string => `"${cmdEscape(value)}"`

/**
 * A value a batch file can hold literally inside `set "NAME=…"`: the quotes keep & | < > ^ literal and
 * %% is a literal %, but a quote would end the quoting, a line break would end the line, and a `!` is
 * expanded where delayed expansion is on (the runner's registry decides) with no escape that holds
 * either way. None of these can be in a Windows path anyway.
 */
const cmdSafe = (value: string): boolean => !/["!\x00-\x1f\x7f]/.test(value)

/** The launcher's line that passes on main's CA bundle unless the calling step sets its own. */
function cmdCaLine(ca: string | undefined): string[] {
  if (!ca) return []
  if (!cmdSafe(ca)) {
    log.warning`credential-helper: NODE_EXTRA_CA_CERTS (${ca}) has a character a Windows batch file cannot hold literally; the helper runs without it unless the calling step sets NODE_EXTRA_CA_CERTS itself.`
    return []
  }
  // setlocal: the variable stays the helper's, even when a batch file calls the launcher.
  return ['setlocal', `if not defined NODE_EXTRA_CA_CERTS set "NODE_EXTRA_CA_CERTS=${cmdEscape(ca)}"`]
}

/** A launcher that runs the action's own bundled helper with the node that runs the action. */
export function writeLauncher(
  dir: string,
  node: string,
  script: string,
  config: string,
  env: NodeJS.ProcessEnv,
  platform = process.platform
): void {
  if (platform === 'win32') {
    const cmd = [
      '@echo off',
      ...cmdCaLine(env.NODE_EXTRA_CA_CERTS),
      `${cmdQuote(node)} ${cmdQuote(script)} ${cmdQuote(config)} %*`,
      ''
    ].join('\r\n')
    writeFileSync(path.join(dir, `${HELPER_BINARY}.cmd`), cmd, { mode: 0o700 })
    return
  }
  const lines = ['#!/bin/sh', `# The docker credential helper of the registry-login action, for this job only (its post step removes it).`]
  // The CA bundle main trusted for the cloud calls, unless the calling step sets its own.
  if (env.NODE_EXTRA_CA_CERTS)
    lines.push(`[ -n "$NODE_EXTRA_CA_CERTS" ] || { NODE_EXTRA_CA_CERTS=${shQuote(env.NODE_EXTRA_CA_CERTS)}; export NODE_EXTRA_CA_CERTS; }`)
  lines.push(`exec ${shQuote(node)} ${shQuote(script)} ${shQuote(config)} "$@"`, '')
  writeFileSync(path.join(dir, HELPER_BINARY), lines.join('\n'), { mode: 0o700 })
}
