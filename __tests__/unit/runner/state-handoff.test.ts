import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { runMain } from '../../../src/main.js'
import { runPost } from '../../../src/post.js'
import { loadState, saveState } from '../../../src/runner/state.js'
import { actionEnv, parseFileCommands, type ActionEnv } from '../../helpers/action-env.js'
import { fakeClientContext, testProviderContext, type FakeClientContext, type RunCall } from '../../helpers/contexts.js'
import { startIamServer, type IamServer } from '../../helpers/iam-server.js'
import { captureStdout, type StdoutCapture } from '../../helpers/stdout.js'

const b64 = (value: string): string => Buffer.from(value).toString('base64')
const summary = (calls: RunCall[]): string[] => calls.map(call => `${call.command} ${call.args.join(' ')}`)

let env: ActionEnv
let server: IamServer
let stdout: StdoutCapture
let apiKey: string

beforeEach(async () => {
  env = actionEnv()
  apiKey = `ibm-handoff-${randomBytes(9).toString('base64url')}`
  server = await startIamServer({ apiKeys: [apiKey] })
  stdout = captureStdout()
})
afterEach(async () => {
  stdout.restore()
  env.restore()
  await server.close()
})

/** main as the runner runs it: inputs in INPUT_*, state and outputs to files. */
async function main(inputs: Record<string, string>, cctx: FakeClientContext): Promise<void> {
  env.setInputs(inputs)
  await runMain({
    providerContext: testProviderContext({ ...process.env, REGISTRY_LOGIN_ENDPOINT_IBM_IAM: server.url }),
    clientContext: cctx
  })
}

/** post as the runner runs it: STATE_* from main's state file, a fresh process exit code. */
async function post(cctx: FakeClientContext): Promise<void> {
  env.handStateToPost()
  const mainExitCode = process.exitCode
  process.exitCode = undefined
  const before = cctx.calls.length
  await runPost(cctx)
  cctx.calls.splice(0, before)
  // post only warns; it never fails the job
  expect(process.exitCode).toBeUndefined()
  process.exitCode = mainExitCode
}

const auths = (file: string): Record<string, unknown> =>
  (JSON.parse(readFileSync(file, 'utf8')) as { auths: Record<string, unknown> }).auths

describe('runner state file', () => {
  test('parseFileCommands reads heredoc entries; the last value wins', () => {
    const text =
      'a<<ghadelimiter_1\none\nghadelimiter_1\nb<<ghadelimiter_2\n{"x":1}\nghadelimiter_2\na<<ghadelimiter_3\ntwo\nghadelimiter_3\n'
    expect(parseFileCommands(text)).toEqual({ a: 'two', b: '{"x":1}' })
  })

  test('saveState writes what loadState reads back through the runner', () => {
    saveState({ version: 1, logins: [{ client: 'docker', registry: 'us.icr.io', authFile: '/x/config.json' }] })
    saveState({ version: 1, logins: [], backupFile: '/tmp/b.json' })
    env.handStateToPost()
    expect(loadState()).toEqual({ version: 1, logins: [], backupFile: '/tmp/b.json' })
  })

  test('loadState: nothing saved is undefined; a foreign shape is an error that says what is wrong', () => {
    expect(loadState()).toBeUndefined()
    for (const [saved, reason] of [
      ['{"version":2,"logins":[]}', 'has an unknown version (2)'],
      ['not json', 'is not valid JSON'],
      ['[1]', 'is not a JSON object']
    ]) {
      process.env['STATE_registry-login'] = saved
      expect(() => loadState()).toThrow(`the state the main step saved ${reason}`)
    }
  })
})

