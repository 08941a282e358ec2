// The contract every cloud implements: the shared inputs, the context a cloud calls out through, auth method declarations, LoginSpec and Provider.
import type { ProviderId, RegistryCredential } from '../types.js'
import type { Http } from '../net/http.js'
import type { InputReader } from '../inputs/reader.js'
import type { CredentialScope, RegistryHostPolicy } from '../inputs/registry-hosts.js'
import type { CredentialFormat } from '../inputs/credential-shape.js'

/** The inputs shared by every cloud, parsed once. */
export interface CommonInputs {
  /** From the `region` input; may be empty where the cloud has a default. */
  regions: string[]
  /** Explicit registry hosts from the `registry` input; empty means "derive from the region". */
  registries: string[]
  /** `auth` input: 'auto' or a method name the provider knows. */
  auth: string
  /** Exchange a long-lived credential for a short-lived token before handing it to clients. */
  exchange: boolean
  /** Every cloud's credential formats (parse-step gathers them), so that another cloud's key is named as such. */
  credentialFormats?: readonly CredentialFormat[]
}

/**
 * The one rule for region ids, every cloud alike (applied by kit/regions.ts, nowhere else): a region in this version's list is used as listed; an id of
 * the cloud's documented shape that the list lacks (a region the cloud opened after this version) is accepted
 * with one notice, where the cloud's registry hosts follow a documented pattern; anything else is refused,
 * naming the 'region' input. A hard-coded list goes stale the day a cloud opens a region.
 */
export interface RegionRule {
  /** What a region is called in errors and notices, e.g. 'a Nebius AI Cloud region'. */
  what: string
  /** This version's list of the cloud's regions, as notices and fixes show it. */
  listed: readonly string[]
  /**
   * The documented shape of the cloud's region ids, for an id the list lacks. Absent where such an id cannot be
   * used (IBM: its regions' hosts follow no pattern), so that anything off the list is refused.
   */
  shape?: RegExp
  /** The fix for an id that is neither listed nor of the shape. */
  unknownFix: string
}

/** What a cloud knows about its regions, for `regionalRegistries`. */
export interface RegionHosts extends RegionRule {
  /** The registry host of a listed region (or of an alias the cloud documents), or undefined. */
  host(region: string): string | undefined
  /** The host the cloud's pattern gives a region id of its `shape` (cr.<region>.nebius.cloud); with `shape` only. */
  patternHost?(region: string): string
  /** The fix when neither 'region' nor 'registry' is set. */
  noneFix: string
}

/** What a provider needs from the outside world; tests pass their own. */
export interface ProviderContext {
  http: Http
  /** A GitHub Actions OIDC token (JWT) for this audience. */
  idToken(audience: string): Promise<string>
  /** Registers a secret with the runner's log masker. */
  mask(secret: string): void
  warn(message: string): void
  debug(message: string): void
  env: NodeJS.ProcessEnv
  now(): Date
}

/** What one auth method of a provider is, as data the central checks read (see step/parse-step.ts). */
export interface AuthMethodSpec {
  /**
   * What the credential opens. Default 'cloud': the cloud account (an API key, token, key, or
   * anything minted from them or from OIDC), so it goes only to the cloud's own registry hosts.
   * 'registry-only': a password one registry issued, which may also go to a custom domain.
   */
  scope?: CredentialScope
  /**
   * The provider-specific inputs (those with an empty default) this method reads; any other one
   * that is set is reported as ignored.
   */
  reads: readonly string[]
  /**
   * The inputs with a default (`exchange: true`, `token-exchange: auto`) this method honours; one set
   * to anything else for a method that does not list it is reported as ignored.
   */
  options?: readonly MethodOption[]
  /** The method asks the runner for a GitHub OIDC token. */
  oidc?: boolean
}

/** Inputs with a non-empty default that only some auth methods read. */
export type MethodOption = 'exchange' | 'token-exchange'

/** What one auth method needs to mint credentials: plain JSON data, told apart by `kind`. */
export interface MethodData {
  kind: string
}

/**
 * A validated login as plain data: the cloud, the method, the hosts and what the method needs (secrets
 * included). Serialisable: credential-helper mode saves it (0600, removed by post) and mints from it again.
 */
export interface LoginSpec<D extends MethodData = MethodData> {
  provider: ProviderId
  /** The auth method chosen: a key of the provider's `methods`. */
  auth: string
  /** With auth password: the method the username selects (iamapikey: api-key), whose `options` then apply. */
  passwordFor?: string
  /** Human name of the auth method, e.g. "API key exchanged for an IAM token". */
  method: string
  registries: string[]
  /** The method's data (its `kind` names it). */
  data: D
}

/**
 * One cloud. `plan` reads and validates this cloud's inputs (no network, no side effects
 * besides masking secrets) so that every input error surfaces before anything is called;
 * `mint` turns the plan into registry credentials.
 */
export interface Provider<D extends MethodData = MethodData> {
  readonly id: ProviderId
  readonly authMethods: readonly string[]
  /** Every auth method, declared: credential scope, inputs read, OIDC. */
  readonly methods: Readonly<Record<string, AuthMethodSpec>>
  /** The cloud's own registry hosts: the only ones a cloud credential is handed to. */
  readonly registryHosts: RegistryHostPolicy
  /** Whether `region` chooses registry hosts (false: it is always ignored). */
  readonly regional: boolean
  /** The credentials the cloud issues, told apart by shape (providers/<cloud>/shapes.ts). */
  readonly credentialFormats: readonly CredentialFormat[]
  /** Where `region` chooses them by a list (kit/regions.ts): read again for the notice on a region the list lacks. */
  readonly regions?: RegionHosts
  plan(inputs: InputReader, common: CommonInputs): LoginSpec<D>
  mint(spec: LoginSpec<D>, ctx: ProviderContext): Promise<RegistryCredential[]>
  /** The secret strings in a method's data: masked again wherever a saved spec is read back. */
  secrets(data: D): string[]
}
