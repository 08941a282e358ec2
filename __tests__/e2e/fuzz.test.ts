// Several hundred malformed and hostile inputs through the BUILT action (dist/main.js, then
// dist/post.js wherever its run differs from one already made: see postRuns), as the runner runs it, with step debug on, the network blocked and recorded and
// every client replaced by a recording shim. Prints its totals; fails on any crash or stack trace,
// network attempt or client call on invalid input, an invalid case without exactly one ::error::
// naming the input, a secret outside ::add-mask:: lines, or an injected workflow command.
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fuzzCases } from '../helpers/fuzz-cases.js'
import { clientShims, pool, runCase, type CaseResult } from '../helpers/fuzz-run.js'

/** Node starts at once: the machine has 2 cores; the cases mostly wait for node to start. */
// Two at a time: the suite runs beside the cloud suites and the unit tests on a 2-core machine (npm test).
const CONCURRENCY = Number(process.env.FUZZ_CONCURRENCY) || 2

let fixtures: string
let shims: string
beforeAll(() => {
  fixtures = mkdtempSync(path.join(os.tmpdir(), 'registry-login-fuzz-fixtures-'))
  shims = clientShims()
})
afterAll(() => {
  rmSync(fixtures, { recursive: true, force: true })
  rmSync(shims, { recursive: true, force: true })
})

function totals(label: string, results: CaseResult[]): string {
  const invalid = results.filter(r => r.case.expect.kind === 'invalid')
  const byCategory = new Map<string, number>()
  for (const r of results) byCategory.set(r.case.category, (byCategory.get(r.case.category) ?? 0) + 1)
  const errorCounts = new Map<number, number>()
  for (const r of invalid) errorCounts.set(r.errorLines.length, (errorCounts.get(r.errorLines.length) ?? 0) + 1)
  return [
    `${label}: ${results.length} cases (${invalid.length} invalid), ${[...byCategory].map(([c, n]) => `${c} ${n}`).join(', ')}`,
    `${label}: post steps run: ${results.filter(r => r.post).length} (the others' main left post nothing another case's post did not have)`,
    `${label}: crashes or stack traces: ${results.filter(r => r.crashes.length > 0).length}`,
    `${label}: network attempts on invalid input: ${invalid.reduce((n, r) => n + r.networkAttempts, 0)}, client calls on invalid input: ${invalid.reduce((n, r) => n + r.clientCalls, 0)}`,
    `${label}: ::error:: lines per invalid case: ${[...errorCounts].map(([lines, n]) => `${lines} line(s): ${n} cases`).join(', ')}`,
    `${label}: secret forms outside ::add-mask:: lines: ${results.reduce((n, r) => n + r.secretHits.length, 0)}`,
    `${label}: workflow commands injected: ${results.reduce((n, r) => n + r.injected.length, 0)}`,
    `${label}: cases failing any check: ${results.filter(r => r.failures.length > 0).length}`
  ].join('\n')
}

/** A client that prints workflow commands (shown under step debug): made safe line by line. */
const HOSTILE_CLIENT = 'hostile client output'

let results: CaseResult[] = []
beforeAll(async () => {
  // FUZZ_CASES=<regex> runs only the matching cases (category: name), for working on one category.
  const only = process.env.FUZZ_CASES ? new RegExp(process.env.FUZZ_CASES) : undefined
  const all = fuzzCases(fixtures)
  expect(all.length).toBeGreaterThanOrEqual(300)
  const cases = only ? all.filter(c => only.test(`${c.category}: ${c.name}`)) : all
  // Each category's first case always runs its post step (the rest when main left it anything: see postRuns).
  const firsts = new Set(cases.filter((c, i) => cases.findIndex(other => other.category === c.category) === i))
  results = await pool(cases, CONCURRENCY, fuzzCase => runCase(fuzzCase, shims, firsts.has(fuzzCase)))
  console.log(totals('fuzz', results))
  // Long enough for a loaded 2-core machine: the steps run under nice, behind the local-cloud suites.
}, 1_200_000)

const failing = (category?: string): string[] =>
  results
    .filter(r => (category === undefined || r.case.category === category) && r.failures.length > 0)
    .map(r => `[${r.case.category}] ${r.case.name}: ${r.failures.join(' | ')}`)

test('hostile and malformed inputs: one clear error each, nothing sent, nothing leaked, nothing injected', () => {
  expect(results.length).toBeGreaterThan(0)
  expect(failing()).toEqual([])
})

test('post ran for each category, every injection and every case main logged in for', () => {
  const categories = new Set(results.map(r => r.case.category))
  expect(new Set(results.filter(r => r.post).map(r => r.case.category))).toEqual(categories)
  expect(results.filter(r => r.case.category === 'workflow-command injection' && !r.post)).toEqual([])
  expect(results.filter(r => r.case.expect.kind === 'login' && !r.post).map(r => r.case.name)).toEqual([])
  // What skipping the rest rests on: a post after a main that left nothing, whatever the inputs, says only this.
  const leftNothing = results.filter(r => r.post && r.case.expect.kind === 'invalid' && !r.case.env && !r.case.files)
  expect(leftNothing.length).toBeGreaterThan(100)
  for (const r of leftNothing) expect([r.case.name, r.post]).toEqual([r.case.name, { code: 0, stdout: 'Nothing to log out.\n' }])
})

test("a hostile client's output never becomes a workflow command", () => {
  expect(results.some(r => r.case.category === HOSTILE_CLIENT)).toBe(true)
  expect(failing(HOSTILE_CLIENT)).toEqual([])
})
