// IBM Cloud trusted profiles for the runner (auth: runner-identity): a VPC instance's metadata service, or a pod's
// compute-resource token exchanged with IAM (cr-token grant). IAM trusts no outside OIDC issuer: this is IBM's keyless path.
import { InputError } from '../../log/errors.js'
import { endpoint } from '../../net/endpoints.js'
import { formBody } from '../../net/http.js'
import type { RunnerIdentity } from '../../net/metadata.js'
import { METADATA_SESSION_TTL_SECONDS } from '../../net/policies.js'
import { readTokenFile } from '../../inputs/token-file.js'
import type { InputReader } from '../../inputs/reader.js'
import { accessTokenOf, type ExpiringToken } from '../kit/credentials.js'
import { metadataToken } from '../kit/runner-identity.js'
import type { ProviderContext } from '../provider.js'
import { IBM_IAM_URL, parseIamError } from './iam.js'

/** A trusted profile by id or by CRN; none: the VPC instance's default linked profile. */
export interface TrustedProfile {
  id?: string
  crn?: string
}

export interface IbmRunnerIdentity {
  kind: 'runner-identity'
  profile: TrustedProfile
  /** A pod's projected service-account token (cr-token grant); none: the VPC instance metadata service. */
  tokenFile?: string
}

const PROFILE_ID = /^Profile-[A-Za-z0-9-]{8,64}$/
const PROFILE_CRN = /^crn:v1:[a-z0-9-]+:[a-z0-9-]+:iam-identity:[^\s]*:profile:Profile-[A-Za-z0-9-]{8,64}$/
/** The VPC Instance Metadata API version of the instance_identity paths (IBM go-sdk-core vpc_instance_authenticator.go). */
const VPC_METADATA_VERSION = '2022-03-01'

/** How a trusted profile comes to trust a VPC instance: a link to the instance (named by its CRN). */
const LINK = 'ibmcloud iam trusted-profile-link-create <profile> --name runner --cr-type VSI --link-crn <instance CRN>'

export const IBM_VPC: RunnerIdentity = {
  runner: 'an IBM Cloud VPC instance with its metadata service on and a trusted profile',
  attach: `Turn the metadata service on (ibmcloud is instance-update <instance> --metadata-service true), link a trusted profile to the instance (${LINK}) and set 'trusted-profile' (docs/ibm.md, "Runner identity").`
}

const profileName = (profile: TrustedProfile): string => profile.id ?? profile.crn ?? "the instance's default linked profile"

/** Reads `trusted-profile` and `identity-token-file`; the token file is checked now, before any call. */
export function readIbmRunnerIdentity(inputs: InputReader): IbmRunnerIdentity {
  const profile = inputs.text('trusted-profile')
  const tokenFile = inputs.text('identity-token-file')
  if (profile && !PROFILE_ID.test(profile) && !PROFILE_CRN.test(profile)) {
    throw new InputError(
      'trusted-profile',
      `is '${profile}', which is neither a trusted profile id nor its CRN`,
      'Give the id (Profile-…) or the CRN (crn:v1:…:iam-identity:…:profile:Profile-…): ibmcloud iam trusted-profile <name> --id.'
    )
  }
  if (tokenFile && !profile) {
    throw new InputError(
      'trusted-profile',
      "is empty but 'identity-token-file' is set",
      "IAM's cr-token grant needs the profile: set its id (Profile-…) or CRN."
    )
  }
  if (tokenFile) readTokenFile('identity-token-file', tokenFile)
  const chosen: TrustedProfile = !profile ? {} : profile.startsWith('crn:') ? { crn: profile } : { id: profile }
  return { kind: 'runner-identity', profile: chosen, ...(tokenFile ? { tokenFile } : {}) }
}

export function ibmRunnerIdentityLabel(auth: IbmRunnerIdentity): string {
  const from = auth.tokenFile ? "the pod's service-account token (cr-token)" : "the VPC instance's identity"
  return `${from} exchanged for an IAM token of trusted profile ${profileName(auth.profile)} (iambearer)`
}

export function ibmRunnerToken(auth: IbmRunnerIdentity, ctx: ProviderContext): Promise<ExpiringToken> {
  return auth.tokenFile ? podToken(auth.tokenFile, auth.profile, ctx) : vpcToken(auth.profile, ctx)
}

const VPC = { service: 'IBM_METADATA', name: 'The IBM Cloud VPC metadata service', identity: IBM_VPC } as const

/** PUT instance_identity/v1/token, then POST instance_identity/v1/iam_token with it as bearer and the profile. */
async function vpcToken(profile: TrustedProfile, ctx: ProviderContext): Promise<ExpiringToken> {
  const headers = { 'Metadata-Flavor': 'ibm', 'Content-Type': 'application/json', Accept: 'application/json' }
  const version = `version=${VPC_METADATA_VERSION}`
  const instance = await metadataToken(
    { ...VPC, asked: 'the instance identity token' },
    {
      method: 'PUT',
      path: `/instance_identity/v1/token?${version}`,
      headers,
      body: JSON.stringify({ expires_in: METADATA_SESSION_TTL_SECONDS })
    },
    ctx
  )
  return metadataToken(
    {
      ...VPC,
      asked: 'an IAM token',
      hint: `Trusted profile ${profileName(profile)} must trust this instance: ${LINK}, or a compute-resource trust rule for it.`
    },
    {
      method: 'POST',
      path: `/instance_identity/v1/iam_token?${version}`,
      headers: { ...headers, Authorization: `Bearer ${instance.token}` },
      body: profile.id || profile.crn ? JSON.stringify({ trusted_profile: profile.id ? { id: profile.id } : { crn: profile.crn } }) : ''
    },
    ctx
  )
}

/** POST https://iam.cloud.ibm.com/identity/token, grant_type cr-token, with the pod's token and the profile. */
async function podToken(tokenFile: string, profile: TrustedProfile, ctx: ProviderContext): Promise<ExpiringToken> {
  const crToken = readTokenFile('identity-token-file', tokenFile)
  const reply = await ctx.http.json<Record<string, unknown>>({
    service: 'IBM Cloud IAM',
    method: 'POST',
    url: endpoint('IBM_IAM', IBM_IAM_URL, ctx.env),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: formBody({
      grant_type: 'urn:ibm:params:oauth:grant-type:cr-token',
      cr_token: crToken,
      // IBM's SDKs send the profile by id (or name) in this grant, never by CRN: a CRN ends in the id.
      profile_id: profile.id ?? profile.crn?.split(':profile:')[1]
    }),
    parseError: parseIamError,
    hint: status =>
      status === 400 || status === 401 || status === 403
        ? `Trusted profile ${profile.id ?? profile.crn ?? ''} must trust this pod: a compute-resource trust rule for the cluster, namespace and service account (docs/ibm.md, "Runner identity").`
        : undefined
  })
  return accessTokenOf('IBM Cloud IAM', reply, ctx)
}
