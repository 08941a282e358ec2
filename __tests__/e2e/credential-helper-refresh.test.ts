// The credential helper's refresh rule (#20) with the helper's clock moved on (shift-clock.cjs): a 1-hour IBM token
// is handed out from the cache while it stays valid 15 minutes (buildx keeps an answer up to 10), and minted again after.
import { spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { clientSandbox } from '../../harness/client-env.js'
import { runAction } from '../../harness/run-action.js'
import { expectNoAuthEntries, localCloudForFile, REPOSITORY_ENV } from '../helpers/local-cloud.js'

// The clouds' real lifetimes: IBM's IAM token lives 1 hour.
const cloud = localCloudForFile({ clouds: ['ibm'] })
const HELPER = 'docker-credential-registry-login'
const SHIFT_CLOCK = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'helpers', 'shift-clock.cjs')
const MINUTE = 60_000

/** The helper's `get` for `host` as a later step runs it, its clock at `at` (ms since the epoch). */
function getAt(env: Record<string, string>, host: string, at: number): Promise<{ code: number; secret: string; stderr: string }> {
  return new Promise(resolve => {
    const child = spawn(HELPER, ['get'], {
      env: { ...env, NODE_OPTIONS: `--require ${SHIFT_CLOCK}`, REGISTRY_LOGIN_TEST_NOW: new Date(at).toISOString() },
      stdio: ['pipe', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', d => (stdout += d))
    child.stderr.on('data', d => (stderr += d))
    child.on('error', error => resolve({ code: 1, secret: '', stderr: String(error) }))
    child.on('close', code => {
      let secret = ''
      try {
        secret = String((JSON.parse(stdout) as { Secret?: unknown }).Secret ?? '')
      } catch {
        // not an answer: the code and stderr say why
      }
      resolve({ code: code ?? 1, secret, stderr })
    })
    child.stdin.end(host)
  })
}

/** Every IAM token the cloud has issued so far, oldest first. */
const issued = (): string[] => (cloud().store.issued.get('ibm') ?? []).map(c => c.password)

test('a 1-hour IBM token: reused at 44 minutes (16 left), minted again at 46 (14 left), the new one reused after', async () => {
  const apiKey = cloud().emulators.ibm.createApiKey()
  const sandbox = clientSandbox()
  const start = Date.now()
  const before = issued().length
  const answers: Array<{ code: number; secret: string; stderr: string }> = []
  let afterMain: string[] = []
  const { main, post } = await runAction(
    { provider: 'ibm', region: 'us', 'api-key': apiKey, clients: 'docker', 'credential-helper': 'true' },
    {
      env: { ...cloud().env, ...sandbox.env, ...REPOSITORY_ENV },
      between: async (_step, later) => {
        afterMain = issued()
        answers.push(await getAt(later.env, 'us.icr.io', start + 44 * MINUTE))
        answers.push(await getAt(later.env, 'us.icr.io', start + 46 * MINUTE))
        answers.push(await getAt(later.env, 'us.icr.io', start + 46 * MINUTE + 30_000))
      }
    }
  )
  expect(main.code).toBe(0)
  // main minted one token and cached it
  expect(afterMain.length).toBe(before + 1)
  const mainToken = afterMain.at(-1)
  for (const answer of answers) expect(answer.code).toBe(0)
  const [at44, at46, again] = answers.map(answer => answer.secret)
  // Only a fresh mint is announced on stderr, as mask commands for the runner (docs/credential-helper.md).
  const masked = answers.map(answer => answer.stderr.split('\n').filter(line => line !== ''))
  for (const lines of masked) expect(lines.every(line => line.startsWith('::add-mask::'))).toBe(true)
  expect(masked.map(lines => lines.length > 0)).toEqual([false, true, false])
  expect(masked[1]).toContain(`::add-mask::${at46}`)
  // 16 minutes left of 60: handed out from the cache, no exchange
  expect(at44).toBe(mainToken)
  // 14 minutes left: a client that keeps the answer 10 minutes could push with it expired, so a new one is minted
  expect(at46).not.toBe(mainToken)
  expect(issued().length).toBe(before + 2)
  expect(issued().at(-1)).toBe(at46)
  expect(cloud().store.accepts('ibm', 'iambearer', at46 ?? '')).toBe(true)
  // and the new one is reused, not minted per get
  expect(again).toBe(at46)
  expect(issued().length).toBe(before + 2)
  expect(post!.code).toBe(0)
  expectNoAuthEntries(sandbox)
}, 120_000)
