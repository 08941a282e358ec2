/**
 * A file that is not JSON never puts the parser's message into a warning or error: V8 quotes the start of
 * the text, and the start of an auth file can be the start of a base64 `auth` (#21).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { readAuthEntry } from '../../../src/auth-files/auth-file.js'
import { loadBackup } from '../../../src/auth-files/backup.js'
import { externalCredentialHelpers } from '../../../src/auth-files/registries-conf.js'
import { readCache } from '../../../src/credential-helper/cache.js'
import { readHelperConfig } from '../../../src/credential-helper/config.js'
import { carryOverDocker } from '../../../src/modes/isolated-config.js'
import { parseCredentialsFile } from '../../../src/providers/nebius/credentials.js'
import { parseAuthorizedKey } from '../../../src/providers/yandex/key.js'
import { jsonProblem, JsonSyntaxError, parseJsonText } from '../../../src/runner/json.js'
import { loadState } from '../../../src/runner/state.js'
import { captureStdout } from '../../helpers/stdout.js'

/** The start of a base64 `auth` (`secret-user:…`): what V8's SyntaxError would quote. */
const SECRET = 'c2VjcmV0LXVzZXI6cGFzc3dvcmQ'
const QUOTED = SECRET.slice(0, 8)
/** Files that are not JSON and start with (or hold right at the error) the secret. */
const NOT_JSON = [SECRET, `{"auths": ${SECRET}}`, `${SECRET}\n{"auths": {}}`]

let dir: string
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'json-errors-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

/** The message of what `fn` throws ('' when it throws nothing). */
function thrown(fn: () => unknown): string {
  try {
    fn()
    return ''
  } catch (error) {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error)
  }
}

test("V8's own message quotes the file (what this guards against)", () => {
  expect(thrown(() => JSON.parse(SECRET))).toContain(QUOTED)
})

describe('parseJsonText', () => {
  test.each(NOT_JSON)('says what is wrong without quoting the text (%#)', text => {
    const message = thrown(() => parseJsonText(text))
    expect(message).toMatch(/^JsonSyntaxError: is not valid JSON/)
    expect(message).not.toContain(QUOTED)
  })

  test('where, in numbers only; an empty text and a cut one in words', () => {
    expect(jsonProblem('{"a": 1,\n  "b" 2}', new SyntaxError("Expected ':' after property name in JSON at position 15"))).toBe(
      'is not valid JSON at line 2, column 7'
    )
    expect(thrown(() => parseJsonText('{"auths":'))).toBe('JsonSyntaxError: is not valid JSON: it ends early')
    expect(thrown(() => parseJsonText('  \n'))).toBe('JsonSyntaxError: is empty')
    expect(parseJsonText('{"a":[1]}')).toEqual({ a: [1] })
    expect(new JsonSyntaxError('x')).toBeInstanceOf(Error)
  })
})

describe.each(NOT_JSON)('a file that is not JSON and starts with a secret (%#)', text => {
  const write = (name: string): string => {
    const file = path.join(dir, name)
    writeFileSync(file, text, { mode: 0o600 })
    return file
  }

  test('an auth file (config.json): the error names the file, not its content', () => {
    const message = thrown(() => readAuthEntry(write('config.json'), 'us.icr.io'))
    expect(message).toMatch(/does not hold a JSON object/)
    expect(message).not.toContain(QUOTED)
  })

  test("isolated-config: the user's config.json that is not carried over is named in a warning without its content", () => {
    const from = path.join(dir, 'docker')
    mkdirSync(from)
    writeFileSync(path.join(from, 'config.json'), text)
    const stdout = captureStdout()
    try {
      carryOverDocker(from, path.join(dir, 'isolated'))
    } finally {
      stdout.restore()
    }
    const warnings = stdout.lines().filter(line => line.startsWith('::warning::'))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/is not carried over to the isolated config: it cannot be read as JSON \(it is not valid JSON/)
    expect(stdout.text()).not.toContain(QUOTED)
  })

  test("the credential helper's configuration and cache", () => {
    const message = thrown(() => readHelperConfig(write('helper-config.json')))
    expect(message).toMatch(/cannot read its configuration .* \(not JSON\)/)
    expect(message).not.toContain(QUOTED)
    expect(readCache(write('cache.json'))).toEqual({})
  })

  test("main's backup", () => {
    const message = thrown(() => loadBackup(write('backup.json')))
    expect(message).toMatch(/is not valid JSON/)
    expect(message).not.toContain(QUOTED)
  })

  test("the step's state", () => {
    process.env['STATE_registry-login'] = text
    try {
      const message = thrown(() => loadState())
      expect(message).toMatch(/the state the main step saved is not valid JSON/)
      expect(message).not.toContain(QUOTED)
    } finally {
      delete process.env['STATE_registry-login']
    }
  })

  test('a registries.conf (TOML, read by pattern) is never quoted either: no helper, no error', () => {
    const conf = write('registries.conf')
    expect(externalCredentialHelpers({ HOME: dir, CONTAINERS_REGISTRIES_CONF: conf }, { conf, dropIns: dir })).toEqual({
      helpers: [],
      file: conf
    })
    expect(readFileSync(conf, 'utf8')).toBe(text)
  })

  test('a key file: the Yandex authorized key and the Nebius credentials file', () => {
    const key = `{${text}`
    for (const message of [thrown(() => parseAuthorizedKey(key)), thrown(() => parseCredentialsFile('service-account-key', key))]) {
      expect(message).toMatch(/is not valid JSON/)
      expect(message).not.toContain(QUOTED)
    }
  })
})

test('every JSON.parse of file content goes through parseJsonText: the others parse cloud replies or drop the message', () => {
  const sources = (at: string): string[] =>
    readdirSync(at, { withFileTypes: true }).flatMap(entry =>
      entry.isDirectory() ? sources(path.join(at, entry.name)) : entry.name.endsWith('.ts') ? [path.join(at, entry.name)] : []
    )
  const src = path.resolve('src')
  const parsing = sources(src)
    .filter(file => /JSON\.parse\(/.test(readFileSync(file, 'utf8')))
    .map(file => path.relative(src, file).split(path.sep).join('/'))
    .sort()
  expect(parsing).toEqual([
    // a file's JSON that is dropped whole when it does not parse (no message at all)
    'auth-files/backup.ts',
    'auth-files/claims.ts',
    'auth-files/lock.ts',
    'auth-files/released.ts',
    // an input's credential document (its shape is told apart), taken as no fields when it does not parse
    'inputs/credential-shape.ts',
    // cloud replies and JWT claims, not files
    'net/http.ts',
    'net/metadata.ts',
    'providers/alibaba/api.ts',
    'providers/ibm/iam.ts',
    'providers/nebius/exchange.ts',
    'providers/nebius/hints.ts',
    'providers/yandex/errors.ts',
    'providers/yandex/iam.ts',
    // the runner's event payload: no fork proven when it does not parse (no message)
    'runner/event.ts',
    'runner/json.ts'
  ])
})
