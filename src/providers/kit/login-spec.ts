// The LoginSpec a cloud's plan returns, with 'auth' as the inputs gave it (password when the username form chose the method).
import type { ProviderId } from '../../types.js'
import type { LoginSpec, MethodData } from '../provider.js'
import type { ResolvedAuth } from './auth.js'

export interface SpecParts<D extends MethodData> {
  provider: ProviderId
  resolved: ResolvedAuth<string>
  /** The log's name for the method. */
  method: string
  registries: string[]
  data: D
}

/** The plan as plain data. With the username form, 'auth' is password and `passwordFor` the method it selected. */
export function loginSpec<D extends MethodData>({ provider, resolved, method, registries, data }: SpecParts<D>): LoginSpec<D> {
  return {
    provider,
    auth: resolved.login ? 'password' : resolved.method,
    ...(resolved.login ? { passwordFor: resolved.method } : {}),
    method,
    registries,
    data
  }
}
