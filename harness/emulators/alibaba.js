// Alibaba Cloud: STS `AssumeRoleWithOIDC` (anonymous, verifies the GitHub JWT, the OIDC provider
// and the role's trust) and ACR `GetAuthorizationToken` on cr.<region>.aliyuncs.com, both the
// Enterprise RPC call (2018-12-01, signature v1) and the Personal ROA `GET /tokens` (2016-06-07).
// Signatures are recomputed from the request with harness/emulators/alibaba-signature.js (not the
// action's code); stale timestamps (> 15 min) and reused nonces are refused, STS SecurityTokens are
// honoured. The registry accepts the temporary pairs it issued and permanent instance passwords.
// Like the cloud (aliyun/acr-login#19), Personal `/tokens` answers 404 USER_NOT_EXIST to a RAM user
// that has no registry account yet (never set its access credential, no CreateUserInfo).
import { randomBytes, randomUUID } from 'node:crypto'
import { CLUSTER_ID } from '../kubernetes.js'
import { roaServerSignature, roaServerStringToSign, rpcServerSignature, rpcServerStringToSign, sameText } from './alibaba-signature.js'

export const ALIBABA_REGIONS = ['cn-hangzhou', 'cn-shanghai', 'cn-beijing', 'ap-southeast-1', 'eu-central-1', 'us-west-1']
export const ALIBABA_ACCOUNT_ID = '1357924680135792'
/** The test Enterprise instance. */
export const ALIBABA_INSTANCE = { id: 'cri-acme0test0instance', name: 'acme', region: 'cn-hangzhou' }
/** The test new-style Personal Edition instance (crpi-). */
export const ALIBABA_PERSONAL_INSTANCE = { id: 'crpi-acme0test0personal', region: 'cn-hangzhou' }
export const ALIBABA_OIDC_PROVIDER_ARN = `acs:ram::${ALIBABA_ACCOUNT_ID}:oidc-provider/github-actions`
export const ALIBABA_REGISTRY_HOSTS = [
  `${ALIBABA_INSTANCE.name}-registry.${ALIBABA_INSTANCE.region}.cr.aliyuncs.com`,
  `${ALIBABA_INSTANCE.name}-registry-vpc.${ALIBABA_INSTANCE.region}.cr.aliyuncs.com`,
  'registry.cn-hangzhou.aliyuncs.com',
  'registry-vpc.cn-hangzhou.aliyuncs.com',
  'registry.cn-shanghai.aliyuncs.com',
  `${ALIBABA_PERSONAL_INSTANCE.id}.${ALIBABA_PERSONAL_INSTANCE.region}.personal.cr.aliyuncs.com`
]

const MAX_SKEW_MS = 15 * 60 * 1000

const requestId = () => randomUUID().toUpperCase()
const rpcError = (Code, Message) => ({
  RequestId: requestId(),
  HostId: 'cr.aliyuncs.com',
  Code,
  Message,
  Recommend: `https://api.aliyun.com/troubleshoot?q=${Code}`
})
const random = (n = 24) => randomBytes(n).toString('base64url')

/** ACK's RRSA OIDC provider of the runner pods' cluster (harness/kubernetes.js): ack-rrsa-<cluster id>. */
export const ALIBABA_RRSA_PROVIDER_ARN = `acs:ram::${ALIBABA_ACCOUNT_ID}:oidc-provider/ack-rrsa-${CLUSTER_ID}`

