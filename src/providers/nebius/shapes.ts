// Nebius AI Cloud's credentials by shape: what its inputs hold, and the credentials file Nebius issues (inputs/credential-shape.ts checks them).
import type { CredentialFormat, CredentialShape } from '../../inputs/credential-shape.js'

const CLOUD = 'Nebius AI Cloud'

/** What Nebius issues (protocols.md 2.3): the credentials file of nebius iam auth-public-key generate, and its PEM. */
export const NEBIUS_FORMATS: readonly CredentialFormat[] = [
  {
    what: "a Nebius AI Cloud credentials file (the JSON of 'nebius iam auth-public-key generate')",
    cloud: CLOUD,
    document: fields => 'subject-credentials' in fields,
    input: 'service-account-key',
    fix: "Pass the whole file in 'service-account-key' (it holds the private key with its ids), not in 'private-key'."
  },
  {
    what: 'a PEM private key',
    cloud: CLOUD,
    bare: /^-----BEGIN [A-Z ]*PRIVATE KEY-----/,
    input: 'private-key',
    fix: "Pass it in 'private-key', with 'service-account-id' and 'public-key-id'; or pass the whole credentials file in 'service-account-key'.",
    ownOnly: true
  }
]

/** A credentials file given as 'token' (or as the password of username iam) is taken as a service-account key (auth.ts). */
const TOKEN: CredentialShape = {
  kind: 'key',
  expected: 'a Nebius static key or access token',
  accepts: ['token', 'service-account-key']
}

export const NEBIUS_SHAPES = {
  'service-account-key': { kind: 'file', expected: 'a Nebius credentials file (JSON)', accepts: ['service-account-key'] },
  'private-key': { kind: 'pem', expected: 'a PEM private key', accepts: ['private-key'] },
  token: TOKEN
} as const satisfies Record<string, CredentialShape>
