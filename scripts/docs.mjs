// Regenerates the README's inputs and outputs tables from action.yml, so they never drift.
// `node scripts/docs.mjs` rewrites README.md; `node scripts/docs.mjs --check` fails when it is stale.
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const cell = text => String(text).replace(/\|/g, '\\|').replace(/\n/g, ' ').trim()

export function tables(actionYml) {
  const action = parse(actionYml)
  const inputs = Object.entries(action.inputs).map(
    ([name, spec]) =>
      `| \`${name}\` | ${spec.required ? '(required)' : spec.default ? `\`${spec.default}\`` : ''} | ${cell(spec.description)} |`
  )
  const outputs = Object.entries(action.outputs).map(([name, spec]) => `| \`${name}\` | ${cell(spec.description)} |`)
  return {
    inputs: ['| input | default | description |', '|---|---|---|', ...inputs].join('\n'),
    outputs: ['| output | description |', '|---|---|', ...outputs].join('\n')
  }
}

export function render(readme, actionYml) {
  const generated = tables(actionYml)
  let out = readme
  for (const [name, table] of Object.entries(generated)) {
    const pattern = new RegExp(`(<!-- ${name}:start -->)[\\s\\S]*?(<!-- ${name}:end -->)`)
    if (!pattern.test(out)) throw new Error(`README.md has no <!-- ${name}:start --> / <!-- ${name}:end --> markers`)
    out = out.replace(pattern, (_, start, end) => `${start}\n${table}\n${end}`)
  }
  return out
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const readmePath = path.join(root, 'README.md')
  const readme = readFileSync(readmePath, 'utf8')
  const next = render(readme, readFileSync(path.join(root, 'action.yml'), 'utf8'))
  if (process.argv.includes('--check')) {
    if (next !== readme) {
      console.error('README.md inputs/outputs tables are stale: run node scripts/docs.mjs')
      process.exit(1)
    }
  } else writeFileSync(readmePath, next)
}
