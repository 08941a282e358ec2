/** Isolated-config mode: a fresh per-job directory for every client's auth file, the job's other modes run inside it. */
import * as core from '@actions/core'
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { containersAuthFile } from '../clients/containers.js'
import { dockerConfigDir } from '../clients/docker-paths.js'
import { helm } from '../clients/helm.js'
import { ActionError, errorMessage } from '../log/errors.js'
import { readTextFile, writePrivateFile } from '../runner/files.js'
import { JsonSyntaxError, parseJsonText } from '../runner/json.js'
import { log } from '../log/log.js'
import { safeText } from '../log/escape.js'
import type { ClientContext } from '../process/command-context.js'
import { saveState, type PostState } from '../runner/state.js'
import type { LoginMode } from './mode.js'

/** Auth-file locations of a per-job config directory, as the variables the clients read. */
export type IsolatedEnv = Record<'DOCKER_CONFIG' | 'REGISTRY_AUTH_FILE' | 'HELM_REGISTRY_CONFIG', string>

const PREFIX = 'registry-login-config-'

/**
 * A fresh 0700 directory under RUNNER_TEMP for every client's credentials, so that concurrent jobs
 * on a shared self-hosted runner never read, overwrite or log out each other's logins. The user's
 * docker setup comes along, less its credentials (see `carryOverDocker`).
 */
export function createIsolatedConfig(env: NodeJS.ProcessEnv): { dir: string; env: IsolatedEnv } {
  const base = env.RUNNER_TEMP || os.tmpdir()
  mkdirSync(base, { recursive: true })
  const dir = mkdtempSync(path.join(base, PREFIX))
  const isolated: IsolatedEnv = {
    DOCKER_CONFIG: path.join(dir, 'docker'),
    REGISTRY_AUTH_FILE: path.join(dir, 'containers', 'auth.json'),
    HELM_REGISTRY_CONFIG: path.join(dir, 'helm', 'registry.json')
  }
  const from = dockerConfigDir(env)
  const chained = isIsolated(from)
  try {
    carryOverDocker(from, isolated.DOCKER_CONFIG, chained)
    if (chained) {
      // An earlier isolated step of this job: its logins are this job's own, so later steps keep them.
      copyIfPresent(containersAuthFile(env), isolated.REGISTRY_AUTH_FILE)
      copyIfPresent(helm.authFile(env), isolated.HELM_REGISTRY_CONFIG)
    }
  } catch (error) {
    // Post knows of the directory only once main has it: what cannot be handed over is removed here.
    rmSync(dir, { recursive: true, force: true })
    throw new ActionError(
      `Could not carry the docker setup in ${safeText(from)} over to the isolated config: ${safeText(errorMessage(error))}.`,
      `Fix or remove that entry of the docker config directory (DOCKER_CONFIG) in an earlier step, or set 'isolated-config: false'.`
    )
  }
  return { dir, env: isolated }
}

/** A directory inside one this action made (an earlier `isolated-config` step of the same job). */
function isIsolated(dir: string): boolean {
  return path.basename(path.dirname(dir)).startsWith(PREFIX)
}

/**
 * What the user's docker config directory holds besides credentials, made available in the
 * isolated one, so that steps before (docker/setup-buildx-action) and after
 * (docker/build-push-action) keep working:
 *
 * - config.json is copied without `auths` (the logins) and without `credsStore` (a global store
 *   would take this job's logins out of the per-job directory into the store every job shares).
 *   Everything else stays: `credHelpers` (helpers such as ecr-login mint credentials from the
 *   job's own identity; they are setup, not stored logins), `proxies`, `currentContext`,
 *   `aliases`, `plugins`, …
 * - contexts/ is copied: a `docker context create`/`use` in a later step stays in this job.
 * - every other entry (cli-plugins/, buildx/, …) is linked: plugins are large binaries only read,
 *   and buildx state is shared on purpose, so the builder setup-buildx-action made before is the
 *   one build-push-action finds after, and setup-buildx-action's post still removes it.
 *
 * From an earlier isolated directory of the same job, everything is carried over, logins included.
 */
export function carryOverDocker(from: string, to: string, keepLogins = false): void {
  mkdirSync(to, { recursive: true, mode: 0o700 })
  let names: string[]
  try {
    names = readdirSync(from)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return
    throw error
  }
  for (const name of names) {
    const source = path.join(from, name)
    const target = path.join(to, name)
    if (name === 'config.json') copyConfig(source, target, keepLogins)
    else if (name.startsWith('config.json'))
      continue // a client's temporary or lock file
    else if (name === 'contexts') cpSync(source, target, { recursive: true, verbatimSymlinks: true })
    else linkEntry(source, target)
  }
}

/**
 * How an entry is made available in the isolated directory. A symlink needs admin rights or Developer Mode
 * on Windows, so there a directory is linked by a junction (which needs neither) and a file is copied.
 */
