// A step's overall deadline: when it passes, the step fails with one error, its clients are killed and the process ends.
import { log } from '../log/log.js'
import type { Limit } from '../net/policies.js'
import { seconds, stopRunningClients } from './run-process.js'

/**
 * Starts the deadline of a whole step (`step` names it: "main"). Every wait inside has its own, shorter
 * deadline; this one is the backstop that holds whatever the step waits for: when it passes, the step
 * fails with one error naming the variable that raises it, every client still running is killed with
 * its process group, and the process exits (an open socket or a pending timer cannot keep it alive).
 * The timer does not keep the process alive itself. Returns the function that cancels it.
 */
export function stepDeadline(limit: Limit, step: string, exit: (code: number) => void = code => process.exit(code)): () => void {
  const timer = setTimeout(() => {
    stopRunningClients()
    log.failed(
      `registry-login: the ${step} step did not finish within ${seconds(limit.ms)} and was stopped, with the processes it started. If it is only slow, raise the environment variable ${limit.variable} (milliseconds).`
    )
    // Exits once what the log holds is written (a pipe on macOS is asynchronous).
    process.stdout.write('', () => exit(1))
  }, limit.ms)
  timer.unref()
  return () => clearTimeout(timer)
}