test('A: the second client fails to log in; main fails, post logs out exactly the logins main recorded', async () => {
  const cctx = fakeClientContext(
    { ...process.env },
    {
      behaviour: call =>
        call.command === 'skopeo' && call.args[0] === 'login'
          ? {
              exitCode: 1,
              stdout: '',
              stderr: 'time="x" level=fatal\nError: authenticating creds for "us.icr.io": invalid username/password'
            }
          : undefined
    }
  )
  await main({ provider: 'ibm', region: 'us-south, eu-de', 'api-key': apiKey, clients: 'podman, skopeo' }, cctx)

  expect(process.exitCode).toBe(1)
  const errors = stdout.lines().filter(line => line.startsWith('::error::'))
  expect(errors).toEqual([
    `::error::registry-login: 'skopeo login' exited with code 1: time="x" level=fatal / Error: authenticating creds for "us.icr.io": invalid username/password. The registry us.icr.io refused the credential of user 'iambearer' (not retried). Check that the credential belongs to this registry (its cloud account, region or instance), that it has not expired or been revoked, and that this identity may pull from or push to it.`
  ])
  const file = env.files.containersAuth
  // main stopped at the failure: de.icr.io was never tried
  expect(summary(cctx.calls)).toEqual([
    `podman login --authfile ${file} --username iambearer --password-stdin us.icr.io`,
    `skopeo login --authfile ${file} --username iambearer --password-stdin us.icr.io`
  ])
  expect(env.state()['registry-login']).toBeDefined()
  expect(JSON.parse(env.state()['registry-login'] ?? '').logins).toEqual([
    { client: 'podman', registry: 'us.icr.io', authFile: file },
    { client: 'skopeo', registry: 'us.icr.io', authFile: file }
  ])

  await post(cctx)
  // in reverse order; both share one auth file and one entry (podman's, which skopeo's failed login left as it was): skopeo's
  // logout removes it, and podman's is not run, there being nothing of this step's left to log out
  expect(summary(cctx.calls)).toEqual([`skopeo logout --authfile ${file} us.icr.io`])
  expect(auths(file)).toEqual({})
  expect(stdout.lines().filter(line => line.startsWith('::warning::'))).toEqual([])
})

test('B: logout false: main saves no logins, post does nothing and the login stays', async () => {
  const cctx = fakeClientContext({ ...process.env })
  await main({ provider: 'ibm', region: 'us', 'api-key': apiKey, clients: 'podman', logout: 'false' }, cctx)
  expect(process.exitCode).toBeUndefined()
  expect(env.state()).toEqual({})
  expect(stdout.lines()).toContain("'logout' is false: the credentials stay in the clients' auth files after the job.")
  expect(readdirSync(env.dir)).not.toContain('runner-temp')

  await post(cctx)
  expect(cctx.calls).toEqual([])
  expect(stdout.lines()).toContain('Nothing to log out.')
  expect(Object.keys(auths(env.files.containersAuth))).toEqual(['us.icr.io'])
})

describe('C: post puts the auth file back as it was', () => {
  test('containers auth file: the earlier entry comes back byte-identical, the new one is gone though logout failed', async () => {
    const file = env.files.containersAuth
    const original = {
      auths: {
        'us.icr.io': { auth: b64('someone:earlier-password'), identitytoken: 'earlier-identity-token' },
        'quay.io': { auth: b64('other:other-password') }
      },
      credHelpers: { 'gcr.io': 'gcloud' }
    }
    const originalText = `${JSON.stringify(original, null, 2)}\n`
    mkdirSync(path.dirname(file), { recursive: true })
    writeFileSync(file, originalText)

    const cctx = fakeClientContext({ ...process.env })
    await main({ provider: 'ibm', region: 'us, de', 'api-key': apiKey, clients: 'podman' }, cctx)
    expect(process.exitCode).toBeUndefined()
    const token = server.issued[0] ?? ''
    // logged in: both entries hold the new credential
    expect(auths(file)).toMatchObject({
      'us.icr.io': { auth: b64(`iambearer:${token}`) },
      'de.icr.io': { auth: b64(`iambearer:${token}`) },
      'quay.io': original.auths['quay.io']
    })

    // the backup is private and holds the replaced entry only
    const saved = JSON.parse(env.state()['registry-login'] ?? '') as { backupFile: string }
    expect(path.dirname(saved.backupFile)).toBe(env.files.runnerTemp)
    expect(statSync(saved.backupFile).mode & 0o777).toBe(0o600)
    expect(readFileSync(saved.backupFile, 'utf8')).not.toContain(token)

    // the client's logout fails for every registry
    cctx.behaviour = call =>
      call.args[0] === 'logout' ? { exitCode: 125, stdout: '', stderr: 'Error: cannot write auth file: read-only file system' } : undefined
    await post(cctx)
    expect(summary(cctx.calls)).toEqual([`podman logout --authfile ${file} de.icr.io`, `podman logout --authfile ${file} us.icr.io`])
    expect(stdout.lines().filter(line => line.startsWith('::warning::'))).toEqual([
      "::warning::podman: logout of de.icr.io failed: 'podman logout' exited with code 125: Error: cannot write auth file: read-only file system",
      "::warning::podman: logout of us.icr.io failed: 'podman logout' exited with code 125: Error: cannot write auth file: read-only file system"
    ])
    expect(readFileSync(file, 'utf8')).toBe(originalText)
    expect(existsSync(saved.backupFile)).toBe(false)
  })

  test('docker config.json (docker-config client): earlier entry restored exactly, the added one removed', async () => {
    const file = env.files.dockerConfig
    const earlier = { auth: b64('someone:earlier-password'), email: 'someone@example.com' }
    mkdirSync(path.dirname(file), { recursive: true })
    writeFileSync(file, JSON.stringify({ auths: { 'jp.icr.io': earlier, 'ghcr.io': { auth: b64('gh:pat') } }, currentContext: 'desktop' }))

    const cctx = fakeClientContext({ ...process.env })
    await main({ provider: 'ibm', registry: 'jp.icr.io, https://jp2.icr.io/', 'api-key': apiKey, clients: 'docker-config' }, cctx)
    expect(process.exitCode).toBeUndefined()
    const token = server.issued[0] ?? ''
    expect(auths(file)['jp2.icr.io']).toEqual({ auth: b64(`iambearer:${token}`) })
    expect(auths(file)['jp.icr.io']).toEqual({ auth: b64(`iambearer:${token}`) })
    expect(statSync(file).mode & 0o777).toBe(0o600)

    await post(cctx)
    expect(cctx.calls).toEqual([])
    const after = JSON.parse(readFileSync(file, 'utf8')) as { auths: Record<string, unknown>; currentContext: string }
    expect(JSON.stringify(after.auths['jp.icr.io'])).toBe(JSON.stringify(earlier))
    expect(after.auths).toEqual({ 'jp.icr.io': earlier, 'ghcr.io': { auth: b64('gh:pat') } })
    expect(after.currentContext).toBe('desktop')
  })

  test('an auth file that did not exist before is left without the entry', async () => {
    const cctx = fakeClientContext(
      { ...process.env },
      {
        behaviour: call => (call.args[0] === 'logout' ? { exitCode: 1, stdout: '', stderr: 'segfault' } : undefined)
      }
    )
    await main({ provider: 'ibm', region: 'us', 'api-key': apiKey, clients: 'buildah' }, cctx)
    expect(Object.keys(auths(env.files.containersAuth))).toEqual(['us.icr.io'])
    await post(cctx)
    expect(auths(env.files.containersAuth)).toEqual({})
  })
})

