// Jobs sharing one runner (one docker config), isolated-config carrying the docker setup over,
// post with a lost backup, and hostile text that must not become a workflow command.
import { execFileSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { clientSandbox } from '../../harness/client-env.js'
import { ALIBABA_INSTANCE } from '../../harness/emulators/alibaba.js'
import { pushWith } from '../../harness/image.js'
import { runAction } from '../../harness/run-action.js'
import { localCloudForFile, type ClientSandbox } from '../helpers/local-cloud.js'

const cloud = localCloudForFile({ clouds: ['ibm', 'alibaba'] })

type Step = {
  code: number
  log: string
  stdout: string
  state: Record<string, string>
  jobEnv: Record<string, string>
  outputs: Record<string, string>
  summary: string
}

/** main of one job with its own API key; post is run later, when the test says. */
async function startJob(
  sandbox: ClientSandbox,
  tag: string
): Promise<{ main: Step; runPost: () => Promise<Step>; entry: { auth: string } }> {
  const apiKey = cloud().emulators.ibm.createApiKey()
  const job = (await runAction(
    { provider: 'ibm', region: 'us', 'api-key': apiKey, clients: 'docker', 'output-password': 'true' },
    { env: { ...cloud().env, ...sandbox.env, GITHUB_RUN_ID: tag }, deferPost: true }
  )) as unknown as { main: Step; runPost: () => Promise<Step> }
  expect(job.main.code).toBe(0)
  const entry = { auth: Buffer.from(`${job.main.outputs.username}:${job.main.outputs.password}`).toString('base64') }
  return { ...job, entry }
}

const dockerEntry = (sandbox: ClientSandbox): unknown => (sandbox.auths(sandbox.files.docker) as Record<string, unknown>)['us.icr.io']
const pushes = async (sandbox: ClientSandbox, tag: string): Promise<boolean> =>
  (await pushWith(sandbox.files.docker, `us.icr.io/acme/shared:${tag}`)).ok

describe("two jobs on one docker config keep each other's logins", () => {
  test("A main, B main, A post, B post: A's post leaves B's login (and says so); B's post leaves the file as it was", async () => {
    const sandbox = clientSandbox()
    const a = await startJob(sandbox, '1')
    const b = await startJob(sandbox, '2')
    expect(dockerEntry(sandbox)).toEqual(b.entry)

    const aPost = await a.runPost()
    expect(aPost.code).toBe(0)
    expect(aPost.log).toContain(`::notice::Left us.icr.io in ${sandbox.files.docker} as they are: another login replaced this step's since`)
    expect(aPost.log).not.toMatch(/logged out of us\.icr\.io/)
    expect(dockerEntry(sandbox)).toEqual(b.entry)
    expect(await pushes(sandbox, 'b-after-a-post')).toBe(true)

    const bPost = await b.runPost()
    expect(bPost.code).toBe(0)
    expect(bPost.log).toContain('docker: logged out of us.icr.io')
    expect(sandbox.auths(sandbox.files.docker)).toEqual({})
    expect(readdirSync(path.dirname(sandbox.files.docker))).toEqual(['config.json'])
    expect(await pushes(sandbox, 'after-both')).toBe(false)
  })

  test("A main, B main, B post, A post: B's post gives A its login back, A's post then removes it", async () => {
    const sandbox = clientSandbox()
    mkdirSync(path.dirname(sandbox.files.docker), { recursive: true })
    const earlier = { auth: Buffer.from('someone:earlier-password').toString('base64') }
    writeFileSync(sandbox.files.docker, JSON.stringify({ auths: { 'us.icr.io': earlier } }))
    const a = await startJob(sandbox, '3')
    const b = await startJob(sandbox, '4')
    expect(await pushes(sandbox, 'b-in-main')).toBe(true)

    const bPost = await b.runPost()
    expect(bPost.code).toBe(0)
    expect(dockerEntry(sandbox)).toEqual(a.entry)
    expect(await pushes(sandbox, 'a-after-b-post')).toBe(true)

    const aPost = await a.runPost()
    expect(aPost.code).toBe(0)
    expect(aPost.log).not.toContain('::notice::')
    expect(sandbox.auths(sandbox.files.docker)).toEqual({ 'us.icr.io': earlier })
  })
})

/** A docker CLI plugin as small as can be: it answers the plugin metadata call and says hello. */
const PLUGIN = `#!/bin/sh
if [ "$1" = docker-cli-plugin-metadata ]; then
  echo '{"SchemaVersion":"0.1.0","Vendor":"registry-login tests","Version":"0.0.1","ShortDescription":"says hello"}'
  exit 0
fi
echo "hello from the plugin"
`

const docker = (env: Record<string, string>, args: string[]): string =>
  execFileSync('docker', args, { env: { ...process.env, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 })

test("isolated-config: a docker context and a CLI plugin made before the step still work after it; the user's config gets no login", async () => {
  const sandbox = clientSandbox()
  const user = { DOCKER_CONFIG: sandbox.env.DOCKER_CONFIG, HOME: sandbox.env.HOME }
  mkdirSync(path.join(user.DOCKER_CONFIG, 'cli-plugins'), { recursive: true })
  writeFileSync(path.join(user.DOCKER_CONFIG, 'cli-plugins', 'docker-hello'), PLUGIN)
  chmodSync(path.join(user.DOCKER_CONFIG, 'cli-plugins', 'docker-hello'), 0o755)
  docker(user, ['context', 'create', 'remote-builder', '--docker', 'host=tcp://127.0.0.1:2376'])
  const other = { auth: Buffer.from('someone:earlier-password').toString('base64') }
  writeFileSync(
    sandbox.files.docker,
    JSON.stringify({
      auths: { 'other.example': other },
      currentContext: 'remote-builder',
      proxies: { default: { noProxy: 'internal.example' } }
    })
  )
  const before = readFileSync(sandbox.files.docker, 'utf8')

  let during:
    { contexts: string; current: string; hello: string; pushed: boolean; isolated: string; config: Record<string, unknown> } | undefined
  const apiKey = cloud().emulators.ibm.createApiKey()
  const { main, post } = await runAction(
    { provider: 'ibm', region: 'us', 'api-key': apiKey, clients: 'docker', 'isolated-config': 'true' },
    {
      env: { ...cloud().env, ...sandbox.env },
      between: async m => {
        const later = { HOME: user.HOME, DOCKER_CONFIG: m.jobEnv.DOCKER_CONFIG ?? '' }
        during = {
          contexts: docker(later, ['context', 'ls', '--format', '{{.Name}}']),
          current: docker(later, ['context', 'show']).trim(),
          config: JSON.parse(readFileSync(path.join(later.DOCKER_CONFIG, 'config.json'), 'utf8')) as Record<string, unknown>,
          hello: docker(later, ['hello']),
          pushed: (await pushWith(path.join(later.DOCKER_CONFIG, 'config.json'), 'us.icr.io/acme/isolated:v1')).ok,
          isolated: later.DOCKER_CONFIG
        }
      }
    }
  )
  expect(main.code).toBe(0)
  expect(during?.contexts.split('\n')).toContain('remote-builder')
  expect(during?.current).toBe('remote-builder')
  expect(during?.hello.trim()).toBe('hello from the plugin')
  // settings carried over, the user's logins not: only this step's
  expect(during?.config.proxies).toEqual({ default: { noProxy: 'internal.example' } })
  expect(Object.keys(during?.config.auths as object)).toEqual(['us.icr.io'])
  expect(during?.pushed).toBe(true)
  expect(post!.code).toBe(0)
  expect(existsSync(during?.isolated ?? '/')).toBe(false)
  // the user's own docker setup is untouched: no login, plugin and context still there
  expect(readFileSync(sandbox.files.docker, 'utf8')).toBe(before)
  expect(docker(user, ['hello']).trim()).toBe('hello from the plugin')
  expect(docker(user, ['context', 'ls', '--format', '{{.Name}}']).split('\n')).toContain('remote-builder')
})

describe('post with a lost backup: one warning, and the isolated directory still goes', () => {
  test.each([
    ['missing', (file: string) => rmSync(file), 'is missing'],
    ['corrupt', (file: string) => writeFileSync(file, '{"version":2,"records":[{"authFile":'), 'is not valid JSON']
  ])('%s', async (_name, damage, reason) => {
    const sandbox = clientSandbox()
    let isolated = ''
    const { main, post } = await runAction(
      {
        provider: 'ibm',
        region: 'us',
        'api-key': cloud().emulators.ibm.createApiKey(),
        clients: 'docker,podman',
        'isolated-config': 'true'
      },
      {
        env: { ...cloud().env, ...sandbox.env },
        between: async m => {
          const state = JSON.parse((m as unknown as Step).state['registry-login'] ?? '{}') as { backupFile: string; isolatedConfig: string }
          isolated = state.isolatedConfig
          damage(state.backupFile)
        }
      }
    )
    expect(main.code).toBe(0)
    expect(post!.code).toBe(0)
    const warnings = (post!.log as string).split('\n').filter((line: string) => line.startsWith('::warning::'))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(new RegExp(`could not be restored because the backup file \\S+ ${reason}`))
    expect(post!.log).not.toMatch(/is not iterable|Cannot destructure|TypeError/)
    expect(existsSync(isolated)).toBe(false)
  })
})

test('a username with a line break and a command (Alibaba password login) prints no live workflow command, in step debug too', async () => {
  const username = 'ci\n::warning::x'
  const password = `Instance-pass-${Date.now()}`
  cloud().emulators.alibaba.setPassword(username, password)
  const sandbox = clientSandbox()
  const registry = `${ALIBABA_INSTANCE.name}-registry.${ALIBABA_INSTANCE.region}.cr.aliyuncs.com`
  const { main, post } = await runAction(
    // refused while parsing inputs: a line break in a text input is never a username
    { provider: 'alibaba', registry, username, password, clients: 'docker-config,docker' },
    { env: { ...cloud().env, ...sandbox.env, RUNNER_DEBUG: '1' } }
  )
  for (const step of [main, post!]) {
    const lines: string[] = (step as unknown as Step).stdout.split('\n')
    expect(lines.filter(line => /^\s*::warning::x/.test(line))).toEqual([])
    // the only commands are the toolkit's own, each on its own line
    expect(lines.filter(line => /^\s*(::|##\[)/.test(line) && !/^::(add-mask|debug|error|warning|notice)::/.test(line))).toEqual([])
  }
  expect(main.log.match(/^::error::/gm)).toHaveLength(1)
  expect(main.log).toMatch(/^::error::registry-login: Input 'username'/m)
  expect(sandbox.auths(sandbox.files.docker)).toEqual({})
})
