// Test PKI made at start-up with openssl: a CA, one TLS certificate for every emulated
// host name, and a separate key + self-signed certificate that signs registry tokens.
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import path from 'node:path'

const openssl = (args, cwd) => execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] })

/** @returns {{ dir: string, ca: string, cert: string, key: string, tokenCert: string, tokenKey: string }} */
export function makePki(dir, hostNames) {
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-sha256',
      '-days',
      '2',
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-subj',
      '/CN=registry-login local cloud CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign'
    ],
    dir
  )
  openssl(
    [
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-sha256',
      '-keyout',
      'server.key',
      '-out',
      'server.csr',
      '-subj',
      '/CN=registry-login local cloud'
    ],
    dir
  )
  const sans = [...new Set(['localhost', ...hostNames])].map(h => `DNS:${h}`).concat('IP:127.0.0.1')
  writeFileSync(
    path.join(dir, 'server.ext'),
    `subjectAltName=${sans.join(',')}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n`
  )
  openssl(
    [
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '2',
      '-sha256',
      '-extfile',
      'server.ext',
      '-out',
      'server.crt'
    ],
    dir
  )
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-sha256',
      '-days',
      '2',
      '-keyout',
      'token.key',
      '-out',
      'token.crt',
      '-subj',
      '/CN=registry-login local token signer'
    ],
    dir
  )
  const p = name => path.join(dir, name)
  return { dir, ca: p('ca.crt'), cert: p('server.crt'), key: p('server.key'), tokenCert: p('token.crt'), tokenKey: p('token.key') }
}
