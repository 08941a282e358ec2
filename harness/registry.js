// Starts the distribution registry (Debian's docker-registry) with token auth, one per cloud,
// each on its own loopback address so that every cloud's real registry host names can point at it.
import { spawn } from 'node:child_process'
import { mkdirSync, writeFileSync, openSync, readFileSync } from 'node:fs'
import path from 'node:path'
import tls from 'node:tls'
import { TOKEN_ISSUER, tokenHost } from './token-service.js'

export function registryBinary() {
  return process.env.REGISTRY_LOGIN_REGISTRY_BIN || '/usr/bin/docker-registry'
}

export async function startRegistry({ dir, pki, cloud, address, port = 443 }) {
  const root = path.join(dir, `registry-${cloud}`)
  mkdirSync(path.join(root, 'data'), { recursive: true })
  const config = path.join(root, 'config.yml')
  writeFileSync(
    config,
    [
      'version: 0.1',
      'log:',
      '  level: warn',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${path.join(root, 'data')}`,
      'http:',
      `  addr: ${address}:${port}`,
      '  secret: registry-login-local-cloud',
      '  tls:',
      `    certificate: ${pki.cert}`,
      `    key: ${pki.key}`,
      'auth:',
      '  token:',
      `    realm: https://${tokenHost(cloud)}/token`,
      `    service: ${cloud}-registry`,
      `    issuer: ${TOKEN_ISSUER}`,
      `    rootcertbundle: ${pki.tokenCert}`,
      ''
    ].join('\n')
  )
  const logFile = openSync(path.join(root, 'registry.log'), 'a')
  const child = spawn(registryBinary(), ['serve', config], { stdio: ['ignore', logFile, logFile] })
  await waitForTls(address, port, readFileSync(pki.ca), child)
  return {
    address,
    port,
    log: path.join(root, 'registry.log'),
    stop: () =>
      new Promise(resolve => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      })
  }
}

async function waitForTls(host, port, ca, child) {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited with code ${child.exitCode}`)
    const ok = await new Promise(resolve => {
      const socket = tls.connect({ host, port, ca, servername: 'localhost' }, () => {
        socket.destroy()
        resolve(true)
      })
      socket.on('error', () => resolve(false))
    })
    if (ok) return
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  throw new Error(`docker-registry did not come up on ${host}:${port}`)
}
