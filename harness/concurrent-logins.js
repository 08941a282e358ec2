// Test helper, not an action code path: runs real client logins into ONE auth file all at once,
// without taking turns, to show what the action's scheduling (src/schedule.ts) prevents.
import { spawn } from 'node:child_process'

/** `docker --config <dir> login` for every registry at the same time; resolves with each exit code and stderr. */
export function dockerLoginsAtOnce(configDir, registries, username, password, env = process.env) {
  return Promise.all(
    registries.map(
      registry =>
        new Promise((resolve, reject) => {
          const child = spawn('docker', ['--config', configDir, 'login', '--username', username, '--password-stdin', registry], {
            env,
            stdio: ['pipe', 'ignore', 'pipe']
          })
          let stderr = ''
          child.stderr.on('data', data => (stderr += data))
          child.on('error', reject)
          child.on('close', code => resolve({ registry, code, stderr }))
          child.stdin.end(password)
        })
    )
  )
}
