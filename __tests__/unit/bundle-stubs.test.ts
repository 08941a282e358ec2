import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'

// scripts/build.mjs replaces these @actions/core parts with stubs that throw: src/ must not use them.
const LEFT_OUT = [
  {
    what: 'core.summary (src/step/summary.ts writes the job summary)',
    pattern: /\bcore\.(summary|markdownSummary)\b|\bimport\s*\{[^}]*\b(summary|markdownSummary)\b[^}]*\}\s*from '@actions\/core'/
  },
  {
    what: 'core.platform (src/runner/platform.ts)',
    pattern: /\bcore\.platform\b|\bimport\s*\{[^}]*\bplatform\b[^}]*\}\s*from '@actions\/core'/
  },
  { what: 'core.getIDToken (src/net/oidc.ts)', pattern: /\bgetIDToken\b/ }
]

const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap(e =>
    e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []
  )

test.each(LEFT_OUT)('src/ does not use $what, which the bundle leaves out', ({ pattern }) => {
  const offenders = files(path.resolve('src')).filter(file => pattern.test(readFileSync(file, 'utf8')))
  expect(offenders).toEqual([])
})

test('the patterns catch a use (so the check above can fail)', () => {
  expect(LEFT_OUT[0]?.pattern.test("await core.summary.addRaw('x').write()")).toBe(true)
  expect(LEFT_OUT[0]?.pattern.test("import { getInput, summary } from '@actions/core'")).toBe(true)
  expect(LEFT_OUT[1]?.pattern.test('const os = core.platform.platform')).toBe(true)
  expect(LEFT_OUT[2]?.pattern.test('await core.getIDToken(aud)')).toBe(true)
})