test('D: the password reaches clients on stdin only, never on argv', async () => {
  const cctx = fakeClientContext({ ...process.env })
  await main({ provider: 'ibm', region: 'us, uk', 'api-key': apiKey, clients: 'docker, podman, buildah, skopeo, helm, oras' }, cctx)
  expect(process.exitCode).toBeUndefined()
  await post(fakeClientContext({ ...process.env }))
  const token = server.issued[0] ?? ''
  expect(token).not.toBe('')

  const logins = cctx.calls.filter(call => call.args.includes('login'))
  // Every client into every registry once (clients with different auth files log in side by side, in no set order).
  const loginTargets = logins.map(call => `${call.command} ${call.args.find(arg => arg.endsWith('.icr.io'))}`).sort()
  expect(loginTargets).toEqual(
    ['docker', 'podman', 'buildah', 'skopeo', 'helm', 'oras'].flatMap(c => [`${c} us.icr.io`, `${c} uk.icr.io`]).sort()
  )
  for (const call of cctx.calls) {
    for (const arg of call.args) {
      for (const secret of [token, apiKey, b64(token), b64(`iambearer:${token}`)]) expect(arg).not.toContain(secret)
    }
  }
  for (const call of logins) {
    expect(call.stdin).toBe(token)
    expect(call.args).toContain('--password-stdin')
    expect(call.args).toEqual(expect.arrayContaining(['--username', 'iambearer']))
  }
})

test('post with a state naming an unknown client warns and carries on with the rest', async () => {
  const cctx = fakeClientContext({ ...process.env })
  process.env['STATE_registry-login'] = JSON.stringify({
    version: 1,
    logins: [
      { client: 'podman', registry: 'us.icr.io', authFile: env.files.containersAuth },
      { client: 'kubectl', registry: 'us.icr.io', authFile: '/nowhere' }
    ]
  })
  await runPost(cctx)
  expect(process.exitCode).toBeUndefined()
  expect(stdout.lines().filter(l => l.startsWith('::warning::'))).toEqual([
    '::warning::Skipped 1 login record(s) of the saved state that name an unknown client or are not well-formed (kubectl).'
  ])
  expect(summary(cctx.calls)).toEqual([`podman logout --authfile ${env.files.containersAuth} us.icr.io`])
})
