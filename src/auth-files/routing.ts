/** Routing: how each registry gets to the auth file for every client sharing it, or the error naming the store in the way. */
import { ActionError } from '../log/errors.js'
import { log } from '../log/log.js'
import { safeText } from '../log/escape.js'
import { readAuthEntry, readCredHelper, readStorageSettings, writeCredHelper } from './auth-file.js'
import type { AuthFileChanges } from './changes.js'
import type { ClientContext } from '../process/command-context.js'
import { fileKey } from './file-key.js'
import { externalCredentialHelpers } from './registries-conf.js'
import {
  describe,
  destination,
  OWN_HELPER,
  type Destination,
  type Elsewhere,
  type StorageRules,
  type StorageView
} from './storage-rules.js'

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

type Route = Extract<StoragePlan, { kind: 'route' }>

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

/**
 * The other names docker's `logout host` erases (docker/cli cli/command/registry/logout.go: `host`,
 * then `http://host` and `https://host`, each through its own mapping).
 */
export function schemeForms(registry: string): string[] {
  return [`http://${registry}`, `https://${registry}`]
}

/** With a credsStore, the `http://` and `https://` forms docker's logout erases would reach the store: they go to the file for the job too. */
function logoutAliases(users: StorageUser[], view: StorageView, registry: string, credHelper: '' | undefined): string[] {
  const erasesAliases = users.some(user => user.storage.logoutErasesSchemes)
  return credHelper === '' && view.credsStore && erasesAliases ? schemeForms(registry) : []
}

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
    // Only a credsStore gets here: '' makes a file "configured", so neither docker nor helm detects a platform store.
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

/**
 * The store docker (and helm) pick on this platform when the file configures nothing, if its helper is
 * on PATH ('' for none): docker/cli credentials `DetectDefaultStore` and `defaultCredentialsStore`,
 * oras-go's `getDefaultHelperSuffix` alike. On Linux `pass` wins whenever the `pass` program is on PATH,
 * even without its docker helper (then there is no store at all, not secretservice).
 */
export async function platformStore(ctx: ClientContext, os: NodeJS.Platform = process.platform): Promise<string> {
  let store = ''
  if (os === 'darwin') store = 'osxkeychain'
  else if (os === 'win32') store = 'wincred'
  else if (os === 'linux') store = (await ctx.which('pass')) ? 'pass' : 'secretservice'
  return store && (await ctx.which(`docker-credential-${store}`)) ? store : ''
}

/** Reads the file's settings as the clients will see them (asynchronous only to look for the platform store's helper on PATH). */
export async function readStorageView(authFile: string, registry: string, users: StorageUser[], ctx: ClientContext): Promise<StorageView> {
  const settings = readStorageSettings(authFile, registry)
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
  /** Auth files a chosen client's logout erases the `http(s)://` forms from, and the (file, registry) whose forms are kept already. */
  private readonly erasingForms = new Set<string>()
  private readonly kept = new Set<string>()

  /** The same file however each client spells it (a symlink, a relative path, another case where names ignore it). */
  private static key(authFile: string, registry: string): string {
    return `${fileKey(authFile)}\n${registry}`
  }

  /** Plans every registry for every auth file; throws (before any cloud call) when one cannot be kept safe. */
  static async make(clients: StorageClient[], registries: string[], ctx: ClientContext): Promise<StoragePlans> {
    const plans = new StoragePlans()
    refuseRegistriesConfHelpers(clients, registries, ctx.env)
    // Clients sharing one file are planned together, however each spells its path.
    const byFile = new Map<string, { file: string; users: StorageClient[] }>()
    for (const client of clients) {
      const file = client.authFile(ctx.env)
      const group = byFile.get(fileKey(file)) ?? { file, users: [] }
      group.users.push(client)
      byFile.set(fileKey(file), group)
    }
    for (const [key, { file, users }] of byFile) {
      if (users.some(user => user.storage.logoutErasesSchemes)) plans.erasingForms.add(key)
      for (const registry of registries) {
        const view = await readStorageView(file, registry, users, ctx)
        plans.plans.set(StoragePlans.key(file, registry), planStorage(users, view, registry, file))
      }
    }
    return plans
  }

  /**
   * Routes `registry` to the file for the job and says so, once per auth file and registry. The
   * registry's own entry is one the login backs up already; the aliases are backed up here.
   */
  route(authFile: string, registry: string, changes: AuthFileChanges): void {
    const key = StoragePlans.key(authFile, registry)
    this.keepLogoutForms(authFile, registry, changes)
    const plan = this.plans.get(key)
    if (!plan || plan.kind === 'file') return
    this.plans.set(key, { kind: 'file' })
    routeToFile(authFile, registry, plan.credHelper)
    for (const alias of plan.aliases) {
      if (readCredHelper(authFile, alias) !== undefined) continue
      changes.write(authFile, alias, () => routeToFile(authFile, alias, ''))
    }
    logRoute(plan, authFile, registry, changes.undone)
  }

  /**
   * docker's logout in post erases `http://host` and `https://host` too, entries this step never
   * wrote: each one there is backed up as it stands, once per auth file and registry, so post puts it back.
   */
  private keepLogoutForms(authFile: string, registry: string, changes: AuthFileChanges): void {
    const key = StoragePlans.key(authFile, registry)
    if (!this.erasingForms.has(fileKey(authFile)) || this.kept.has(key)) return
    this.kept.add(key)
    for (const form of schemeForms(registry)) if (readAuthEntry(authFile, form) !== undefined) changes.keep(authFile, form)
  }
}

