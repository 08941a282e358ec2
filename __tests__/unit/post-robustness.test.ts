import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { runMain } from '../../src/main.js'
import { runPost } from '../../src/post.js'
import { fakeClientContext, testProviderContext, type FakeClientContext } from '../helpers/contexts.js'
import { stepPerTest } from '../helpers/step.js'

const b64 = (value: string): string => Buffer.from(value).toString('base64')
const commands = (cctx: FakeClientContext): string[] => cctx.calls.map(call => `${call.command} ${call.args.join(' ')}`)
const auths = (file: string): Record<string, unknown> =>
  (JSON.parse(readFileSync(file, 'utf8')) as { auths: Record<string, unknown> }).auths

const step = stepPerTest()

const TOKEN = 'ibm-iam-token-0123456789'

async function main(cctx: FakeClientContext, inputs: Record<string, string> = {}): Promise<Record<string, unknown>> {
  step.env.setInputs({ provider: 'ibm', region: 'us', token: TOKEN, clients: 'podman', ...inputs })
  await runMain({ providerContext: testProviderContext({ ...process.env }), clientContext: cctx })
  expect(step.stdout.lines().filter(l => l.startsWith('::error::'))).toEqual([])
  return JSON.parse(step.env.state()['registry-login'] ?? '{}') as Record<string, unknown>
}

/** The containers auth file with someone's earlier login for us.icr.io in it. */
function withEarlierEntry(): { file: string; earlier: { auth: string } } {
  const file = step.env.files.containersAuth
  const earlier = { auth: b64('someone:earlier-password') }
  mkdirSync(path.dirname(file), { recursive: true })
  writeFileSync(file, JSON.stringify({ auths: { 'us.icr.io': earlier } }))
  return { file, earlier }
}

