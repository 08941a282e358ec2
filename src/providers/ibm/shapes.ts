// IBM Cloud's credentials by shape: what its inputs hold, and the documents and tokens IBM issues (inputs/credential-shape.ts checks them).
import type { CredentialFormat, CredentialShape } from '../../inputs/credential-shape.js'

const nonEmpty = (value: unknown): boolean => typeof value === 'string' && value.trim() !== ''

/** What IBM issues: the API key file the console downloads (or ibmcloud iam api-key-create --file writes), and IAM access tokens. */
export const IBM_FORMATS: readonly CredentialFormat[] = [
  {
    // {"name":…,"description":…,"createdAt":…,"apikey":"…"}; a service's credentials JSON holds one 'apikey' too.
    what: 'an IBM Cloud API key file (apikey.json)',
    cloud: 'IBM Cloud',
    document: fields => nonEmpty(fields.apikey),
    input: 'api-key',
    take: 'apikey'
  },
  {
    what: 'an IAM access token (a JWT, eyJ…)',
    cloud: 'IBM Cloud',
    bare: /^eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/,
    input: 'token',
    ownOnly: true
  }
]

export const IBM_SHAPES = {
  'api-key': { kind: 'key', expected: 'an IBM Cloud API key', accepts: ['api-key'] },
  token: { kind: 'key', expected: 'an IAM access token', accepts: ['token'] }
} as const satisfies Record<string, CredentialShape>