/** Says where `registry` was routed from; `undone`: post puts the mapping back. */
function logRoute(plan: Route, authFile: string, registry: string, undone: boolean): void {
  const foreign = plan.from.filter(f => !(f.destination.kind === 'helper' && f.destination.helper === OWN_HELPER))
  if (foreign.length === 0) {
    log.debug`${registry}: routed from this action's own credential helper to ${authFile} for the job`
    return
  }
  const clients = [...new Set(plan.from.map(f => f.client))].join(', ')
  const places = [...new Set(foreign.map(f => describe(f.destination)))].join(' and ')
  const mapping = plan.credHelper === '' ? `credHelpers["${registry}"] = ""` : `no credHelpers entry for ${registry}`
  const after = undone ? 'post puts the mapping back as it was' : "'logout' is false, so the mapping stays changed after the job"
  // the parts were made safe above; log.notice escapes the whole line once more
  log.notice(
    `${registry}: ${safeText(authFile)} hands it to ${places}; for this job ${clients} will store this login in the file instead (${mapping}), so nothing in that helper or store is read, replaced or erased; ${after}.`
  )
}

/**
 * The containers tools store a login in the first registries.conf credential helper that takes it and
 * erase a logout from every one, whatever the auth file says: no route exists, so refuse. Reads no auth
 * file: it holds for an isolated config that does not exist yet.
 */
export function refuseRegistriesConfHelpers(clients: StorageClient[], registries: string[], env: NodeJS.ProcessEnv): void {
  const containers = clients.find(c => c.storage.registriesConf)
  if (!containers) return
  const { helpers, file } = externalCredentialHelpers(env)
  if (helpers.length === 0) return
  const names = helpers.map(h => `'${safeText(h, 60)}' (docker-credential-${safeText(h, 60)})`).join(', ')
  throw new ActionError(
    `Client '${containers.id}' would use the credential helpers ${names} that ${safeText(file)} lists in credential-helpers: its login may go to them instead of the auth file, ` +
      `and its logout erases ${registries.join(', ')} from every one of them, so post would erase credentials the job did not write.`,
    `Remove "credential-helpers" from ${safeText(file)} (or point CONTAINERS_REGISTRIES_CONF at a file without it) in an earlier step, or drop '${containers.id}' from 'clients'.`
  )
}

/** Points `registry` at the file in `authFile` (`credHelper` '' or no mapping). */
function routeToFile(authFile: string, registry: string, credHelper: '' | undefined): void {
  writeCredHelper(authFile, registry, credHelper, { keepEmpty: true })
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