async function post(cctx: FakeClientContext): Promise<{ warnings: string[]; notices: string[]; calls: string[] }> {
  step.env.handStateToPost()
  const before = step.stdout.lines().length
  cctx.calls.splice(0)
  await runPost(cctx)
  expect(process.exitCode).toBeUndefined()
  const lines = step.stdout.lines().slice(before)
  // post never prints a raw JS error
  expect(lines.join('\n')).not.toMatch(/is not iterable|Cannot destructure|TypeError|undefined \(reading/)
  return {
    warnings: lines.filter(l => l.startsWith('::warning::')),
    notices: lines.filter(l => l.startsWith('::notice::')),
    calls: commands(cctx)
  }
}

describe('a lost or damaged backup: one warning, the logins are still undone, the isolated directory still goes', () => {
  test.each([
    ['missing', (_file: string) => undefined, 'is missing'],
    ['not JSON', (file: string) => writeFileSync(file, '{"version":2,'), 'is not valid JSON'],
    ['an array', (file: string) => writeFileSync(file, '[1,2]'), 'does not hold what the main step writes there'],
    [
      'records not a list',
      (file: string) => writeFileSync(file, '{"version":2,"salt":"ab","records":{}}'),
      'does not hold what the main step writes there'
    ],
    [
      'an older format',
      (file: string) => writeFileSync(file, '[{"authFile":"/x","registry":"us.icr.io"}]'),
      'does not hold what the main step writes there'
    ]
  ])('backup %s', async (_name, damage, reason) => {
    const cctx = fakeClientContext({ ...process.env })
    const state = await main(cctx, { 'isolated-config': 'true' })
    const backupFile = state.backupFile as string
    const isolated = state.isolatedConfig as string
    const authFile = path.join(isolated, 'containers', 'auth.json')
    expect(Object.keys(auths(authFile))).toEqual(['us.icr.io'])
    rmSync(backupFile)
    damage(backupFile)

    const { warnings, calls } = await post(cctx)
    expect(warnings).toEqual([
      `::warning::The earlier logins (if any) for us.icr.io in ${authFile} could not be restored because the backup file ${backupFile} ${reason}; this step's logins were logged out without checking that no later login replaced them.`
    ])
    expect(calls).toEqual([`podman logout --authfile ${authFile} us.icr.io`])
    expect(existsSync(isolated)).toBe(false)
    expect(existsSync(backupFile)).toBe(false)
  })

  test('a directory where the backup file should be: one warning, the logout still runs, the isolated directory still goes', async () => {
    const cctx = fakeClientContext({ ...process.env })
    const state = await main(cctx, { 'isolated-config': 'true' })
    const backupFile = state.backupFile as string
    const isolated = state.isolatedConfig as string
    const authFile = path.join(isolated, 'containers', 'auth.json')
    rmSync(backupFile)
    mkdirSync(backupFile)

    const { warnings, calls } = await post(cctx)
    expect(warnings).toEqual([
      `::warning::The earlier logins (if any) for us.icr.io in ${authFile} could not be restored because the backup file ${backupFile} cannot be read (EISDIR); this step's logins were logged out without checking that no later login replaced them.`
    ])
    expect(calls).toEqual([`podman logout --authfile ${authFile} us.icr.io`])
    expect(existsSync(isolated)).toBe(false)
  })

  test('malformed records are skipped with one warning; the good ones are restored', async () => {
    const { file, earlier } = withEarlierEntry()
    const cctx = fakeClientContext({ ...process.env })
    const state = await main(cctx)
    const backupFile = state.backupFile as string
    const saved = JSON.parse(readFileSync(backupFile, 'utf8')) as { records: unknown[] }
    saved.records.push({ authFile: 7 }, null, { authFile: '/x', registry: 'r', entry: 'not an object' })
    writeFileSync(backupFile, JSON.stringify(saved))

    const { warnings } = await post(cctx)
    expect(warnings).toEqual([
      `::warning::Skipped 3 malformed record(s) of the backup file ${backupFile}: those earlier logins could not be restored.`
    ])
    expect(auths(file)).toEqual({ 'us.icr.io': earlier })
  })
})

describe('a damaged state: one warning, no raw error', () => {
  test.each([
    ['not JSON', '{"version":1,', 'is not valid JSON'],
    ['logins not a list', '{"version":1,"logins":{"a":1}}', 'has no list of logins'],
    ['not an object', '"text"', 'is not a JSON object'],
    ['a foreign version', '{"version":9}', 'has an unknown version (9)']
  ])('%s', async (_name, saved, reason) => {
    const cctx = fakeClientContext({ ...process.env })
    process.env['STATE_registry-login'] = saved
    const { warnings, calls } = await post(cctx)
    expect(warnings).toEqual([
      `::warning::Nothing was logged out: the state the main step saved ${reason}. Any login of the main step stays in the clients' auth files.`
    ])
    expect(calls).toEqual([])
  })

  test('the isolated directory is removed even when the state lists no logins', async () => {
    const cctx = fakeClientContext({ ...process.env })
    const state = await main(cctx, { 'isolated-config': 'true' })
    writeFileSync(step.env.files.state, '')
    process.env['STATE_registry-login'] = JSON.stringify({ version: 1, logins: 'lost', isolatedConfig: state.isolatedConfig })
    const { warnings, calls } = await post(cctx)
    expect(warnings).toEqual([
      "::warning::Nothing was logged out: the state the main step saved has no list of logins. Any login of the main step stays in the clients' auth files."
    ])
    expect(calls).toEqual([])
    expect(existsSync(state.isolatedConfig as string)).toBe(false)
  })
})

describe("shared runners: post touches an entry only while it still holds this step's login", () => {
  test('another job logged in after this one: no logout, no restore, one notice, their entry stays', async () => {
    const { file, earlier } = withEarlierEntry()
    const cctx = fakeClientContext({ ...process.env })
    await main(cctx, { clients: 'podman,skopeo' })
    const theirs = { auth: b64('iambearer:job-b-token') }
    writeFileSync(file, JSON.stringify({ auths: { 'us.icr.io': theirs } }))

    const { warnings, notices, calls } = await post(cctx)
    expect(calls).toEqual([])
    expect(warnings).toEqual([])
    expect(notices).toEqual([
      `::notice::Left us.icr.io in ${file} as they are: another login replaced this step's since (a later job on this runner?), so logging out or restoring would undo it.`
    ])
    expect(auths(file)).toEqual({ 'us.icr.io': theirs })
    expect(readdirSync(path.join(step.env.dir, 'runner-temp'))).toEqual([])
  })

  test('our entry still there: logged out and the earlier one put back, no notice', async () => {
    const { file, earlier } = withEarlierEntry()
    const cctx = fakeClientContext({ ...process.env })
    await main(cctx)
    // the entry is ours, whatever order the client wrote its keys in
    const ours = auths(file)['us.icr.io'] as Record<string, unknown>
    writeFileSync(file, JSON.stringify({ auths: { 'us.icr.io': Object.fromEntries(Object.entries(ours).reverse()) } }))
    const { notices, calls } = await post(cctx)
    expect(calls).toEqual([`podman logout --authfile ${file} us.icr.io`])
    expect(notices).toEqual([])
    expect(auths(file)).toEqual({ 'us.icr.io': earlier })
  })

  test('neither the state nor the backup holds the secret', async () => {
    const cctx = fakeClientContext({ ...process.env })
    const state = await main(cctx)
    const backup = readFileSync(state.backupFile as string, 'utf8')
    for (const text of [JSON.stringify(state), backup]) {
      expect(text).not.toContain(TOKEN)
      expect(text).not.toContain(b64(`iambearer:${TOKEN}`))
    }
    expect(JSON.parse(backup)).toEqual({
      version: 3,
      claim: expect.stringMatching(/^[0-9a-f]{24}$/),
      records: [
        {
          authFile: step.env.files.containersAuth,
          registry: 'us.icr.io',
          noted: true,
          wrote: expect.stringMatching(/^[0-9a-f]{32}:[0-9a-f]{64}$/),
          mapped: expect.stringMatching(/^[0-9a-f]{32}:[0-9a-f]{64}$/)
        }
      ]
    })
  })
})

describe('what post cannot do is one warning each, and the rest still happens', () => {
  test('an auth file that is no longer JSON: the earlier login could not be restored, saying why', async () => {
    const { file } = withEarlierEntry()
    const cctx = fakeClientContext({ ...process.env }, { behaviour: () => ({ exitCode: 0, stdout: '', stderr: '' }) })
    await main(cctx)
    writeFileSync(file, 'garbage')
    const { warnings } = await post(cctx)
    expect(warnings).toEqual([
      `::warning::The earlier login for us.icr.io in ${file} could not be restored: The auth file ${file} does not hold a JSON object, so the action cannot add its login to it (nor put back what it held). Fix or delete the file in an earlier step, or set 'isolated-config: true' to use a fresh per-job auth file.`
    ])
  })

  test('a state naming a directory the action did not make: not removed, one warning', async () => {
    const cctx = fakeClientContext({ ...process.env })
    process.env['STATE_registry-login'] = JSON.stringify({ version: 1, logins: [], isolatedConfig: step.env.dir })
    const { warnings } = await post(cctx)
    expect(warnings).toEqual([`::warning::Could not remove the isolated config ${step.env.dir}: refusing to remove ${step.env.dir}`])
    expect(existsSync(step.env.dir)).toBe(true)
  })

  test('hostile text in the state is shown safely', async () => {
    const cctx = fakeClientContext({ ...process.env })
    process.env['STATE_registry-login'] = JSON.stringify({
      version: 1,
      logins: [{ client: 'x\n::add-mask::y', registry: 'r', authFile: 'f' }]
    })
    const { warnings } = await post(cctx)
    expect(warnings).toEqual([
      '::warning::Skipped 1 login record(s) of the saved state that name an unknown client or are not well-formed (x\\x0a:\u200b:add-mask:\u200b:y).'
    ])
    expect(step.stdout.lines().some(l => l.startsWith('::add-mask::y'))).toBe(false)
  })
})

describe("another job holds the auth file's lock past the deadline (#21)", () => {
  /** A lock as another job's step on another host holds it, refreshed just now (so never stale). */
  function lockedByAnotherJob(file: string): void {
    mkdirSync(path.dirname(file), { recursive: true })
    writeFileSync(
      `${file}.registry-login-lock`,
      JSON.stringify({ pid: 4242, host: 'other-host', time: '2030-01-01T00:00:00.000Z', token: 'theirs' })
    )
  }

  test('main fails before any login with one error naming the holder and the variable; nothing is written', async () => {
    const file = step.env.files.containersAuth
    lockedByAnotherJob(file)
    process.env.REGISTRY_LOGIN_LOCK_TIMEOUT_MS = '200'
    const cctx = fakeClientContext({ ...process.env })
    step.env.setInputs({ provider: 'ibm', region: 'us', token: TOKEN, clients: 'podman' })
    await runMain({ providerContext: testProviderContext({ ...process.env }), clientContext: cctx })
    expect(process.exitCode).toBe(1)
    process.exitCode = undefined
    const errors = step.stdout.lines().filter(l => l.startsWith('::error::'))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(
      new RegExp(
        `^::error::registry-login: The auth file ${file} stayed locked by another registry-login step \\(pid 4242 on other-host, since 2030-01-01T00:00:00\\.000Z\\) for 0\\.\\d s, the most this step waits for it\\. ` +
          `A login holds the lock for seconds; a lock whose process is gone, or that is not refreshed for 10 s, is taken over\\. ` +
          `Raise REGISTRY_LOGIN_LOCK_TIMEOUT_MS to wait longer, or set 'isolated-config: true' so that jobs do not share auth files\\.$`
      )
    )
    expect(commands(cctx)).toEqual([])
    expect(existsSync(file)).toBe(false)
  })

  test('post warns and still undoes the login, each change checked right before it is made; the lock stays theirs', async () => {
    const { file, earlier } = withEarlierEntry()
    const cctx = fakeClientContext({ ...process.env })
    await main(cctx)
    lockedByAnotherJob(file)
    cctx.env.REGISTRY_LOGIN_LOCK_TIMEOUT_MS = '200'
    const { warnings, calls } = await post(cctx)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(
      new RegExp(
        `^::warning::Undoing the login in ${file} without its lock: The auth file ${file} stayed locked by another registry-login step \\(pid 4242 on other-host, .*\\) for 0\\.\\d s, .* Each change is still checked right before it is made\\.$`
      )
    )
    expect(calls).toEqual([`podman logout --authfile ${file} us.icr.io`])
    expect(auths(file)).toEqual({ 'us.icr.io': earlier })
    expect(JSON.parse(readFileSync(`${file}.registry-login-lock`, 'utf8')).token).toBe('theirs')
  })
})
