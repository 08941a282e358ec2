// Logins into one auth file must take turns: a client reads the file, adds its entry and writes the
// whole file back, so two at once lose one entry. The action runs logins into different files at the
// same time and those into one file one after another (src/auth-files/concurrency.ts). The real clients run through
// wrappers that trace when each run starts and ends, so the test sees the turns themselves, not only
// their outcome (without the scheduler this test fails: 3-8 runs on one file at once).
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { clientSandbox } from '../../harness/client-env.js'
import { dockerLoginsAtOnce, mostAtOnce, tracedClients } from '../../harness/concurrent-logins.js'
import { pushWith } from '../../harness/image.js'
import { runAction } from '../../harness/run-action.js'
import { localCloudForFile } from '../helpers/local-cloud.js'

const cloud = localCloudForFile({ clouds: ['ibm'] })

const REGIONS = ['us', 'uk', 'de', 'au']
const HOSTS = REGIONS.map(region => `${region}.icr.io`)

test('without taking turns, real docker logins into one config.json at the same time lose entries', async () => {
  const apiKey = cloud().emulators.ibm.createApiKey()
  const rounds: string[][] = []
  // The race is real but not certain on every try: a few rounds, stopping at the first loss.
  for (let round = 0; round < 5 && rounds.every(kept => kept.length === HOSTS.length); round++) {
    const sandbox = clientSandbox()
    const results = await dockerLoginsAtOnce(sandbox.env.DOCKER_CONFIG, HOSTS, 'iamapikey', apiKey, { ...process.env, ...sandbox.env })
    expect(results.map((r: { code: number }) => r.code)).toEqual(HOSTS.map(() => 0))
    rounds.push(Object.keys(sandbox.auths(sandbox.files.docker)))
  }
  // Every docker login said "Login Succeeded", yet the file does not hold every registry.
  expect(rounds.some(kept => kept.length < HOSTS.length)).toBe(true)
})

test.each([
  ['docker,podman', ['docker', 'podman']],
  ['docker,docker-config,podman,buildah,skopeo', ['docker', 'docker-config', 'podman', 'buildah', 'skopeo']]
])(
  'the action logs 4 regions with clients %s into shared auth files with no entry lost, and post removes only its own',
  async (clients, ids) => {
    const apiKey = cloud().emulators.ibm.createApiKey()
    const sandbox = clientSandbox()
    const someoneElse = { auth: Buffer.from('someone:else').toString('base64') }
    for (const file of [sandbox.files.docker, sandbox.files.containers]) {
      mkdirSync(path.dirname(file), { recursive: true })
      writeFileSync(file, JSON.stringify({ auths: { 'jp.icr.io': someoneElse } }))
    }
    let during: Record<string, string[]> = {}
    let pushed: boolean[] = []
    let mainAtOnce: Record<string, number> = {}
    const traced = tracedClients(['docker', 'podman', 'buildah', 'skopeo'])
    const { main, post } = await runAction(
      { provider: 'ibm', region: REGIONS.join(','), 'api-key': apiKey, clients },
      {
        env: { ...cloud().env, ...sandbox.env, PATH: traced.PATH },
        between: async () => {
          mainAtOnce = mostAtOnce(traced.trace)
          during = {
            docker: Object.keys(sandbox.auths(sandbox.files.docker)).sort(),
            containers: Object.keys(sandbox.auths(sandbox.files.containers)).sort()
          }
          pushed = [
            (await pushWith(sandbox.files.docker, 'au.icr.io/acme/race:docker')).ok,
            (await pushWith(sandbox.files.containers, 'uk.icr.io/acme/race:containers')).ok
          ]
        }
      }
    )
    expect(main.code).toBe(0)
    // The real clients ran one at a time on each auth file, in main and in post.
    const files = [sandbox.files.docker, ...(ids.some(id => id !== 'docker' && id !== 'docker-config') ? [sandbox.files.containers] : [])]
    expect(mainAtOnce).toEqual(Object.fromEntries(files.map(file => [file, 1])))
    expect(mostAtOnce(traced.trace)).toEqual(Object.fromEntries(files.map(file => [file, 1])))
    const expected = ['jp.icr.io', ...HOSTS].sort()
    expect(during).toEqual({ docker: expected, containers: expected })
    expect(pushed).toEqual([true, true])
    for (const client of ids) {
      for (const host of HOSTS) expect(main.log).toContain(`${client}: logged into ${host} as iambearer`)
    }
    expect(post!.code).toBe(0)
    expect(sandbox.auths(sandbox.files.docker)).toEqual({ 'jp.icr.io': someoneElse })
    expect(sandbox.auths(sandbox.files.containers)).toEqual({ 'jp.icr.io': someoneElse })
  }
)
