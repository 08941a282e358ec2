// One local cloud at a time per machine: it owns 127.0.0.2:443 and a block of /etc/hosts.
// A second test process waits here until the first stops (a dead owner's lock is taken over).
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'

const LOCK = '/tmp/registry-login-local-cloud.lock'

function alive(pid) {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

export async function acquireCloudLock(timeoutMs = 300_000) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      const fd = openSync(LOCK, 'wx')
      writeSync(fd, String(process.pid))
      closeSync(fd)
      return () => rmSync(LOCK, { force: true })
    } catch (error) {
      if (error.code !== 'EEXIST') throw error
      const owner = Number(readFileSync(LOCK, 'utf8').trim() || 0)
      if (owner && !alive(owner)) {
        rmSync(LOCK, { force: true })
        continue
      }
      if (Date.now() > deadline) throw new Error(`another local cloud (pid ${owner}) holds ${LOCK}`)
      await new Promise(resolve => setTimeout(resolve, 200))
    }
  }
}
