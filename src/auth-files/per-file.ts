/**
 * What may run at the same time. Clients rewrite their whole auth file on every login (read, add
 * one entry, write): two at once into one file lose an entry. So work on one auth file runs one
 * task after another, and work on different files runs at the same time.
 */

import { realpathSync } from 'node:fs'
import path from 'node:path'

/** Runs `task` for every login (or logout): those into one auth file one after another, different files at the same time. */
export function runPerAuthFile<T extends { authFile: string }>(items: readonly T[], task: (item: T) => Promise<void>): Promise<void> {
  return runGrouped(items, item => fileKey(item.authFile), task)
}

/**
 * Runs `task` for every item: items with the same key one after another in their order, items with
 * different keys at the same time. A key's run stops at its first failure; the others go on. Resolves
 * when every run has stopped; then rejects with the first failure in item order, if any.
 */
export async function runGrouped<T>(items: readonly T[], keyOf: (item: T) => string, task: (item: T) => Promise<void>): Promise<void> {
  const groups = new Map<string, number[]>()
  items.forEach((item, index) => {
    const key = keyOf(item)
    groups.set(key, [...(groups.get(key) ?? []), index])
  })
  const failures: { index: number; error: unknown }[] = []
  await Promise.all(
    [...groups.values()].map(async group => {
      for (const index of group) {
        try {
          await task(items[index] as T)
        } catch (error) {
          failures.push({ index, error })
          return
        }
      }
    })
  )
  const first = failures.sort((a, b) => a.index - b.index)[0]
  if (first) throw first.error
}

/**
 * One name per file however it is spelled (relative, or through a symlinked file or directory), for
 * a file that may not exist yet.
 */
export function fileKey(file: string): string {
  const rest: string[] = []
  for (let dir = path.resolve(file); ; dir = path.dirname(dir)) {
    try {
      return path.join(realpathSync(dir), ...rest)
    } catch {
      if (path.dirname(dir) === dir) return path.resolve(file)
      rest.unshift(path.basename(dir))
    }
  }
}

/** Like Promise.all, but waits for every promise to settle before rejecting with the first failure in order. */
export async function settleAll<T>(promises: readonly Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(promises)
  for (const result of results) if (result.status === 'rejected') throw result.reason
  return results.map(result => (result as PromiseFulfilledResult<T>).value)
}

const queues = new Map<string, Promise<unknown>>()

/**
 * Runs `fn` after every earlier `inTurn` call with the same key has finished (failed or not):
 * a read-modify-write of one file by several callers in this process, one at a time.
 */
export function inTurn<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const previous = queues.get(key) ?? Promise.resolve()
  const next = previous.then(fn)
  const settled = next.then(
    () => undefined,
    () => undefined
  )
  queues.set(key, settled)
  // Forget the key once nothing else has queued behind this call.
  void settled.then(() => {
    if (queues.get(key) === settled) queues.delete(key)
  })
  return next
}
