import { ActionError } from '../log/errors.js'
import { log } from '../log/log.js'
import { safeText } from '../log/escape.js'
import type { Backup } from './backup.js'
import { readCredHelper, readStorageSettings, writeCredHelper, type StorageSettings } from './auth-file.js'
import type { ClientContext } from '../process/command-context.js'
import { externalCredentialHelpers } from './registries-conf.js'

/**
 * How a client reads the credential settings of its docker-format auth file. Every client honours
 * `credHelpers[registry]` first; they differ in the rest:
 * - docker (docker/cli configfile `getConfiguredCredentialStore`): `credHelpers[registry]` when the
 *   key exists, and '' there means "the file"; else `credsStore`.
 * - podman, buildah, skopeo (containers/image `pkg/docker/config`): an existing key names a helper,
 *   even '' (which then fails as `docker-credential-`); `credsStore` is ignored.
 * - helm, oras (oras-go v2 `credentials.DynamicStore`): a non-empty `credHelpers[registry]`, else
 *   `credsStore`, so '' falls through to the store; with nothing configured at all they use the
 *   platform's store when its helper is on PATH, and write it back as `credsStore`.
 */
export interface StorageRules {
  emptyHelper: 'file' | 'helper' | 'credsStore'
  credsStore: boolean
  detectsPlatformStore: boolean
  /** containers/image: registries.conf `credential-helpers` may put other helpers before (or after) the auth file. */
  registriesConf: boolean
  /** docker: `logout host` also erases `http://host` and `https://host`, each through its own mapping. */
  logoutErasesSchemes: boolean
}

export const DOCKER_RULES: StorageRules = {
  emptyHelper: 'file',
  credsStore: true,
  detectsPlatformStore: false,
  registriesConf: false,
  logoutErasesSchemes: true
}
export const CONTAINERS_RULES: StorageRules = {
  emptyHelper: 'helper',
  credsStore: false,
  detectsPlatformStore: false,
  registriesConf: true,
  logoutErasesSchemes: false
}
export const ORAS_GO_RULES: StorageRules = {
  emptyHelper: 'credsStore',
  credsStore: true,
  detectsPlatformStore: true,
  registriesConf: false,
  logoutErasesSchemes: false
}

/** The helper name this action's credential-helper mode maps registries to (`docker-credential-registry-login`). */
export const OWN_HELPER = 'registry-login'

/** Where one client would keep a registry's credential. */
export type Destination =
  | { kind: 'file' }
  /** `credHelpers[registry]` names this helper. */
  | { kind: 'helper'; helper: string }
  /** A store for every registry: `credsStore`, or the platform store oras-go detects. */
  | { kind: 'store'; store: string; detected: boolean }

/** The settings as a client sees them, plus the platform store oras-go would detect ('' for none). */
export interface StorageView extends StorageSettings {
  platformStore: string
}

export function destination(rules: StorageRules, view: StorageView): Destination {
  const helper = view.credHelper
  if (helper !== undefined && (helper !== '' || rules.emptyHelper === 'helper')) return { kind: 'helper', helper }
  if (helper === '' && rules.emptyHelper === 'file') return { kind: 'file' }
  if (rules.credsStore && view.credsStore) return { kind: 'store', store: view.credsStore, detected: false }
  const configured = view.othersConfigured || helper !== undefined
  if (rules.detectsPlatformStore && !configured && view.platformStore) return { kind: 'store', store: view.platformStore, detected: true }
  return { kind: 'file' }
}

/** One client that keeps credentials in the auth file being planned. */
export interface StorageUser {
  id: string
  storage: StorageRules
}

/** What to do with `credHelpers[registry]` of one auth file so that every client using it logs into the file. */
export type StoragePlan =
  | { kind: 'file' }
  /**
   * For the job, set the mapping to `credHelper` ('' or, with undefined, no mapping), and to '' for
   * `aliases`; `from` is what it replaces.
   */
  | { kind: 'route'; credHelper: '' | undefined; aliases: string[]; from: Array<{ client: string; destination: Elsewhere }> }

/**
 * Decides, from the file's settings, how `registry` gets to the file for every client in `users`
 * (the clients sharing this auth file), or throws an error naming the helper or store in the way.
 */
export function planStorage(users: StorageUser[], view: StorageView, registry: string, authFile: string): StoragePlan {
  const { credHelper: current, ...rest } = view
  const where = (credHelper: string | undefined): Destination[] =>
    users.map(user => destination(user.storage, credHelper === undefined ? rest : { ...rest, credHelper }))
  const now = where(current)
  if (now.every(d => d.kind === 'file')) return { kind: 'file' }
  const from = users.flatMap((user, i) => {
    const d = now[i]!
    return d.kind === 'file' ? [] : [{ client: user.id, destination: d }]
  })
  // '' keeps the key where it was for docker-style readers; no key is the only file route for the containers tools.
  for (const credHelper of ['', undefined] as const) {
    if (where(credHelper).every(d => d.kind === 'file'))
      return { kind: 'route', credHelper, aliases: logoutAliases(users, view, registry, credHelper), from }
  }
  throw blockedError(users, where, registry, authFile)
}

