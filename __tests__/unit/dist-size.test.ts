import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { BUDGET_BYTES, distSize } from '../../scripts/dist-size.mjs'

function distWith(files: Record<string, number>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dist-size-'))
  for (const [name, bytes] of Object.entries(files)) writeFileSync(path.join(dir, name), 'x'.repeat(bytes))
  return dir
}

const check = (dir: string) => spawnSync(process.execPath, ['scripts/dist-size.mjs', dir], { encoding: 'utf8' })

test('the size counts every file node loads from dist/ (bundle, chunks, entries, package.json) and not the licence text', () => {
  const dir = distWith({ 'index.js': 1000, 'chunk-ABC.js': 200, 'main.js': 80, 'post.js': 80, 'package.json': 18, 'licenses.txt': 50_000 })
  const size = distSize(dir)
  expect(size.bytes).toBe(1378)
  expect(size.files.map((f: { file: string }) => f.file)).toEqual(['chunk-ABC.js', 'index.js', 'main.js', 'package.json', 'post.js'])
})

test.each([
  ['at the budget', 0, BUDGET_BYTES - 200],
  ['one byte over it', 1, BUDGET_BYTES - 199]
])('the CI size check on a dist/ %s exits with status %i', (_name, status, bundle) => {
  const result = check(distWith({ 'index.js': bundle, 'main.js': 100, 'post.js': 100 }))
  expect(result.status).toBe(status)
  if (status) expect(result.stderr).toContain('over its size budget')
})

// Issue #11's target was 150 KB; the features of #18-#21 took dist/ past it, and the budget to 190 KB
// (scripts/dist-size.mjs and docs/performance.md say what grew). The test pins the raised figure.
test('the budget is at most 190 KB (issue #11 target of 150 KB, raised for #18-#21), and CI runs the check', () => {
  expect(BUDGET_BYTES).toBeLessThanOrEqual(190 * 1024)
  expect(readFileSync('scripts/check-dist.sh', 'utf8')).toMatch(/^node scripts\/dist-size\.mjs$/m)
})
