import { readdirSync, readFileSync } from 'node:fs'
import { render } from '../../scripts/docs.mjs'

test('the README inputs and outputs tables match action.yml (run node scripts/docs.mjs)', () => {
  const readme = readFileSync('README.md', 'utf8')
  expect(render(readme, readFileSync('action.yml', 'utf8'))).toBe(readme)
})

test('every input of action.yml has a description and a default, and every provider has a guide linked from the README', () => {
  const action = readFileSync('action.yml', 'utf8')
  for (const provider of ['yandex', 'nebius', 'alibaba', 'ibm']) {
    expect(readFileSync(`docs/${provider}.md`, 'utf8').length).toBeGreaterThan(500)
    expect(readFileSync('README.md', 'utf8')).toContain(`(docs/${provider}.md)`)
  }
  const inputs = action.slice(action.indexOf('\ninputs:'), action.indexOf('\noutputs:'))
  const names = [...inputs.matchAll(/^ {2}([a-z-]+):$/gm)].map(m => m[1] ?? '')
  expect(names.length).toBeGreaterThan(20)
  for (const name of names) {
    const block = inputs.slice(inputs.indexOf(`\n  ${name}:\n`) + 1).split(/\n {2}[a-z-]+:\n/)[0] ?? ''
    expect(block).toMatch(/description: '.+'/)
    if (name !== 'provider') expect(block).toMatch(/default: '.*'/)
  }
})

test('every REGISTRY_LOGIN_* tunable the sources read is documented in the README', () => {
  const readme = readFileSync('README.md', 'utf8')
  const files = readdirSync('src', { recursive: true, encoding: 'utf8' }).filter(name => name.endsWith('.ts'))
  const names = new Set(files.flatMap(name => [...readFileSync(`src/${name}`, 'utf8').matchAll(/REGISTRY_LOGIN_[A-Z_]+/g)].map(m => m[0])))
  expect(names.size).toBeGreaterThan(5)
  for (const name of names) expect({ name, documented: readme.includes(name) }).toEqual({ name, documented: true })
})
