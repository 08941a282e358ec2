// Test helper, not an action code path: runs real client logins into ONE auth file all at once,
// without taking turns, to show what the action's scheduling (src/auth-files/concurrency.ts) prevents.
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

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

/**
 * A bin directory whose `docker`, `podman`, … log when each real client run starts and ends (with the
 * auth file it was given: docker's --config, the containers tools' --authfile), then run the real binary.
 * Put it first on PATH; `overlaps(trace)` tells whether two runs on one auth file were ever in flight at once.
 */
export function tracedClients(clients, realPath = process.env.PATH) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'traced-clients-'))
  const trace = path.join(dir, 'trace.log')
  writeFileSync(trace, '')
  for (const client of clients) {
    const real = execFileSync('sh', ['-c', `command -v ${client}`], { env: { PATH: realPath }, encoding: 'utf8' }).trim()
    const script = [
      '#!/bin/sh',
      'file=""; prev=""',
      'for arg in "$@"; do case "$prev" in --config|--authfile) file="$arg";; esac; prev="$arg"; done',
      `printf 'start %s %s\\n' "$$" "$file" >> '${trace}'`,
      `'${real}' "$@"; rc=$?`,
      `printf 'end %s %s\\n' "$$" "$file" >> '${trace}'`,
      'exit $rc'
    ].join('\n')
    writeFileSync(path.join(dir, client), `${script}\n`, { mode: 0o755 })
  }
  return { bin: dir, PATH: `${dir}:${realPath}`, trace }
}

/**
 * The most runs on one auth file in flight at the same time, per auth file, from a tracedClients() log.
 * @returns {Record<string, number>}
 */
export function mostAtOnce(traceFile) {
  const running = {}
  const most = {}
  for (const line of readFileSync(traceFile, 'utf8').split('\n').filter(Boolean)) {
    const [phase, , file = ''] = line.split(' ')
    const key = path.resolve(file.endsWith('.json') ? file : path.join(file, 'config.json'))
    running[key] = (running[key] ?? 0) + (phase === 'start' ? 1 : -1)
    most[key] = Math.max(most[key] ?? 0, running[key])
  }
  return most
}
