// Alibaba Cloud's credentials by shape: what its inputs hold, and the AccessKeys Alibaba issues (inputs/credential-shape.ts checks them).
import type { CredentialFormat, CredentialShape, Fields } from '../../inputs/credential-shape.js'

const CLOUD = 'Alibaba Cloud'
const SPLIT =
  "Pass the AccessKey ID in 'access-key-id' and the AccessKey secret in 'access-key-secret' (an STS SecurityToken in 'security-token'), each from its own secret."

/** An AccessKey pair: at the top, or under AccessKey (CreateAccessKey's reply) or Credentials (STS's). */
function isAccessKeyPair(fields: Fields): boolean {
  return [fields, fields.AccessKey, fields.Credentials].some(
    part => typeof part === 'object' && part !== null && 'AccessKeyId' in part && 'AccessKeySecret' in part
  )
}

/** What Alibaba issues (protocols.md 3): AccessKey IDs (LTAI…), and the pair as JSON or as the console's CSV download. */
export const ALIBABA_FORMATS: readonly CredentialFormat[] = [
  {
    what: 'an Alibaba Cloud AccessKey ID (LTAI…)',
    cloud: CLOUD,
    bare: /^LTAI[A-Za-z0-9]{12,30}$/,
    input: 'access-key-id',
    fix: "Pass it in 'access-key-id' and the secret in 'access-key-secret': the two may be swapped."
  },
  { what: 'an Alibaba Cloud AccessKey ID and secret together (JSON)', cloud: CLOUD, document: isAccessKeyPair, fix: SPLIT },
  {
    what: 'the AccessKey file the console downloads (ID and secret together)',
    cloud: CLOUD,
    bare: /AccessKey ?ID[\s\S]*AccessKey ?Secret/i,
    fix: SPLIT
  }
]

export const ALIBABA_SHAPES = {
  'access-key-secret': { kind: 'key', expected: 'an AccessKey secret', accepts: ['access-key-secret'] },
  'security-token': { kind: 'key', expected: 'an STS security token', accepts: ['security-token'] }
} as const satisfies Record<string, CredentialShape>
