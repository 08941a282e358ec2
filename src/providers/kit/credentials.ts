// Registry credentials from a method's result: one credential for every host, and a token's expiry where the cloud gave one.
import { ActionError } from '../../log/errors.js'
import type { RegistryCredential } from '../../types.js'
import type { ProviderContext } from '../provider.js'

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

/**
 * The access token of a cloud's token reply (`access_token`, masked at once) and its expiry from whichever field the
 * cloud gives: `expiration` (Unix seconds, IBM IAM), `expires_at` (a date, Nebius and IBM's metadata service) or
 * `expires_in` (seconds from now, OAuth's). No token: an error naming the service.
 */
export function accessTokenOf(service: string, reply: Record<string, unknown>, ctx: ProviderContext): ExpiringToken {
  const { access_token: token, expiration, expires_at: at, expires_in: seconds } = reply
  if (typeof token !== 'string' || !token) throw new ActionError(`${service} answered without an access_token.`)
  ctx.mask(token)
  const expiresAt =
    typeof expiration === 'number'
      ? new Date(expiration * 1000)
      : typeof at === 'string'
        ? new Date(at)
        : typeof seconds === 'number'
          ? new Date(ctx.now().getTime() + seconds * 1000)
          : undefined
  return expiresAt && !Number.isNaN(expiresAt.getTime()) ? { token, expiresAt } : { token }
}
