// Alibaba Cloud's OpenAPI calls for a login: ACR GetAuthorizationToken and Personal Edition /tokens, STS AssumeRoleWithOIDC, and their error bodies.
import { endpoint } from '../../net/endpoints.js'
import { ActionError } from '../../log/errors.js'
import { cloudWords, formBody, type CloudError, type HttpRequest } from '../../net/http.js'
import type { ProviderContext } from '../provider.js'
import { alibabaHint, stsHint } from './hints.js'
import { encodeParams, isoTimestamp, percentEncodedForms, signRoaRequest, signRpcRequest, type AccessKeyCredential } from './signature.js'

/** ACR OpenAPI endpoint; the override may contain `{region}`. */
export const ALIBABA_CR_URL = 'https://cr.{region}.aliyuncs.com'
export const ALIBABA_STS_URL = 'https://sts.aliyuncs.com'

export function crEndpoint(region: string, env: NodeJS.ProcessEnv): string {
  return endpoint('ALIBABA_CR', ALIBABA_CR_URL, env)
    .replace(/\{region\}/g, region)
    .replace(/\/+$/, '')
}

export function stsEndpoint(env: NodeJS.ProcessEnv): string {
  return endpoint('ALIBABA_STS', ALIBABA_STS_URL, env).replace(/\/+$/, '')
}

/** RPC success codes (pop-core treats these as success, notably ACR's `Code: "success"`). */
const SUCCESS_CODES = new Set(['success', 'Success', 'OK', '200'])

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : undefined

/**
 * Alibaba error bodies: RPC JSON `{Code, Message, RequestId}`, ROA JSON `{code, message, requestId}` or
 * `{errorCode, errorMsg}`, or XML `<Error><Code>…</Code><Message>…</Message><RequestId>…</RequestId></Error>`.
 */
export function parseAlibabaError(body: string): CloudError {
  const trimmed = body.trim()
  let code: string | undefined
  let message: string | undefined
  let requestId: string | undefined
  if (trimmed.startsWith('<')) {
    const tag = (name: string): string | undefined => new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(trimmed)?.[1]?.trim() || undefined
    code = tag('Code')
    message = tag('Message')
    requestId = tag('RequestId')
  } else {
    const json = JSON.parse(trimmed) as Record<string, unknown>
    code = text(json.Code) ?? text(json.code) ?? text(json.errorCode)
    message = text(json.Message) ?? text(json.message) ?? text(json.errorMsg)
    requestId = text(json.RequestId) ?? text(json.requestId)
  }
  return { ...(code ? { code } : {}), ...(message ? { message } : {}), ...(requestId ? { requestId } : {}) }
}

/**
 * Alibaba's "try again" codes, retried whatever the HTTP status (throttling comes as HTTP 400):
 * `Throttling`, `Throttling.User`, `Throttling.Api` (and any other `Throttling.*`), and
 * `ServiceUnavailable` / `ServiceUnavailableTemporary`.
 */
export function alibabaRetryable(_status: number, cloud: CloudError): boolean {
  const code = cloud.code ?? ''
  return code === 'Throttling' || code.startsWith('Throttling.') || code === 'ServiceUnavailable' || code === 'ServiceUnavailableTemporary'
}

/** Strings that are no error although they sit in `Code`. */
export function isRpcFailure(reply: { Code?: unknown; IsSuccess?: unknown }): boolean {
  if (reply.IsSuccess === false) return true
  return reply.Code !== undefined && !SUCCESS_CODES.has(String(reply.Code))
}

/**
 * A request whose signing headers/body are recomputed on every read, so that a retry of the same
 * request carries a fresh nonce and timestamp (the cloud refuses a reused nonce).
 */
function freshlySigned(
  base: Omit<HttpRequest, 'headers' | 'body'>,
  sign: () => { headers: Record<string, string>; body?: string }
): HttpRequest {
  let current: { headers: Record<string, string>; body?: string } | undefined
  const request = { ...base } as HttpRequest
  // http.ts reads `headers` first and `body` right after, once per attempt: sign on each `headers` read.
  Object.defineProperty(request, 'headers', {
    enumerable: true,
    get: () => {
      current = sign()
      return current.headers
    }
  })
  Object.defineProperty(request, 'body', { enumerable: true, get: () => (current ?? (current = sign())).body })
  return request
}

export interface TemporaryRegistryCredential {
  username: string
  password: string
  expiresAt?: Date
}

function expiry(value: unknown): Date | undefined {
  const ms = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : undefined
  return ms && Number.isFinite(ms) ? new Date(ms) : undefined
}

