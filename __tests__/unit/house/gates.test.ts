// The house rules are gates, not advice: ESLint's limits and the layer check fail on a violation (issue #17).
import { execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ESLint } from 'eslint'

const root = path.resolve('.')

describe('ESLint limits on src/', () => {
  const eslint = new ESLint({ cwd: root })
  // A probe file in src/ for the moment it is linted: the typed rules need it inside the TypeScript project.
  const lint = async (code: string) => {
    const file = path.join(root, `src/runner/gate-probe-${process.pid}.ts`)
    writeFileSync(file, code)
    try {
      const [result] = await eslint.lintFiles([file])
      return (result?.messages ?? []).map(m => m.ruleId ?? m.message)
    } finally {
      rmSync(file, { force: true })
    }
  }
  const branches = (n: number) => Array.from({ length: n }, (_, i) => `  if (x === ${i}) return ${i}`).join('\n')

  test.each([
    ['a function with complexity 13', `export function f(x: number): number {\n${branches(12)}\n  return -1\n}\n`, 'complexity'],
    ['a function of 51 lines', `export function f(): number {\n${'  void 0\n'.repeat(50)}  return 1\n}\n`, 'max-lines-per-function'],
    ['an async function without await', 'export async function f(): Promise<number> {\n  return 1\n}\n', '@typescript-eslint/require-await']
  ])('%s fails', async (_what, code, rule) => {
    expect(await lint(code)).toContain(rule)
  })

  test('a small function passes', async () => {
    expect(await lint(`export function f(x: number): number {\n${branches(5)}\n  return -1\n}\n`)).toEqual([])
  })
})

describe('the layer check (dependency-cruiser)', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'layers-'))
    cpSync(path.join(root, '.dependency-cruiser.cjs'), path.join(dir, '.dependency-cruiser.cjs'))
    writeFileSync(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext' } })
    )
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  /** Runs the project's rules over a tree of files (path -> source); the exit status and output. */
  function cruise(files: Record<string, string>): { ok: boolean; output: string } {
    rmSync(path.join(dir, 'src'), { recursive: true, force: true })
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true })
      writeFileSync(path.join(dir, file), text)
    }
    try {
      const output = execFileSync(
        path.join(root, 'node_modules/.bin/depcruise'),
        ['src', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'],
        {
          cwd: dir,
          encoding: 'utf8'
        }
      )
      return { ok: true, output }
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string }
      return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` }
    }
  }

  test('an import from a lower layer into a higher one fails', () => {
    const result = cruise({
      'src/log/a.ts': "import { b } from '../modes/b.js'\nexport const a = b\n",
      'src/modes/b.ts': 'export const b = 1\n'
    })
    expect(result.ok).toBe(false)
    expect(result.output).toContain('layer-log')
  })

  test('an import circle fails', () => {
    const result = cruise({
      'src/net/a.ts': "import { b } from './b.js'\nexport const a = (): number => b()\n",
      'src/net/b.ts': "import { a } from './a.js'\nexport const b = (): number => a()\n"
    })
    expect(result.ok).toBe(false)
    expect(result.output).toContain('no-circular')
  })

  test('one cloud importing another fails', () => {
    const result = cruise({
      'src/providers/ibm/a.ts': "import { b } from '../yandex/b.js'\nexport const a = b\n",
      'src/providers/yandex/b.ts': 'export const b = 1\n'
    })
    expect(result.ok).toBe(false)
    expect(result.output).toContain('providers-apart')
  })

  test('imports going down pass', () => {
    const result = cruise({
      'src/modes/a.ts': "import { b } from '../log/b.js'\nexport const a = b\n",
      'src/log/b.ts': 'export const b = 1\n'
    })
    expect(result.ok).toBe(true)
  })
})
