/** Where the helper's credentials come from: the job's installations, each main's login spec minted again on demand. */
import path from 'node:path'
import { providerContext, type ProviderLog } from '../step/context.js'
import { mint, providers } from '../providers/index.js'
import type { Provider } from '../providers/provider.js'
import { safeText } from '../log/escape.js'
import { maskCommands, maskSecret } from '../log/secrets.js'
import { cacheEntries, emptyCache, isFresh, readCache, writeCache } from './cache.js'
import { carriedEnv, helperFiles, jobHelperConfigs, readHelperConfig } from './config.js'
import { registryHostWithPort } from './hosts.js'
import { HELPER_BINARY, type CredentialSource } from './protocol.js'

/**
 * Every login of this job that installed a helper, this launcher's own first: each registry is served
 * by the first installation that covers it. Another installation's unreadable configuration is skipped.
 */
export function jobCredentialSource(configFile: string, env: NodeJS.ProcessEnv = process.env): CredentialSource {
  const owners = new Map<string, string>()
  // Without a prototype: hosts come from the configurations, and `list` and `get` look them up as keys.
  const usernames = Object.create(null) as Record<string, string>
  for (const file of jobHelperConfigs(configFile)) {
    let config
    try {
      config = readHelperConfig(file)
    } catch (error) {
      if (file === configFile) throw error
      continue
    }
    for (const [host, username] of Object.entries(config.usernames)) {
      if (owners.has(host)) continue
      owners.set(host, file)
      usernames[host] = username
    }
  }
  return {
    usernames,
    async credential(host) {
      const file = owners.get(host)
      if (!file) throw new Error(`no login of this job covers ${host}`)
      return await credentialSource(file, env).credential(host)
    }
  }
}

/**
 * Main's login plan, saved as data and minted again by the same provider code: keyless flows ask the
 * job's GitHub OIDC service for a new token, key-based flows use the saved key. `now` is the clock the cache's
 * freshness is judged by (tests control it).
 */
export function credentialSource(configFile: string, env: NodeJS.ProcessEnv = process.env, now: () => number = Date.now): CredentialSource {
  const config = readHelperConfig(configFile)
  // Where and as whom the plan logs in is what main decided: a later step's own REGISTRY_LOGIN_* or GITHUB_* never redirects the saved key.
  const planEnv = { ...withoutCarried(env), ...config.env }
  const plan = config.spec
  // The saved key goes into the redaction of the helper's replies, as main's parsing masked it.
  const provider: Provider = providers[plan.provider]
  for (const secret of provider.secrets(plan.data)) maskSecret(secret)
  const ctx = providerContext(planEnv, helperLog(planEnv))
  const cacheFile = helperFiles(path.dirname(configFile)).cache
  const hosts = [...new Set(plan.registries.map(registryHostWithPort))]
  return {
    usernames: Object.assign(
      Object.create(null) as Record<string, string>,
      Object.fromEntries(hosts.map(host => [host, Object.hasOwn(config.usernames, host) ? (config.usernames[host] ?? '') : '']))
    ),
    async credential(host) {
      const cache = readCache(cacheFile)
      const cached = Object.hasOwn(cache, host) ? cache[host] : undefined
      if (cached && isFresh(cached, now())) return cached
      const fresh = await mint(plan, ctx)
      // The runner masks only what it is told, and the helper's stdout is the protocol: a credential minted in
      // a later step is announced on stderr, which docker, podman/skopeo and helm pass on to that step's log.
      if (env.GITHUB_ACTIONS === 'true') process.stderr.write(maskCommands(fresh))
      const minted = cacheEntries(fresh, now())
      // A cache that cannot be written (a directory in its place, a full disk, or an installation post removed while
      // this get was minting: never re-created) costs the next get an exchange, not this one its answer.
      try {
        writeCache(cacheFile, Object.assign(emptyCache(), cache, minted))
      } catch {
        // the next get mints again
      }
      const credential = Object.hasOwn(minted, host) ? minted[host] : undefined
      if (!credential) throw new Error(`the login plan gave no credential for ${host}`)
      return credential
    }
  }
}

/**
 * The helper's stdout belongs to the protocol and its stderr to the client's, which passes it on to the
 * step's log: masking feeds the redaction of its replies (new credentials are announced apart, above),
 * warnings and debug lines go to stderr with step debug on, redacted and escaped by safeText.
 */
function helperLog(env: NodeJS.ProcessEnv): ProviderLog {
  const say = (message: string): void => void process.stderr.write(`${HELPER_BINARY}: ${safeText(message, 1000)}\n`)
  const quiet = (): void => {}
  const debug = env.RUNNER_DEBUG === '1'
  return { mask: maskSecret, warn: debug ? say : quiet, debug: debug ? say : quiet }
}

function withoutCarried(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const carried = carriedEnv(env)
  return Object.fromEntries(Object.entries(env).filter(([name]) => !Object.hasOwn(carried, name)))
}
