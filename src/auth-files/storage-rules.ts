/** How each client reads an auth file's `credHelpers`/`credsStore`, and so where it would keep a registry's credential. */
import { safeText } from '../log/escape.js'
import type { StorageSettings } from './auth-file.js'

/**
 * How a client reads the credential settings of its docker-format auth file. Every client honours
 * `credHelpers[registry]` first; they differ in the rest:
 * - docker (docker/cli configfile `getConfiguredCredentialStore`): `credHelpers[registry]` when the
 *   key exists, and '' there means "the file"; else `credsStore`. With nothing configured at all (no
 *   `auths` entry, no `credHelpers`, no `credsStore`: `ContainsAuth`), it picks the platform's store
 *   when its helper is on PATH (cli/config `LoadDefaultConfigFile`, credentials `DetectDefaultStore`)
 *   and writes it back as `credsStore` on login.
 * - podman, buildah, skopeo (containers/image `pkg/docker/config`): an existing key names a helper,
 *   even '' (which then fails as `docker-credential-`); `credsStore` is ignored.
 * - helm, oras (oras-go v2 `credentials.DynamicStore`): a non-empty `credHelpers[registry]`, else
 *   `credsStore`, so '' falls through to the store. helm (pkg/registry `NewClient`) turns on
 *   `DetectDefaultNativeStore`: with nothing configured it uses the platform's store as docker does.
 *   The oras CLI (internal/credential `NewStore`) never does: an empty file is the file.
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
  detectsPlatformStore: true,
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
/** helm: oras-go v2 with the platform store's detection on. */
export const HELM_RULES: StorageRules = {
  emptyHelper: 'credsStore',
  credsStore: true,
  detectsPlatformStore: true,
  registriesConf: false,
  logoutErasesSchemes: false
}
/** The oras CLI: oras-go v2 as helm, but it never detects a platform store. */
export const ORAS_RULES: StorageRules = { ...HELM_RULES, detectsPlatformStore: false }

/** The helper name this action's credential-helper mode maps registries to (`docker-credential-registry-login`). */
export const OWN_HELPER = 'registry-login'

/** Where one client would keep a registry's credential. */
export type Destination =
  | { kind: 'file' }
  /** `credHelpers[registry]` names this helper. */
  | { kind: 'helper'; helper: string }
  /** A store for every registry: `credsStore`, or the platform store docker or helm detects. */
  | { kind: 'store'; store: string; detected: boolean }

/** A destination other than the file. */
export type Elsewhere = Exclude<Destination, { kind: 'file' }>

/** The settings as a client sees them, plus the platform store docker or helm would detect ('' for none). */
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

function label(d: Elsewhere): string {
  return `docker-credential-${safeText(d.kind === 'helper' ? d.helper : d.store, 60)}`
}

/** The helper or store in words, safe for the log. */
export function describe(d: Elsewhere): string {
  if (d.kind === 'helper') return `the credential helper '${safeText(d.helper, 60)}' (${label(d)}, credHelpers)`
  return d.detected
    ? `the platform credential store '${safeText(d.store, 60)}' (${label(d)})`
    : `the credential store '${safeText(d.store, 60)}' (${label(d)}, credsStore)`
}
