// The auth resolver: a cloud's credential inputs read once, 'auth' turned into one method, and that method's reader run.
import { ActionError, InputError } from '../../log/errors.js'
import type { InputReader } from '../../inputs/reader.js'
import type { CommonInputs, MethodData } from '../provider.js'
import type { CredentialFormat, FormatTables } from '../../inputs/credential-shape.js'
import { firstSet, readInputs, type CredentialInput, type InputValues } from './credential-inputs.js'
import { MISSING_SECRET, methodOfStaticLogin, readStaticLogin, usernameList, type StaticLogin, type UsernameTable } from './static-login.js'

export { MISSING_SECRET }

/** A cloud whose registry usernames name the credential: 'username' + 'password' select one of its methods. */
export interface UsernameForm<M extends string, N extends string> {
  /** The cloud's name in the username errors, e.g. 'IBM Cloud Container Registry'. */
  cloud: string
  usernames: UsernameTable<M>
  /** Credential inputs that may not be set together with 'username': the first one set is named, with `fix` as the hint. */
  excludes?: { inputs: readonly N[]; fix(input: N): string }
}

/** How 'auth' chooses among a cloud's methods `M`, given its credential inputs `N`. */
export interface AuthRules<M extends string, N extends string> {
  /** The cloud's name in the 'auth' error, e.g. 'Yandex Cloud'. */
  cloud: string
  /** Every value 'auth' takes besides auto, in the order the error lists them. */
  names: readonly string[]
  /** Values of 'auth' the cloud cannot do but users try, each with why not and what to do instead. */
  refused?: Readonly<Record<string, { problem: string; fix: string }>>
  usernameForm?: UsernameForm<M, N>
  /** With auth auto: each method and the inputs that choose it, the first one wins. */
  auto: ReadonlyArray<readonly [M, readonly N[]]>
  /** With auth auto: the cloud's error when the methods in `set` (in `auto` order) are set together, if that is one. */
  clash?(set: readonly M[], values: InputValues<N>): InputError | undefined
  /** With auth auto and no credential input set: `noCredential`'s error. */
  none(): ActionError
}

/** The method 'auth' chose, and the username form when that is how the credential came. */
export interface ResolvedAuth<M extends string> {
  method: M
  login?: StaticLogin<M>
}

/** What a method's reader is given. */
export interface ReaderContext<M extends string, N extends string> {
  method: M
  values: InputValues<N>
  login: StaticLogin<M> | undefined
  common: CommonInputs
  /** For the inputs only this method reads, read when it runs. */
  inputs: InputReader
}

/** A cloud's whole auth: its inputs, its rules, its checks at each stage, and one reader per method. */
export interface CloudAuth<M extends string, N extends string, D extends MethodData> extends AuthRules<M, N> {
  /** Read before anything is checked, in this order (a credential's shape checked as it is read). */
  reads: readonly CredentialInput<N>[]
  /** The credentials the cloud issues, told apart by shape (its providers/<cloud>/shapes.ts). */
  formats: readonly CredentialFormat[]
  /** Checks of the inputs alone, before 'auth' is looked at. */
  beforeAuth?(values: InputValues<N>): void
  /** Checks once the username form is read, before the method is chosen. */
  afterUsername?(values: InputValues<N>, login: StaticLogin<M> | undefined): void
  /** Checks once the method is chosen, before its reader runs. */
  afterChoice?(method: M, values: InputValues<N>): void
  readers: Readonly<Record<M, (context: ReaderContext<M, N>) => D>>
}

/** A cloud's auth inputs read and resolved: the method chosen, and its data. */
export function readAuth<M extends string, N extends string, D extends MethodData>(
  cloud: CloudAuth<M, N, D>,
  inputs: InputReader,
  common: CommonInputs
): { resolved: ResolvedAuth<M>; data: D } {
  const tables = formatTables(cloud, common)
  const values = readInputs(inputs, cloud.reads, tables)
  cloud.beforeAuth?.(values)
  checkAuthName(cloud, common.auth)
  const login = cloud.usernameForm ? readStaticLogin(inputs, cloud.usernameForm.cloud, cloud.usernameForm.usernames, tables) : undefined
  cloud.afterUsername?.(values, login)
  const method = chooseMethod(cloud, common.auth, values, login)
  cloud.afterChoice?.(method, values)
  const data = cloud.readers[method]({ method, values, login, common, inputs })
  return { resolved: login ? { method, login } : { method }, data }
}

