// IBM Cloud IAM: an API key exchanged for a short-lived access token, IAM's error bodies and hints.
import { endpoint } from '../../net/endpoints.js'
import { ActionError } from '../../log/errors.js'
import { formBody, type CloudError } from '../../net/http.js'
import type { ProviderContext } from '../provider.js'

export const IBM_IAM_URL = 'https://iam.cloud.ibm.com/identity/token'

interface IamTokenReply {
  access_token?: unknown
  expires_in?: unknown
  expiration?: unknown
}

/** IBM IAM errors: `{"errorCode":"BXNIM0415E","errorMessage":"…","context":{"requestId":"…"}}`. */
export function parseIamError(body: string): CloudError {
  const json = JSON.parse(body) as { errorCode?: string; errorMessage?: string; context?: { requestId?: string } }
  return {
    ...(json.errorCode ? { code: json.errorCode } : {}),
    ...(json.errorMessage ? { message: json.errorMessage } : {}),
    ...(json.context?.requestId ? { requestId: json.context.requestId } : {})
  }
}

function iamHint(status: number, cloud: CloudError): string | undefined {
  if (cloud.code === 'BXNIM0415E')
    return "Check the 'api-key' secret: IAM does not know this API key (deleted, mistyped, or from another account)."
  if (status === 400 || status === 401) return "Check the 'api-key' secret."
  return undefined
}

/** Exchanges an IBM Cloud API key for a short-lived IAM access token (`iambearer` password). */
export async function exchangeApiKey(apiKey: string, ctx: ProviderContext): Promise<{ token: string; expiresAt?: Date }> {
  const reply = await ctx.http.json<IamTokenReply>({
    service: 'IBM Cloud IAM',
    method: 'POST',
    url: endpoint('IBM_IAM', IBM_IAM_URL, ctx.env),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: formBody({ grant_type: 'urn:ibm:params:oauth:grant-type:apikey', apikey: apiKey }),
    parseError: parseIamError,
    hint: iamHint
  })
  if (typeof reply.access_token !== 'string' || !reply.access_token) {
    throw new ActionError('IBM Cloud IAM answered without an access_token.')
  }
  ctx.mask(reply.access_token)
  const expiresAt =
    typeof reply.expiration === 'number'
      ? new Date(reply.expiration * 1000)
      : typeof reply.expires_in === 'number'
        ? new Date(ctx.now().getTime() + reply.expires_in * 1000)
        : undefined
  return expiresAt ? { token: reply.access_token, expiresAt } : { token: reply.access_token }
}
