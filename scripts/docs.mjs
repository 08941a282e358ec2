// Regenerates the README's inputs and outputs tables from action.yml, so they never drift: the inputs
// every cloud reads first, then one table per cloud. `node scripts/docs.mjs` rewrites README.md;
// `node scripts/docs.mjs --check` fails when it is stale.
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
// One table cell: pipes escaped, one line, and '<' escaped so that '<owner>' shows instead of vanishing as a tag.
const cell = text => String(text).replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/\n/g, ' ').trim()

/** The clouds, in the README's order, with the heading of their inputs table. */
export const CLOUDS = [
  ['yandex', 'Yandex Cloud'],
  ['nebius', 'Nebius AI Cloud'],
  ['alibaba', 'Alibaba Cloud ACR'],
  ['ibm', 'IBM Cloud']
]

/**
 * The inputs only some clouds read, and which: the inputs (and options) their auth methods declare in
 * src/providers/<cloud>/index.ts (`methods`), which the docs unit test holds this table to. Every other
 * input is read by every cloud (provider, region, registry, auth, username, password, exchange, the
 * clients and modes) and goes in the common table.
 */
export const INPUT_CLOUDS = {
  'api-key': ['yandex', 'ibm'],
  token: ['yandex', 'nebius', 'ibm'],
  'service-account-id': ['yandex', 'nebius'],
  audience: ['yandex', 'nebius', 'alibaba'],
  'service-account-key': ['yandex', 'nebius'],
  'oauth-token': ['yandex'],
  'public-key-id': ['nebius'],
  'private-key': ['nebius'],
  'token-exchange': ['nebius'],
  'access-key-id': ['alibaba'],
  'access-key-secret': ['alibaba'],
  'security-token': ['alibaba'],
  'role-arn': ['alibaba'],
  'oidc-provider-arn': ['alibaba'],
  'role-session-name': ['alibaba'],
  'duration-seconds': ['alibaba'],
  'instance-id': ['alibaba'],
  'instance-name': ['alibaba'],
  'trusted-profile': ['ibm'],
  'identity-token-file': ['alibaba', 'ibm']
}

const header = ['| input | default | description |', '|---|---|---|']

function inputRow(name, spec) {
  const value = spec.required ? '(required)' : spec.default ? `\`${spec.default}\`` : ''
  return `| \`${name}\` | ${value} | ${cell(spec.description)} |`
}

export function tables(actionYml) {
  const action = parse(actionYml)
  const inputs = Object.entries(action.inputs)
  const unknown = Object.keys(INPUT_CLOUDS).filter(name => !(name in action.inputs))
  if (unknown.length) throw new Error(`scripts/docs.mjs names inputs action.yml does not have: ${unknown.join(', ')}`)
  const common = inputs.filter(([name]) => !INPUT_CLOUDS[name]).map(([name, spec]) => inputRow(name, spec))
  const perCloud = CLOUDS.flatMap(([id, title]) => [
    '',
    `### ${title} inputs`,
    '',
    ...header,
    ...inputs.filter(([name]) => INPUT_CLOUDS[name]?.includes(id)).map(([name, spec]) => inputRow(name, spec))
  ])
  const outputs = Object.entries(action.outputs).map(([name, spec]) => `| \`${name}\` | ${cell(spec.description)} |`)
  return {
    inputs: ['### Inputs for every cloud', '', ...header, ...common, ...perCloud].join('\n'),
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