export function linkKind(os: NodeJS.Platform, isDirectory: boolean): 'symlink' | 'junction' | 'copy' {
  if (os !== 'win32') return 'symlink'
  return isDirectory ? 'junction' : 'copy'
}

function linkEntry(source: string, target: string): void {
  const windows = process.platform === 'win32'
  const kind = linkKind(process.platform, windows && (statSync(source, { throwIfNoEntry: false })?.isDirectory() ?? false))
  if (kind === 'copy') cpSync(source, target, { dereference: true, recursive: true })
  // a junction needs an absolute target
  else if (kind === 'junction') symlinkSync(path.resolve(source), target, 'junction')
  else symlinkSync(source, target)
}

function copyConfig(source: string, target: string, keepLogins: boolean): void {
  let config: unknown
  try {
    const text = readTextFile(source)
    if (text === undefined) return // gone since the directory was listed (or a dangling link): nothing to carry
    config = parseJsonText(text)
  } catch (error) {
    // Never the parser's own message: V8 quotes the start of the file, which can be the start of a base64 `auth`.
    const why = error instanceof JsonSyntaxError ? error.message : `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`
    log.warning`The docker config ${source} is not carried over to the isolated config: it cannot be read as JSON (it ${why}).`
    return
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) return
  const { auths, credsStore, ...all } = config as Record<string, unknown>
  // Helper mappings docker cannot read (an array, a number) would fail this job's routing check; docker drops them anyway.
  const settings = Object.fromEntries(
    Object.entries(all).flatMap(([key, value]) => (key === 'credHelpers' ? readableHelpers(value) : [[key, value]]))
  )
  const kept = keepLogins ? { ...settings, ...(auths ? { auths } : {}), ...(credsStore ? { credsStore } : {}) } : settings
  writePrivateFile(target, `${JSON.stringify(kept, null, 2)}\n`)
}

function readableHelpers(value: unknown): Array<[string, unknown]> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return []
  return [['credHelpers', Object.fromEntries(Object.entries(value).filter(([, helper]) => typeof helper === 'string'))]]
}

function copyIfPresent(source: string, target: string): void {
  let text: string | undefined
  try {
    text = readTextFile(source)
  } catch {
    return
  }
  if (text !== undefined) writePrivateFile(target, text)
}

export function removeIsolatedConfig(dir: string): void {
  // Only ever a directory this action made; rmSync removes the links in it, never what they point to.
  if (!path.basename(dir).startsWith(PREFIX)) throw new Error(`refusing to remove ${dir}`)
  rmSync(dir, { recursive: true, force: true })
}

/**
 * Isolation stays opt-in, with a notice on self-hosted runners: switched on by itself it would
 * change DOCKER_CONFIG for every later step, so logins made by earlier steps (docker/login-action
 * to another registry) and a runner-wide credsStore would vanish for them, and a self-hosted runner
 * that runs one job at a time (ephemeral runners, ARC pods) gains nothing. Jobs sharing a config
 * are protected anyway: post touches an entry only while it still holds this step's login.
 */
export function adviseIsolation(env: NodeJS.ProcessEnv, isolated: boolean): void {
  if (isolated || env.RUNNER_ENVIRONMENT !== 'self-hosted') return
  log.notice(
    "Self-hosted runner: jobs running at the same time share the clients' auth files. Set 'isolated-config: true' to keep this job's logins in a per-job directory (docker plugins, buildx builders, contexts and settings are carried over)."
  )
}

/**
 * `isolated-config: true`: `inner` (auth files or the credential helper) logs in inside a fresh per-job
 * directory, made at apply and exported to the later steps; post undoes `inner`, then removes the directory.
 */
export function isolatedConfigMode(inner: LoginMode): LoginMode {
  return {
    async prepare(step) {
      const login = await inner.prepare({ ...step, freshFiles: true })
      return {
        async apply(credentials, ctx, state) {
          await login.apply(credentials, isolate(ctx, state, step.inputs.logout), state)
        }
      }
    },
    async undo(state, ctx, within) {
      await inner.undo(state, ctx, within)
      if (!state.isolatedConfig) return
      try {
        removeIsolatedConfig(state.isolatedConfig)
        log.info`Removed the isolated config ${state.isolatedConfig}`
      } catch (error) {
        log.warning`Could not remove the isolated config ${state.isolatedConfig}: ${error}`
      }
    }
  }
}

/** Points the clients, and the job's later steps, at a fresh per-job config directory. */
function isolate(ctx: ClientContext, state: PostState, removeInPost: boolean): ClientContext {
  const { dir, env } = createIsolatedConfig(ctx.env)
  if (removeInPost) {
    state.isolatedConfig = dir
    saveState(state)
  }
  for (const [name, value] of Object.entries(env)) core.exportVariable(name, value)
  log.info`Isolated config: the clients' credentials go to ${dir} (DOCKER_CONFIG, REGISTRY_AUTH_FILE and HELM_REGISTRY_CONFIG are set for the later steps).`
  return { ...ctx, env: { ...ctx.env, ...env } }
}
