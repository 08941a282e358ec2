// A tiny OCI image (one text file) made with umoci, and a push/pull with skopeo that uses
// only the credentials a client left in its auth file.
import { execFileSync, spawn } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

let layout
export function tinyImage() {
  if (layout) return layout
  // lowercase: podman turns the layout path into an image name
  const dir = path.join(os.tmpdir(), `registry-login-image-${process.pid}-${Date.now().toString(36)}`)
  mkdirSync(dir)
  writeFileSync(path.join(dir, 'hello.txt'), 'hello from registry-login\n')
  const run = args => execFileSync('umoci', args, { cwd: dir, stdio: 'pipe' })
  run(['init', '--layout', 'oci'])
  run(['new', '--image', 'oci:v1'])
  run(['insert', '--image', 'oci:v1', 'hello.txt', '/hello.txt'])
  layout = path.join(dir, 'oci')
  return layout
}

/**
 * Pushes the tiny image to `ref` (host/repo:tag) with skopeo reading `authFile`. Asynchronous on
 * purpose: the emulators answering skopeo's token request run in this same process. `env` is added
 * to this process's environment (a later step's PATH, for a credential helper).
 */
export function pushWith(authFile, ref, env = {}) {
  const image = tinyImage()
  return new Promise(resolve => {
    const child = spawn('skopeo', ['copy', '--dest-authfile', authFile, `oci:${image}:v1`, `docker://${ref}`], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe']
    })
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

/** Pushes the tiny image with podman itself (into `env`'s storage, then to `ref`), using podman's own auth file. */
export async function pushWithPodman(env, ref) {
  const image = tinyImage()
  const run = args =>
    new Promise(resolve => {
      const child = spawn('podman', args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
      let output = ''
      child.stdout.on('data', d => {
        output += d
      })
      child.stderr.on('data', d => {
        output += d
      })
      child.on('close', code => resolve({ ok: code === 0, output }))
    })
  const pulled = await run(['pull', '-q', `oci:${image}:v1`])
  if (!pulled.ok) return pulled
  const local = pulled.output.trim().split('\n').pop()
  return run(['push', '-q', local, `docker://${ref}`])
}
