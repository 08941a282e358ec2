import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { CLOUDS, INPUT_CLOUDS, render } from '../../scripts/docs.mjs'
import { providers } from '../../src/providers/index.js'
import type { Provider } from '../../src/providers/provider.js'

test('the README inputs and outputs tables match action.yml (run node scripts/docs.mjs)', () => {
  const readme = readFileSync('README.md', 'utf8')
  expect(render(readme, readFileSync('action.yml', 'utf8'))).toBe(readme)
})

test('the inputs are grouped by the clouds that read them, as the providers declare it (scripts/docs.mjs INPUT_CLOUDS)', () => {
  const action = parse(readFileSync('action.yml', 'utf8')) as { inputs: Record<string, unknown> }
  const ids = (CLOUDS as string[][]).map(([id]) => id ?? '')
  expect([...ids].sort()).toEqual(Object.keys(providers).sort())
  // An input belongs to a cloud when one of its auth methods reads it or honours it as an option.
  const readers = (input: string): string[] =>
    ids.filter(id =>
      Object.values((providers as Record<string, Provider>)[id]?.methods ?? {}).some(
        method => method.reads.includes(input) || (method.options ?? []).some(option => option === input)
      )
    )
  const someClouds = Object.keys(action.inputs)
    .map(name => [name, readers(name)] as const)
    .filter(([, clouds]) => clouds.length > 0 && clouds.length < ids.length)
  expect(INPUT_CLOUDS).toEqual(Object.fromEntries(someClouds))
  // Every input shows up in the README: the common ones once, the others in each of their clouds' tables.
  const section = readFileSync('README.md', 'utf8').split('<!-- inputs:start -->')[1]?.split('<!-- inputs:end -->')[0] ?? ''
  for (const name of Object.keys(action.inputs)) {
    const rows = section.split('\n').filter(line => line.startsWith(`| \`${name}\` |`)).length
    expect({ name, rows }).toEqual({ name, rows: (INPUT_CLOUDS as Record<string, string[]>)[name]?.length ?? 1 })
  }
})

test('the README stays a path to a first push: at most 500 lines, internals in docs/', () => {
  const readme = readFileSync('README.md', 'utf8')
  expect(readme.split('\n').length).toBeLessThanOrEqual(500)
  for (const moved of ['## Log safety', '## Shared runners', '## Deadlines and retries', '## Environment variables', '## Size and speed'])
    expect({ moved, inReadme: readme.includes(`\n${moved}`) }).toEqual({ moved, inReadme: false })
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
    expect(block).toMatch(/default: '.*'/)
  }
})

test('every REGISTRY_LOGIN_* tunable the sources read is documented in docs/environment.md, which the README links', () => {
  expect(readFileSync('README.md', 'utf8')).toContain('(docs/environment.md)')
  const documented = readFileSync('docs/environment.md', 'utf8')
  const files = readdirSync('src', { recursive: true, encoding: 'utf8' }).filter(name => name.endsWith('.ts'))
  const names = new Set(files.flatMap(name => [...readFileSync(`src/${name}`, 'utf8').matchAll(/REGISTRY_LOGIN_[A-Z_]+/g)].map(m => m[0])))
  expect(names.size).toBeGreaterThan(5)
  for (const name of names) expect({ name, documented: documented.includes(name) }).toEqual({ name, documented: true })
})

test('every relative link in README.md and docs/ points at a file that exists, and every #anchor at a heading there', () => {
  const files = [
    'README.md',
    ...readdirSync('docs', { recursive: true, encoding: 'utf8' })
      .filter(n => n.endsWith('.md'))
      .map(n => `docs/${n}`)
  ]
  // GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens.
  const anchors = (file: string): Set<string> =>
    new Set(
      [...readFileSync(file, 'utf8').matchAll(/^#{1,6} (.+)$/gm)].map(m =>
        (m[1] ?? '')
          .trim()
          .toLowerCase()
          .replace(/[^\p{L}\p{N} _-]/gu, '')
          .replace(/ /g, '-')
      )
    )
  const broken: string[] = []
  for (const file of files) {
    const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/') + 1) : ''
    const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '')
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (!target || /^[a-z]+:/.test(target)) continue
      const [pathPart, anchor] = target.split('#')
      const resolved = pathPart ? new URL(pathPart, `file:///${dir}`).pathname.slice(1) : file
      if (!existsSync(resolved)) broken.push(`${file}: ${target} (no such file)`)
      else if (anchor && resolved.endsWith('.md') && !anchors(resolved).has(anchor)) broken.push(`${file}: ${target} (no such heading)`)
    }
  }
  expect(broken).toEqual([])
})
