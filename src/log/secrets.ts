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
  if (!value) return
  const forms = new Set<string>([value])
  for (const line of value.split(/\r?\n/)) {
    const trimmed = line.trim()
    if (trimmed.length >= MIN_MASK_LENGTH) forms.add(trimmed)
  }
  const escaped = JSON.stringify(value).slice(1, -1)
  if (escaped !== value) forms.add(escaped)
  forms.add(Buffer.from(value).toString('base64'))
  for (const form of forms) mask(form)
}

/** The base64 `user:password` form that clients write into their auth files. */
export function basicAuth(username: string, password: string): string {
  return Buffer.from(`${username}:${password}`).toString('base64')
}

/** Masks a registry password and every derived form a client or log could show. */
export function maskCredential(username: string, password: string): void {
  maskSecret(password)
  mask(basicAuth(username, password))
  // podman, buildah and skopeo (containers-common) read --password-stdin line by line and join the
  // lines: a multi-line password (Yandex json_key) is stored, and shown, without its line breaks.
  const joined = password.split(/\r?\n/).join('')
  if (joined !== password) {
    maskSecret(joined)
    mask(basicAuth(username, joined))
  }
}
