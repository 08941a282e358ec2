// Registry credentials from a method's result: one credential for every host, and a token's expiry where the cloud gave one.
import type { RegistryCredential } from '../../types.js'

/** A registry login without its host. */
export type Credential = Omit<RegistryCredential, 'registry'>

/** A short-lived token as the cloud returns it. */
export interface ExpiringToken {
  token: string
  expiresAt?: Date
}

/** Same credential for every registry of a plan. */
export function forEachRegistry(registries: string[], credential: Credential): RegistryCredential[] {
  return registries.map(registry => ({ ...credential, registry }))
}

/** A token as the password for `username`, with its expiry when the cloud said when. */
export function withExpiry(username: string, { token, expiresAt }: ExpiringToken): Credential {
  return { username, password: token, ...(expiresAt ? { expiresAt } : {}) }
}
