// Acceptance: every provider and every auth method, the built dist/ run as a runner runs it, step
// debug on, real clients behind an argv-recording PATH shim. After post, every log line (as the
// runner shows it and raw), every command file, every file under RUNNER_TEMP and the client
// sandbox, and every client command line is scanned for every secret involved, in every form.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { clientSandbox } from '../../harness/client-env.js'
import { ALIBABA_INSTANCE, ALIBABA_OIDC_PROVIDER_ARN, ALIBABA_PERSONAL_INSTANCE } from '../../harness/emulators/alibaba.js'
import { pathWithHelm } from '../../harness/helm.js'
import { pushWith } from '../../harness/image.js'
import { runAction } from '../../harness/run-action.js'
import {
  argvShim,
  authsOf,
  describeHits,
  filesUnder,
  realBinaries,
  runnerView,
  scan,
  storedPairs,
  type Secret,
  type Sources
} from '../helpers/acceptance.js'
import { localCloudForFile, REPOSITORY_ENV } from '../helpers/local-cloud.js'

const cloud = localCloudForFile()
/** Every string value an emulator answered under a credential-ish key (STS keys, tokens, passwords). */
const answered: string[] = []

beforeAll(() => {
  for (const emulator of Object.values(cloud().emulators) as Array<{ handle: (ctx: any) => Promise<unknown> }>) {
    const original = emulator.handle.bind(emulator)
    emulator.handle = ctx =>
      original({
        ...ctx,
        reply: (status: number, payload: unknown, headers?: object) => (collectAnswered(payload), ctx.reply(status, payload, headers))
      })
  }
})

const CREDENTIAL_KEY = /secret|token|password|credential/i
function collectAnswered(payload: unknown, key = ''): void {
  if (typeof payload === 'string') {
    if (CREDENTIAL_KEY.test(key) && payload.length >= 12 && !payload.startsWith('urn:') && !/^(Bearer|not_supported)$/.test(payload))
      answered.push(payload)
  } else if (payload && typeof payload === 'object') {
    for (const [k, v] of Object.entries(payload)) collectAnswered(v, Array.isArray(payload) ? key : k)
  }
}

const CONTAINERS = ['docker', 'podman', 'buildah', 'skopeo']
const DEBUG = { RUNNER_DEBUG: '1', ACTIONS_STEP_DEBUG: 'true' }
const RUNNER = { ...REPOSITORY_ENV, GITHUB_RUN_ID: '777', GITHUB_RUN_ATTEMPT: '1' }
/** Auth files outside the sandbox a misconfigured client could fall back to. */
const GLOBAL_AUTH_FILES = [
  '/run/containers/0/auth.json',
  `${process.env.HOME}/.docker/config.json`,
  `${process.env.HOME}/.config/containers/auth.json`
]

/** Every secret the run involved: the case's own, GitHub's, and everything the clouds issued. */
function allSecrets(own: Secret[]): Secret[] {
  const issued = [...cloud().store.issued.entries()].flatMap(([c, list]) =>
    list.flatMap((i, n) => [
      { label: `${c} issued password #${n}`, value: i.password },
      { label: `${c} issued ${i.username}:password #${n}`, value: `${i.username}:${i.password}` }
    ])
  )
  const github = (cloud().github as unknown as { minted: string[] }).minted.map((value, n) => ({ label: `GitHub OIDC JWT #${n}`, value }))
  // containers-common's --password-stdin joins the lines of a multi-line password: that form is stored too.
  const joined = own
    .filter(x => /\r?\n/.test(x.value))
    .map(x => ({ label: `${x.label} with its line breaks removed`, value: x.value.split(/\r?\n/).join('') }))
  return [
    ...own,
    ...joined,
    ...issued,
    ...github,
    { label: 'ACTIONS_ID_TOKEN_REQUEST_TOKEN', value: cloud().github.requestToken },
    ...answered.map((value, n) => ({ label: `credential answered by an emulator #${n}`, value }))
  ]
}