/** With a credsStore, the `http://` and `https://` forms docker's logout erases would reach the store: they go to the file for the job too. */
function logoutAliases(users: StorageUser[], view: StorageView, registry: string, credHelper: '' | undefined): string[] {
  const erasesAliases = users.some(user => user.storage.logoutErasesSchemes)
  return credHelper === '' && view.credsStore && erasesAliases ? [`http://${registry}`, `https://${registry}`] : []
}

/** A destination other than the file. */
export type Elsewhere = Exclude<Destination, { kind: 'file' }>

function blockedError(
  users: StorageUser[],
  where: (credHelper: string | undefined) => Destination[],
  registry: string,
  authFile: string
): ActionError {
  const withEmpty = where('')
  const withNone = where(undefined)
  const file = safeText(authFile)
  const stuck = users.findIndex((_, i) => withEmpty[i]!.kind !== 'file' && withNone[i]!.kind !== 'file')
  if (stuck >= 0) {
    const id = users[stuck]!.id
    // Only a credsStore gets here: '' makes a file "configured", so oras-go detects no platform store.
    const d = withNone[stuck] as Elsewhere
    return new ActionError(
      `Client '${id}' would keep the login for ${registry} in ${describe(d)} (${file}), and no credHelpers setting points it at the file for that registry alone: ` +
        `continuing would replace the credential that store holds for ${registry}, and post's logout would erase it.`,
      `Set 'isolated-config: true' (a fresh per-job config), remove "credsStore" from ${file}, or drop '${id}' from 'clients'.`
    )
  }
  // Every client has a route, but not the same one: docker-style readers need '', the containers tools no key.
  const needEmpty = users.filter((_, i) => withNone[i]!.kind !== 'file')
  const needNone = users.filter((_, i) => withEmpty[i]!.kind !== 'file')
  const d = withNone[users.indexOf(needEmpty[0]!)] as Elsewhere
  return new ActionError(
    `Clients ${needEmpty.map(u => `'${u.id}'`).join(', ')} and ${needNone.map(u => `'${u.id}'`).join(', ')} share ${file}, which hands ${registry} to ${describe(d)}: ` +
      `the first need credHelpers["${registry}"] = "" to write the file, the others read "" as a helper name, so continuing would either break their login or let post erase the credential that store holds for ${registry}.`,
    "Set 'isolated-config: true', or give the containers tools their own auth file (REGISTRY_AUTH_FILE)."
  )
}

function label(d: Elsewhere): string {
  return `docker-credential-${safeText(d.kind === 'helper' ? d.helper : d.store, 60)}`
}

function describe(d: Elsewhere): string {
  if (d.kind === 'helper') return `the credential helper '${safeText(d.helper, 60)}' (${label(d)}, credHelpers)`
  return d.detected
    ? `the platform credential store '${safeText(d.store, 60)}' (${label(d)})`
    : `the credential store '${safeText(d.store, 60)}' (${label(d)}, credsStore)`
}

/** The store oras-go would pick on this platform when the file configures nothing, if its helper is on PATH. */
async function platformStore(ctx: ClientContext): Promise<string> {
  let store = 'secretservice'
  if (process.platform === 'darwin') store = 'osxkeychain'
  else if (process.platform === 'win32') store = 'wincred'
  else if (await ctx.which('pass')) store = 'pass'
  return (await ctx.which(`docker-credential-${store}`)) ? store : ''
}

/** Reads the file's settings as the clients will see them. */
export async function readStorageView(authFile: string, registry: string, users: StorageUser[], ctx: ClientContext): Promise<StorageView> {
  const settings = await readStorageSettings(authFile, registry)
  const detects = users.some(u => u.storage.detectsPlatformStore) && !settings.othersConfigured
  return { ...settings, platformStore: detects ? await platformStore(ctx) : '' }
}

/** A client's auth file for this job's environment, with what it reads there. */
export interface StorageClient extends StorageUser {
  authFile(env: NodeJS.ProcessEnv): string
}

/** The plans for every (auth file, registry) the chosen clients touch. */
export class StoragePlans {
  private readonly plans = new Map<string, StoragePlan>()

  private static key(authFile: string, registry: string): string {
    return `${authFile}\n${registry}`
  }

