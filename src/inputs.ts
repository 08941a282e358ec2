import { CLIENT_IDS, type ClientId } from './clients/index.js'
import { InputError } from './errors.js'
import type { InputReader } from './input-reader.js'
import { PROVIDER_IDS, providers, type ProviderId } from './providers/index.js'
import type { CommonInputs, LoginPlan } from './providers/provider.js'
import { parseCredentialHelper } from './credential-helper/inputs.js'

/** Everything main needs, parsed and validated before any network call. */
export interface Inputs {
  provider: ProviderId
  plan: LoginPlan
  clients: ClientId[]
  logout: boolean
  outputPassword: boolean
  isolatedConfig: boolean
  /** Install docker-credential-registry-login instead of storing a password (credential-helper mode). */
  credentialHelper: boolean
}

export function parseInputs(inputs: InputReader): Inputs {
  const providerName = inputs.text('provider').toLowerCase()
  if (!providerName) throw new InputError('provider', 'is required', `Set it to one of: ${PROVIDER_IDS.join(', ')}.`)
  if (!(PROVIDER_IDS as string[]).includes(providerName)) {
    throw new InputError('provider', `is '${providerName}', which is not a supported cloud`, `Use one of: ${PROVIDER_IDS.join(', ')}.`)
  }
  const provider = providerName as ProviderId

  const clients = inputs.list('clients').map(name => name.toLowerCase())
  if (clients.length === 0) clients.push('docker')
  for (const client of clients) {
    if (!(CLIENT_IDS as string[]).includes(client)) {
      throw new InputError('clients', `has '${client}', which is not a supported client`, `Use any of: ${CLIENT_IDS.join(', ')}.`)
    }
  }

  const common: CommonInputs = {
    regions: inputs.list('region').map(region => region.toLowerCase()),
    // de-duplicated after normalizing: https://us.icr.io/ and US.ICR.IO are one registry
    registries: [...new Set(inputs.list('registry').map(normalizeRegistry))],
    auth: inputs.text('auth').toLowerCase() || 'auto',
    exchange: inputs.bool('exchange', true)
  }
  const logout = inputs.bool('logout', true)
  return {
    provider,
    plan: providers[provider].plan(inputs, common),
    clients: clients as ClientId[],
    logout,
    outputPassword: inputs.bool('output-password', false),
    isolatedConfig: inputs.bool('isolated-config', false),
    credentialHelper: parseCredentialHelper(inputs, clients as ClientId[], logout)
  }
}

/** Accepts `https://host/`, `host`, `host:port`, `host/path`; returns it without scheme or trailing slash. */
export function normalizeRegistry(value: string): string {
  const host = value.replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, '')
  if (!/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?(\/[a-z0-9._\/-]+)?$/i.test(host)) {
    throw new InputError('registry', `has '${value}', which is not a registry host`, 'Give a host such as us.icr.io, optionally with :port or a /path.')
  }
  return host.toLowerCase()
}