interface Case {
  name: string
  inputs: () => Record<string, string>
  clients?: string[]
  /** Input secrets and, for pass-through methods, the user:password pair the registry gets. */
  secrets: (inputs: Record<string, string>) => Secret[]
  username: string
  /** Every username a stored pair may have (default: username). */
  usernames?: string[]
  /** A host and a repository to push to with the docker auth file while logged in. */
  push?: string
  env?: Record<string, string>
  outputPassword?: boolean
  /** Write earlier entries into the auth files before the run; post must put them back. */
  preseed?: string
  shim?: Record<string, string>
  expectCode?: number
}

interface Outcome {
  main: Awaited<ReturnType<typeof runAction>>['main']
  post: NonNullable<Awaited<ReturnType<typeof runAction>>['post']>
  argv: Array<{ bin: string; argv: string[] }>
  during: Record<string, Array<{ registry: string; username: string; password: string }>>
  pushed?: { ok: boolean; output: string }
  sources: Sources
  secrets: Secret[]
}

/** Runs one case end to end and scans everything; returns what the expectations need. */
async function run(c: Case): Promise<Outcome> {
  const sandbox = clientSandbox()
  const clients = c.clients ?? CONTAINERS
  const binaries = clients.filter(x => x !== 'docker-config')
  const shim = argvShim(realBinaries(binaries, pathWithHelm()), c.shim)
  const inputs = { ...c.inputs(), clients: clients.join(','), ...(c.outputPassword ? { 'output-password': 'true' } : {}) }
  const own = c.secrets(inputs)
  const earlier: Secret[] = []
  const preseeded: Record<string, Record<string, unknown>> = {}
  if (c.preseed) {
    const value = `earlier-${Math.random().toString(36).slice(2)}-password`
    earlier.push({ label: 'the earlier entry in the auth file', value }, { label: 'earlier user:password', value: `someone:${value}` })
    const entry = { auth: Buffer.from(`someone:${value}`).toString('base64') }
    for (const file of [sandbox.files.docker, sandbox.files.containers]) {
      mkdirSync(file.replace(/\/[^/]+$/, ''), { recursive: true })
      preseeded[file] = { [c.preseed]: entry, 'unrelated.example': entry }
      writeFileSync(file, JSON.stringify({ auths: preseeded[file] }))
    }
  }
  const during: Outcome['during'] = {}
  const storedAuths: Array<{ file: string; auth: string }> = []
  let pushed: Outcome['pushed']
  const { main, post, temp } = await runAction(inputs, {
    env: {
      ...cloud().env,
      ...sandbox.env,
      ...RUNNER,
      ...DEBUG,
      SSL_CERT_FILE: cloud().pki.ca,
      PATH: `${shim.dir}:${pathWithHelm()}`,
      ...c.env
    },
    between: async () => {
      for (const [name, file] of Object.entries(sandbox.files)) {
        during[name] = storedPairs(file)
        for (const entry of Object.values(authsOf(file)))
          if (typeof entry.auth === 'string') storedAuths.push({ file: name, auth: entry.auth })
      }
      if (c.push) pushed = await pushWith(sandbox.files.docker, c.push)
    }
  })
  const argv = shim.lines()
  const secrets = allSecrets([...own, ...earlier])
  const withoutEarlier = allSecrets(own)
  const skipOutput = (where: string): boolean => Boolean(c.outputPassword) && where === main.files.GITHUB_OUTPUT
  const sources: Sources = [
    { where: 'main: log as the runner shows it', text: runnerView(main.stdout) },
    { where: 'post: log as the runner shows it', text: runnerView(post!.stdout) },
    { where: 'main: log (harness runnerLog)', text: main.log },
    { where: 'post: log (harness runnerLog)', text: post!.log },
    { where: 'main: raw stderr', text: main.stderr },
    { where: 'post: raw stderr', text: post!.stderr },
    { where: 'main: outputs', text: JSON.stringify(c.outputPassword ? { ...main.outputs, password: undefined } : main.outputs) },
    { where: 'main: state', text: JSON.stringify(main.state) },
    { where: 'main: summary', text: main.summary },
    { where: 'post: summary', text: post!.summary },
    ...filesUnder(temp).filter(f => !skipOutput(f.where)),
    { where: 'client command lines', text: argv.map(a => [a.bin, ...a.argv].join(' ')).join('\n') },
    ...GLOBAL_AUTH_FILES.flatMap(f => filesUnder(f.replace(/\/[^/]+$/, '')).filter(x => x.where === f))
  ]
  const hits = [...scan(sources, secrets), ...scan(filesUnder(sandbox.dir), withoutEarlier)]
  expect(describeHits(hits)).toEqual([])

  // The scan looked for the right things: every pair a client stored while logged in is one we collected.
  const known = new Set(secrets.map(s => s.value))
  const unknown = Object.entries(during).flatMap(([file, pairs]) =>
    pairs
      .filter(p => !p.password.startsWith('earlier-') && !known.has(p.password))
      .map(p => `${file}: ${p.registry} ${p.username} (${p.password.length} chars, starts ${JSON.stringify(p.password.slice(0, 3))})`)
  )
  expect(unknown).toEqual([])

  // Whatever a client stored in its auth file while logged in was registered with the masker by main
  // (a later step that prints the file shows ***), except entries that were there before.
  const earlierAuths = new Set(Object.values(preseeded).flatMap(e => Object.values(e).map(x => (x as { auth: string }).auth)))
  const unmasked = storedAuths.filter(a => !earlierAuths.has(a.auth) && runnerView(`${main.stdout}\n${a.auth}`).split('\n').pop() !== '***')
  expect(unmasked.map(a => `${a.file}: an auth entry of ${a.auth.length} base64 chars is not masked`)).toEqual([])

  // After post no auth file holds an entry the action wrote; earlier entries are back.
  for (const [name, file] of Object.entries(sandbox.files)) {
    expect({ [name]: authsOf(file) }).toEqual({ [name]: preseeded[file] ?? {} })
  }
  // The password is an output only when asked for, and then it is the stored one.
  if (c.outputPassword && main.code === 0) {
    expect(known.has(main.outputs.password ?? '')).toBe(true)
  } else {
    expect(main.outputs.password).toBeUndefined()
    expect(readFileSync(main.files.GITHUB_OUTPUT, 'utf8')).not.toMatch(/^password/m)
  }
  expect(post!.code).toBe(0)
  return { main, post: post!, argv, during, ...(pushed ? { pushed } : {}), sources, secrets }
}

