import * as core from '@actions/core'
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Backup, newBackupFile } from '../auth-files/backup.js'
import { readCredHelper, writeCredHelper } from '../auth-files/auth-file.js'
import type { ClientContext } from '../process/command-context.js'
import { clients } from '../clients/index.js'
import { ActionError } from '../log/errors.js'
import type { Inputs } from '../step/parse-step.js'
import { log } from '../log/log.js'
import { safeText } from '../log/escape.js'
import type { RegistryCredential } from '../types.js'
import { saveState, type HelperMapping, type PostState } from '../runner/state.js'
import { cacheEntries, writeCache } from '../credential-helper/cache.js'
import { carriedEnv, HELPER_DIR_PREFIX, helperFiles, writeHelperConfig } from '../credential-helper/config.js'
import { registryHost } from '../credential-helper/hosts.js'
import { HELPER_BINARY, HELPER_NAME } from '../credential-helper/protocol.js'

export interface HelperSetup {
  inputs: Inputs
  /** What main minted: seeds the cache and names the usernames. */
  credentials: RegistryCredential[]
  ctx: ClientContext
  state: PostState
}

/**
 * Credential-helper mode: puts `docker-credential-registry-login` on PATH for the later steps and
 * points every chosen client's auth file at it for the plan's registries (`credHelpers`), so that no
 * password is written to an auth file and every push gets a credential that is still valid.
 */
export async function installCredentialHelper({ inputs, credentials, ctx, state }: HelperSetup): Promise<void> {
  const node = process.execPath
  const script = path.join(path.dirname(process.argv[1] ?? ''), 'helper.js')
  await requireRunnable(node, script)

  const dir = mkdtempSync(path.join(ctx.env.RUNNER_TEMP || os.tmpdir(), HELPER_DIR_PREFIX))
  // Saved first: post removes the directory even if main stops half way.
  state.credentialHelper = dir
  const backup = new Backup(newBackupFile(ctx.env))
  state.backupFile = backup.file
  saveState(state)

  const files = helperFiles(dir)
  const now = Date.now()
  const usernames = Object.fromEntries(credentials.map(c => [registryHost(c.registry), c.username]))
  await writeHelperConfig(files.config, {
    version: 2,
    spec: inputs.plan,
    env: carriedEnv(ctx.env),
    usernames
  })
  await writeCache(files.cache, cacheEntries(credentials, now))
  await writeLauncher(dir, node, script, files.config, ctx.env)
  core.addPath(dir)

  for (const host of Object.keys(usernames)) {
    for (const id of inputs.clients) {
      const authFile = clients[id].authFile(ctx.env)
      await backup.remember(authFile, host)
      state.helperMappings = [...(state.helperMappings ?? []), { registry: host, authFile }]
      saveState(state)
      await writeCredHelper(authFile, host, HELPER_NAME)
      log.info`${id}: ${host} now gets its credentials from ${HELPER_BINARY} (credHelpers in ${authFile})`
    }
  }
  log.info(
    `Credential helper: ${HELPER_BINARY} is on PATH for the later steps and mints a fresh credential whenever a client needs one; no password is stored in an auth file.`
  )
}

async function requireRunnable(node: string, script: string): Promise<void> {
  try {
    accessSync(node, constants.X_OK)
    accessSync(script, constants.R_OK)
  } catch {
    throw new ActionError(
      `'credential-helper' needs the action's node (${safeText(node)}) and its helper.js (${safeText(script)}) in the later steps of the job, and one of them cannot be run.`,
      "Run the action as a JavaScript action on the runner (not copied into a container action), or set 'credential-helper: false'."
    )
  }
}

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
export async function writeLauncher(
  dir: string,
  node: string,
  script: string,
  config: string,
  env: NodeJS.ProcessEnv,
  platform = process.platform
): Promise<void> {
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

/** Removes the helper's directory: the launcher, its configuration (and key) and the credential cache. */
export async function removeCredentialHelper(dir: string): Promise<void> {
  // Only ever a directory this action made.
  if (!path.basename(dir).startsWith(HELPER_DIR_PREFIX)) throw new Error(`refusing to remove ${dir}`)
  rmSync(dir, { recursive: true, force: true })
}

/**
 * Post without a backup to restore from (lost or corrupt): each mapping main wrote that still names
 * this helper is removed, so no later docker call looks for a helper that is gone. Returns what it
 * could not unmap.
 */
export async function unmapCredentialHelper(mappings: HelperMapping[]): Promise<Array<{ mapping: HelperMapping; error: unknown }>> {
  const failures: Array<{ mapping: HelperMapping; error: unknown }> = []
  for (const mapping of mappings) {
    try {
      if ((await readCredHelper(mapping.authFile, mapping.registry)) === HELPER_NAME)
        await writeCredHelper(mapping.authFile, mapping.registry, undefined)
    } catch (error) {
      failures.push({ mapping, error })
    }
  }
  return failures
}
