// The local cloud: a test CA, every cloud's API served on its real host name (mapped to
// loopback in /etc/hosts), GitHub's OIDC service, and one real distribution registry per cloud
// behind a token service that only accepts credentials the cloud emulators issued.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { startCloudServer } from './cloud-server.js'
import { emulatorFactories } from './emulators/index.js'
import { createGithubOidc } from './github.js'
import { createClusterIssuer } from './kubernetes.js'
import { mapHosts, unmapHosts } from './hosts.js'
import { acquireCloudLock } from './lock.js'
import { makePki } from './pki.js'
import { NEBIUS_METADATA_HOST, LINK_LOCAL, startMetadata } from './metadata.js'
import { startRegistry } from './registry.js'
import { CredentialStore } from './store.js'
import { createTokenService, tokenHost } from './token-service.js'

export const API_ADDRESS = '127.0.0.2'
const registryAddress = index => `127.0.0.${11 + index}`
const CERT_DIRS = ['/etc/containers/certs.d', '/etc/docker/certs.d']

/**
 * @param {{ clouds?: string[], dir?: string, log?: (entry: object) => void, tokenTtlSeconds?: number, registryFault?: object, metadata?: boolean }} [options]
 *   tokenTtlSeconds: every credential the clouds issue (IAM and access tokens, STS credentials, temporary
 *   registry passwords, registry tokens) expires after this many seconds; default from the environment
 *   variable LOCAL_CLOUD_TOKEN_TTL_SECONDS, else each cloud's real lifetime.
 *   registryFault: a fault every cloud's registry front serves from the start (`parseRegistryFault`); default from
 *   the environment variable LOCAL_CLOUD_REGISTRY_FAULT, else none.
 */
export async function startLocalCloud(options = {}) {
  const release = await acquireCloudLock()
  try {
    return await start(options, release)
  } catch (error) {
    release()
    throw error
  }
}

/** LOCAL_CLOUD_TOKEN_TTL_SECONDS: a positive number of seconds, or undefined for the clouds' real lifetimes. */
export function tokenTtlFromEnv(env = process.env) {
  const raw = env.LOCAL_CLOUD_TOKEN_TTL_SECONDS
  if (!raw) return undefined
  const seconds = Number(raw)
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new Error(`LOCAL_CLOUD_TOKEN_TTL_SECONDS must be a positive number of seconds, got '${raw}'`)
  return seconds
}

/**
 * LOCAL_CLOUD_REGISTRY_FAULT, `<status>[,retry-after=<seconds>][,times=<n>]` (e.g. `429,retry-after=2,times=1`): the
 * registry front's fault for every cloud of the local cloud, as `registryFault` takes it. The next `times` (default 1)
 * token requests of each cloud's registry (every client login makes one) are answered with that HTTP status, in
 * distribution's error format, with that Retry-After header. Undefined when the variable is unset.
 */
export function parseRegistryFault(text) {
  const [status, ...options] = text.split(',').map(part => part.trim())
  const rule = { kind: 'status', status: Number(status), times: 1 }
  const fail = () => {
    throw new Error(
      `LOCAL_CLOUD_REGISTRY_FAULT must look like 429,retry-after=2,times=1 (an HTTP status 400-599, then options), got '${text}'`
    )
  }
  if (!/^[45]\d\d$/.test(status ?? '')) fail()
  for (const option of options) {
    const [name, value] = option.split('=')
    if (!/^\d+$/.test(value ?? '')) fail()
    if (name === 'retry-after') rule.headers = { 'Retry-After': value }
    else if (name === 'times') rule.times = Number(value)
    else fail()
  }
  return rule
}

export function registryFaultFromEnv(env = process.env) {
  return env.LOCAL_CLOUD_REGISTRY_FAULT ? parseRegistryFault(env.LOCAL_CLOUD_REGISTRY_FAULT) : undefined
}

