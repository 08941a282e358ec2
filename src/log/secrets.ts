// Masking: every form of a secret registered with the runner, and the redaction of text the action shows.
import { setSecret } from '@actions/core'

const MIN_MASK_LENGTH = 4
const masked = new Set<string>()

function mask(value: string): void {
  if (masked.has(value)) return
  masked.add(value)
  setSecret(value)
}

/** Shortest masked value that `redactSecrets` replaces itself (the runner masks the rest when printing). */
const MIN_REDACT_LENGTH = 4

/**
 * Outside text with every masked value replaced by ***, as the runner would print it. Done
 * before a value is cut for the log: a secret cut in half would no longer match the runner's mask.
 */
export function redactSecrets(text: string): string {
  let out = text
  for (const value of [...masked].sort((a, b) => b.length - a.length)) {
    if (value.length >= MIN_REDACT_LENGTH && out.includes(value)) out = out.split(value).join('***')
  }
  return out
}

/**
 * Registers a secret with the runner so it is replaced by *** in every later log line.
 * The runner masks line by line, so a multi-line secret (a JSON key, a PEM) is also
 * masked line by line, and in the escaped form it takes inside JSON.
 */
export function maskSecret(value: string): void {
  for (const form of secretForms(value)) mask(form)
}

/** The forms of a secret the runner must mask: itself, each of its lines, its JSON-escaped and base64 forms. */
function secretForms(value: string): string[] {
  if (!value) return []
  const forms = new Set<string>([value])
  for (const line of value.split(/\r?\n/)) {
    const trimmed = line.trim()
    if (trimmed.length >= MIN_MASK_LENGTH) forms.add(trimmed)
  }
  const escaped = JSON.stringify(value).slice(1, -1)
  if (escaped !== value) forms.add(escaped)
  forms.add(Buffer.from(value).toString('base64'))
  return [...forms]
}

/** The base64 `user:password` form that clients write into their auth files. */
export function basicAuth(username: string, password: string): string {
  return Buffer.from(`${username}:${password}`).toString('base64')
}

/** Masks a registry password and every derived form a client or log could show. */
export function maskCredential(username: string, password: string): void {
  for (const form of credentialForms(username, password)) mask(form)
}

/** A registry password and every derived form a client or log could show. */
function credentialForms(username: string, password: string): string[] {
  const forms = [...secretForms(password), basicAuth(username, password)]
  // podman, buildah and skopeo (containers-common) read --password-stdin line by line and join the
  // lines: a multi-line password (Yandex json_key) is stored, and shown, without its line breaks.
  const joined = password.split(/\r?\n/).join('')
  if (joined !== password) forms.push(...secretForms(joined), basicAuth(username, joined))
  return forms
}

/**
 * `::add-mask::` commands for registry credentials, for a process whose stdout is not the runner's: the
 * credential helper, whose stderr docker, podman/skopeo and helm pass on to the step that ran them (see
 * docs/credential-helper.md). The text starts with a line break and each command is a line of its own,
 * so that every one starts a line even after a client's half-written line; the runner consumes these
 * lines and shows none of them.
 */
export function maskCommands(credentials: ReadonlyArray<{ username: string; password: string }>): string {
  const forms = new Set(credentials.flatMap(({ username, password }) => credentialForms(username, password)))
  if (forms.size === 0) return ''
  // The runner unescapes %25, %0D and %0A in a command's value (as @actions/core escapes it).
  const escape = (value: string): string => value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
  return `\n${[...forms].map(form => `::add-mask::${escape(form)}\n`).join('')}`
}
