// Helpers for the acceptance suite: secret collection, every form a secret can take, scans of
// logs / files / argv, a PATH shim that records every client command line, and auth-file checks.
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/** One place a secret was found. */
export interface Hit {
  where: string
  form: string
  secretLabel: string
  context: string
}

/** A secret to look for, with a label for the report (never the value itself). */
export interface Secret {
  label: string
  value: string
}

/** Named texts to scan: logs, files, argv. */
export type Sources = Array<{ where: string; text: string | Buffer }>

const b64 = (value: string): string => Buffer.from(value).toString('base64')
/** RFC 3986 percent-encoding (what signed query strings and form bodies use). */
const percent = (value: string): string =>
  encodeURIComponent(value).replace(/[!'()*]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
const MIN_LINE = 8

/**
 * Every form a secret may take in a log or file: itself, base64, JSON-escaped, percent-encoded
 * (once and twice, as signature strings-to-sign echo it), and for multi-line material every line
 * of at least 8 characters (the runner masks line by line).
 */
export function secretForms(secrets: Secret[]): Array<{ form: string; label: string }> {
  const forms = new Map<string, string>()
  const add = (form: string, label: string): void => {
    if (form.length >= 4 && !forms.has(form)) forms.set(form, label)
  }
  for (const { label, value } of secrets) {
    if (!value) continue
    add(value, label)
    add(b64(value), `base64(${label})`)
    const escaped = JSON.stringify(value).slice(1, -1)
    add(escaped, `json(${label})`)
    add(percent(value), `urlencoded(${label})`)
    add(percent(percent(value)), `urlencoded2(${label})`)
    if (/\r?\n/.test(value)) {
      for (const line of value.split(/\r?\n/)) {
        const trimmed = line.trim()
        // PEM armour lines are public; everything else of key material is secret.
        if (trimmed.length >= MIN_LINE && !/^-----(BEGIN|END) [A-Z ]+-----$/.test(trimmed)) add(trimmed, `line of ${label}`)
      }
    }
  }
  return [...forms].map(([form, label]) => ({ form, label }))
}

/** A compact JWT (three base64url parts, header and claims JSON objects). */
const JWT = /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/g

/** Finds every secret form in every source; also flags any JWT-shaped string (no JWT belongs in a log or file). */
export function scan(sources: Sources, secrets: Secret[], options: { jwts?: boolean } = {}): Hit[] {
  const forms = secretForms(secrets)
  const hits: Hit[] = []
  for (const { where, text } of sources) {
    const body = typeof text === 'string' ? text : text.toString('latin1')
    for (const { form, label } of forms) {
      const at = body.indexOf(form)
      if (at >= 0)
        hits.push({
          where,
          form: `${form.slice(0, 6)}…(${form.length})`,
          secretLabel: label,
          context: body.slice(Math.max(0, at - 60), at).replace(/\s+/g, ' ')
        })
    }
    if (options.jwts !== false) {
      for (const match of body.matchAll(JWT)) {
        hits.push({
          where,
          form: `${match[0].slice(0, 10)}…`,
          secretLabel: 'a JWT',
          context: body.slice(Math.max(0, (match.index ?? 0) - 60), match.index).replace(/\s+/g, ' ')
        })
      }
    }
  }
  return hits
}

/** The runner's unescaping of workflow-command data. */
const unescapeData = (data: string): string => data.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')

/**
 * What the runner shows for a step's stdout: `::add-mask::` values (unescaped as the runner
 * unescapes command data: %0D, %0A, %25) replace later occurrences with ***; the command lines
 * themselves are hidden. Masks apply only from their line on.
 */
export function runnerView(stdout: string): string {
  const masks: string[] = []
  const shown: string[] = []
  for (const line of stdout.split('\n')) {
    const mask = /^::add-mask::(.*)$/.exec(line)
    if (mask) {
      const value = unescapeData(mask[1] ?? '')
      if (value) {
        masks.push(value)
        // The runner masks line by line: a multi-line value can only ever match one line of it.
      }
      continue
    }
    // Workflow commands (::error::, ::warning::, ::debug::) are shown with their data unescaped.
    const command = /^::([a-z-]+)( [^:]*)?::(.*)$/.exec(line)
    let out = command ? `::${command[1]}${command[2] ?? ''}::${unescapeData(command[3] ?? '')}` : line
    for (const m of [...masks].sort((a, b) => b.length - a.length)) out = out.split(m).join('***')
    shown.push(out)
  }
  return shown.join('\n')
}

/** Every regular file under `dir` (symlinks not followed), with its content; big files are skipped. */
export function filesUnder(dir: string, maxBytes = 8 * 1024 * 1024): Sources {
  const out: Sources = []
  if (!existsSync(dir)) return out
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name)
      let st
      try {
        st = lstatSync(p)
      } catch {
        continue
      }
      if (st.isDirectory()) walk(p)
      else if (st.isFile() && st.size <= maxBytes) {
        try {
          out.push({ where: p, text: readFileSync(p) })
        } catch {
          // unreadable (e.g. a socket's sibling); nothing to scan
        }
      }
    }
  }
  walk(dir)
  return out
}

