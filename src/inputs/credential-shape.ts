// A credential input's shape, checked before any call: quotes around it, white space inside, a document where a bare key belongs, a PEM where a key file belongs, another cloud's key.
/*
 * One place per rule: every cloud's readers pass their credential inputs through `credentialShape` (the provider
 * kit does, from each cloud's table in providers/<cloud>/shapes.ts). Errors and notes name the input and what it
 * looks like, never the value; a key taken out of a document is masked before it is returned.
 */
import { InputError } from '../log/errors.js'
import { maskSecret } from '../log/secrets.js'
import { looksLikePath } from './text-or-file.js'

/** The top-level fields of a JSON object or a YAML mapping (a YAML field with nested lines is ''). */
export type Fields = Readonly<Record<string, unknown>>

/** A credential some cloud issues, told apart by its shape. Each cloud's table is in its folder (providers/<cloud>/shapes.ts). */
export interface CredentialFormat {
  /** What it is, for errors and notes: "an IBM Cloud API key file (apikey.json)". */
  what: string
  /** The cloud (or service) that issues it, e.g. 'IBM Cloud'. */
  cloud: string
  /** A bare value of this format. */
  bare?: RegExp
  /** A document of this format, by its top-level fields. */
  document?(fields: Fields): boolean
  /** The input of its own cloud that takes it; none when no input does. */
  input?: string
  /** For a document that carries exactly one key for `input`: the field holding it, which is taken out (with a note). */
  take?: string
  /** The fix when it is in the wrong input (default: pass it in `input`). */
  fix?: string
  /** Too common a shape to name another cloud by (a PEM, a JWT): only its own cloud tells it apart. */
  ownOnly?: boolean
}

/** What one credential input holds. */
export interface CredentialShape {
  /** 'key': one word (an API key, token, secret); 'file': a JSON document or the path of a file holding it; 'pem': a PEM private key or its path. */
  kind: 'key' | 'file' | 'pem'
  /** What it should hold, for errors: 'an IBM Cloud API key'. */
  expected: string
  /** The inputs whose formats this one takes (a username form's password stands for its method's input). */
  accepts: readonly string[]
}

/** The formats a value is told apart by: this cloud's own, and every other cloud's. */
export interface FormatTables {
  /** This step's cloud, e.g. 'IBM Cloud'. */
  cloud: string
  own: readonly CredentialFormat[]
  others: readonly CredentialFormat[]
}

