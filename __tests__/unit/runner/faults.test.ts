// Issue #19: faults of the runner's environment in plain words (which file, what is wrong, what to do), never
// node's raw "EACCES: permission denied, open '…'" or "spawn helm ENOENT" as the message.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { EnvironmentFault, fileFault, spawnFault } from '../../../src/runner/faults.js'
import { writePrivateFile } from '../../../src/runner/files.js'
import { runProcess } from '../../../src/process/run-process.js'
import { failure } from '../../helpers/thrown.js'

const nodeError = (code: string, message: string): NodeJS.ErrnoException => Object.assign(new Error(message), { code })
const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'registry-login-faults-'))

test.each([
  [
    'EACCES',
    "The file /home/runner/.docker/config.json cannot be written: the runner's user has no permission for it (EACCES). Give the runner's user access in an earlier step (chown or chmod), or use a path it owns."
  ],
  [
    'EROFS',
    'The file /home/runner/.docker/config.json cannot be written: it is on a read-only file system (EROFS). Use a path on a writable file system.'
  ],
  [
    'EISDIR',
    'The file /home/runner/.docker/config.json cannot be written: it is a directory, not a file (EISDIR). Remove the directory, or point the variable that names the file elsewhere.'
  ],
  [
    'ENOENT',
    'The file /home/runner/.docker/config.json cannot be written: it or its directory does not exist (any more) (ENOENT). Check the path; create its directory in an earlier step.'
  ],
  [
    'ENOSPC',
    'The file /home/runner/.docker/config.json cannot be written: no space is left on the device (ENOSPC). Free space on the runner (docker system prune, for one) in an earlier step.'
  ]
])("%s in words, naming the file and what to do; node's code kept", (code, message) => {
  const fault = fileFault(
    nodeError(code, `${code}: raw, open '/home/runner/.docker/config.json.38a1.tmp'`),
    'The file',
    '/home/runner/.docker/config.json',
    'written'
  )
  expect(fault).toBeInstanceOf(EnvironmentFault)
  expect(fault.message).toBe(message)
  expect(fault.code).toBe(code)
})

test("a code it does not know still names the file, without node's text", () => {
  const fault = fileFault(nodeError('EWEIRD', 'EWEIRD: something, open x'), 'The file', '/x/y', 'read')
  expect(fault.message).toBe('The file /x/y cannot be read: the system refused it (EWEIRD). Check the path and its permissions.')
})

describe('writePrivateFile says which file or directory is at fault', () => {
  test('the target is a directory', () => {
    const dir = tmp()
    const target = path.join(dir, 'config.json')
    mkdirSync(path.join(target, 'inside'), { recursive: true })
    expect(() => writePrivateFile(target, '{}')).toThrow(
      `The file ${target} cannot be written: it is a directory, not a file (EISDIR). Remove the directory, or point the variable that names the file elsewhere.`
    )
  })

  test('a part of its path is a file', () => {
    const dir = tmp()
    writeFileSync(path.join(dir, 'docker'), 'a file')
    const target = path.join(dir, 'docker', 'config.json')
    const error = (() => {
      try {
        writePrivateFile(target, '{}')
      } catch (e) {
        return e as EnvironmentFault
      }
      throw new Error('expected a failure')
    })()
    expect(error.message).toMatch(
      new RegExp(`^The directory ${path.join(dir, 'docker').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} cannot be created: `)
    )
    expect(error.message).not.toMatch(/ENOTDIR: not a directory|EEXIST: file already exists/)
  })

  test("a directory the temp file cannot be created in (EACCES for the issue's runner; /sys here)", () => {
    let message = ''
    try {
      writePrivateFile('/sys/config.json', '{}')
    } catch (e) {
      message = (e as Error).message
    }
    expect(message).toMatch(/^The directory \/sys \(to hold config\.json\) cannot be written: .+ \(E[A-Z]+\)\. /)
    expect(message).not.toContain('.tmp')
  })
})

describe('a client that cannot be started', () => {
  test("not installed: 'spawn helm ENOENT' becomes 'not installed, or not on PATH'", async () => {
    const error = await failure(
      runProcess('registry-login-no-such-helm', ['version'], {
        env: { PATH: '/nonexistent' },
        limit: { ms: 5_000, variable: 'REGISTRY_LOGIN_CLIENT_TIMEOUT_MS' },
        what: 'helm login'
      })
    )
    expect(error.message).toBe(
      'The client registry-login-no-such-helm could not be started: it is not installed, or not on PATH (ENOENT). Install it in an earlier step (or its setup action), or leave it out of the clients input.'
    )
  })

  test('not executable', () => {
    expect(spawnFault(nodeError('EACCES', 'spawn /usr/local/bin/helm EACCES'), '/usr/local/bin/helm').message).toBe(
      "The client /usr/local/bin/helm could not be started: the file is not executable by the runner's user (EACCES). Make it executable (chmod +x) in an earlier step, or put a working one first on PATH."
    )
  })

  test('another error is passed on as it is', () => {
    const other = new Error('something else')
    expect(spawnFault(other, 'helm')).toBe(other)
  })
})
