// The cancel-signal handlers are in place before the first client process exists (#20): a runner's SIGTERM that came
// between the fork and the handler would end the action by node's default and leave that client running. Its own
// file, so that run-process.ts is loaded fresh and no earlier spawn has installed them.
import { runProcess } from '../../../src/process/run-process.js'

const listeners = (): { SIGTERM: number; SIGINT: number } => ({
  SIGTERM: process.listenerCount('SIGTERM'),
  SIGINT: process.listenerCount('SIGINT')
})

test('the first spawn installs the SIGTERM and SIGINT handlers before the process exists: even one that never starts', async () => {
  const before = listeners()
  await expect(
    runProcess('/nonexistent/client', [], { env: {}, limit: { ms: 10_000, variable: 'REGISTRY_LOGIN_CLIENT_TIMEOUT_MS' }, what: 'x login' })
  ).rejects.toThrow(/ENOENT|not found|not installed/i)
  expect(listeners()).toEqual({ SIGTERM: before.SIGTERM + 1, SIGINT: before.SIGINT + 1 })
  // Once: later spawns add none.
  await runProcess('true', [], {
    env: { PATH: process.env.PATH ?? '' },
    limit: { ms: 10_000, variable: 'REGISTRY_LOGIN_CLIENT_TIMEOUT_MS' },
    what: 'x login'
  })
  expect(listeners()).toEqual({ SIGTERM: before.SIGTERM + 1, SIGINT: before.SIGINT + 1 })
})
