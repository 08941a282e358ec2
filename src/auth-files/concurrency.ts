/** What runs at the same time: logins into one auth file one after another, different files side by side. */
/*
 * The clients' logins and logouts are processes, and a client rewrites its whole auth file on every login
 * (read, add one entry, write): two at once into one file lose an entry. So the work on one auth file runs
 * one task after another, and the work on different files at the same time. The action's own reads and
 * writes need no such care: they are synchronous (runner/files.ts).
 */
import { fileKey } from './file-key.js'

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

/** Like Promise.all, but waits for every promise to settle before rejecting with the first failure in order. */
export async function settleAll<T>(promises: readonly Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(promises)
  for (const result of results) if (result.status === 'rejected') throw result.reason
  return results.map(result => (result as PromiseFulfilledResult<T>).value)
}
