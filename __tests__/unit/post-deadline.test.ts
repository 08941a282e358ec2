// Post's overall deadline: once spent, the remaining logouts are skipped, and the earlier entries still
// come back and what main made is removed.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { Backup, newBackupFile } from '../../src/auth-files/backup.js'
import { clientContext } from '../../src/step/context.js'
import { budget, DeadlineError } from '../../src/process/run-process.js'
import { runPost } from '../../src/post.js'
import { saveState } from '../../src/runner/state.js'
import { fakeClientContext } from '../helpers/contexts.js'
import { stepPerTest } from '../helpers/step.js'

const step = stepPerTest()

const earlier = { auth: Buffer.from('someone:else').toString('base64') }

/** Main's leftovers: logins into us and de with docker, de had an earlier entry. */
async function mainLeftovers(): Promise<{ file: string; backupFile: string }> {
  const file = step.env.files.dockerConfig
  mkdirSync(path.dirname(file), { recursive: true })
  writeFileSync(file, JSON.stringify({ auths: { 'de.icr.io': earlier } }))
  const backup = new Backup(newBackupFile(process.env))
  backup.remember(file, 'us.icr.io')
  backup.remember(file, 'de.icr.io')
  writeFileSync(file, JSON.stringify({ auths: { 'us.icr.io': { auth: 'b3Vyczp0b2tlbg==' }, 'de.icr.io': { auth: 'b3Vyczp0b2tlbg==' } } }))
  saveState({
    version: 1,
    logins: [
      { client: 'docker', registry: 'us.icr.io', authFile: file },
      { client: 'docker', registry: 'de.icr.io', authFile: file }
    ],
    backupFile: backup.file
  })
  step.env.handStateToPost()
  return { file, backupFile: backup.file }
}

test('a logout that takes post past its deadline: the rest are skipped with a warning, then the backup is restored and removed', async () => {
  const { file, backupFile } = await mainLeftovers()
  // Room enough for post to reach its first logout on a loaded machine; that logout then outlasts the deadline.
  process.env.REGISTRY_LOGIN_POST_TIMEOUT_MS = '1000'
  const ctx = fakeClientContext(
    { ...process.env },
    { behaviour: async () => new Promise(resolve => setTimeout(() => resolve({ exitCode: 0, stdout: '', stderr: '' }), 1200)) }
  )
  await runPost(ctx)
  expect(ctx.calls.map(call => call.args.at(-1))).toEqual(['de.icr.io'])
  expect(step.stdout.lines()).toContain(
    '::warning::docker: logout of us.icr.io skipped: post reached its deadline (REGISTRY_LOGIN_POST_TIMEOUT_MS); the earlier entry is restored below.'
  )
  expect(JSON.parse(readFileSync(file, 'utf8')).auths).toEqual({ 'de.icr.io': earlier })
  expect(existsSync(backupFile)).toBe(false)
})

test('a logout stopped at its deadline is a warning naming the client and the override; the restore still runs', async () => {
  const { file, backupFile } = await mainLeftovers()
  const ctx = fakeClientContext(
    { ...process.env },
    {
      behaviour: call =>
        call.args.at(-1) === 'de.icr.io'
          ? Promise.reject(new DeadlineError('docker logout', { ms: 30_000, variable: 'REGISTRY_LOGIN_LOGOUT_TIMEOUT_MS' }))
          : undefined
    }
  )
  await runPost(ctx)
  expect(step.stdout.lines()).toContain(
    "::warning::docker: logout of de.icr.io failed: 'docker logout' did not finish within 30 s and was stopped, with the processes it started. If it is only slow, raise the environment variable REGISTRY_LOGIN_LOGOUT_TIMEOUT_MS (milliseconds)."
  )
  expect(JSON.parse(readFileSync(file, 'utf8')).auths).toEqual({ 'de.icr.io': earlier })
  expect(existsSync(backupFile)).toBe(false)
  expect(readdirSync(step.env.files.runnerTemp).filter(name => name.endsWith('.json'))).toEqual([])
})

describe('clientContext runs each client under its deadline', () => {
  test.each([
    ['login', 'REGISTRY_LOGIN_CLIENT_TIMEOUT_MS'],
    ['logout', 'REGISTRY_LOGIN_LOGOUT_TIMEOUT_MS']
  ] as const)('%s: a client past %s is stopped and named', async (purpose, variable) => {
    const ctx = clientContext({ PATH: process.env.PATH ?? '', [variable]: '200' })
    await expect(ctx.run('sleep', ['30'], { purpose })).rejects.toThrow(
      `'sleep ${purpose}' did not finish within 200 ms and was stopped, with the processes it started. If it is only slow, raise the environment variable ${variable} (milliseconds).`
    )
  })

  test("within post's budget, the budget binds when it is the tighter one, and is named", async () => {
    const ctx = clientContext({ PATH: process.env.PATH ?? '' }, budget({ ms: 200, variable: 'REGISTRY_LOGIN_POST_TIMEOUT_MS' }))
    await expect(ctx.run('sleep', ['30'], { purpose: 'logout' })).rejects.toThrow(
      /raise the environment variable REGISTRY_LOGIN_POST_TIMEOUT_MS/
    )
  })
})
