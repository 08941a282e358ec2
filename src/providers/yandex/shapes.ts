// Yandex Cloud's credentials by shape: what its inputs hold, and the keys, tokens and CLI outputs Yandex issues (inputs/credential-shape.ts checks them).
import type { CredentialFormat, CredentialShape, Fields } from '../../inputs/credential-shape.js'

const CLOUD = 'Yandex Cloud'
const nonEmpty = (value: unknown): boolean => typeof value === 'string' && value.trim() !== ''
const isAuthorizedKey = (fields: Fields): boolean =>
  'private_key' in fields && ('service_account_id' in fields || 'user_account_id' in fields)

/** What Yandex issues (protocols.md 1.2, 1.3): authorized keys, the output of yc iam api-key create, IAM, OAuth and API keys. */
export const YANDEX_FORMATS: readonly CredentialFormat[] = [
  {
    what: "a Yandex Cloud authorized key (the key.json of 'yc iam key create')",
    cloud: CLOUD,
    document: isAuthorizedKey,
    input: 'service-account-key',
    fix: "Pass it in 'service-account-key' (or as 'password' with 'username: json_key')."
  },
  {
    // YAML by default (api_key: {id, service_account_id, created_at}, secret: AQVN…), JSON with --format json.
    what: "the output of 'yc iam api-key create'",
    cloud: CLOUD,
    document: fields => 'api_key' in fields && nonEmpty(fields.secret),
    input: 'api-key',
    take: 'secret'
  },
  {
    what: "the output of 'yc iam access-key create' (a static access key for Object Storage)",
    cloud: CLOUD,
    document: fields => 'access_key' in fields && 'secret' in fields,
    fix: "No registry takes it: create an API key ('yc iam api-key create') or an authorized key ('yc iam key create') for the service account."
  },
  {
    what: 'a Yandex Cloud IAM token (t1.…)',
    cloud: CLOUD,
    bare: /^t1\.[A-Za-z0-9_-]+=*\.[A-Za-z0-9_-]{86}=*$/,
    input: 'token',
    fix: "Pass it in 'token' (or as 'password' with 'username: iam')."
  },
  {
    what: 'a Yandex Cloud API key (AQVN…)',
    cloud: CLOUD,
    bare: /^AQVN[A-Za-z0-9_-]{36}$/,
    input: 'api-key',
    fix: "Pass it in 'api-key' (or as 'password' with 'username: api_key')."
  },
  {
    what: 'a Yandex ID OAuth token (y0_…)',
    cloud: CLOUD,
    bare: /^y[0-9]_[A-Za-z0-9_-]{40,}$/,
    input: 'oauth-token',
    fix: "Pass it in 'oauth-token' (or as 'password' with 'username: oauth')."
  },
  {
    what: 'a PEM private key',
    cloud: CLOUD,
    bare: /^-----BEGIN [A-Z ]*PRIVATE KEY-----/,
    fix: "Yandex takes a private key only inside its key.json: pass the whole file that 'yc iam key create --output key.json' wrote in 'service-account-key'.",
    ownOnly: true
  }
]

const KEY_FILE: CredentialShape = { kind: 'file', expected: "a service account's authorized key JSON", accepts: ['service-account-key'] }
const TOKEN: CredentialShape = { kind: 'key', expected: 'an IAM token', accepts: ['token'] }
const OAUTH: CredentialShape = { kind: 'key', expected: 'a Yandex ID OAuth token', accepts: ['oauth-token'] }
const API_KEY: CredentialShape = { kind: 'key', expected: "a service account's API key", accepts: ['api-key'] }

export const YANDEX_SHAPES = {
  'service-account-key': KEY_FILE,
  token: TOKEN,
  'oauth-token': OAUTH,
  'api-key': API_KEY
} as const satisfies Record<string, CredentialShape>