const QUOTED = /^(["'`])[\s\S]*\1$/
const PEM = /^-----BEGIN [A-Z0-9 ]*-----/
// C0 and C1 controls (ESC, BEL, DEL …): never part of a key.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/
const YAML_FIELD = /^([A-Za-z_][A-Za-z0-9_-]*):(?:[ \t]+(.*))?$/

/** A YAML mapping's top-level fields (values unquoted), or undefined when some line is not part of one. */
function yamlFields(value: string): Fields | undefined {
  const fields: Record<string, unknown> = {}
  for (const line of value.split(/\r?\n/)) {
    if (line.trim() === '' || line.startsWith('#') || line === '---' || /^\s/.test(line)) continue
    const match = YAML_FIELD.exec(line)
    if (!match) return undefined
    fields[match[1] ?? ''] = (match[2] ?? '').trim().replace(/^(["'])(.*)\1$/, '$2')
  }
  return Object.keys(fields).length > 0 ? fields : undefined
}

/** A document's fields and its language: JSON when it starts with '{' (fields {} when it does not parse), else YAML if it is a mapping. */
export function documentOf(value: string): { fields: Fields; language: 'JSON' | 'YAML' } | undefined {
  if (value.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(value)
      return { fields: typeof parsed === 'object' && parsed !== null ? (parsed as Fields) : {}, language: 'JSON' }
    } catch {
      return { fields: {}, language: 'JSON' }
    }
  }
  const fields = yamlFields(value)
  return fields ? { fields, language: 'YAML' } : undefined
}

/** The format a value has: this cloud's first, then (not the too common ones) every other cloud's. */
function recognise(value: string, fields: Fields | undefined, tables: FormatTables): CredentialFormat | undefined {
  const matches = (format: CredentialFormat): boolean => (fields ? format.document?.(fields) : format.bare?.test(value)) ?? false
  return tables.own.find(matches) ?? tables.others.filter(format => !format.ownOnly).find(matches)
}

/** A value of a format: taken as it is, its key taken out (with a note), or an error naming the mix-up. */
function ofFormat(
  input: string,
  format: CredentialFormat,
  fields: Fields | undefined,
  shape: CredentialShape,
  tables: FormatTables,
  note: (message: string) => void
): string | undefined {
  const own = tables.own.includes(format)
  if (own && format.input && shape.accepts.includes(format.input)) {
    if (!format.take || !fields) return undefined
    const key = String(fields[format.take]).trim()
    maskSecret(key)
    note(`Input '${input}' holds ${format.what}: using its '${format.take}' field as ${shape.expected}.`)
    return bareKey(input, key, shape)
  }
  if (!own) {
    throw new InputError(
      input,
      `is ${format.what}, not ${shape.expected}`,
      `${format.cloud} issues it, but this step logs into ${tables.cloud}: check that the secret is the right one, and 'provider'.`
    )
  }
  throw new InputError(input, `is ${format.what}, not ${shape.expected}`, format.fix ?? `Pass it in '${format.input}'.`)
}

/** A value that must be one word: no document, no PEM, no white space inside. */
function bareKey(input: string, value: string, shape: CredentialShape): string {
  if (QUOTED.test(value)) throw quoted(input, value, shape)
  const document = documentOf(value)
  if (document) {
    throw new InputError(
      input,
      `is a ${document.language} document, not ${shape.expected}`,
      `Pass ${shape.expected} alone, not the file or output it came in.`
    )
  }
  if (PEM.test(value))
    throw new InputError(input, `is a PEM private key (-----BEGIN …), not ${shape.expected}`, `Pass ${shape.expected} alone.`)
  if (/\s/.test(value)) {
    throw new InputError(
      input,
      `has white space inside (a space, tab or line break), which ${shape.expected} never has`,
      'Copy it again as one word, without spaces or line breaks.'
    )
  }
  if (CONTROL.test(value)) {
    throw new InputError(
      input,
      `has a control character inside, which ${shape.expected} never has`,
      'Copy it again from where it was issued.'
    )
  }
  return value
}

function quoted(input: string, value: string, shape: CredentialShape): InputError {
  const mark = value.charAt(0)
  return new InputError(
    input,
    `is wrapped in quotes (${mark}…${mark}), which would be sent as part of ${shape.expected}`,
    'Store the secret without the quotes around it.'
  )
}

/** A key file or PEM given inline: a PEM or YAML where JSON belongs, or a document where a PEM belongs, is refused. */
function fileOrPem(input: string, value: string, shape: CredentialShape): string {
  const document = documentOf(value)
  if (shape.kind === 'file' && PEM.test(value)) {
    throw new InputError(
      input,
      `is a PEM private key (-----BEGIN …), not ${shape.expected}`,
      'Pass the whole file, which holds the private key together with its ids.'
    )
  }
  if (shape.kind === 'file' && document?.language === 'YAML') {
    throw new InputError(input, `is a YAML document, not ${shape.expected}`, 'Pass the JSON file itself (or its path).')
  }
  if (shape.kind === 'pem' && document)
    throw new InputError(input, `is a ${document.language} document, not ${shape.expected}`, `Pass ${shape.expected} alone (or its path).`)
  return value
}

/**
 * A credential input's value, checked for its shape before any call: returned as it is, or the key taken out of
 * its cloud's own document (masked, with a note); anything else is one InputError naming the input and the likely
 * mix-up, never the value. A path (for a file or PEM) is left to the reader, which reads and checks the file.
 */
export function credentialShape(
  input: string,
  value: string,
  shape: CredentialShape,
  tables: FormatTables,
  note: (message: string) => void
): string {
  if (value === '') return value
  if (QUOTED.test(value)) throw quoted(input, value, shape)
  if (shape.kind !== 'key' && looksLikePath(value)) return value
  const fields = documentOf(value)?.fields
  const format = recognise(value, fields, tables)
  if (format) return ofFormat(input, format, fields, shape, tables, note) ?? value
  return shape.kind === 'key' ? bareKey(input, value, shape) : fileOrPem(input, value, shape)
}

/** Credentials no cloud of this action issues, but that end up in its inputs. */
export const FOREIGN_FORMATS: readonly CredentialFormat[] = [
  {
    what: 'a Google Cloud service account key (JSON)',
    cloud: 'Google Cloud',
    document: fields => fields.type === 'service_account' && 'private_key' in fields
  },
  { what: 'an AWS access key ID (AKIA…)', cloud: 'AWS', bare: /^(AKIA|ASIA)[A-Z0-9]{16}$/ },
  { what: 'a GitHub token', cloud: 'GitHub', bare: /^(ghp|gho|ghu|ghs|ghr|github_pat)_[A-Za-z0-9_]{30,}$/ },
  { what: "a docker config.json (its 'auths')", cloud: 'docker', document: fields => 'auths' in fields || 'credHelpers' in fields }
]
