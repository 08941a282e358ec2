// podman, buildah and skopeo on a runner whose docker config.json routes the registry to a helper (#20):
// containers/image reads that file too, so their login and logout run without it.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { clients } from '../../../src/clients/index.js'
import { fakeClientContext } from '../../helpers/contexts.js'
import { captureStdout, type StdoutCapture } from '../../helpers/stdout.js'

const REGISTRY = 'registry.yandexcloud.net'
let stdout: StdoutCapture
beforeEach(() => {
  stdout = captureStdout()
})
afterEach(() => stdout.restore())

function runner(dockerConfig: object | undefined) {
  const home = mkdtempSync(path.join(os.tmpdir(), 'containers-docker-'))
  const docker = path.join(home, 'docker')
  mkdirSync(docker)
  const text = dockerConfig ? JSON.stringify(dockerConfig) : undefined
  if (text) writeFileSync(path.join(docker, 'config.json'), text)
  const env = { HOME: home, DOCKER_CONFIG: docker, RUNNER_TEMP: home, REGISTRY_AUTH_FILE: path.join(home, 'auth.json') }
  return { home, docker, text, env }
}

test.each([
  ['a missing helper (yc configure-docker)', 'yc'],
  ['"" (the action\'s own docker route)', '']
])(
  'docker config maps the registry to %s: login and logout run with DOCKER_CONFIG somewhere that does not exist; one notice',
  async (_, helper) => {
    const { docker, text, env } = runner({ credHelpers: { [REGISTRY]: helper, 'cr.yandex': 'yc' } })
    const ctx = fakeClientContext(env)
    for (const id of ['podman', 'skopeo'] as const) {
      await clients[id].login({ registry: REGISTRY, username: 'iam', password: 't1.x' }, env.REGISTRY_AUTH_FILE, ctx)
      await clients[id].logout(REGISTRY, env.REGISTRY_AUTH_FILE, ctx)
    }
    expect(ctx.calls.map(call => call.command)).toEqual(['podman', 'podman', 'skopeo', 'skopeo'])
    for (const call of ctx.calls) {
      const hidden = call.env?.DOCKER_CONFIG
      expect(hidden).toMatch(/registry-login-no-docker-config-[0-9a-f]{16}$/)
      expect(hidden).not.toBe(docker)
    }
    expect(readFileSync(path.join(docker, 'config.json'), 'utf8')).toBe(text)
    expect(stdout.lines().filter(l => l.startsWith('::notice::'))).toEqual([
      `::notice::${REGISTRY}: ${path.join(docker, 'config.json')} hands it to the credential helper '${helper}' (docker-credential-${helper}), which podman, buildah and skopeo read too and would fail on; their login and logout run without docker's config (DOCKER_CONFIG pointed at a directory that does not exist), so that file and its helper are not touched. Later steps find this login in their own auth file first.`
    ])
  }
)

test.each([
  ['no docker config', undefined],
  ['a docker config with other helpers only', { credHelpers: { 'cr.yandex': 'yc' }, auths: { [REGISTRY]: { auth: 'eDp5' } } }]
])('%s: the environment is left as it is, nothing said', async (_, config) => {
  const { env } = runner(config)
  const ctx = fakeClientContext(env)
  await clients.podman.login({ registry: REGISTRY, username: 'iam', password: 't1.x' }, env.REGISTRY_AUTH_FILE, ctx)
  expect(ctx.calls[0]!.env).toBeUndefined()
  expect(stdout.lines().filter(l => l.startsWith('::notice::'))).toEqual([])
})

test("podman's auth file is docker's own config.json (DOCKER_CONFIG, no REGISTRY_AUTH_FILE): the routing of that file decides, nothing hidden", async () => {
  const { docker, env } = runner({ credHelpers: { [REGISTRY]: 'yc' } })
  const ctx = fakeClientContext({ HOME: env.HOME, DOCKER_CONFIG: docker })
  await clients.podman.login({ registry: REGISTRY, username: 'iam', password: 't1.x' }, path.join(docker, 'config.json'), ctx)
  expect(ctx.calls[0]!.env).toBeUndefined()
})
