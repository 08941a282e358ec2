// Key files: file-system errors name the input and the path (a path is no secret, so it is not
// masked); file content and inline secrets are masked and never shown.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createInputReader } from '../../../src/inputs/reader.js'
import { fileProblem, looksLikePath, textOrFile } from '../../../src/inputs/text-or-file.js'
import { addMaskLine, captureStdout, type StdoutCapture } from '../../helpers/stdout.js'
import { thrownInputError } from '../../helpers/thrown.js'

let stdout: StdoutCapture
let dir: string
beforeEach(() => {
  stdout = captureStdout()
  dir = mkdtempSync(path.join(os.tmpdir(), 'text-or-file-'))
})
afterEach(() => {
  stdout.restore()
  rmSync(dir, { recursive: true, force: true })
})

const isJson = (text: string): boolean => text.startsWith('{')
const read = (value: string): string =>
  textOrFile('service-account-key', value, isJson, 'key JSON', 'Pass the key JSON from a secret, or its path.')

describe('file-system errors name the input and the file', () => {
  const cases: Array<[string, () => string, (p: string) => string]> = [
    ['a missing file', () => path.join(dir, 'missing.json'), p => `names the file '${p}', which does not exist`],
    ['a relative missing file', () => 'no-such-key.json', p => `names the file '${p}', which does not exist`],
    ['a directory', () => dir, p => `names '${p}', which is a directory, not a file`],
    [
      'a symbolic link loop',
      () => {
        const a = path.join(dir, 'a.json')
        symlinkSync(path.join(dir, 'b.json'), a)
        symlinkSync(a, path.join(dir, 'b.json'))
        return a
      },
      p => `names the file '${p}', a symbolic link that loops`
    ],
    [
      'a path through a file',
      () => {
        writeFileSync(path.join(dir, 'plain'), 'x')
        return path.join(dir, 'plain', 'key.json')
      },
      p => `names the file '${p}', but a part of that path is not a directory`
    ],
    [
      'a FIFO (never read: it would block)',
      () => {
        const fifo = path.join(dir, 'key.fifo')
        execFileSync('mkfifo', [fifo])
        return fifo
      },
      p => `names '${p}', which is not a regular file`
    ],
    ['a character device', () => '/dev/zero', p => `names '${p}', which is not a regular file`]
  ]
  test.each(cases)('%s', (_name, make, problem) => {
    const value = make()
    const error = thrownInputError(() => read(value))
    expect(error.input).toBe('service-account-key')
    expect(error.message).toBe(
      `Input 'service-account-key' ${problem(value)}. Check the path (relative to the job's working directory; ~ is not expanded) and that the runner's user may read it, or pass the key JSON from a secret, or its path.`
    )
  })

  // As root (this machine) permissions never refuse a read, so the codes are checked as data here.
  test.each([
    ['EACCES', "names the file '/k.json', which this job may not read (permission denied)"],
    ['EPERM', "names the file '/k.json', which this job may not read (permission denied)"],
    ['ENAMETOOLONG', 'names a path that is too long'],
    ['EIO', "names the file '/k.json', which cannot be read (EIO)"],
    [undefined, "names the file '/k.json', which cannot be read (unknown error)"]
  ])('%s reads as: %s', (code, problem) => {
    expect(fileProblem('/k.json', code)).toBe(problem)
  })

  test('a file too big for a key is refused without being read', () => {
    const big = path.join(dir, 'big.json')
    writeFileSync(big, Buffer.alloc(2 * 1024 * 1024, 0x20))
    expect(read.bind(null, big)).toThrow(`names the file '${big}', which is 2097152 bytes: too big for key JSON`)
  })
})

describe('what is masked', () => {
  test('a path is not masked (errors can show it); the file content is', () => {
    const file = path.join(dir, 'key-masking-test.json')
    const content = '{"secret":"file-content-only-in-this-test-93kd"}'
    writeFileSync(file, content)
    const value = createInputReader(() => file).secretOrPath('service-account-key')
    expect(read(value)).toBe(content)
    expect(stdout.lines()).toContain(addMaskLine(content))
    expect(stdout.lines()).not.toContain(addMaskLine(file))
  })

  test('inline key text is masked', () => {
    const inline = '{"secret":"inline-only-in-this-test-77ab"}'
    createInputReader(() => inline).secretOrPath('service-account-key')
    expect(stdout.lines()).toContain(addMaskLine(inline))
  })

  test('a value that is neither inline nor shaped like a path is treated as a secret: masked, never shown', () => {
    const garbled = 'bm90LWEta2V5LWJ1dC1hLXNlY3JldA'
    createInputReader(() => garbled).secretOrPath('service-account-key')
    expect(stdout.lines()).toContain(addMaskLine(garbled))
    const error = thrownInputError(() => read(garbled))
    expect(error.message).toBe(
      "Input 'service-account-key' is neither key JSON nor the path of a file. Pass the key JSON from a secret, or its path."
    )
  })

  test.each([
    ['/abs/key.json', true],
    ['./key.json', true],
    ['../keys/key', true],
    ['~/key.json', true],
    ['C:\\keys\\key.json', true],
    ['key.pem', true],
    ['sa.json', true],
    ['bm90LWEta2V5', false],
    ['{"a":1}', false],
    ['-----BEGIN PRIVATE KEY-----\nMII\n-----END PRIVATE KEY-----', false],
    ['/path with space/key.json', false],
    ['', false]
  ])('looksLikePath(%j) is %s', (value, expected) => {
    expect(looksLikePath(value)).toBe(expected)
  })

  test('an existing relative file name counts as a path', () => {
    mkdirSync(path.join(dir, 'sub'))
    const cwd = process.cwd()
    process.chdir(dir)
    try {
      expect(looksLikePath('sub')).toBe(true)
    } finally {
      process.chdir(cwd)
    }
  })
})
