// IBM Cloud IAM `POST /identity/token` (API key grant, and the cr-token grant of a pod's projected service-account
// token for a trusted profile that trusts the pod) and what IBM's registries accept: `iambearer` + an IAM access
// token it issued, `iamapikey` + a known API key.
import { randomBytes } from 'node:crypto'

export const IBM_REGISTRY_HOSTS = [
  'icr.io',
  'us.icr.io',
  'uk.icr.io',
  'de.icr.io',
  'au.icr.io',
  'jp.icr.io',
  'jp2.icr.io',
  'br.icr.io',
  'ca.icr.io',
  'ca2.icr.io',
  'es.icr.io',
  'in.icr.io',
  'in2.icr.io',
  'private.us.icr.io'
]

const iamError = (errorCode, errorMessage) => ({
  errorCode,
  errorMessage,
  context: { requestId: randomBytes(8).toString('hex'), requestType: 'incoming.Identity_Token' }
})

const CR_TOKEN_GRANT = 'urn:ibm:params:oauth:grant-type:cr-token'

export function createIbmEmulator({
  store,
  kube = undefined,
  now = () => Date.now(),
  tokenTtlSeconds = undefined,
  tokenLifetimeSeconds = tokenTtlSeconds ?? 3600
}) {
  /** API keys IAM knows. */
  const apiKeys = new Set()
  /** Trusted profiles with a compute-resource link to a cluster's service account: id -> { namespace, serviceAccount }. */
  const podProfiles = new Map()
  const requests = []
  store.acceptWhen('ibm', (username, password) => username === 'iamapikey' && apiKeys.has(password))
  /**
   * Why IAM refuses a cr-token grant, or nothing: the token must be the cluster's (signature, issuer, expiry) and the
   * profile (profile_id, as IBM's SDKs send it) must trust its namespace and service account. The error codes here
   * are the emulator's own (IAM's real codes for these refusals were not seen).
   */
  function crTokenRefusal(form) {
    const token = form.get('cr_token')
    const profileId = form.get('profile_id')
    if (!token || !profileId) return iamError('BXNIM0109E', 'Property missing or empty. Operation not allowed.')
    let claims
    try {
      claims = kube.verify(token)
    } catch (error) {
      return iamError('BXNIM0102E', `The compute resource token is not valid: ${error.message}.`)
    }
    const link = podProfiles.get(profileId)
    if (!link || claims.sub !== `system:serviceaccount:${link.namespace}:${link.serviceAccount}`)
      return iamError('BXNIM0102E', `Trusted profile ${profileId} does not trust this compute resource.`)
    return undefined
  }

  return {
    cloud: 'ibm',
    hosts: ['iam.cloud.ibm.com', 'private.iam.cloud.ibm.com'],
    registryHosts: IBM_REGISTRY_HOSTS,
    requests,
    /** A new API key IAM will accept. */
    createApiKey() {
      const key = `ibm-${randomBytes(24).toString('base64url')}`
      apiKeys.add(key)
      return key
    },
    deleteApiKey: key => apiKeys.delete(key),
    /** A trusted profile that trusts the pods of `namespace` running as `serviceAccount` (a link of cr-type IKS_SA). */
    createPodProfile({ namespace = 'arc-runners', serviceAccount = 'github-runner' } = {}) {
      const id = `Profile-${randomBytes(8).toString('hex')}-pod`
      podProfiles.set(id, { namespace, serviceAccount })
      return id
    },
    errorBody: (status, message) => JSON.stringify(iamError(`BXNIM${status}E`, message)),
    async handle({ req, url, body, reply }) {
      if (url.pathname !== '/identity/token') return false
      if (req.method !== 'POST') return reply(405, iamError('BXNIM0405E', 'Method not allowed'))
      if (!String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded')) {
        return reply(400, iamError('BXNIM0109E', 'Property missing or empty. Operation not allowed.'))
      }
      const form = new URLSearchParams(body.toString())
      requests.push({ grantType: form.get('grant_type') })
      const grant = form.get('grant_type')
      if (grant === CR_TOKEN_GRANT && kube) {
        const refused = crTokenRefusal(form)
        if (refused) return reply(400, refused)
      } else if (grant !== 'urn:ibm:params:oauth:grant-type:apikey') {
        return reply(400, iamError('BXNIM0103E', 'Unsupported grant type.'))
      } else {
        const apikey = form.get('apikey')
        if (!apikey) return reply(400, iamError('BXNIM0109E', 'Property missing or empty. Operation not allowed.'))
        if (!apiKeys.has(apikey)) return reply(400, iamError('BXNIM0415E', 'Provided API key could not be found.'))
      }
      const accessToken = `eyJ${randomBytes(48).toString('base64url')}`
      const expiration = Math.floor(now() / 1000) + tokenLifetimeSeconds
      store.issue('ibm', 'iambearer', accessToken, expiration * 1000)
      return reply(200, {
        access_token: accessToken,
        refresh_token: 'not_supported',
        ims_user_id: 11800000,
        token_type: 'Bearer',
        expires_in: tokenLifetimeSeconds,
        expiration,
        scope: 'ibm openid'
      })
    }
  }
}