/** Successful runs: logged in with every client, command lines recorded, nothing left. */
function expectLoggedIn(c: Case, o: Outcome): void {
  expect({ code: o.main.code, log: o.main.code === 0 ? '' : runnerView(o.main.stdout) }).toEqual({ code: 0, log: '' })
  expect(o.main.outputs.username).toBe(c.username)
  const clients = c.clients ?? CONTAINERS
  const registries = (o.main.outputs.registries ?? '').split(',')
  for (const client of clients) for (const registry of registries) expect(o.main.log).toContain(`${client}: logged into ${registry} as `)
  // Each client binary was run (through the shim) to log in. Post logs out once per auth file and registry: podman,
  // buildah and skopeo share one file, and once the last of them logged out the entry is gone, nothing left to log
  // out for the others (post logs out only an entry that still reads as this job's).
  for (const client of clients.filter(x => x !== 'docker-config')) {
    expect(o.argv.filter(a => a.bin === client && a.argv.includes('login')).length).toBe(registries.length)
    expect(o.argv.filter(a => a.bin === client && a.argv.includes('login')).every(a => a.argv.includes('--password-stdin'))).toBe(true)
  }
  const logouts = (bins: string[]): number => o.argv.filter(a => bins.includes(a.bin) && a.argv.includes('logout')).length
  const sharing = clients.filter(x => ['podman', 'buildah', 'skopeo'].includes(x))
  if (clients.includes('docker')) expect(logouts(['docker'])).toBe(registries.length)
  if (sharing.length > 0) expect(logouts(sharing)).toBe(registries.length)
  for (const client of ['helm', 'oras'].filter(x => clients.includes(x))) expect(logouts([client])).toBe(registries.length)
  // Debug was on: @actions/exec echoed the commands.
  expect(o.main.log).toMatch(/^::debug::|\[command\]/m)
  const stored = Object.values(o.during)
    .flat()
    .filter(p => !p.password.startsWith('earlier-'))
  expect(stored.length).toBeGreaterThan(0)
  // Alibaba's two APIs name their temporary users differently (temp_user_cr, cr_temp_user).
  expect(stored.filter(p => !(c.usernames ?? [c.username]).includes(p.username))).toEqual([])
  if (c.push) expect({ ok: o.pushed?.ok, output: o.pushed?.ok ? '' : o.pushed?.output }).toEqual({ ok: true, output: '' })
}