export function createAlibabaEmulator({ store, github, kube = undefined, now = () => Date.now(), tokenTtlSeconds = undefined }) {
  // Temporary registry passwords live 1 hour; STS credentials as long as asked, both capped by the local cloud's knob.
  const tokenLifetimeMs = (tokenTtlSeconds ?? 3600) * 1000
  /** Long-lived AccessKeys of RAM users: id -> { secret, user, allowed, registered } */
  const accessKeys = new Map()
  /** STS credentials: id -> { secret, token, expiresAt, role, allowed } */
  const stsKeys = new Map()
  /** RAM roles: arn -> { subject, provider, allowed, maxSessionDuration } */
  const roles = new Map()
  const oidcProviders = new Map([
    [ALIBABA_OIDC_PROVIDER_ARN, { issuer: 'https://token.actions.githubusercontent.com', clientIds: ['sts.aliyuncs.com'] }],
    // RRSA: the cluster's issuer, its tokens checked with the cluster's key (no audience here: checked below as for GitHub's).
    ...(kube ? [[ALIBABA_RRSA_PROVIDER_ARN, { issuer: kube.issuer, clientIds: ['sts.aliyuncs.com'], verify: t => kube.verify(t) }]] : [])
  ])
  const instances = new Map([
    [ALIBABA_INSTANCE.id, ALIBABA_INSTANCE],
    [ALIBABA_PERSONAL_INSTANCE.id, ALIBABA_PERSONAL_INSTANCE]
  ])
  /** Permanent instance access credentials: username -> password */
  const passwords = new Map()
  const nonces = new Set()
  const requests = []
  const throttles = []
  const THROTTLE_MESSAGES = {
    Throttling: 'Request was denied due to request throttling.',
    'Throttling.User': 'Request was denied due to user flow control.',
    'Throttling.Api': 'Request was denied due to api flow control.'
  }
  store.acceptWhen('alibaba', (username, password) => passwords.has(username) && passwords.get(username) === password)

  const emulator = {
    cloud: 'alibaba',
    hosts: ['sts.aliyuncs.com', ...ALIBABA_REGIONS.map(region => `cr.${region}.aliyuncs.com`)],
    registryHosts: ALIBABA_REGISTRY_HOSTS,
    requests,
    /** Added to the emulator's clock: a skew of 20 minutes makes every request look stale. */
    clockSkewMs: 0,
    /**
     * Throttles the next `times` calls to `host` the way Alibaba Cloud does: HTTP 400 with
     * `Code: Throttling`, `Throttling.User` or `Throttling.Api` (not a 429). Each throttled call is
     * recorded in `requests` as `{ api: 'throttled', host, code }`.
     */
    throttle(host, { times = 1, code = 'Throttling.User' } = {}) {
      throttles.push({ host, times, code })
    },
    /**
     * A RAM user's AccessKey; `allowed: false` means its policy lacks cr:GetAuthorizationToken,
     * `registered: false` that the user never got a Personal Edition registry account.
     */
    createAccessKey({ allowed = true, user = 'ci-pusher', registered = true } = {}) {
      const id = `LTAI5t${randomBytes(9).toString('hex')}`
      const secret = random(22)
      accessKeys.set(id, { secret, user, allowed, registered })
      return { id, secret }
    },
    /** STS credentials as `aliyun sts AssumeRole` hands them out before the job (AK + SecurityToken). */
    issueStsCredentials({ allowed = true, lifetimeSeconds = 3600, role = `acs:ram::${ALIBABA_ACCOUNT_ID}:role/ci` } = {}) {
      return mintSts(role, allowed, lifetimeSeconds)
    },
    /** A RAM role that GitHub tokens with this `sub` (default: the local GitHub's) may assume. */
    createRole(name, { subject = github.subject, allowed = true, maxSessionDuration = 3600, provider = ALIBABA_OIDC_PROVIDER_ARN } = {}) {
      const arn = `acs:ram::${ALIBABA_ACCOUNT_ID}:role/${name}`
      roles.set(arn, { subject, provider, allowed, maxSessionDuration })
      return arn
    },
    /** The instance's permanent access credential ("fixed password"). */
    setPassword(username, password) {
      passwords.set(username, password)
    },
    errorBody: (status, message) =>
      JSON.stringify(rpcError(status === 429 ? 'Throttling.User' : status >= 500 ? 'ServiceUnavailable' : 'InvalidParameter', message)),
    async handle({ req, url, body, reply, host }) {
      const throttled = throttles.find(t => t.host === host && t.times > 0)
      if (throttled) {
        throttled.times--
        requests.push({ api: 'throttled', host, code: throttled.code })
        return reply(400, rpcError(throttled.code, THROTTLE_MESSAGES[throttled.code] ?? 'Request was denied due to flow control.'))
      }
      if (host === 'sts.aliyuncs.com') {
        if (url.pathname !== '/') return false
        return assumeRoleWithOidc(req, url, body, reply)
      }
      const region = /^cr\.([a-z0-9-]+)\.aliyuncs\.com$/.exec(host)?.[1]
      if (!region) return false
      if (url.pathname === '/tokens') return personalTokens(req, url, reply, region)
      if (url.pathname === '/') return enterpriseToken(req, url, body, reply, region)
      return false
    }
  }

  const clock = () => now() + emulator.clockSkewMs

  function mintSts(role, allowed, lifetimeSeconds) {
    const id = `STS.NT${randomBytes(12).toString('hex')}`
    const secret = random(30)
    const token = `CAIS${random(180)}`
    const expiresAt = clock() + Math.min(lifetimeSeconds, tokenTtlSeconds ?? Infinity) * 1000
    stsKeys.set(id, { secret, token, expiresAt, role, allowed })
    return { id, secret, token, expiresAt }
  }

  function stale(time) {
    return !Number.isFinite(time) || Math.abs(clock() - time) > MAX_SKEW_MS
  }

  /** Looks the caller up; returns { key } or { error: [status, body] }. */
  function caller(accessKeyId, securityToken) {
    if (accessKeyId.startsWith('STS.')) {
      const sts = stsKeys.get(accessKeyId)
      if (!sts) return { error: [404, rpcError('InvalidAccessKeyId.NotFound', 'Specified access key is not found.')] }
      if (!securityToken) return { error: [400, rpcError('InvalidSecurityToken.Malformed', 'Specified SecurityToken is malformed.')] }
      if (!sameText(securityToken, sts.token))
        return {
          error: [400, rpcError('InvalidSecurityToken.MismatchWithAccessKey', 'Specified SecurityToken mismatch with the AccessKey.')]
        }
      if (sts.expiresAt <= clock()) return { error: [400, rpcError('InvalidSecurityToken.Expired', 'Specified SecurityToken is expired.')] }
      return { key: sts }
    }
    const key = accessKeys.get(accessKeyId)
    if (!key) return { error: [404, rpcError('InvalidAccessKeyId.NotFound', 'Specified access key is not found.')] }
    if (securityToken)
      return {
        error: [400, rpcError('InvalidSecurityToken.MismatchWithAccessKey', 'Specified SecurityToken mismatch with the AccessKey.')]
      }
    return { key }
  }

  function issue(key, username) {
    const password = `${random(16)}:${random(32)}`
    const expiresAt = Math.min(clock() + tokenLifetimeMs, key.expiresAt ?? Infinity)
    store.issue('alibaba', username, password, expiresAt)
    return { password, expiresAt }
  }

  function enterpriseToken(req, url, body, reply, region) {
    const pairs = [...url.searchParams]
    if (req.method === 'POST') {
      if (!String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
        return reply(400, rpcError('InvalidParameter', 'The request body must be application/x-www-form-urlencoded.'))
      }
      pairs.push(...new URLSearchParams(body.toString()))
    } else if (req.method !== 'GET') {
      return reply(405, rpcError('UnsupportedHTTPMethod', 'This http method is not supported.'))
    }
    const p = Object.fromEntries(pairs)
    requests.push({
      api: 'rpc',
      region,
      action: p.Action,
      accessKeyId: p.AccessKeyId,
      instanceId: p.InstanceId,
      sts: Boolean(p.SecurityToken),
      nonce: p.SignatureNonce
    })
    for (const name of ['AccessKeyId', 'Signature', 'SignatureNonce', 'Timestamp', 'Version', 'Action']) {
      if (!p[name]) return reply(400, rpcError(`Missing${name}`, `${name} is mandatory for this action.`))
    }
    if (p.SignatureMethod !== 'HMAC-SHA1' || p.SignatureVersion !== '1.0') {
      return reply(400, rpcError('InvalidSignatureMethod', 'Specified signature method or version is not supported.'))
    }
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(p.Timestamp)) {
      return reply(400, rpcError('InvalidTimeStamp.Format', 'Specified time stamp or date value is not well formatted.'))
    }
    if (stale(Date.parse(p.Timestamp)))
      return reply(400, rpcError('InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.'))
    const who = caller(p.AccessKeyId, p.SecurityToken)
    if (who.error) return reply(...who.error)
    const stringToSign = rpcServerStringToSign(req.method, pairs)
    if (!sameText(rpcServerSignature(stringToSign, who.key.secret), p.Signature)) {
      return reply(
        400,
        rpcError(
          'SignatureDoesNotMatch',
          `Specified signature is not matched with our calculation. server string to sign is:${stringToSign}`
        )
      )
    }
    if (nonces.has(p.SignatureNonce)) return reply(400, rpcError('SignatureNonceUsed', 'Specified signature nonce was used already.'))
    nonces.add(p.SignatureNonce)
    if (p.Action !== 'GetAuthorizationToken')
      return reply(404, rpcError('InvalidAction.NotFound', `Specified api is not found, please check your url and method.`))
    if (p.Version !== '2018-12-01') return reply(400, rpcError('InvalidVersion', `Specified parameter Version is not valid.`))
    if (!p.InstanceId) return reply(400, rpcError('MissingInstanceId', 'InstanceId is mandatory for this action.'))
    const instance = instances.get(p.InstanceId)
    if (!instance || instance.region !== region) {
      return reply(404, rpcError('INSTANCE_NOT_EXIST', `The instance ${p.InstanceId} does not exist in region ${region}.`))
    }
    if (!who.key.allowed) return reply(403, rpcError('NoPrivilege', 'Access denied for this user.'))
    const { password, expiresAt } = issue(who.key, 'temp_user_cr')
    return reply(200, {
      RequestId: requestId(),
      ExpireTime: expiresAt,
      Code: 'success',
      IsSuccess: true,
      TempUsername: 'temp_user_cr',
      AuthorizationToken: password
    })
  }

  function personalTokens(req, url, reply, region) {
    const h = req.headers
    requests.push({
      api: 'roa',
      region,
      accessKeyId: h['x-acs-accesskey-id'],
      sts: Boolean(h['x-acs-security-token']),
      nonce: h['x-acs-signature-nonce']
    })
    if (req.method !== 'GET') return reply(405, rpcError('UnsupportedHTTPMethod', 'This http method is not supported.'))
    const auth = /^acs ([^:]+):(.+)$/.exec(String(h.authorization ?? ''))
    if (!auth) return reply(400, rpcError('MissingAuthorization', 'Authorization is mandatory for this action.'))
    const [, accessKeyId, signature] = auth
    if (h['x-acs-version'] !== '2016-06-07') return reply(400, rpcError('InvalidVersion', 'Specified parameter Version is not valid.'))
    if (h['x-acs-signature-method'] !== 'HMAC-SHA1')
      return reply(400, rpcError('InvalidSignatureMethod', 'Specified signature method is not supported.'))
    const nonce = String(h['x-acs-signature-nonce'] ?? '')
    if (!nonce) return reply(400, rpcError('MissingSignatureNonce', 'SignatureNonce is mandatory for this action.'))
    if (!h.date) return reply(400, rpcError('MissingDate', 'Date is mandatory for this action.'))
    if (stale(Date.parse(String(h.date))))
      return reply(400, rpcError('InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.'))
    const who = caller(accessKeyId, h['x-acs-security-token'])
    if (who.error) return reply(...who.error)
    const stringToSign = roaServerStringToSign(req.method, url.pathname, url.searchParams, h)
    if (!sameText(roaServerSignature(stringToSign, who.key.secret), signature)) {
      return reply(
        400,
        rpcError(
          'SignatureDoesNotMatch',
          `Specified signature is not matched with our calculation. server string to sign is:${stringToSign}`
        )
      )
    }
    if (nonces.has(nonce)) return reply(400, rpcError('SignatureNonceUsed', 'Specified signature nonce was used already.'))
    nonces.add(nonce)
    if (who.key.registered === false) return reply(404, { code: 'USER_NOT_EXIST', message: 'user is not exist.', requestId: requestId() })
    if (!who.key.allowed) return reply(403, rpcError('NoPrivilege', 'Access denied for this user.'))
    const { password, expiresAt } = issue(who.key, 'cr_temp_user')
    return reply(200, {
      data: { authorizationToken: password, tempUserName: 'cr_temp_user', expireDate: expiresAt },
      requestId: requestId()
    })
  }

  function assumeRoleWithOidc(req, url, body, reply) {
    if (req.method !== 'POST') return reply(405, rpcError('UnsupportedHTTPMethod', 'This http method is not supported.'))
    const p = Object.fromEntries([...url.searchParams, ...new URLSearchParams(body.toString())])
    requests.push({
      api: 'sts',
      action: p.Action,
      roleArn: p.RoleArn,
      sessionName: p.RoleSessionName,
      duration: p.DurationSeconds,
      signed: Boolean(p.Signature)
    })
    if (p.Action !== 'AssumeRoleWithOIDC')
      return reply(404, rpcError('InvalidAction.NotFound', 'Specified api is not found, please check your url and method.'))
    if (p.Version !== '2015-04-01') return reply(400, rpcError('InvalidVersion', 'Specified parameter Version is not valid.'))
    if (p.Timestamp && stale(Date.parse(p.Timestamp)))
      return reply(400, rpcError('InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.'))
    for (const name of ['OIDCProviderArn', 'RoleArn', 'OIDCToken', 'RoleSessionName']) {
      if (!p[name])
        return reply(
          400,
          rpcError(`MissingParameter`, `The input parameter "${name}" that is mandatory for processing this request is not supplied.`)
        )
    }
    if (!/^[A-Za-z0-9.@_-]{2,64}$/.test(p.RoleSessionName))
      return reply(400, rpcError('InvalidParameter.RoleSessionName', 'The parameter RoleSessionName is wrongly formed.'))
    const provider = oidcProviders.get(p.OIDCProviderArn)
    if (!provider) return reply(404, rpcError('EntityNotExist.OIDCProvider', `The OIDC provider does not exist: ${p.OIDCProviderArn}.`))
    const role = roles.get(p.RoleArn)
    if (!role) return reply(404, rpcError('EntityNotExist.Role', `The role not exists: ${p.RoleArn}.`))
    const duration = p.DurationSeconds ? Number(p.DurationSeconds) : 3600
    if (!Number.isInteger(duration) || duration < 900 || duration > role.maxSessionDuration) {
      return reply(
        400,
        rpcError('InvalidParameter.DurationSeconds', `The Min/Max value of DurationSeconds is 900/${role.maxSessionDuration} seconds.`)
      )
    }
    let claims
    try {
      claims = (provider.verify ?? (t => github.verify(t)))(p.OIDCToken)
    } catch (error) {
      return reply(400, rpcError('AuthenticationFail.OIDCToken.Invalid', `The OIDC token is invalid: ${error.message}.`))
    }
    if (claims.iss !== provider.issuer)
      return reply(
        400,
        rpcError('AuthenticationFail.OIDCToken.IssuerNotMatch', 'The issuer of the OIDC token does not match the OIDC provider.')
      )
    const auds = Array.isArray(claims.aud) ? claims.aud : [claims.aud]
    if (!auds.some(aud => provider.clientIds.includes(aud))) {
      return reply(
        400,
        rpcError(
          'AuthenticationFail.OIDCToken.ClientIdNotMatch',
          `The audience of the OIDC token (${auds.join(',')}) is not a client id of the OIDC provider.`
        )
      )
    }
    if (role.provider !== p.OIDCProviderArn || role.subject !== claims.sub) {
      return reply(
        403,
        rpcError('AuthenticationFail.NoPermission', `You are not authorized to assume the role ${p.RoleArn} with this OIDC token.`)
      )
    }
    const sts = mintSts(p.RoleArn, role.allowed, duration)
    const roleName = p.RoleArn.split('/').pop()
    return reply(200, {
      RequestId: requestId(),
      OIDCTokenInfo: {
        Subject: claims.sub,
        Issuer: claims.iss,
        ClientIds: auds.join(','),
        VerificationInfo: 'Success',
        IssuanceTime: new Date(claims.iat * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        ExpirationTime: new Date(claims.exp * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')
      },
      AssumedRoleUser: {
        AssumedRoleId: `3${randomBytes(8).toString('hex')}:${p.RoleSessionName}`,
        Arn: `acs:ram::${ALIBABA_ACCOUNT_ID}:role/${roleName}/${p.RoleSessionName}`
      },
      Credentials: {
        AccessKeyId: sts.id,
        AccessKeySecret: sts.secret,
        SecurityToken: sts.token,
        Expiration: new Date(sts.expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z')
      }
    })
  }

  return emulator
}
