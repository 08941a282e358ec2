// Main's overall deadline: past it, one error naming the variable, the running clients killed, the process ended.
import { readFileSync } from 'node:fs'
import { runProcess } from '../../../src/process/run-process.js'
import { stepDeadline } from '../../../src/process/step-deadline.js'
import { stepPerTest } from '../../helpers/step.js'

const step = stepPerTest()

/** Running and not a zombie. */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return false
  }
}

const limit = (ms: number) => ({ ms, variable: 'REGISTRY_LOGIN_MAIN_TIMEOUT_MS' })

test('past the deadline: one error naming the step, the limit and the variable, then exit 1', async () => {
  const exits: number[] = []
  const exited = new Promise<void>(resolve => stepDeadline(limit(100), 'main', code => resolve(void exits.push(code))))
  await exited
  expect(exits).toEqual([1])
  expect(step.stdout.lines().filter(line => line.startsWith('::error::'))).toEqual([
    '::error::registry-login: the main step did not finish within 100 ms and was stopped, with the processes it started. If it is only slow, raise the environment variable REGISTRY_LOGIN_MAIN_TIMEOUT_MS (milliseconds).'
  ])
})

test('a client still running at the deadline is killed with its process group', async () => {
  const env = { PATH: process.env.PATH ?? '' }
  // The client starts a child of its own and waits: both must go.
  const client = runProcess('sh', ['-c', 'sleep 60 & echo $!; wait'], {
    env,
    limit: { ms: 60_000, variable: 'REGISTRY_LOGIN_CLIENT_TIMEOUT_MS' },
    what: 'sh login',
    onStdout: chunk => void (childPid ||= Number(chunk.toString().trim()))
  })
  let childPid = 0
  for (let i = 0; i < 100 && !childPid; i++) await new Promise(resolve => setTimeout(resolve, 20))
  expect(alive(childPid)).toBe(true)
  const exited = new Promise<number>(resolve => stepDeadline(limit(50), 'main', resolve))
  expect(await exited).toBe(1)
  const result = await client
  expect(result.exitCode).not.toBe(0)
  for (let i = 0; i < 50 && alive(childPid); i++) await new Promise(resolve => setTimeout(resolve, 20))
  expect(alive(childPid)).toBe(false)
})

test('cancelled before it passes: nothing happens', async () => {
  const exits: number[] = []
  const cancel = stepDeadline(limit(50), 'main', code => void exits.push(code))
  cancel()
  await new Promise(resolve => setTimeout(resolve, 150))
  expect(exits).toEqual([])
  expect(step.stdout.text()).not.toContain('::error::')
})