const b = { label: '', value: '' }
const s = (label: string, value: string | undefined): Secret => ({ ...b, label, value: value ?? '' })

// ---- every provider and every auth method ------------------------------------------------------

const EE_HOST = `${ALIBABA_INSTANCE.name}-registry.${ALIBABA_INSTANCE.region}.cr.aliyuncs.com`
const PERSONAL_HOST = 'registry.cn-hangzhou.aliyuncs.com'
const CRPI_HOST = `${ALIBABA_PERSONAL_INSTANCE.id}.${ALIBABA_PERSONAL_INSTANCE.region}.personal.cr.aliyuncs.com`
const em = (): any => cloud().emulators

const cases: Case[] = [
  {
    name: 'ibm api-key (exchanged), helm too, output-password, earlier entries restored',
    inputs: () => ({ provider: 'ibm', region: 'us-south, eu-de', 'api-key': em().ibm.createApiKey() }),
    clients: [...CONTAINERS, 'helm'],
    secrets: i => [s('api-key', i['api-key'])],
    username: 'iambearer',
    push: 'us.icr.io/acme/acceptance:ibm',
    outputPassword: true,
    preseed: 'us.icr.io'
  },
  {
    name: 'ibm api-key, exchange false (iamapikey)',
    inputs: () => ({ provider: 'ibm', registry: 'jp.icr.io', 'api-key': em().ibm.createApiKey(), exchange: 'false' }),
    secrets: i => [s('api-key', i['api-key']), s('iamapikey:key', `iamapikey:${i['api-key']}`)],
    username: 'iamapikey'
  },
  {
    name: 'ibm token (docker-config client)',
    inputs: () => {
      const token = `eyJ${Math.random().toString(36).slice(2)}ready-iam-access-token-${Date.now()}`
      cloud().store.issue('ibm', 'iambearer', token, Date.now() + 3_600_000)
      return { provider: 'ibm', region: 'uk', token }
    },
    clients: ['docker-config', 'podman', 'skopeo'],
    secrets: i => [s('token', i.token)],
    username: 'iambearer',
    push: 'uk.icr.io/acme/acceptance:token'
  },
  {
    name: 'yandex oidc (workload identity federation)',
    inputs: () => {
      const sa = em().yandex.createServiceAccount()
      em().yandex.addFederatedCredential(sa, cloud().github.subject)
      return { provider: 'yandex', registry: 'registry.yandexcloud.net, cr.yandex', 'service-account-id': sa }
    },
    secrets: () => [],
    username: 'iam',
    push: 'registry.yandexcloud.net/crp0registry/acceptance:oidc'
  },
  {
    name: 'yandex service-account-key (JSON text, exchanged)',
    inputs: () => ({
      provider: 'yandex',
      registry: 'registry.yandexcloud.net',
      'service-account-key': em().yandex.createAuthorizedKey().json
    }),
    secrets: i => [s('key JSON', i['service-account-key']), s('private_key', JSON.parse(i['service-account-key'] ?? '{}').private_key)],
    username: 'iam'
  },
  {
    name: 'yandex service-account-key as json_key (exchange false, key file path)',
    inputs: () => {
      const key = em().yandex.createAuthorizedKey()
      const dir = `${clientSandbox().dir}/key`
      mkdirSync(dir)
      writeFileSync(`${dir}/key.json`, key.json)
      keyTexts.set(`${dir}/key.json`, key.json)
      return { provider: 'yandex', registry: 'registry.yandexcloud.net', 'service-account-key': `${dir}/key.json`, exchange: 'false' }
    },
    secrets: i => {
      const json = keyTexts.get(i['service-account-key'] ?? '') ?? ''
      return [s('key JSON', json), s('private_key', JSON.parse(json).private_key), s('json_key:JSON', `json_key:${json}`)]
    },
    username: 'json_key'
  },
  {
    name: 'yandex token (ready IAM token)',
    inputs: () => {
      const token = `t1.${Math.random().toString(36).slice(2)}-given-iam-token-${Date.now()}`
      cloud().store.issue('yandex', 'iam', token, Date.now() + 3_600_000)
      return { provider: 'yandex', registry: 'registry.yandexcloud.net', token }
    },
    secrets: i => [s('token', i.token)],
    username: 'iam'
  },
  {
    name: 'yandex oauth-token (exchanged)',
    inputs: () => ({ provider: 'yandex', registry: 'registry.yandexcloud.net', 'oauth-token': em().yandex.createOAuthToken() }),
    secrets: i => [s('oauth-token', i['oauth-token'])],
    username: 'iam'
  },
  {
    name: 'yandex oauth-token as oauth (exchange false)',
    inputs: () => ({
      provider: 'yandex',
      registry: 'registry.yandexcloud.net',
      'oauth-token': em().yandex.createOAuthToken(),
      exchange: 'false'
    }),
    secrets: i => [s('oauth-token', i['oauth-token']), s('oauth:token', `oauth:${i['oauth-token']}`)],
    username: 'oauth'
  },
  {
    name: 'yandex api-key',
    inputs: () => ({ provider: 'yandex', registry: 'registry.yandexcloud.net', 'api-key': em().yandex.createApiKey() }),
    secrets: i => [s('api-key', i['api-key']), s('api_key:key', `api_key:${i['api-key']}`)],
    username: 'api_key',
    outputPassword: true
  },
  {
    name: 'nebius service-account-key (credentials file text, HTTPS exchange)',
    inputs: () => ({
      provider: 'nebius',
      region: 'eu-north1, us-central1',
      'service-account-key': em().nebius.createKey(em().nebius.createServiceAccount()).credentialsFile
    }),
    secrets: i => [
      s('credentials file', i['service-account-key']),
      s('private-key', JSON.parse(i['service-account-key'] ?? '{}')['subject-credentials']['private-key'])
    ],
    username: 'iam',
    push: 'cr.eu-north1.nebius.cloud/e00registry/acceptance:key'
  },
  {
    name: 'nebius separate key inputs (inline PEM, gRPC exchange)',
    inputs: () => {
      const sa = em().nebius.createServiceAccount()
      const key = em().nebius.createKey(sa)
      return {
        provider: 'nebius',
        region: 'eu-west1',
        'service-account-id': sa,
        'public-key-id': key.publicKeyId,
        'private-key': key.privateKeyPem,
        'token-exchange': 'grpc'
      }
    },
    secrets: i => [s('private-key', i['private-key'])],
    username: 'iam'
  },
  {
    name: 'nebius oidc (federated credentials)',
    inputs: () => {
      const sa = em().nebius.createServiceAccount()
      em().nebius.addFederatedCredentials(sa, { subject: cloud().github.subject })
      return { provider: 'nebius', region: 'eu-north1', 'service-account-id': sa }
    },
    secrets: () => [],
    username: 'iam'
  },
  {
    name: 'nebius token (static key)',
    inputs: () => ({ provider: 'nebius', region: 'us-central1', token: em().nebius.createStaticKey() }),
    secrets: i => [s('token', i.token), s('iam:static key', `iam:${i.token}`)],
    username: 'iam'
  },
  {
    name: 'alibaba oidc (STS AssumeRoleWithOIDC, Enterprise and Personal)',
    inputs: () => ({
      provider: 'alibaba',
      registry: `${EE_HOST}, ${PERSONAL_HOST}`,
      'instance-id': ALIBABA_INSTANCE.id,
      'role-arn': em().alibaba.createRole(`acceptance-${Date.now()}`),
      'oidc-provider-arn': ALIBABA_OIDC_PROVIDER_ARN
    }),
    secrets: () => [],
    username: 'temp_user_cr',
    usernames: ['temp_user_cr', 'cr_temp_user'],
    push: `${EE_HOST}/acme/acceptance:oidc`
  },
  {
    name: 'alibaba access-key (Personal, crpi- and Enterprise), output-password',
    inputs: () => {
      const key = em().alibaba.createAccessKey()
      return {
        provider: 'alibaba',
        registry: `${PERSONAL_HOST}\n${CRPI_HOST}\n${EE_HOST}`,
        'instance-id': ALIBABA_INSTANCE.id,
        'access-key-id': key.id,
        'access-key-secret': key.secret
      }
    },
    clients: ['docker', 'skopeo'],
    secrets: i => [s('access-key-secret', i['access-key-secret'])],
    username: 'cr_temp_user',
    usernames: ['temp_user_cr', 'cr_temp_user'],
    outputPassword: true
  },
  {
    name: 'alibaba access-key with STS security token (instance-name + region)',
    inputs: () => {
      const sts = em().alibaba.issueStsCredentials()
      return {
        provider: 'alibaba',
        region: ALIBABA_INSTANCE.region,
        'instance-name': ALIBABA_INSTANCE.name,
        'instance-id': ALIBABA_INSTANCE.id,
        'access-key-id': sts.id,
        'access-key-secret': sts.secret,
        'security-token': sts.token
      }
    },
    secrets: i => [s('access-key-secret', i['access-key-secret']), s('security-token', i['security-token'])],
    username: 'temp_user_cr'
  },
  {
    name: 'alibaba password (permanent instance credential with % and quotes), earlier entries restored',
    inputs: () => {
      const username = `ci${Date.now()}@1357924680135792`
      const password = `Perm%25"a'nent-${Math.random().toString(36).slice(2)}!%0A`
      em().alibaba.setPassword(username, password)
      return { provider: 'alibaba', registry: EE_HOST, username, password }
    },
    secrets: i => [s('password', i.password), s('user:password', `${i.username}:${i.password}`)],
    username: '',
    preseed: EE_HOST
  }
]
const keyTexts = new Map<string, string>()

