// The username + password form (docker/login-action's inputs) for clouds whose registry usernames name the credential.
import { InputError } from '../../log/errors.js'
import type { InputReader } from '../../inputs/reader.js'
import { credentialShape, type CredentialShape, type FormatTables } from '../../inputs/credential-shape.js'

/** Said with every error about an empty secret input: why a secret the workflow passes can arrive empty. */
export const MISSING_SECRET = 'The secret it is passed from may be missing or misnamed (a secret that does not exist is empty).'

/*
 * docker/login-action's `username` + `password`, read the same way for every cloud whose registry
 * usernames name the kind of credential (IBM `iamapikey`, Yandex `oauth`, Nebius `iam`, …): the
 * username selects one of the cloud's own auth methods, the password is that method's credential.
 */

/** What one documented registry username means for a cloud. */
export interface KnownUsername<M extends string> {
  /** The auth method the username selects. */
  method: M
  /** What `password` holds with this username, for error messages ("an IAM API key"). */
  password: string
  /** `password` may instead be the path of a file holding it (a key file): a path is shown in errors, not masked. */
  orPath?: boolean
  /** The shape `password` must have with this username (the same as the method's own input). */
  shape?: CredentialShape
}

export type UsernameTable<M extends string> = Readonly<Record<string, KnownUsername<M>>>

export interface StaticLogin<M extends string> {
  /** The username as the cloud spells it. */
  username: string
  password: string
  method: M
}

/**
 * Only a short plain name is repeated in an error; anything else may be a misplaced secret (the
 * username and password swapped): an Alibaba AccessKey secret has 30 characters, a Yandex API key 40,
 * an IBM API key 44, while the usernames clouds document have at most 9.
 */
const PLAIN_NAME = /^[A-Za-z0-9._@-]{1,20}$/

export function usernameList<M extends string>(table: UsernameTable<M>): string {
  return Object.entries(table)
    .map(([name, known]) => `${name} (password: ${known.password})`)
    .join(', ')
}

/** The table's own entry for a username: `constructor`, `__proto__` or `toString` is no known username (#21). */
function knownUsername<M extends string>(table: UsernameTable<M>, username: string): KnownUsername<M> | undefined {
  return Object.hasOwn(table, username) ? table[username] : undefined
}

/**
 * The static login `username`/`password` describe, or undefined when both are empty. An unknown
 * username, or one of the pair missing, is an input error naming the input and the usernames
 * the cloud knows; the password is never repeated.
 */
export function readStaticLogin<M extends string>(
  inputs: InputReader,
  cloud: string,
  table: UsernameTable<M>,
  tables: FormatTables = { cloud, own: [], others: [] }
): StaticLogin<M> | undefined {
  const given = inputs.text('username')
  const named = knownUsername(table, given.toLowerCase())
  const read = named?.orPath ? inputs.secretOrPath('password') : inputs.secret('password')
  const password = named?.shape ? credentialShape('password', read, named.shape, tables, message => inputs.note(message)) : read
  if (!given && !password) return undefined
  if (!given) {
    throw new InputError(
      'username',
      "is empty but 'password' is set",
      `${cloud} takes 'password' together with a username that names what it holds: ${usernameList(table)}.`
    )
  }
  const username = given.toLowerCase()
  const known = knownUsername(table, username)
  if (!known) {
    const shown = PLAIN_NAME.test(given) ? `'${given}'` : 'set to a value'
    throw new InputError(
      'username',
      `is ${shown}, which ${cloud} does not know as a registry username`,
      `Use one of: ${usernameList(table)}.`
    )
  }
  if (!password) {
    throw new InputError('password', `is empty but 'username' is ${username}`, `Pass ${known.password} from a secret. ${MISSING_SECRET}`)
  }
  return { username, password, method: known.method }
}

/**
 * Checks an explicit `auth` against the method the username selects: `auth: password` (or the
 * username's own method) takes it, any other method is a contradiction worth an error.
 */
export function methodOfStaticLogin<M extends string>(login: StaticLogin<M>, auth: string): M {
  if (auth === 'auto' || auth === 'password' || auth === login.method) return login.method
  throw new InputError(
    'username',
    `is ${login.username}, which logs in with auth method ${login.method}, but 'auth' is ${auth}`,
    `Set 'auth' to ${login.method} or password (or leave it at auto), or remove 'username' and 'password'.`
  )
}

/** For a method's data: the username when the credential came as 'username' + 'password' (the log says so). */
export function givenAs(login: StaticLogin<string> | undefined): { username?: string } {
  return login ? { username: login.username } : {}
}

/** The log label's words for the username + password form: ", given as username oauth + password", or nothing. */
export function givenAsLabel(username: string | undefined): string {
  return username ? `, given as username ${username} + password` : ''
}
