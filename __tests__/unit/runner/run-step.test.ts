import { runStep } from '../../../src/runner/run-step.js'

/** Runs a step with a fake process exit: returns what it reported and the exit code it left. */
async function outcome(work: () => Promise<void>, exitCode = 0): Promise<{ failures: string[]; exitCode: number | string | undefined }> {
  const failures: string[] = []
  let exit: ((code: number) => void) | undefined
  const before = process.exitCode
  process.exitCode = undefined
  try {
    runStep(
      work,
      message => void failures.push(message),
      listener => void (exit = listener)
    )
    await new Promise(resolve => setImmediate(resolve))
    exit?.(exitCode)
    return { failures, exitCode: process.exitCode }
  } finally {
    process.exitCode = before
  }
}

test('work that finishes ends the step as it left it', async () => {
  expect(await outcome(async () => {})).toEqual({ failures: [], exitCode: undefined })
})

test('work that never settles fails the step instead of letting it pass with exit code 0', async () => {
  expect(await outcome(() => new Promise<void>(() => {}))).toEqual({
    failures: ['registry-login: the step stopped before its work finished (an internal wait never completed)'],
    exitCode: 1
  })
})

test('a step already failing keeps its own failure', async () => {
  expect(await outcome(() => new Promise<void>(() => {}), 1)).toEqual({ failures: [], exitCode: undefined })
})

test('an unexpected rejection fails the step with its message', async () => {
  expect(await outcome(() => Promise.reject(new Error('boom')))).toEqual({ failures: ['registry-login: boom'], exitCode: 1 })
})