async function start(options, release) {
  const clouds = options.clouds ?? Object.keys(emulatorFactories)
  const dir = options.dir ?? mkdtempSync(path.join(os.tmpdir(), 'registry-login-cloud-'))
  const tokenTtlSeconds = options.tokenTtlSeconds ?? tokenTtlFromEnv()
  const startFault = options.registryFault ?? registryFaultFromEnv()
  const store = new CredentialStore()
  const github = createGithubOidc()
  // The runner pods' cluster (auth: runner-identity in IKS or ACK): its service-account token issuer.
  const kube = createClusterIssuer()
  const emulators = Object.fromEntries(clouds.map(cloud => [cloud, emulatorFactories[cloud]({ store, github, kube, tokenTtlSeconds })]))
  const apiHosts = [...github.hosts, ...clouds.map(tokenHost), ...Object.values(emulators).flatMap(e => e.hosts)]
  const registryHosts = Object.fromEntries(clouds.map(cloud => [cloud, emulators[cloud].registryHosts]))
  const allHosts = [...apiHosts, ...Object.values(registryHosts).flat()]

  mkdirSync(path.join(dir, 'pki'), { recursive: true })
  const pki = makePki(path.join(dir, 'pki'), allHosts)
  const tokenService = createTokenService({ pki, store, clouds, tokenTtlSeconds })

  const hostMap = Object.fromEntries(apiHosts.map(h => [h, API_ADDRESS]))
  // The runners' metadata services (options.metadata): Nebius's by name, on the link-local alias.
  if (options.metadata) hostMap[NEBIUS_METADATA_HOST] = LINK_LOCAL
  clouds.forEach((cloud, i) => {
    for (const h of registryHosts[cloud]) hostMap[h] = registryAddress(i)
  })
  mapHosts(hostMap)

  const trusted = []
  for (const host of Object.values(registryHosts).flat()) {
    for (const base of CERT_DIRS) {
      const certDir = path.join(base, host)
      mkdirSync(certDir, { recursive: true })
      writeFileSync(path.join(certDir, 'ca.crt'), readFileSync(pki.ca))
      trusted.push(certDir)
    }
  }

  const stops = []
  const stop = async () => {
    for (const fn of stops.reverse()) await fn().catch(() => {})
    for (const certDir of trusted) rmSync(certDir, { recursive: true, force: true })
    unmapHosts()
    release()
  }
  try {
    const server = await startCloudServer({
      pki,
      address: API_ADDRESS,
      port: 443,
      emulators: [github, tokenService, ...Object.values(emulators)],
      log: options.log
    })
    stops.push(() => server.close())
    for (const cloud of startFault ? clouds : []) server.inject({ host: tokenHost(cloud), path: '/token', ...startFault })
    const metadata = options.metadata ? await startMetadata({ store, alibaba: emulators.alibaba, tokenTtlSeconds }) : undefined
    if (metadata) stops.push(() => metadata.stop())
    const registries = {}
    for (const [i, cloud] of clouds.entries()) {
      registries[cloud] = await startRegistry({ dir, pki, cloud, address: registryAddress(i) })
      stops.push(() => registries[cloud].stop())
    }
    return {
      dir,
      pki,
      store,
      github,
      /** The runner pods' cluster: mint({ namespace, serviceAccount, audience }) writes what a projected token holds. */
      kube,
      emulators,
      tokenService,
      registries,
      registryHosts,
      /** The runners' metadata services, with options.metadata: `vm` says what is attached, `requests` what was asked. */
      metadata,
      /** Injects a fault into the next request(s) to an API host. */
      inject: rule => server.inject(rule),
      /**
       * The registry front's fault knob: the next `times` (default 1) token requests of `cloud`'s
       * registry get the fault, e.g. `{ kind: 'status', status: 503, times: 2 }`, with `headers` such as
       * `{ 'Retry-After': '2' }` (or `parseRegistryFault('429,retry-after=2')`), `{ kind: 'reset' }`
       * or `{ kind: 'delay', ms }`. Every client login asks the token service, so it meets the fault
       * as it would meet a failing registry (docker, podman, skopeo: one token request per login).
       */
      registryFault: (cloud, rule) => server.inject({ host: tokenHost(cloud), path: '/token', ...rule }),
      /** Every fault served so far (host, path, kind, status). */
      faultsServed: server.served,
      clearFaults: () => server.clearFaults(),
      /** What a runner step needs to trust the local cloud, plus GitHub's OIDC variables. */
      env: { NODE_EXTRA_CA_CERTS: pki.ca, ...github.runnerEnv() },
      stop
    }
  } catch (error) {
    await stop()
    throw error
  }
}
