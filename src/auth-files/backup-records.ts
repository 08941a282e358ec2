/** The records of the backup: what one (auth file, registry) held before main touched it, and how to find it again. */
import type { AuthEntry } from './auth-file.js'
import { fileKey } from './file-key.js'
import { maskSecret } from '../log/secrets.js'

/**
 * One (auth file, registry) main touched: the entry as it was before (`entry` undefined: there
 * was none), the file's `credHelpers` mapping for the registry (`credHelper` undefined: none),
 * and fingerprints of what this step left in the two slots it claimed (claims.ts): the entry
 * (`wrote`) and the mapping (`mapped`). A slot without one is not this step's: a login that
 * failed before writing there, or credential-helper mode's entry, which it never writes.
 */
export interface PreviousEntry {
  authFile: string
  registry: string
  entry?: AuthEntry
  /** Where the entry sat among the `auths` keys, so that it goes back to the same place (docker sorts them). */
  entryAt?: number
  credHelper?: string
  /** Where the mapping sat among the `credHelpers` keys, so that it goes back to the same place. */
  credHelperAt?: number
  /** The file's other top-level settings (on the first record of each file), put back if a client dropped them. */
  otherSettings?: Record<string, unknown>
  /** The file had an empty `credHelpers` map (on the first record of each file): put back once the mappings are. */
  emptyCredHelpers?: true
  wrote?: string
  mapped?: string
  /**
   * Whose the slots are is known (`wrote` and `mapped` say all this step left) only once main noted what its
   * logins and mappings left; a login under way (`pending`: main ended in it) makes it unknown again.
   */
  noted?: true
  pending?: true
}

/** A registry's `credHelpers` mapping and its place among the keys (both undefined: no mapping). */
export interface Mapping {
  credHelper?: string
  credHelperAt?: number
}

export const mappingOf = ({ credHelper, credHelperAt }: PreviousEntry): Mapping => ({
  ...(credHelper !== undefined ? { credHelper } : {}),
  ...(credHelperAt !== undefined ? { credHelperAt } : {})
})

/** Earlier credentials are secrets too: each string of an entry is masked before anything could log it. */
export function maskEntry(entry: AuthEntry | undefined): void {
  for (const value of Object.values(entry ?? {})) if (typeof value === 'string') maskSecret(value)
}

/**
 * The record of (auth file, registry) however the file is spelled: docker's DOCKER_CONFIG/config.json
 * and podman's REGISTRY_AUTH_FILE may name one file through a symlink or a relative path, and a second
 * record for it would take the first client's login for the "earlier" entry that post puts back.
 */
export function findRecord(records: readonly PreviousEntry[], authFile: string, registry: string): PreviousEntry | undefined {
  const key = fileKey(authFile)
  return records.find(r => r.registry === registry && (r.authFile === authFile || recordKey(r) === key))
}

/** Whether any record is of `authFile`, however it is spelled. */
export function hasRecordOf(records: readonly PreviousEntry[], authFile: string): boolean {
  const key = fileKey(authFile)
  return records.some(r => r.authFile === authFile || recordKey(r) === key)
}

/** Each record's fileKey, worked out once: a step looks records up for every login and logout. */
const recordKeys = new WeakMap<PreviousEntry, string>()
function recordKey(record: PreviousEntry): string {
  let key = recordKeys.get(record)
  if (key === undefined) recordKeys.set(record, (key = fileKey(record.authFile)))
  return key
}

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
export const optional = (value: unknown, test: (v: unknown) => boolean): boolean => value === undefined || test(value)
const isPosition = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 0

export const isMapping = (value: unknown): value is Mapping =>
  isObject(value) && optional(value.credHelper, v => typeof v === 'string') && optional(value.credHelperAt, isPosition)

const isText = (v: unknown): boolean => typeof v === 'string'
const isName = (v: unknown): boolean => typeof v === 'string' && v !== ''

/** A record's optional fields and the test each must pass when present. */
const OPTIONAL_FIELDS: Record<string, (v: unknown) => boolean> = {
  entry: isObject,
  entryAt: isPosition,
  credHelper: isText,
  credHelperAt: isPosition,
  otherSettings: isObject,
  emptyCredHelpers: v => v === true,
  wrote: isText,
  mapped: isText,
  noted: v => v === true,
  pending: v => v === true
}

/** A well-formed record, as post reads it back. */
export function isRecord(value: unknown): value is PreviousEntry {
  return (
    isObject(value) &&
    isName(value.authFile) &&
    isName(value.registry) &&
    Object.entries(OPTIONAL_FIELDS).every(([field, test]) => optional(value[field], test))
  )
}
