import { mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Backup } from '../../../src/auth-files/backup.js'
import { readAuthEntry, writeAuthEntry, writeCredHelper } from '../../../src/auth-files/auth-file.js'
import { runGrouped, runPerAuthFile, settleAll } from '../../../src/auth-files/concurrency.js'
import { fileKey } from '../../../src/auth-files/file-key.js'
import { captureStdout, type StdoutCapture } from '../../helpers/stdout.js'

const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'schedule-'))

/** A task the test finishes by hand, so that the order of events shows what ran at the same time. */
function controlledTasks() {
  const events: string[] = []
  const pending = new Map<string, { resolve: () => void; reject: (error: Error) => void }>()
  const task = (name: string) =>
    new Promise<void>((resolve, reject) => {
      events.push(`start ${name}`)
      pending.set(name, { resolve: () => (events.push(`end ${name}`), resolve()), reject })
    })
  /** Lets every queued continuation run. */
  const settle = () => new Promise(resolve => setImmediate(resolve))
  return {
    events,
    task,
    settle,
    finish: (name: string) => pending.get(name)!.resolve(),
    fail: (name: string) => pending.get(name)!.reject(new Error(`${name} failed`))
  }
}

describe('runGrouped', () => {
  test('items of one key run one after another in order, different keys at the same time', async () => {
    const { events, task, settle, finish } = controlledTasks()
    const items = [
      { name: 'docker us', key: 'config.json' },
      { name: 'podman us', key: 'auth.json' },
      { name: 'docker de', key: 'config.json' },
      { name: 'podman de', key: 'auth.json' }
    ]
    const run = runGrouped(
      items,
      i => i.key,
      i => task(i.name)
    )
    await settle()
    expect(events).toEqual(['start docker us', 'start podman us'])
    finish('podman us')
    await settle()
    expect(events).toEqual(['start docker us', 'start podman us', 'end podman us', 'start podman de'])
    finish('docker us')
    await settle()
    expect(events.slice(4)).toEqual(['end docker us', 'start docker de'])
    finish('podman de')
    finish('docker de')
    await expect(run).resolves.toBeUndefined()
  })

  test('a failure stops its own key only; the call rejects with the first failure in item order once every key has stopped', async () => {
    const { events, task, settle, finish, fail } = controlledTasks()
    const items = ['a1', 'b1', 'a2', 'b2', 'c1'].map(name => ({ name, key: name[0]! }))
    const run = runGrouped(
      items,
      i => i.key,
      i => task(i.name)
    )
    let outcome: unknown = 'pending'
    run.then(
      () => (outcome = 'resolved'),
      (error: Error) => (outcome = error.message)
    )
    await settle()
    fail('b1')
    fail('a1')
    await settle()
    // Neither a2 nor b2 starts after its key failed; c1 still runs, and the call waits for it.
    expect(events).toEqual(['start a1', 'start b1', 'start c1'])
    expect(outcome).toBe('pending')
    finish('c1')
    await settle()
    expect(outcome).toBe('a1 failed')
  })

  test('runPerAuthFile groups by the file, however its path is spelled', async () => {
    const dir = tmp()
    mkdirSync(path.join(dir, 'real'))
    symlinkSync(path.join(dir, 'real'), path.join(dir, 'link'))
    const seen: string[][] = []
    const { events, task, settle, finish } = controlledTasks()
    const logins = [
      { name: '1', authFile: path.join(dir, 'real', 'config.json') },
      { name: '2', authFile: path.join(dir, 'link', 'config.json') },
      { name: '3', authFile: path.join(dir, 'real', '..', 'real', 'config.json') },
      { name: '4', authFile: path.join(dir, 'other.json') }
    ]
    const run = runPerAuthFile(logins, login => task(login.name))
    await settle()
    seen.push([...events])
    finish('1')
    await settle()
    seen.push([...events])
    finish('2')
    await settle()
    finish('3')
    finish('4')
    await run
    expect(seen).toEqual([
      ['start 1', 'start 4'],
      ['start 1', 'start 4', 'end 1', 'start 2']
    ])
  })
})

test('fileKey names a file that does not exist yet by its real directory', () => {
  const dir = tmp()
  mkdirSync(path.join(dir, 'real'))
  symlinkSync(path.join(dir, 'real'), path.join(dir, 'link'))
  const real = fileKey(path.join(dir, 'real', 'new', 'config.json'))
  expect(fileKey(path.join(dir, 'link', 'new', 'config.json'))).toBe(real)
  expect(fileKey(path.relative(process.cwd(), path.join(dir, 'link', 'new', 'config.json')))).toBe(real)
  expect(fileKey(path.join(dir, 'real', 'other.json'))).not.toBe(real)
})

test('settleAll waits for every promise before rejecting with the first failure in order', async () => {
  const late = { settled: false }
  const slow = new Promise<number>(resolve => setTimeout(() => ((late.settled = true), resolve(3)), 20))
  await expect(
    settleAll([Promise.resolve(1), Promise.reject(new Error('second')), Promise.reject(new Error('third')), slow])
  ).rejects.toThrow('second')
  expect(late.settled).toBe(true)
  await expect(settleAll([Promise.resolve(1), slow])).resolves.toEqual([1, 3])
})

describe('concurrent writers in one process', () => {
  const registries = Array.from({ length: 25 }, (_, i) => `r${i}.example.com`)
  /** A turn of the event loop, where a client process would be awaited. */
  const turn = () => new Promise(resolve => setImmediate(resolve))

  test('writeAuthEntry and writeCredHelper from tasks running at the same time on one file keep every entry', async () => {
    const file = path.join(tmp(), 'docker', 'config.json')
    await Promise.all(
      registries.map(async registry => {
        await turn()
        writeAuthEntry(file, registry, { auth: Buffer.from(`u:${registry}`).toString('base64') })
        await turn()
        writeCredHelper(file, registry, '')
      })
    )
    const json = JSON.parse(readFileSync(file, 'utf8')) as { auths: object; credHelpers: object }
    expect(Object.keys(json.auths).sort()).toEqual([...registries].sort())
    expect(Object.keys(json.credHelpers).sort()).toEqual([...registries].sort())
  })

  // remember() masks each earlier entry (::add-mask:: lines on stdout); kept out of the test output.
  let stdout: StdoutCapture
  beforeEach(() => (stdout = captureStdout()))
  afterEach(() => stdout.restore())

  test('Backup.remember from logins into several files at the same time records every earlier entry', async () => {
    const dir = tmp()
    const files = ['a.json', 'b.json', 'c.json'].map(name => path.join(dir, name))
    for (const file of files)
      for (const registry of registries) writeAuthEntry(file, registry, { auth: `${path.basename(file)}:${registry}` })
    const backup = new Backup(path.join(dir, 'backup.json'))
    const logins = files.flatMap(authFile => registries.map(registry => ({ authFile, registry })))
    await runPerAuthFile(logins, async ({ authFile, registry }) => {
      backup.remember(authFile, registry)
      await turn()
    })
    const saved = (
      JSON.parse(readFileSync(backup.file, 'utf8')) as { records: { authFile: string; registry: string; entry: { auth: string } }[] }
    ).records
    expect(saved).toHaveLength(files.length * registries.length)
    for (const { authFile, registry, entry } of saved) expect(entry).toEqual(readAuthEntry(authFile, registry))
  })
})
