// The local cloud for an end-to-end test file, and what the tests check after a run against it.
import { readFileSync } from 'node:fs'
import type { clientSandbox } from '../../harness/client-env.js'
import { startLocalCloud } from '../../harness/local-cloud.js'
import { RUNNER_DEFAULTS } from '../../harness/run-action.js'

export type LocalCloud = Awaited<ReturnType<typeof startLocalCloud>>
export type ClientSandbox = ReturnType<typeof clientSandbox>

/**
 * Starts the local cloud before the file's first test and stops it after its last; the returned
 * function gives the running cloud.
 */
export function localCloudForFile(options?: Parameters<typeof startLocalCloud>[0]): () => LocalCloud {
  let cloud: LocalCloud | undefined
  let starting: Promise<LocalCloud> | undefined
  // Another file's cloud may hold the machine's one local cloud for a while (the lock waits up to
  // 300 s): the hooks wait longer than that, and a start still under way is stopped once it ends.
  beforeAll(async () => {
    starting = startLocalCloud(options)
    cloud = await starting
  }, CLOUD_HOOK_TIMEOUT_MS)
  afterAll(async () => {
    const running = cloud ?? (await starting?.catch(() => undefined))
    await running?.stop()
  }, CLOUD_HOOK_TIMEOUT_MS)
  return () => {
    if (!cloud) throw new Error('the local cloud is not running')
    return cloud
  }
}

const CLOUD_HOOK_TIMEOUT_MS = 420_000

/** What a GitHub runner always sets about the repository; the default OIDC audience is derived from it. */
export const REPOSITORY_ENV = {
  GITHUB_SERVER_URL: RUNNER_DEFAULTS.GITHUB_SERVER_URL,
  GITHUB_REPOSITORY: RUNNER_DEFAULTS.GITHUB_REPOSITORY,
  GITHUB_REPOSITORY_OWNER: RUNNER_DEFAULTS.GITHUB_REPOSITORY_OWNER
}

/** Neither docker's nor the containers tools' auth file has an entry (a missing file has none). */
export function expectNoAuthEntries(sandbox: ClientSandbox): void {
  expect(sandbox.auths(sandbox.files.docker)).toEqual({})
  expect(sandbox.auths(sandbox.files.containers)).toEqual({})
}

/** The text of the GITHUB_STATE file main wrote. */
export const stateFileOf = (main: { files: { GITHUB_STATE: string } }): string => readFileSync(main.files.GITHUB_STATE, 'utf8')
