import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Http, HttpRequest } from '../../../src/net/http.js'
import { runMain } from '../../../src/main.js'
import { fakeClientContext, testProviderContext } from '../../helpers/contexts.js'
import { stepPerTest } from '../../helpers/step.js'

/** An IAM that answers every exchange with this reply. */
const iamAnswering = (reply: Record<string, unknown>): Http => ({
  request: async () => ({ status: 200, headers: {}, body: JSON.stringify(reply) }),
  json: async <T>(_req: HttpRequest) => reply as T
})

// @actions/core's summary keeps the first file it was given: one for the whole file.
const summaryFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'outputs-summary-')), 'summary.md')
const step = stepPerTest()

describe("a cloud's expiry that is no time at all: the login stands, expires-at is empty", () => {
  test.each([
    ['expiration far beyond what a date can hold', { expiration: 1e20 }],
    ['expires_in far beyond what a date can hold', { expires_in: 1e300 }]
  ])('%s', async (_name, expiry) => {
    writeFileSync(summaryFile, '')
    process.env.GITHUB_STEP_SUMMARY = summaryFile
    step.env.setInputs({ provider: 'ibm', region: 'us', 'api-key': 'ibm-apikey-Zq9xWv3Lk7Tn0Rb5Hs2Dy8', clients: 'docker-config' })
    const http = iamAnswering({ access_token: 'iam-token-Hs2Dy8Zq9xWv3Lk7Tn0Rb5', ...expiry })
    await runMain({ providerContext: testProviderContext({ ...process.env }, http), clientContext: fakeClientContext({ ...process.env }) })
    expect(step.stdout.lines().filter(l => l.startsWith('::error::'))).toEqual([])
    expect(step.env.outputs()).toMatchObject({ username: 'iambearer', 'expires-at': '' })
    expect(readFileSync(summaryFile, 'utf8')).toContain('not reported')
  })
})
