// A private set of auth files and storage for one test run, as a fresh runner job has.
import { mkdirSync, mkdtempSync, writeFileSync, readFileSync, existsSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

export function clientSandbox() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'registry-login-clients-'))
  const storage = path.join(dir, 'storage.conf')
  mkdirSync(path.join(dir, 'containers'), { recursive: true })
  writeFileSync(storage, `[storage]\ndriver = "vfs"\ngraphroot = "${dir}/graph"\nrunroot = "${dir}/run"\n`)
  const files = {
    docker: path.join(dir, 'docker', 'config.json'),
    containers: path.join(dir, 'containers', 'auth.json'),
    helm: path.join(dir, 'helm', 'registry.json')
  }
  return {
    dir,
    files,
    env: {
      DOCKER_CONFIG: path.dirname(files.docker),
      REGISTRY_AUTH_FILE: files.containers,
      HELM_REGISTRY_CONFIG: files.helm,
      CONTAINERS_STORAGE_CONF: storage,
      HOME: dir
    },
    /** The auths map of a client's auth file ({} when the file does not exist). */
    auths(file) {
      if (!existsSync(file)) return {}
      return JSON.parse(readFileSync(file, 'utf8')).auths ?? {}
    }
  }
}