  /**
   * Plans every registry for every auth file; throws (before any cloud call) when one cannot be kept
   * safe. `authFiles: false` checks only what no auth file changes (registries.conf), for an isolated
   * config that does not exist yet.
   */
  static async make(
    clients: StorageClient[],
    registries: string[],
    ctx: ClientContext,
    options = { authFiles: true }
  ): Promise<StoragePlans> {
    const plans = new StoragePlans()
    const containers = clients.find(c => c.storage.registriesConf)
    if (containers) await refuseRegistriesConfHelpers(containers.id, registries, ctx.env)
    if (!options.authFiles) return plans
    const byFile = new Map<string, StorageClient[]>()
    for (const client of clients) {
      const file = client.authFile(ctx.env)
      byFile.set(file, [...(byFile.get(file) ?? []), client])
    }
    for (const [file, users] of byFile) {
      for (const registry of registries) {
        const view = await readStorageView(file, registry, users, ctx)
        plans.plans.set(StoragePlans.key(file, registry), planStorage(users, view, registry, file))
      }
    }
    return plans
  }

  /**
   * Routes `registry` to the file for the job and says so, once per auth file and registry; `backup`
   * remembers the mappings it replaces for post (none with `logout: false`: they stay).
   */
  async apply(authFile: string, registry: string, backup: Backup | undefined): Promise<void> {
    const key = StoragePlans.key(authFile, registry)
    const plan = this.plans.get(key)
    if (!plan || plan.kind === 'file') return
    this.plans.set(key, { kind: 'file' })
    await backup?.remember(authFile, registry)
    await routeToFile(authFile, registry, plan.credHelper)
    for (const alias of plan.aliases) {
      if ((await readCredHelper(authFile, alias)) !== undefined) continue
      await backup?.remember(authFile, alias)
      await routeToFile(authFile, alias, '')
    }
    const restored = backup !== undefined
    const foreign = plan.from.filter(f => !(f.destination.kind === 'helper' && f.destination.helper === OWN_HELPER))
    if (foreign.length === 0) {
      log.debug`${registry}: routed from this action's own credential helper to ${authFile} for the job`
      return
    }
    const clients = [...new Set(plan.from.map(f => f.client))].join(', ')
    const places = [...new Set(foreign.map(f => describe(f.destination)))].join(' and ')
    const mapping = plan.credHelper === '' ? `credHelpers["${registry}"] = ""` : `no credHelpers entry for ${registry}`
    const after = restored ? 'post puts the mapping back as it was' : "'logout' is false, so the mapping stays changed after the job"
    // the parts were made safe above; log.notice escapes the whole line once more
    log.notice(
      `${registry}: ${safeText(authFile)} hands it to ${places}; for this job ${clients} will store this login in the file instead (${mapping}), so nothing in that helper or store is read, replaced or erased; ${after}.`
    )
  }
}

/**
 * The containers tools store a login in the first registries.conf credential helper that takes it and
 * erase a logout from every one, whatever the auth file says: no route exists, so refuse.
 */
async function refuseRegistriesConfHelpers(client: string, registries: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const { helpers, file } = await externalCredentialHelpers(env)
  if (helpers.length === 0) return
  const names = helpers.map(h => `'${safeText(h, 60)}' (docker-credential-${safeText(h, 60)})`).join(', ')
  throw new ActionError(
    `Client '${client}' would use the credential helpers ${names} that ${safeText(file)} lists in credential-helpers: its login may go to them instead of the auth file, ` +
      `and its logout erases ${registries.join(', ')} from every one of them, so post would erase credentials the job did not write.`,
    `Remove "credential-helpers" from ${safeText(file)} (or point CONTAINERS_REGISTRIES_CONF at a file without it) in an earlier step, or drop '${client}' from 'clients'.`
  )
}

/** Points `registry` at the file in `authFile` (`credHelper` '' or no mapping); also for the credential-helper mode. */
export async function routeToFile(authFile: string, registry: string, credHelper: '' | undefined): Promise<void> {
  await writeCredHelper(authFile, registry, credHelper, { keepEmpty: true })
}

/**
 * Where a client's logout of `registry` in `authFile` would erase something other than the file, if
 * anywhere: main routed every name it logs out to the file, so a helper or store there now (post run a
 * second time after the mapping went back, someone changed the file) holds a credential this step never
 * wrote, and the logout must be skipped. Returns the sentence to log, or undefined when the logout is safe.
 */
export async function logoutBlocked(
  client: StorageClient,
  authFile: string,
  registry: string,
  ctx: ClientContext
): Promise<string | undefined> {
  const names = client.storage.logoutErasesSchemes ? [registry, `http://${registry}`, `https://${registry}`] : [registry]
  for (const name of names) {
    // An auth file that is no longer JSON routes nothing we can tell: the logout and the restore say what is wrong.
    const view = await readStorageView(authFile, name, [client], ctx).catch(() => undefined)
    const d = view ? destination(client.storage, view) : ({ kind: 'file' } as const)
    if (d.kind !== 'file') {
      return `${safeText(authFile)} hands ${safeText(name)} to ${describe(d)}, which this step never wrote to, so logging out would erase the credential held there`
    }
  }
  return undefined
}
