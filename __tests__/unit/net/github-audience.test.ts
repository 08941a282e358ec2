// The default GitHub OIDC audience follows the runner's server: github.com, GitHub Enterprise Server
// and GitHub Enterprise Cloud with data residency (<name>.ghe.com) all use <server>/<owner>.
import { createInputReader } from '../../../src/inputs/reader.js'
import { parseInputs } from '../../../src/step/parse-step.js'
import { githubDefaultAudience } from '../../../src/net/oidc.js'
import { testProviderContext, withGithubOidc } from '../../helpers/contexts.js'
import { captureStdout, type StdoutCapture } from '../../helpers/stdout.js'
import { mint } from '../../../src/providers/index.js'

let stdout: StdoutCapture
beforeEach(() => {
  stdout = captureStdout()
})
afterEach(() => stdout.restore())

const runners: Array<[string, NodeJS.ProcessEnv, string]> = [
  ['github.com', { GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY_OWNER: 'acme' }, 'https://github.com/acme'],
  [
    'GitHub Enterprise Server',
    { GITHUB_SERVER_URL: 'https://ghe.example.com', GITHUB_REPOSITORY_OWNER: 'acme' },
    'https://ghe.example.com/acme'
  ],
  [
    'GHE.com (data residency)',
    { GITHUB_SERVER_URL: 'https://acme.ghe.com', GITHUB_REPOSITORY_OWNER: 'octo-org' },
    'https://acme.ghe.com/octo-org'
  ],
  [
    'server URL with a trailing slash, owner from GITHUB_REPOSITORY',
    { GITHUB_SERVER_URL: 'https://ghe.example.com/', GITHUB_REPOSITORY: 'acme/app' },
    'https://ghe.example.com/acme'
  ],
  ['no server URL (not a runner): github.com', { GITHUB_REPOSITORY_OWNER: 'acme' }, 'https://github.com/acme']
]

const keyless: Record<'yandex' | 'nebius' | 'alibaba', Record<string, string>> = {
  yandex: { 'service-account-id': 'ajeb0k5nkr4ttb4cdtg2' },
  nebius: { region: 'eu-north1', 'service-account-id': 'serviceaccount-e00abc123' },
  alibaba: {
    region: 'cn-hangzhou',
    'role-arn': 'acs:ram::1234567890123456:role/github-push',
    'oidc-provider-arn': 'acs:ram::1234567890123456:oidc-provider/github'
  }
}

/** The audience a provider's keyless plan asks the runner for, on a runner with `env`. */
async function askedAudience(provider: keyof typeof keyless, env: NodeJS.ProcessEnv): Promise<string[]> {
  const values: Record<string, string> = { provider, ...keyless[provider] }
  // A runner step with 'id-token: write' has both request variables (checked while parsing).
  const runnerOidc = {
    ACTIONS_ID_TOKEN_REQUEST_URL: 'https://pipelines.actions.githubusercontent.com/oidc/token',
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token'
  }
  const plan = parseInputs(
    createInputReader(name => values[name] ?? ''),
    runnerOidc
  ).plan
  const ctx = withGithubOidc(testProviderContext(env), () => {
    throw new Error('stop after the token request')
  })
  await expect(mint(plan, ctx)).rejects.toThrow('stop after the token request')
  return ctx.audiences
}

describe.each(runners)('%s', (_name, env, expected) => {
  test(`githubDefaultAudience is ${expected}`, () => {
    expect(githubDefaultAudience(env)).toBe(expected)
  })
  test('Yandex and Nebius keyless logins ask for it', async () => {
    expect(await askedAudience('yandex', env)).toEqual([expected])
    expect(await askedAudience('nebius', env)).toEqual([expected])
  })
  test('Alibaba keeps sts.aliyuncs.com, a client id of the RAM OIDC provider, on every server', async () => {
    expect(await askedAudience('alibaba', env)).toEqual(['sts.aliyuncs.com'])
  })
})
