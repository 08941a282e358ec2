import * as core from '@actions/core'
import { Backup, newBackupFile } from './auth-files/backup.js'
import { requireClients } from './clients/availability.js'
import type { ClientContext } from './process/command-context.js'
import { clients } from './clients/index.js'
import { mint } from './providers/index.js'
import { StoragePlans } from './auth-files/routing.js'
import { clientContext, providerContext } from './step/context.js'
import { ActionError } from './log/errors.js'
import { createInputReader } from './inputs/reader.js'
import { parseStep, type Inputs } from './step/parse-step.js'
import type { ProviderContext } from './providers/provider.js'
import type { RegistryCredential } from './types.js'
import { maskCredential } from './log/secrets.js'
import { adviseIsolation, createIsolatedConfig } from './modes/isolated-config.js'
import { log } from './log/log.js'
import { runPerAuthFile } from './auth-files/per-file.js'
import { saveState, type PostState } from './runner/state.js'
import { skipLogin, writeOutputs } from './step/outputs.js'
import { writeSummary } from './step/summary.js'
import { installCredentialHelper } from './modes/credential-helper.js'

export interface MainDeps {
  providerContext: ProviderContext
  clientContext: ClientContext
}

export async function runMain(deps?: MainDeps): Promise<void> {
  try {
    const parsed = parseStep(createInputReader())
    if (parsed.skipped) return skipLogin(parsed)
    const inputs = parsed
    for (const { level, message } of inputs.notices) level === 'warning' ? log.warning(message) : log.info(message)
    const { providerContext: pctx, clientContext: shared } = deps ?? { providerContext: providerContext(), clientContext: clientContext() }
    const chosen = inputs.clients.map(id => clients[id])
    await requireClients(chosen, shared)
    // A credential helper or store in the way fails here, before any cloud call. Credential-helper mode
    // stores nothing in the files: its own mapping takes every registry for the job.
    const storage = inputs.credentialHelper
      ? undefined
      : await StoragePlans.make(chosen, inputs.plan.registries, shared, { authFiles: !inputs.isolatedConfig })

    log.info`Logging into ${inputs.plan.registries} (${inputs.provider}: ${inputs.plan.method})`
    const credentials = await mint(inputs.plan, pctx)
    for (const credential of credentials) maskCredential(credential.username, credential.password)

    const state: PostState = { version: 1, logins: [] }
    adviseIsolation(shared.env, inputs.isolatedConfig)
    const cctx = inputs.isolatedConfig ? await isolate(shared, state, inputs.logout) : shared
    if (storage)
      await logIn(
        inputs,
        credentials,
        cctx,
        state,
        inputs.isolatedConfig ? await StoragePlans.make(chosen, inputs.plan.registries, cctx) : storage
      )
    else await installCredentialHelper({ inputs, credentials, ctx: cctx, state })
    writeOutputs(inputs, credentials)
    writeSummary(inputs, credentials)
  } catch (error) {
    log.failed`registry-login: ${error}`
    // An ActionError is the message; only an unexpected error's stack helps (in the debug log).
    if (!(error instanceof ActionError) && error instanceof Error && error.stack) log.debug(error.stack)
  }
}

/** Points the clients, and the job's later steps, at a fresh per-job config directory. */
async function isolate(ctx: ClientContext, state: PostState, removeInPost: boolean): Promise<ClientContext> {
  const { dir, env } = await createIsolatedConfig(ctx.env)
  if (removeInPost) {
    state.isolatedConfig = dir
    saveState(state)
  }
  for (const [name, value] of Object.entries(env)) core.exportVariable(name, value)
  log.info`Isolated config: the clients' credentials go to ${dir} (DOCKER_CONFIG, REGISTRY_AUTH_FILE and HELM_REGISTRY_CONFIG are set for the later steps).`
  return { ...ctx, env: { ...ctx.env, ...env } }
}

async function logIn(
  inputs: Inputs,
  credentials: RegistryCredential[],
  ctx: ClientContext,
  state: PostState,
  storage: StoragePlans
): Promise<void> {
  let backup: Backup | undefined
  if (inputs.logout) {
    backup = new Backup(newBackupFile(ctx.env))
    state.backupFile = backup.file
  } else {
    log.info("'logout' is false: the credentials stay in the clients' auth files after the job.")
  }
  const logins = credentials.flatMap(credential => inputs.clients.map(id => ({ credential, id, authFile: clients[id].authFile(ctx.env) })))
  await runPerAuthFile(logins, async ({ credential, id, authFile }) => {
    const client = clients[id]
    if (backup) {
      await backup.remember(authFile, credential.registry)
      // Saved before the login so that post undoes it even if the login fails half way.
      state.logins.push({ client: id, registry: credential.registry, authFile })
      saveState(state)
    }
    await storage.apply(authFile, credential.registry, backup)
    await client.login(credential, authFile, ctx)
    await backup?.noteWritten(authFile, credential.registry)
    log.info`${client.id}: logged into ${credential.registry} as ${credential.username}`
  })
}
