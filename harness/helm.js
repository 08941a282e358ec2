// helm for the tests: on PATH, or the copy scripts/setup.sh put in .harness/bin.
import { existsSync, mkdtempSync, writeFileSync, mkdirSync } from 'node:fs'
import { spawn } from 'node:child_process'
import os from 'node:os'
import path from 'node:path'
import { ACTION_DIR } from './run-action.js'

export const HELM_BIN_DIR = path.join(ACTION_DIR, '.harness', 'bin')

export function pathWithHelm() {
  return `${HELM_BIN_DIR}:${process.env.PATH}`
}

export function helmAvailable() {
  return existsSync(path.join(HELM_BIN_DIR, 'helm')) || (process.env.PATH ?? '').split(':').some(dir => existsSync(path.join(dir, 'helm')))
}

function run(args, env) {
  return new Promise(resolve => {
    const child = spawn('helm', args, { env: { ...process.env, PATH: pathWithHelm(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', d => {
      output += d
    })
    child.stderr.on('data', d => {
      output += d
    })
    child.on('close', code => resolve({ ok: code === 0, output }))
  })
}

/** Packages a minimal chart and pushes it to oci://`target` with the credentials in `registryConfig`. */
export async function helmPush(registryConfig, target, env) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'registry-login-chart-'))
  mkdirSync(path.join(dir, 'hello', 'templates'), { recursive: true })
  writeFileSync(path.join(dir, 'hello', 'Chart.yaml'), 'apiVersion: v2\nname: hello\nversion: 0.1.0\n')
  const packed = await run(['package', path.join(dir, 'hello'), '--destination', dir], env)
  if (!packed.ok) return packed
  return run(['push', path.join(dir, 'hello-0.1.0.tgz'), `oci://${target}`, '--registry-config', registryConfig], env)
}
