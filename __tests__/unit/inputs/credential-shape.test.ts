// The shape rules on their own: documents told apart, paths left to the reader, a taken key masked and noted once.
import { credentialShape, documentOf, type CredentialShape, type FormatTables } from '../../../src/inputs/credential-shape.js'
import { InputError } from '../../../src/log/errors.js'
import { captureStdout, type StdoutCapture } from '../../helpers/stdout.js'

const KEY: CredentialShape = { kind: 'key', expected: 'a test key', accepts: ['key'] }
const FILE: CredentialShape = { kind: 'file', expected: 'a test key file', accepts: ['file'] }
const TABLES: FormatTables = {
  cloud: 'Test Cloud',
  own: [{ what: 'a test key file', cloud: 'Test Cloud', document: fields => 'key' in fields, input: 'key', take: 'key' }],
  others: []
}

let stdout: StdoutCapture
beforeEach(() => {
  stdout = captureStdout()
})
afterEach(() => stdout.restore())

test('documentOf: JSON objects, YAML mappings with nested lines and comments, and nothing else', () => {
  expect(documentOf('{"a": 1}')).toEqual({ fields: { a: 1 }, language: 'JSON' })
  expect(documentOf('{not json')).toEqual({ fields: {}, language: 'JSON' })
  expect(documentOf('# made by hand\n---\na:\n  b: c\nd: "e"\n')).toEqual({ fields: { a: '', d: 'e' }, language: 'YAML' })
  expect(documentOf('AQVNplainkey')).toBeUndefined()
  expect(documentOf('https://example.com')).toBeUndefined()
  expect(documentOf('two words')).toBeUndefined()
})

test('a key taken out of its document is masked, noted once, and checked as a key itself', () => {
  const notes: string[] = []
  expect(credentialShape('key', '{"key": "taken-key-unit-1"}', KEY, TABLES, note => notes.push(note))).toBe('taken-key-unit-1')
  expect(notes).toEqual(["Input 'key' holds a test key file: using its 'key' field as a test key."])
  expect(stdout.lines()).toContain('::add-mask::taken-key-unit-1')
  expect(() => credentialShape('key', '{"key": "taken key"}', KEY, TABLES, () => undefined)).toThrow(
    "Input 'key' has white space inside (a space, tab or line break), which a test key never has."
  )
})

test('a path for a file is left to the reader; the same path in backquotes is refused', () => {
  expect(credentialShape('file', './keys/key.json', FILE, TABLES, () => undefined)).toBe('./keys/key.json')
  expect(() => credentialShape('file', '`./keys/key.json`', FILE, TABLES, () => undefined)).toThrow(InputError)
})

test('an empty value and a plain key pass untouched, with no note', () => {
  const notes: string[] = []
  expect(credentialShape('key', '', KEY, TABLES, note => notes.push(note))).toBe('')
  expect(credentialShape('key', 'plain-key_0123456789', KEY, TABLES, note => notes.push(note))).toBe('plain-key_0123456789')
  expect(notes).toEqual([])
})
