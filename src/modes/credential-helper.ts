/** Credential-helper mode: the clients' auth files name `docker-credential-registry-login`, which mints credentials on demand. */
import * as core from '@actions/core'
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { readCredHelper, writeCredHelper } from '../auth-files/auth-file.js'
import { AuthFileChanges } from '../auth-files/changes.js'
import { holderOf } from '../auth-files/claims.js'
import { fileKey } from '../auth-files/file-key.js'
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
import { registryHostWithPort } from '../credential-helper/hosts.js'
import { HELPER_BINARY, HELPER_NAME } from '../credential-helper/protocol.js'
import { writeLauncher } from './helper-launcher.js'
import type { LoginMode } from './mode.js'
import { undoChanges } from './undo.js'

export const credentialHelperMode: LoginMode = {
  // Nothing to refuse before the cloud call: the helper's own mapping takes every registry for the job.
  prepare: ({ inputs }) =>
    Promise.resolve({
      apply: (credentials, ctx, state) => installCredentialHelper({ inputs, credentials, ctx, state })
    }),
  async undo(state, ctx, within) {
    // First: its directory holds the key of a key-based login, which must not outlive the job whatever else fails.
    if (state.credentialHelper) {
      try {
        removeCredentialHelper(state.credentialHelper)
        log.info`Removed the credential helper ${state.credentialHelper} (its PATH entry stays for the rest of the job and finds nothing)`
      } catch (error) {
        log.warning`Could not remove the credential helper ${state.credentialHelper}: ${error}`
      }
    }
    await undoChanges(state, ctx, within, authFile => unmapCredentialHelper(authFile, state.helperMappings ?? [], state.claim))
  }
}

interface HelperSetup {
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
async function installCredentialHelper({ inputs, credentials, ctx, state }: HelperSetup): Promise<void> {
  const node = process.execPath
  const script = path.join(path.dirname(process.argv[1] ?? ''), 'helper.js')
  requireRunnable(node, script)

  const dir = mkdtempSync(path.join(ctx.env.RUNNER_TEMP || os.tmpdir(), HELPER_DIR_PREFIX))
  // Saved first: post removes the directory even if main stops half way.
  state.credentialHelper = dir
  const changes = AuthFileChanges.backedUp(state, ctx.env)
  saveState(state)

  const files = helperFiles(dir)
  const now = Date.now()
  const usernames = Object.fromEntries(credentials.map(c => [registryHostWithPort(c.registry), c.username]))
  writeHelperConfig(files.config, {
    version: 2,
    spec: inputs.plan,
    env: carriedEnv(ctx.env),
    usernames
  })
  writeCache(files.cache, cacheEntries(credentials, now))
  writeLauncher(dir, node, script, files.config, ctx.env)
  core.addPath(dir)

  for (const host of Object.keys(usernames)) await mapToHelper(host, inputs, ctx, changes)
  log.info(
    `Credential helper: ${HELPER_BINARY} is on PATH for the later steps and mints a fresh credential whenever a client needs one; no password is stored in an auth file.`
  )
}

/** Points every chosen client's auth file at the helper for `host`, each under the file's lock, and claims the mapping. */
async function mapToHelper(host: string, inputs: Inputs, ctx: ClientContext, changes: AuthFileChanges): Promise<void> {
  for (const id of inputs.clients) {
    const authFile = clients[id].authFile(ctx.env)
    const record = (state: PostState): void => {
      state.helperMappings = [...(state.helperMappings ?? []), { registry: host, authFile }]
    }
    await changes.writeLocked(authFile, host, () => writeCredHelper(authFile, host, HELPER_NAME), record)
    log.info`${id}: ${host} now gets its credentials from ${HELPER_BINARY} (credHelpers in ${authFile})`
  }
}

function requireRunnable(node: string, script: string): void {
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

/** Removes the helper's directory: the launcher, its configuration (and key) and the credential cache. */
export function removeCredentialHelper(dir: string): void {
  // Only ever a directory this action made.
  if (!path.basename(dir).startsWith(HELPER_DIR_PREFIX)) throw new Error(`refusing to remove ${dir}`)
  rmSync(dir, { recursive: true, force: true })
}

/**
 * Post without a backup to restore from (lost or corrupt), under the lock of `authFile`: each mapping main
 * wrote there that still names this helper is removed, so no later docker call looks for a helper that is
 * gone, unless another job's main claimed the mapping since (claims.ts: its post takes it away). Warns of
 * what it could not unmap.
 */
function unmapCredentialHelper(authFile: string, mappings: HelperMapping[], claimId: string | undefined): void {
  const key = fileKey(authFile)
  for (const mapping of mappings.filter(m => fileKey(m.authFile) === key)) {
    try {
      if (readCredHelper(mapping.authFile, mapping.registry) !== HELPER_NAME) continue
      const holder = holderOf(mapping.authFile, mapping.registry, 'mapping', { credHelper: HELPER_NAME })
      if (holder && holder !== claimId) continue // another job's helper mapping now: its post takes it away
      writeCredHelper(mapping.authFile, mapping.registry, undefined)
    } catch (error) {
      const where = `${mapping.registry} in ${mapping.authFile}`
      log.warning`The credential helper's mapping for ${where} could not be removed: ${error}`
    }
  }
}
