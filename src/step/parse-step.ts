// The step's inputs parsed and validated into one typed Inputs (or a skipped login), before any network call.
import { CLIENT_IDS, type ClientId, type ProviderId } from '../types.js'
import { ActionError, InputError } from '../log/errors.js'
import type { InputReader } from '../inputs/reader.js'
import { oidcRequest } from '../net/oidc.js'
import { declaredMethod, providers } from '../providers/index.js'
import type { CommonInputs, LoginSpec, Provider } from '../providers/provider.js'
import { parseCredentialHelper } from './credential-helper-input.js'
import { checkRegistryHosts, parseRegistry } from '../inputs/registry-hosts.js'
import { FOREIGN_FORMATS } from '../inputs/credential-shape.js'
import { unlistedRegionNotices } from '../providers/kit/regions.js'
import { ignoredInputWarnings, noCredentialAvailable } from './input-hygiene.js'
import { secretsWithheld, type SecretsVerdict } from '../runner/event.js'
import { log } from '../log/log.js'
import { chooseProvider, type ProviderChoice } from './provider-choice.js'

/** A line for the log before the login: a warning, a notice annotation, or an info line. */
export interface Notice {
  level: 'info' | 'notice' | 'warning'
  message: string
}

/** Everything main needs, parsed and validated before any network call. */
export interface Inputs {
  skipped: false
  provider: ProviderId
  plan: LoginSpec
  clients: ClientId[]
  logout: boolean
  outputPassword: boolean
  isolatedConfig: boolean
  /** Install docker-credential-registry-login instead of storing a password (credential-helper mode). */
  credentialHelper: boolean
  /** What parsing found worth saying: how an input was taken, ignored inputs, a custom domain getting a registry password. */
  notices: Notice[]
}

/** `skip-without-credentials` is on, there is no credential at all, and the run gets no secrets (a pull request from a fork, Dependabot). */
export interface SkippedLogin {
  skipped: true
  provider: ProviderId
  reason: string
}

/** Builders that read docker's login rather than having one of their own. */
const SERVED_BY_DOCKER = ['buildx', 'docker-buildx', 'buildkit', 'buildkitd', 'buildctl']

function readClients(inputs: InputReader): ClientId[] {
  // de-duplicated after case-folding: 'docker, Docker' is one client, logged in once
  const clients = [...new Set(inputs.list('clients').map(name => name.toLowerCase()))]
  if (clients.length === 0) clients.push('docker')
  for (const client of clients) {
    if (SERVED_BY_DOCKER.includes(client)) {
      throw new InputError(
        'clients',
        `has '${client}', which has no login of its own: docker buildx and BuildKit use docker's login (its config.json)`,
        "List 'docker' instead (or 'docker-config' where no docker CLI runs)."
      )
    }
    if (!(CLIENT_IDS as readonly string[]).includes(client)) {
      throw new InputError('clients', `has '${client}', which is not a supported client`, `Use any of: ${CLIENT_IDS.join(', ')}.`)
    }
  }
  return clients as ClientId[]
}

function readCommon(inputs: InputReader): CommonInputs {
  return {
    regions: [...new Set(inputs.list('region').map(region => region.toLowerCase()))],
    // de-duplicated after parsing: https://us.icr.io/ and US.ICR.IO are one registry
    registries: [...new Set(inputs.list('registry').map(parseRegistry))],
    auth: inputs.text('auth').toLowerCase() || 'auto',
    exchange: inputs.bool('exchange', true),
    credentialFormats: [...Object.values(providers).flatMap((provider: Provider) => provider.credentialFormats), ...FOREIGN_FORMATS]
  }
}

/**
 * The host allow-list's info lines (it throws for a host the credential may not go to), a notice per region the
 * cloud's list lacks, then the ignored inputs' warnings.
 */
function planNotices(inputs: InputReader, provider: Provider, plan: LoginSpec, common: CommonInputs): Notice[] {
  const scope = declaredMethod(plan).scope ?? 'cloud'
  return [
    ...unlistedRegionNotices(common, provider.regions).map(message => ({ level: 'notice' as const, message })),
    ...checkRegistryHosts(provider.registryHosts, plan.registries, scope, plan.auth).map(message => ({ level: 'info' as const, message })),
    ...ignoredInputWarnings(inputs, Object.values(providers), provider, plan, common).map(message => ({
      level: 'warning' as const,
      message
    }))
  ]
}

/** The step's inputs: a login to do, or (only with `skip-without-credentials`) a login to skip. */
export function parseStep(inputs: InputReader, env: NodeJS.ProcessEnv = process.env): Inputs | SkippedLogin {
  const common = readCommon(inputs)
  const choice = chooseProvider(inputs, common.registries)
  const providerId = choice.id
  const provider: Provider = providers[providerId]
  const clients = readClients(inputs)
  const logout = inputs.bool('logout', true)
  const outputPassword = inputs.bool('output-password', false)
  const isolatedConfig = inputs.bool('isolated-config', false)
  const skip = skipVerdict(inputs, env)
  if (skip?.withheld) return { skipped: true, provider: providerId, reason: `${NO_CREDENTIAL}: ${skip.why}` }
  try {
    const plan = provider.plan(inputs, common)
    const credentialHelper = parseCredentialHelper(inputs, clients, logout)
    // Before any network call: the token request's URL and bearer are there, and the URL is https.
    if (declaredMethod(plan).oidc) oidcRequest(env)
    const notices = [
      ...providerNotice(choice),
      ...inputs.notes().map(message => ({ level: 'info' as const, message })),
      ...planNotices(inputs, provider, plan, common)
    ]
    return { skipped: false, provider: providerId, plan, clients, logout, outputPassword, isolatedConfig, credentialHelper, notices }
  } catch (error) {
    // The skip was asked for but this run gets its secrets: the usual error follows this one line.
    if (skip)
      log.warning`'skip-without-credentials' did not skip the login: ${NO_CREDENTIAL}, but this is ${skip.why}, so an empty credential means a secret that is missing or misnamed. It skips only in pull requests from forks and in Dependabot's runs, where GitHub withholds secrets.`
    throw error
  }
}

/** With 'provider' empty: which cloud the hosts chose, for the log. */
function providerNotice(choice: ProviderChoice): Notice[] {
  if (choice.fromHosts.length === 0) return []
  const cloud = providers[choice.id].registryHosts.cloud
  return [
    {
      level: 'info',
      message: `Input 'provider' is empty: ${choice.fromHosts.join(', ')} ${choice.fromHosts.length > 1 ? 'are' : 'is'} ${cloud}'s, so the provider is ${choice.id}.`
    }
  ]
}

const NO_CREDENTIAL = 'every secret input is empty and the runner offers no GitHub OIDC token'

/** With `skip-without-credentials` and no credential at all: whether this run gets no secrets (then the login is skipped). */
function skipVerdict(inputs: InputReader, env: NodeJS.ProcessEnv): SecretsVerdict | undefined {
  if (!inputs.bool('skip-without-credentials', false) || !noCredentialAvailable(inputs, env)) return undefined
  return secretsWithheld(env)
}

/** The inputs of a login; for callers that have no skipped state (a skip is an error there). */
export function parseInputs(inputs: InputReader, env: NodeJS.ProcessEnv = process.env): Inputs {
  const step = parseStep(inputs, env)
  if (step.skipped) throw new ActionError(`The login was skipped: ${step.reason}.`)
  return step
}
