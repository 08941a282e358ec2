// Where GitHub withholds secrets: a pull request from a fork and Dependabot's runs; every other run gets them.
import { writeFileSync } from 'node:fs'
import { secretsWithheld } from '../../../src/runner/event.js'
import { DEPENDABOT_ENV, pullRequestEnv } from '../../helpers/events.js'

describe('runs that get no secrets', () => {
  test.each([
    [
      'a pull request from a fork',
      pullRequestEnv('someone/app-fork'),
      'a pull request from the fork someone/app-fork, which gets no secrets'
    ],
    [
      'a review of a pull request from a fork',
      pullRequestEnv('someone/app-fork', 'acme/app', 'pull_request_review'),
      'a pull request from the fork someone/app-fork, which gets no secrets'
    ],
    [
      'a pull request from a fork since deleted',
      pullRequestEnv(null),
      'a pull request from a fork that no longer exists, which gets no secrets'
    ],
    ['Dependabot', DEPENDABOT_ENV, 'a Dependabot run (actor dependabot[bot]), which gets no repository secrets'],
    [
      'a Dependabot run re-run by a person',
      { GITHUB_EVENT_NAME: 'push', GITHUB_ACTOR: 'dependabot[bot]', GITHUB_TRIGGERING_ACTOR: 'octocat' },
      'a Dependabot run (actor dependabot[bot]), which gets no repository secrets'
    ]
  ])('%s', (_name, env, why) => {
    expect(secretsWithheld(env)).toEqual({ withheld: true, why })
  })
})

describe('runs that get the secrets', () => {
  test.each([
    ['a push', { GITHUB_EVENT_NAME: 'push' }, "a push event, which gets the repository's secrets"],
    ['a release', { GITHUB_EVENT_NAME: 'release' }, "a release event, which gets the repository's secrets"],
    ['no event named', {}, "a run whose event GITHUB_EVENT_NAME does not name, which gets the repository's secrets"],
    [
      'a pull request from a branch of the repository',
      pullRequestEnv('acme/app'),
      "a pull_request event from a branch of acme/app itself, which gets the repository's secrets"
    ],
    [
      'the same repository spelled in another case',
      pullRequestEnv('Acme/App'),
      "a pull_request event from a branch of acme/app itself, which gets the repository's secrets"
    ],
    [
      'pull_request_target from a fork (it runs in the base repository)',
      pullRequestEnv('someone/app-fork', 'acme/app', 'pull_request_target'),
      "a pull_request_target event, which runs with the base repository's secrets, also for a fork"
    ],
    [
      'a pull request whose payload is missing',
      { GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: '/nonexistent/event.json' },
      'a pull_request event whose payload (GITHUB_EVENT_PATH) could not be read to tell whether it comes from a fork'
    ],
    [
      'a pull request without GITHUB_EVENT_PATH',
      { GITHUB_EVENT_NAME: 'pull_request' },
      'a pull_request event whose payload (GITHUB_EVENT_PATH) could not be read to tell whether it comes from a fork'
    ]
  ])('%s', (_name, env, why) => {
    expect(secretsWithheld(env)).toEqual({ withheld: false, why })
  })

  test.each([
    ['not JSON', '{ not json'],
    ['not a pull request', '{"ref":"refs/heads/main"}'],
    ['a pull request without its head repository', '{"pull_request":{"head":{},"base":{"repo":{"full_name":"acme/app"}}}}']
  ])('a payload that is %s proves no fork', (_name, text) => {
    const env = pullRequestEnv('someone/app-fork')
    writeFileSync(env.GITHUB_EVENT_PATH as string, text)
    expect(secretsWithheld(env).withheld).toBe(false)
  })

  test('a payload that cannot be read (a directory) proves no fork', () => {
    const env = { GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: '/tmp' }
    expect(secretsWithheld(env).withheld).toBe(false)
  })

  test("a fork's name from the payload is shown as safe text", () => {
    const env = pullRequestEnv('evil/x\n::warning::injected')
    expect(secretsWithheld(env).why).not.toContain('\n')
  })
})
