// The runners' metadata services (auth: runner-identity), plain HTTP on the clouds' own addresses: 169.254.169.254
// (Yandex, IBM VPC, and Nebius's metadata.nebius.internal through the hosts block) and 100.100.100.200 (Alibaba),
// each an alias on the loopback added here (root, as on CI). Headers and tokens are checked as the clouds do.
import { execFileSync } from 'node:child_process'
import http from 'node:http'
import { randomBytes } from 'node:crypto'

export const LINK_LOCAL = '169.254.169.254'
export const ALIBABA_METADATA = '100.100.100.200'
export const NEBIUS_METADATA_HOST = 'metadata.nebius.internal'
/** The trusted profile linked to the emulated VPC instance. */
export const IBM_RUNNER_PROFILE = 'Profile-0a1b2c3d-runner'

const ip = (...args) => execFileSync('ip', args, { stdio: 'pipe' })

/**
 * The metadata services' request handler, without addresses (the unit tests serve it on a loopback port and name the
 * service by the Host header, as the clouds' own clients do).
 * @param {{ store: import('./store.js').CredentialStore, alibaba?: any, tokenTtlSeconds?: number }} options
 *   alibaba: the Alibaba emulator, whose STS credentials the ECS role hands out.
 */
export function createMetadataHandler({ store, alibaba, tokenTtlSeconds }) {
  const ttl = tokenTtlSeconds ?? 3600
  /** What each VM has attached; a test flips these. */
  const vm = { yandex: true, nebius: true, alibabaRole: 'ecs-runner', ibmProfiles: new Set([IBM_RUNNER_PROFILE]) }
  const requests = []
  const ibmSessions = new Set()
  const aliSessions = new Set()
  const bearer = () => `t1.${randomBytes(24).toString('base64url')}`

  const handler = async (req, res) => {
    const chunks = []
    for await (const c of req) chunks.push(c)
    const body = Buffer.concat(chunks).toString()
    const host = String(req.headers.host ?? '').replace(/:\d+$/, '')
    const url = new URL(req.url, `http://${host}`)
    requests.push({ host, method: req.method, path: url.pathname })
    const send = (status, payload, type = 'application/json') => {
      res.writeHead(status, { 'content-type': type })
      res.end(typeof payload === 'string' ? payload : JSON.stringify(payload))
    }
    const exp = Date.now() + ttl * 1000
    // Nebius: by name, Metadata: true.
    if (host === NEBIUS_METADATA_HOST) {
      if (url.pathname !== '/v1/iam/sa/token' || req.method !== 'GET') return send(404, 'not found', 'text/plain')
      if (req.headers.metadata !== 'true') return send(400, 'missing Metadata: true header', 'text/plain')
      if (!vm.nebius) return send(404, 'no service account', 'text/plain')
      const token = `v1.${randomBytes(24).toString('base64url')}`
      store.issue('nebius', 'iam', token, exp)
      return send(200, { access_token: token, expires_at: new Date(exp).toISOString() })
    }
    // Alibaba, hardened mode.
    if (host === ALIBABA_METADATA) {
      if (url.pathname === '/latest/api/token') {
        const seconds = Number(req.headers['x-aliyun-ecs-metadata-token-ttl-seconds'])
        if (req.method !== 'PUT' || !(seconds >= 1 && seconds <= 21600)) return send(400, 'bad token request', 'text/plain')
        const token = randomBytes(24).toString('base64url')
        aliSessions.add(token)
        return send(200, token, 'text/plain')
      }
      if (!aliSessions.has(String(req.headers['x-aliyun-ecs-metadata-token'] ?? ''))) return send(401, 'Unauthorized', 'text/plain')
      const prefix = '/latest/meta-data/ram/security-credentials/'
      if (!url.pathname.startsWith(prefix) || !vm.alibabaRole) return send(404, 'Not Found', 'text/plain')
      const role = url.pathname.slice(prefix.length)
      if (!role) return send(200, vm.alibabaRole, 'text/plain')
      if (role !== vm.alibabaRole) return send(404, 'Not Found', 'text/plain')
      const sts = alibaba.issueStsCredentials({ lifetimeSeconds: ttl, role: `acs:ram::1234567890123456:role/${role}` })
      return send(200, {
        AccessKeyId: sts.id,
        AccessKeySecret: sts.secret,
        SecurityToken: sts.token,
        Expiration: new Date(sts.expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        LastUpdated: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        Code: 'Success'
      })
    }
    // Yandex: Google's metadata API.
    if (url.pathname === '/computeMetadata/v1/instance/service-accounts/default/token') {
      if (req.headers['metadata-flavor'] !== 'Google') return send(403, 'Missing Metadata-Flavor: Google header', 'text/plain')
      if (!vm.yandex) return send(404, 'Not Found', 'text/plain')
      const token = bearer()
      store.issue('yandex', 'iam', token, exp)
      return send(200, { access_token: token, expires_in: ttl, token_type: 'Bearer' })
    }
    // IBM VPC instance identity (IBM go-sdk-core vpc_instance_authenticator.go): the version query on both calls,
    // Metadata-Flavor: ibm on the token call (the SDK sends it there only), the instance token as bearer on iam_token.
    if (url.pathname.startsWith('/instance_identity/v1/')) {
      const refuse = message => send(400, { errors: [{ code: 'bad_request', message }] })
      if (!url.searchParams.get('version')) return refuse('version query parameter required')
      if (url.pathname === '/instance_identity/v1/token' && req.method === 'PUT') {
        if (req.headers['metadata-flavor'] !== 'ibm') return refuse('Metadata-Flavor: ibm header required')
        const lifetime = body ? JSON.parse(body).expires_in : 300
        if (!Number.isInteger(lifetime) || lifetime < 5 || lifetime > 3600) return refuse('expires_in must be 5 to 3600')
        const token = `eyJ${randomBytes(24).toString('base64url')}`
        ibmSessions.add(token)
        return send(200, {
          access_token: token,
          created_at: new Date().toISOString(),
          expires_at: new Date(Date.now() + lifetime * 1000).toISOString(),
          expires_in: lifetime
        })
      }
      if (url.pathname === '/instance_identity/v1/iam_token' && req.method === 'POST') {
        const auth = String(req.headers.authorization ?? '')
        if (!auth.startsWith('Bearer ') || !ibmSessions.has(auth.slice(7)))
          return send(401, { errors: [{ code: 'not_authorized', message: 'The instance identity token is not valid.' }] })
        const profile = body ? (JSON.parse(body).trusted_profile ?? {}) : {}
        const id = profile.id ?? profile.crn?.split(':profile:')[1] ?? [...vm.ibmProfiles][0]
        if (!id || !vm.ibmProfiles.has(id)) {
          return send(400, {
            errors: [{ code: 'iam_token_failed', message: `Trusted profile ${id ?? '(none)'} is not linked to this instance.` }]
          })
        }
        const token = `eyJ${randomBytes(48).toString('base64url')}`
        store.issue('ibm', 'iambearer', token, exp)
        return send(200, {
          access_token: token,
          created_at: new Date().toISOString(),
          expires_at: new Date(exp).toISOString(),
          expires_in: ttl
        })
      }
    }
    return send(404, 'Not Found', 'text/plain')
  }
  return { handler, vm, requests }
}

/**
 * The metadata services on their own addresses (root: loopback aliases, port 80).
 * @param {{ store: import('./store.js').CredentialStore, alibaba?: any, tokenTtlSeconds?: number }} options
 */
export async function startMetadata(options) {
  const { handler, vm, requests } = createMetadataHandler(options)
  const added = []
  for (const address of [LINK_LOCAL, ALIBABA_METADATA]) {
    try {
      ip('addr', 'add', `${address}/32`, 'dev', 'lo')
      added.push(address)
    } catch (error) {
      if (!String(error.stderr).includes('File exists'))
        throw new Error(`cannot alias ${address} on lo (needs root and CAP_NET_ADMIN): ${error.stderr}`)
    }
  }
  const servers = await Promise.all(
    [LINK_LOCAL, ALIBABA_METADATA].map(
      address =>
        new Promise((resolve, reject) => {
          const server = http.createServer((req, res) => void handler(req, res).catch(e => (res.writeHead(500), res.end(String(e)))))
          server.once('error', reject)
          server.listen(80, address, () => resolve(server))
        })
    )
  )
  return {
    vm,
    requests,
    hosts: { [NEBIUS_METADATA_HOST]: LINK_LOCAL },
    async stop() {
      await Promise.all(servers.map(s => new Promise(done => (s.closeAllConnections?.(), s.close(() => done())))))
      for (const address of added) ip('addr', 'del', `${address}/32`, 'dev', 'lo')
    }
  }
}