/**
 * A directory of wrappers put first on PATH: each logs its argv (one \x1e-terminated record) and execs the
 * real client, so the test sees every command line the action ran.
 */
export function argvShim(
  clients: Record<string, string>,
  behaviour: Record<string, string> = {}
): { dir: string; log: string; lines(): Array<{ bin: string; argv: string[] }> } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'registry-login-shim-'))
  const log = path.join(dir, 'argv.log')
  writeFileSync(log, '')
  for (const [name, real] of Object.entries(clients)) {
    const script = [
      '#!/bin/bash',
      // one record per call: fields separated by \x1f, records by \x1e
      `{ printf '%s\\x1f' '${name}' "$@"; printf '\\x1e'; } >> '${log}'`,
      behaviour[name] ?? `exec '${real}' "$@"`,
      ''
    ].join('\n')
    const file = path.join(dir, name)
    writeFileSync(file, script)
    chmodSync(file, 0o755)
  }
  return {
    dir,
    log,
    lines: () =>
      readFileSync(log, 'utf8')
        .split('\x1e')
        .filter(Boolean)
        .map(record => {
          const [bin, ...argv] = record.split('\x1f').slice(0, -1)
          return { bin: bin ?? '', argv }
        })
  }
}

/** The real binary for each client, found on PATH (so the shim can exec it). */
export function realBinaries(names: string[], searchPath = process.env.PATH ?? ''): Record<string, string> {
  const found: Record<string, string> = {}
  for (const name of names) {
    for (const dir of searchPath.split(':')) {
      const candidate = path.join(dir, name)
      if (dir && existsSync(candidate)) {
        found[name] = candidate
        break
      }
    }
  }
  return found
}

/** The `auths` map of a docker-format auth file ({} when there is no file). */
export function authsOf(file: string): Record<string, { auth?: string; [key: string]: unknown }> {
  if (!existsSync(file)) return {}
  const text = readFileSync(file, 'utf8')
  if (!text.trim()) return {}
  return (JSON.parse(text) as { auths?: Record<string, { auth?: string }> }).auths ?? {}
}

/** user:password pairs stored in an auth file's entries. */
export function storedPairs(file: string): Array<{ registry: string; username: string; password: string }> {
  return Object.entries(authsOf(file)).flatMap(([registry, entry]) => {
    if (typeof entry.auth !== 'string') return []
    const decoded = Buffer.from(entry.auth, 'base64').toString()
    const colon = decoded.indexOf(':')
    return [{ registry, username: decoded.slice(0, colon), password: decoded.slice(colon + 1) }]
  })
}

export function ensureDir(dir: string): void {
  mkdirSync(dir, { recursive: true })
}

/** Human-readable report of hits, for a failing expectation (never prints the secret). */
export function describeHits(hits: Hit[]): string[] {
  return hits.map(h => `${h.secretLabel} as ${h.form} in ${h.where} after: ${JSON.stringify(h.context)}`)
}
