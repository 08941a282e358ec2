// Runs a step's work (main, post, the helper) to its end: a rejection or a promise that never settles fails the step.
import { errorMessage } from '../log/errors.js'
import { log } from '../log/log.js'

type ExitHook = (listener: (code: number) => void) => void

/**
 * Runs a step's work (main, post, the credential helper) to its end. Node exits 0 as soon as nothing
 * keeps it alive, even while the work's promise is still pending (a wait that nothing will ever
 * settle: a bug); such a step fails, saying so, instead of passing as if it had logged in or cleaned
 * up. A rejection (the steps catch their own errors; this is for the unexpected) fails it too.
 */
export function runStep(
  work: () => Promise<void>,
  fail: (message: string) => void = message => log.failed(message),
  onExit: ExitHook = listener => void process.on('exit', listener)
): void {
  let settled = false
  onExit(code => {
    if (settled || code) return
    fail('registry-login: the step stopped before its work finished (an internal wait never completed)')
    process.exitCode = 1
  })
  work().then(
    () => void (settled = true),
    (error: unknown) => {
      settled = true
      fail(`registry-login: ${errorMessage(error)}`)
      process.exitCode = 1
    }
  )
}