/** EE `GetAuthorizationToken` (2018-12-01, RPC, signature v1), as a signed form POST. */
export async function getEnterpriseToken(
  credential: AccessKeyCredential,
  region: string,
  instanceId: string,
  ctx: ProviderContext,
  oidc = false
): Promise<TemporaryRegistryCredential> {
  const request = freshlySigned(
    {
      service: `Alibaba Cloud ACR (GetAuthorizationToken, ${region})`,
      method: 'POST',
      url: `${crEndpoint(region, ctx.env)}/`,
      parseError: parseAlibabaError,
      hint: (_status, cloud) => alibabaHint(cloud, { instanceId, region, oidc }),
      retryable: alibabaRetryable
    },
    () => ({
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: encodeParams(
        signRpcRequest(
          'POST',
          { Action: 'GetAuthorizationToken', Version: '2018-12-01', InstanceId: instanceId, RegionId: region },
          credential,
          { now: ctx.now() }
        )
      )
    })
  )
  const reply = await ctx.http.json<Record<string, unknown>>(request)
  if (isRpcFailure(reply)) {
    const cloud = parseAlibabaError(JSON.stringify(reply))
    throw new ActionError(
      `Alibaba Cloud ACR (GetAuthorizationToken, ${region}) refused:${cloudWords(cloud)}.`,
      alibabaHint(cloud, { instanceId, region, oidc })
    )
  }
  return temporary(reply.TempUsername, reply.AuthorizationToken, reply.ExpireTime, 'GetAuthorizationToken', ctx)
}

/** Personal Edition `GET /tokens` (2016-06-07, ROA). */
export async function getPersonalToken(
  credential: AccessKeyCredential,
  region: string,
  ctx: ProviderContext,
  oidc = false
): Promise<TemporaryRegistryCredential> {
  const request = freshlySigned(
    {
      service: `Alibaba Cloud ACR (Personal Edition /tokens, ${region})`,
      method: 'GET',
      url: `${crEndpoint(region, ctx.env)}/tokens`,
      parseError: parseAlibabaError,
      hint: (_status, cloud) => alibabaHint(cloud, { region, oidc }),
      retryable: alibabaRetryable
    },
    () => ({ headers: signRoaRequest('GET', '/tokens', '2016-06-07', credential, { now: ctx.now() }) })
  )
  const reply = await ctx.http.json<{ data?: Record<string, unknown> }>(request)
  const data = reply.data ?? {}
  return temporary(data.tempUserName, data.authorizationToken, data.expireDate, '/tokens', ctx)
}

function temporary(
  username: unknown,
  password: unknown,
  expires: unknown,
  call: string,
  ctx: ProviderContext
): TemporaryRegistryCredential {
  if (typeof password !== 'string' || !password || typeof username !== 'string' || !username) {
    throw new ActionError(`Alibaba Cloud ACR answered ${call} without a temporary username and authorization token.`)
  }
  ctx.mask(password)
  const expiresAt = expiry(expires)
  return expiresAt ? { username, password, expiresAt } : { username, password }
}

export interface OidcRole {
  roleArn: string
  oidcProviderArn: string
  roleSessionName: string
  durationSeconds: number
}

export interface StsCredential extends AccessKeyCredential {
  securityToken: string
  expiration?: Date
}

/** STS `AssumeRoleWithOIDC` (2015-04-01): anonymous, the GitHub token is the credential. */
export async function assumeRoleWithOidc(
  oidcToken: string,
  role: OidcRole,
  audience: string,
  ctx: ProviderContext
): Promise<StsCredential> {
  const query = encodeParams({ Action: 'AssumeRoleWithOIDC', Format: 'JSON', Version: '2015-04-01', Timestamp: isoTimestamp(ctx.now()) })
  const reply = await ctx.http.json<{ Credentials?: Record<string, unknown>; Code?: unknown }>({
    service: 'Alibaba Cloud STS (AssumeRoleWithOIDC)',
    method: 'POST',
    url: `${stsEndpoint(ctx.env)}/?${query}`,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: formBody({
      OIDCProviderArn: role.oidcProviderArn,
      RoleArn: role.roleArn,
      OIDCToken: oidcToken,
      RoleSessionName: role.roleSessionName,
      DurationSeconds: String(role.durationSeconds)
    }),
    parseError: parseAlibabaError,
    hint: (_status, cloud) => stsHint(cloud, role, audience),
    retryable: alibabaRetryable
  })
  return stsCredential(reply.Credentials ?? {}, ctx, 'Alibaba Cloud STS answered AssumeRoleWithOIDC')
}

/**
 * A temporary AccessKey (AssumeRoleWithOIDC's `Credentials`, an ECS role's credentials from the metadata service),
 * masked in every form a later error may echo; `from` says who answered, for the error when a part is missing.
 */
export function stsCredential(c: Record<string, unknown>, ctx: ProviderContext, from: string): StsCredential {
  const { AccessKeyId: id, AccessKeySecret: secret, SecurityToken: token } = c
  if (typeof id !== 'string' || !id || typeof secret !== 'string' || !secret || typeof token !== 'string' || !token) {
    throw new ActionError(`${from} without Credentials (AccessKeyId, AccessKeySecret, SecurityToken).`)
  }
  ctx.mask(secret)
  ctx.mask(token)
  for (const form of percentEncodedForms(token)) ctx.mask(form)
  const expiration = typeof c.Expiration === 'string' ? new Date(c.Expiration) : undefined
  return {
    accessKeyId: id,
    accessKeySecret: secret,
    securityToken: token,
    ...(expiration && !Number.isNaN(expiration.getTime()) ? { expiration } : {})
  }
}
