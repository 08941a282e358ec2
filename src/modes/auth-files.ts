/** Auth-files mode: each chosen client logs into its own auth file, routed there past any helper or store; post logs out and restores. */
import { AuthFileChanges } from '../auth-files/changes.js'
import { runPerAuthFile } from '../auth-files/concurrency.js'
import { refuseRegistriesConfHelpers, StoragePlans } from '../auth-files/routing.js'
import { clients } from '../clients/index.js'
import { log } from '../log/log.js'
import type { ClientContext } from '../process/command-context.js'
import type { PostState } from '../runner/state.js'
import type { Inputs } from '../step/parse-step.js'
import type { RegistryCredential } from '../types.js'
import type { LoginMode } from './mode.js'
import { undoChanges } from './undo.js'

export const authFilesMode: LoginMode = {
  async prepare({ inputs, ctx, freshFiles }) {
    const chosen = inputs.clients.map(id => clients[id])
    const { registries } = inputs.plan
    // A credential helper or store in the way fails here, before any cloud call. Fresh files (an isolated
    // config, made at apply) hold none yet: registries.conf is checked now, the files at apply.
    let planned: StoragePlans | undefined
    if (freshFiles) refuseRegistriesConfHelpers(chosen, registries, ctx.env)
    else planned = await StoragePlans.make(chosen, registries, ctx)
    return {
      async apply(credentials, applyCtx, state) {
        const plans = planned ?? (await StoragePlans.make(chosen, registries, applyCtx))
        await logIn(inputs, credentials, applyCtx, state, plans)
      }
    }
  },
  undo: (state, ctx, within) => undoChanges(state, ctx, within)
}

/** Every client into every registry: those into one auth file one after another, different files at the same time. */
async function logIn(
  inputs: Inputs,
  credentials: RegistryCredential[],
  ctx: ClientContext,
  state: PostState,
  plans: StoragePlans
): Promise<void> {
  const changes = inputs.logout ? AuthFileChanges.backedUp(state, ctx.env) : new AuthFileChanges(state, ctx.env)
  if (!inputs.logout) log.info("'logout' is false: the credentials stay in the clients' auth files after the job.")
  const logins = credentials.flatMap(credential => inputs.clients.map(id => ({ credential, id, authFile: clients[id].authFile(ctx.env) })))
  await runPerAuthFile(logins, async ({ credential, id, authFile }) => {
    const client = clients[id]
    const { registry } = credential
    const login = async (): Promise<void> => {
      plans.route(authFile, registry, changes)
      await client.login(credential, authFile, ctx)
    }
    await changes.login(authFile, registry, login, recorded => recorded.logins.push({ client: id, registry, authFile }))
    log.info`${client.id}: logged into ${registry} as ${credential.username}`
  })
}