describe('every provider and auth method, debug on, real clients: nothing leaks, nothing is left', () => {
  test.concurrent.each(cases)('$name', async c => {
    const inputs = c.inputs()
    const fixed: Case = { ...c, inputs: () => inputs, username: c.username || (inputs.username ?? '') }
    const outcome = await run(fixed)
    expectLoggedIn(fixed, outcome)
  })
})

// ---- main failing half way ------------------------------------------------------------------------

describe('main failing half way, debug on: nothing leaks, post cleans up', () => {
  test.concurrent("the registry refuses the second client (podman given a wrong password): docker's login is undone", async () => {
    const real = realBinaries(['podman'])
    const outcome = await run({
      name: 'refused',
      inputs: () => ({ provider: 'ibm', region: 'de', 'api-key': em().ibm.createApiKey() }),
      clients: ['docker', 'podman', 'skopeo'],
      // podman really asks the registry, with a password the registry does not know
      shim: { podman: `if [ "$1" = login ]; then exec '${real.podman}' "$@" <<< 'not-the-password'; fi\nexec '${real.podman}' "$@"` },
      secrets: i => [s('api-key', i['api-key'])],
      username: 'iambearer'
    })
    expect(outcome.main.code).toBe(1)
    expect(runnerView(outcome.main.stdout)).toMatch(/::error::registry-login: 'podman login' exited with code/)
    expect(outcome.during.docker?.map(p => p.registry)).toEqual(['de.icr.io'])
    expect(outcome.argv.filter(a => a.bin === 'skopeo')).toEqual([])
    expect(
      JSON.parse(outcome.main.state['registry-login'] ?? '{}')
        .logins.map((l: { client: string }) => l.client)
        .sort()
    ).toEqual(['docker', 'podman'])
    // podman's refused login wrote nothing: post logs out only docker's
    expect(
      outcome.argv
        .filter(a => a.argv.includes('logout'))
        .map(a => a.bin)
        .sort()
    ).toEqual(['docker'])
  })

  test.concurrent(
    'a client that exits without reading the password from stdin (EPIPE) fails the step with an annotation, not a crash',
    async () => {
      // More than a pipe buffer (64 KiB) of password: the write cannot complete before the client is gone.
      const token = `eyJ${'A'.repeat(100_000)}${Math.random().toString(36).slice(2)}`
      const outcome = await run({
        name: 'epipe',
        inputs: () => ({ provider: 'ibm', region: 'au', token }),
        clients: ['skopeo'],
        shim: {
          skopeo: `if [ "$1" = login ]; then exec 0<&-; echo 'Error: skopeo cannot start' >&2; exit 3; fi\nexec '${realBinaries(['skopeo']).skopeo}' "$@"`
        },
        secrets: i => [s('token', i.token)],
        username: 'iambearer'
      })
      expect(outcome.main.code).toBe(1)
      expect(outcome.main.stderr).not.toMatch(/EPIPE|Unhandled 'error' event/)
      expect(runnerView(outcome.main.stdout)).toMatch(
        /::error::registry-login: 'skopeo login' exited with code 3: Error: skopeo cannot start/
      )
    }
  )

  test.concurrent('the second client is not installed: main fails before any cloud call', async () => {
    const outcome = await run({
      name: 'missing',
      inputs: () => ({ provider: 'yandex', 'service-account-key': em().yandex.createAuthorizedKey().json }),
      clients: ['docker', 'oras'],
      secrets: i => [s('key JSON', i['service-account-key'])],
      username: 'iam'
    })
    expect(outcome.main.code).toBe(1)
    expect(runnerView(outcome.main.stdout)).toMatch(
      /Input 'clients' asks for 'oras', but 'oras' is not on PATH\. Install it: add oras-project\/setup-oras/
    )
    expect(outcome.argv).toEqual([])
  })

  test.concurrent('the registry refuses the first client (unknown Nebius static key): no entry is left', async () => {
    const outcome = await run({
      name: 'unknown static key',
      inputs: () => ({
        provider: 'nebius',
        region: 'eu-north1',
        token: `ne1s-not-issued-${Math.random().toString(36).slice(2)}-static-key`
      }),
      clients: ['docker', 'buildah'],
      secrets: i => [s('token', i.token), s('iam:token', `iam:${i.token}`)],
      username: 'iam'
    })
    expect(outcome.main.code).toBe(1)
    expect(runnerView(outcome.main.stdout)).toMatch(/::error::registry-login: 'docker login' exited with code/)
  })

  test.concurrent(
    "Alibaba's SignatureDoesNotMatch echoes the string-to-sign: the STS SecurityToken in it (percent-encoded twice) stays hidden",
    async () => {
      // A real STS SecurityToken is base64 with + / =; the server's string-to-sign carries it percent-encoded twice.
      const token = `CAIS${'q+Z/x='.repeat(20)}${Math.random().toString(36).slice(2)}`
      const id = `STS.NTacceptance${Date.now()}`
      const pe = (v: string): string => encodeURIComponent(v)
      const stringToSign = `POST&%2F&${pe(`AccessKeyId=${id}&Action=GetAuthorizationToken&Format=JSON&InstanceId=${ALIBABA_INSTANCE.id}&RegionId=cn-beijing&SecurityToken=${pe(token)}&SignatureMethod=HMAC-SHA1`)}`
      cloud().inject({
        host: 'cr.cn-beijing.aliyuncs.com',
        path: '/',
        kind: 'status',
        status: 400,
        body: JSON.stringify({
          RequestId: 'A1B2C3D4-0000-0000-0000-000000000000',
          Code: 'SignatureDoesNotMatch',
          Message: `Specified signature is not matched with our calculation. server string to sign is:${stringToSign}`
        })
      })
      const outcome = await run({
        name: 'sts signature',
        inputs: () => ({
          provider: 'alibaba',
          region: 'cn-beijing',
          'instance-name': 'acme',
          'instance-id': ALIBABA_INSTANCE.id,
          'access-key-id': id,
          'access-key-secret': 'a-wrong-or-right-secret-0123456789',
          'security-token': token
        }),
        clients: ['skopeo'],
        secrets: i => [s('access-key-secret', i['access-key-secret']), s('security-token', i['security-token'])],
        username: 'temp_user_cr'
      })
      expect(outcome.main.code).toBe(1)
      expect(runnerView(outcome.main.stdout)).toMatch(
        /::error::.*SignatureDoesNotMatch.*server string to sign is:POST&%2F&AccessKeyId%3DSTS/
      )
    }
  )
})

