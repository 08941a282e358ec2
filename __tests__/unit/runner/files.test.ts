import { execFileSync } from 'node:child_process'
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { readAuthEntry } from '../../../src/auth-files/auth-file.js'
import { loadBackup } from '../../../src/auth-files/backup.js'
import { readTextFile, writePrivateFile } from '../../../src/runner/files.js'

const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'files-'))
const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn()
  } catch (error) {
    return (error as NodeJS.ErrnoException).code
  }
  return undefined
}

describe('readTextFile', () => {
  test('the text of a regular file; undefined when nothing is there', () => {
    const dir = tmp()
    writeFileSync(path.join(dir, 'a.json'), '{"auths":{}}')
    expect(readTextFile(path.join(dir, 'a.json'))).toBe('{"auths":{}}')
    expect(readTextFile(path.join(dir, 'missing.json'))).toBeUndefined()
  })

  test('a directory is refused with EISDIR', () => {
    expect(codeOf(() => readTextFile(tmp()))).toBe('EISDIR')
  })

  test('a symlink to a regular file is read through', () => {
    const dir = tmp()
    writeFileSync(path.join(dir, 'real.json'), 'x')
    symlinkSync(path.join(dir, 'real.json'), path.join(dir, 'link.json'))
    expect(readTextFile(path.join(dir, 'link.json'))).toBe('x')
  })

  const fifoTest = process.platform === 'win32' ? test.skip : test
  fifoTest('a FIFO is refused at once (EFTYPE), never waited on for a writer', () => {
    const fifo = path.join(tmp(), 'config.json')
    execFileSync('mkfifo', [fifo])
    expect(codeOf(() => readTextFile(fifo))).toBe('EFTYPE')
  })

  fifoTest('a backup file that is a FIFO is reported unreadable at once', async () => {
    const fifo = path.join(tmp(), 'registry-login-0123456789abcdef.json')
    execFileSync('mkfifo', [fifo])
    expect(() => loadBackup(fifo)).toThrow(`the backup file ${fifo} cannot be read (EFTYPE)`)
  })

  test('a file over the size limit is refused with EFBIG and its size', () => {
    const file = path.join(tmp(), 'key.json')
    writeFileSync(file, 'x'.repeat(100))
    expect(() => readTextFile(file, 99)).toThrow(expect.objectContaining({ code: 'EFBIG', size: 100 }))
    expect(readTextFile(file, 100)).toHaveLength(100)
  })

  fifoTest('an auth file that is a FIFO fails the step with an error naming it, instead of hanging it', async () => {
    const fifo = path.join(tmp(), 'config.json')
    execFileSync('mkfifo', [fifo])
    expect(() => readAuthEntry(fifo, 'us.icr.io')).toThrow(`The auth file ${fifo} cannot be read (EFTYPE: it is not a regular file)`)
  })
})

describe('writePrivateFile', () => {
  test('writes the whole content 0600 in a 0700 directory it creates, leaving no temporary file', () => {
    const dir = path.join(tmp(), 'new', 'docker')
    const file = path.join(dir, 'config.json')
    writePrivateFile(file, '{"a":1}')
    writePrivateFile(file, '{"b":2}')
    expect(readFileSync(file, 'utf8')).toBe('{"b":2}')
    if (process.platform !== 'win32') {
      expect(lstatSync(file).mode & 0o777).toBe(0o600)
      expect(lstatSync(dir).mode & 0o777).toBe(0o700)
    }
    expect(readdirSync(dir)).toEqual(['config.json'])
  })

  test('with createDirectory: false, writes only into a directory that exists: a missing one is ENOENT, never created (#21)', () => {
    const dir = path.join(tmp(), 'registry-login-helper-gone')
    const file = path.join(dir, 'cache.json')
    expect(codeOf(() => writePrivateFile(file, '{"us.icr.io":{"password":"SECRET"}}', { createDirectory: false }))).toBe('ENOENT')
    expect(existsSync(dir)).toBe(false)
    mkdirSync(dir, { mode: 0o700 })
    writePrivateFile(file, 'kept', { createDirectory: false })
    expect(readFileSync(file, 'utf8')).toBe('kept')
  })

  test('leaves no copy of the content behind when it cannot put the file in place', () => {
    const dir = tmp()
    const target = path.join(dir, 'config.json')
    mkdirSync(target) // a directory where the file should go: the rename fails
    expect(codeOf(() => writePrivateFile(target, '{"auths":{"x":{"auth":"SECRET"}}}'))).toMatch(/^(EISDIR|EPERM|ENOTEMPTY|EEXIST)$/)
    expect(readdirSync(dir)).toEqual(['config.json'])
  })

  test('writes the content to a new file of its own (O_EXCL), never through one planted next to the target', () => {
    const dir = tmp()
    const file = path.join(dir, 'config.json')
    writePrivateFile(file, 'one')
    writePrivateFile(file, 'two')
    // Two writes, two different temporary names, none left over.
    expect(readdirSync(dir)).toEqual(['config.json'])
    expect(readFileSync(file, 'utf8')).toBe('two')
  })

  test('replaces a symlink at the destination with a file, leaving the link target untouched', () => {
    const dir = tmp()
    mkdirSync(path.join(dir, 'elsewhere'))
    const target = path.join(dir, 'elsewhere', 'secret')
    writeFileSync(target, 'original')
    symlinkSync(target, path.join(dir, 'config.json'))
    writePrivateFile(path.join(dir, 'config.json'), 'new')
    expect(readFileSync(target, 'utf8')).toBe('original')
    expect(lstatSync(path.join(dir, 'config.json')).isSymbolicLink()).toBe(false)
  })
})