/** The cloud's own credential formats, and every other cloud's (parse-step gives them all in `common`). */
function formatTables(cloud: Pick<CloudAuth<string, string, MethodData>, 'cloud' | 'formats'>, common: CommonInputs): FormatTables {
  const others = (common.credentialFormats ?? []).filter(format => !cloud.formats.includes(format))
  return { cloud: cloud.cloud, own: cloud.formats, others }
}

/** An explicit 'auth' must be one of the cloud's methods. */
export function checkAuthName(rules: Pick<AuthRules<string, string>, 'cloud' | 'names' | 'refused'>, auth: string): void {
  const refused = rules.refused?.[auth]
  if (refused) throw new InputError('auth', `is '${auth}', but ${refused.problem}`, refused.fix)
  if (auth !== 'auto' && !rules.names.includes(auth)) {
    throw new InputError('auth', `is '${auth}', which ${rules.cloud} does not support`, `Use one of: auto, ${rules.names.join(', ')}.`)
  }
}

/** The method: the one the username selects, the one 'auth' names, or (auto) the one whose inputs are set. */
export function chooseMethod<M extends string, N extends string>(
  rules: AuthRules<M, N>,
  auth: string,
  values: InputValues<N>,
  login: StaticLogin<M> | undefined
): M {
  const form = rules.usernameForm
  if (form && login) return methodOfUsername(form, login, auth, values)
  if (form && auth === 'password') {
    throw new InputError('username', "is empty but 'auth' is password", `Set 'username' and 'password': ${usernameList(form.usernames)}.`)
  }
  // An explicit name was checked against `names`; 'password' there is a method of its own (Alibaba) or was handled above.
  return auth === 'auto' ? autoMethod(rules, values) : (auth as M)
}

function methodOfUsername<M extends string, N extends string>(
  form: UsernameForm<M, N>,
  login: StaticLogin<M>,
  auth: string,
  values: InputValues<N>
): M {
  const other = form.excludes && firstSet(values, form.excludes.inputs)
  if (form.excludes && other) throw new InputError(other, "and input 'username' are both set", form.excludes.fix(other))
  return methodOfStaticLogin(login, auth)
}

function autoMethod<M extends string, N extends string>(rules: AuthRules<M, N>, values: InputValues<N>): M {
  const set = rules.auto.filter(([, names]) => firstSet(values, names) !== undefined).map(([method]) => method)
  const clash = rules.clash?.(set, values)
  if (clash) throw clash
  const [method] = set
  if (method === undefined) throw rules.none()
  return method
}

/**
 * With auth auto and every credential input empty: no method was chosen, so no one input is named as if the user
 * had set it; `choices` names each method's inputs.
 */
export function noCredential(cloud: string, choices: string): ActionError {
  return new ActionError(
    `No ${cloud} credential reached the step: every credential input is empty.`,
    `If the workflow passes one from a secret, that secret may be missing or misnamed (a secret that does not exist is empty). Set the inputs your login method needs: ${choices}. A pull request from a fork gets no secrets: 'skip-without-credentials: true' skips the login there.`
  )
}

/** A method's input that must be set: empty is an input error naming it ("is empty but 'auth' is oidc"), with `fix` as the hint. */
export function requireInput<M extends string, N extends string>(context: ReaderContext<M, N>, input: N, fix: string): string {
  const value = context.values[input]
  if (!value) throw new InputError(input, `is empty but 'auth' is ${context.method}`, fix)
  return value
}

/** The method's credential (a secret): the password of the username form when that chose the method, else its own input (required). */
export function credentialOf<M extends string, N extends string>(context: ReaderContext<M, N>, input: N, fix: string): string {
  return context.login ? context.login.password : requireInput(context, input, `${fix} ${MISSING_SECRET}`)
}