// ---- the scanner finds what it is meant to find -------------------------------------------------------

describe('self-check: the scanner flags planted secrets', () => {
  const secret = 'planted-S3cret+/value=='
  const pem =
    '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\nAbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefghijkl\n-----END PRIVATE KEY-----\n'
  const secrets: Secret[] = [s('planted', secret), s('pem', pem), s('user:planted', `iam:${secret}`)]
  const hitsIn = (text: string): string[] => scan([{ where: 'planted', text }], secrets).map(h => h.secretLabel)

  test('raw, base64, base64(user:password), JSON-escaped, percent-encoded once and twice, one PEM line, a JWT', () => {
    expect(hitsIn(`log line ${secret} end`)).toContain('planted')
    expect(hitsIn(`"auth": "${Buffer.from(secret).toString('base64')}"`)).toContain('base64(planted)')
    expect(hitsIn(`"auth": "${Buffer.from(`iam:${secret}`).toString('base64')}"`)).toContain('base64(user:planted)')
    expect(hitsIn(JSON.stringify({ k: pem }))).toContain('json(pem)')
    expect(hitsIn(`x=${encodeURIComponent(secret)}`)).toContain('urlencoded(planted)')
    expect(hitsIn(`x=${encodeURIComponent(encodeURIComponent(secret))}`)).toContain('urlencoded2(planted)')
    expect(hitsIn('key line: AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefghijkl')).toContain('line of pem')
    expect(hitsIn('token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOmFjbWUifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ')).toContain('a JWT')
    expect(hitsIn('-----BEGIN PRIVATE KEY----- and nothing else')).toEqual([])
  })

  test('a secret printed before its ::add-mask:: is flagged; after it, it is masked (also when the mask is %-escaped)', () => {
    const escaped = secret.replace(/%/g, '%25')
    expect(hitsIn(runnerView(`early ${secret}\n::add-mask::${escaped}\nlate ${secret}`))).toEqual(['planted'])
    expect(runnerView(`::add-mask::${escaped}\nlate ${secret}`)).toBe('late ***')
    const withPercent = 'pass%41word-xyz'
    expect(runnerView(`::add-mask::${withPercent.replace(/%/g, '%25')}\n${withPercent}`)).toBe('***')
  })

  test('the argv shim records a secret passed on the command line, and files under a directory are scanned', async () => {
    const shim = argvShim(realBinaries(['true']))
    const { execFileSync } = await import('node:child_process')
    execFileSync(`${shim.dir}/true`, ['login', '--password', secret, 'a b'])
    expect(shim.lines()).toEqual([{ bin: 'true', argv: ['login', '--password', secret, 'a b'] }])
    expect(
      scan(
        [
          {
            where: 'argv',
            text: shim
              .lines()
              .map(a => a.argv.join(' '))
              .join('\n')
          }
        ],
        secrets
      ).map(h => h.secretLabel)
    ).toContain('planted')
    writeFileSync(
      `${shim.dir}/left-behind.json`,
      JSON.stringify({ auths: { x: { auth: Buffer.from(`iam:${secret}`).toString('base64') } } })
    )
    expect(scan(filesUnder(shim.dir), secrets).map(h => `${h.where.split('/').pop()} ${h.secretLabel}`)).toContain(
      'left-behind.json base64(user:planted)'
    )
  })
})
