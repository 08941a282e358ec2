import type { CloudError } from '../../net/http.js'
import type { AuthorizedKey } from './key.js'

export const HINTS = {
  key: (status: number, cloud: CloudError, key: AuthorizedKey): string | undefined => {
    if (status === 401 || status === 404 || cloud.code === 'UNAUTHENTICATED' || cloud.code === 'NOT_FOUND') {
      return `IAM does not accept key ${key.id} of service account ${key.serviceAccountId}: it may have been deleted, or the 'service-account-key' secret holds another or an edited key. List the keys with 'yc iam key list --service-account-id ${key.serviceAccountId}' and create a new one if needed.`
    }
    if (status === 403 || cloud.code === 'PERMISSION_DENIED') {
      return `Service account ${key.serviceAccountId} may not get an IAM token (is it deleted or blocked?).`
    }
    if (status === 400 || cloud.code === 'INVALID_ARGUMENT') {
      return "IAM refused the signed JWT. Keep the key file unchanged and the runner's clock right (the JWT is valid for one hour from now)."
    }
    return undefined
  },
  oauth: (status: number, cloud: CloudError): string | undefined => {
    if (status === 401 || status === 400 || cloud.code === 'UNAUTHENTICATED' || cloud.code === 'INVALID_ARGUMENT') {
      return "Check the 'oauth-token' secret: Yandex ID OAuth tokens live 12 months, and none are issued since 2026-06-01. Use keyless login (auth: oidc) or a service-account key instead."
    }
    return undefined
  }
}

export function federationHint(serviceAccountId: string, githubAudience: string, subject: string | undefined, clientRequestId: string) {
  return (status: number, cloud: CloudError): string | undefined => {
    const said = `${cloud.code ?? ''} ${cloud.message ?? ''}`.toLowerCase()
    const trace = cloud.requestId ? '' : ` Yandex support can trace the call by its X-Client-Request-Id ${clientRequestId}.`
    let fix: string | undefined
    if (/audience|aud\b/.test(said) && !/service account/.test(said)) {
      fix = `The workload identity federation must list the GitHub token's audience '${githubAudience}' (set input 'audience' to what the federation expects).`
    } else if (/subject|federated credential|sub\b/.test(said) || cloud.code === 'invalid_grant') {
      fix = `Service account ${serviceAccountId} needs a federated credential whose external subject id is exactly this job's subject '${subject ?? '(unknown)'}' (it names the repository and the branch, tag or environment), in a federation with issuer https://token.actions.githubusercontent.com.`
    } else if (/service account|invalid_target/.test(said) || status === 404) {
      fix = `Check input 'service-account-id' (${serviceAccountId}): it must be the id of the service account, not its name.`
    } else if (status === 400 || status === 401 || status === 403) {
      fix = 'Check the workload identity federation (issuer, audiences, JWKS URL) and the federated credential on the service account.'
    }
    return fix || trace ? `${fix ?? ''}${trace}`.trim() : undefined
  }
}
