// IBM Cloud IAM: an API key exchanged for a short-lived access token, IAM's error bodies and hints.
import { endpoint } from '../../net/endpoints.js'
import { formBody, type CloudError } from '../../net/http.js'
import { accessTokenOf } from '../kit/credentials.js'
import type { ProviderContext } from '../provider.js'

export const IBM_IAM_URL = 'https://iam.cloud.ibm.com/identity/token'

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
  const reply = await ctx.http.json<Record<string, unknown>>({
    service: 'IBM Cloud IAM',
    method: 'POST',
    url: endpoint('IBM_IAM', IBM_IAM_URL, ctx.env),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: formBody({ grant_type: 'urn:ibm:params:oauth:grant-type:apikey', apikey: apiKey }),
    parseError: parseIamError,
    hint: iamHint
  })
  return accessTokenOf('IBM Cloud IAM', reply, ctx)
}
