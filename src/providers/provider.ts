import type { Http } from '../http.js'
import type { InputReader } from '../input-reader.js'

/** A username/password pair a registry client can log in with. */
export interface RegistryCredential {
  /** Registry host (optionally with a path prefix), as the client is given it. */
  registry: string
  username: string
  password: string
  /** When the password stops working, where the cloud says so. */
  expiresAt?: Date
}

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

/** A validated login: the hosts and a way to fetch credentials for them. */
export interface LoginPlan {
  /** Human name of the auth method, e.g. "API key exchanged for an IAM token". */
  method: string
  registries: string[]
  getCredentials(ctx: ProviderContext): Promise<RegistryCredential[]>
}

/**
 * One cloud. `plan` reads and validates this cloud's inputs (no network, no side effects
 * besides masking secrets) so that every input error surfaces before anything is called.
 */
export interface Provider {
  readonly id: string
  readonly authMethods: readonly string[]
  plan(inputs: InputReader, common: CommonInputs): LoginPlan
}

/** Same credential for every registry of a plan. */
export function forEachRegistry(
  registries: string[],
  credential: Omit<RegistryCredential, 'registry'>
): RegistryCredential[] {
  return registries.map(registry => ({ ...credential, registry }))
}
