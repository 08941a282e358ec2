// Issue #19: the step's own runner files in plain words: an unwritable GITHUB_STATE fails naming it, an
// unwritable job summary is a warning (the login is done), never node's raw text.
import { mkdtempSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { saveState } from '../../../src/runner/state.js'
import { writeSummary } from '../../../src/step/summary.js'
import { writeOutputs } from '../../../src/step/outputs.js'
import type { Inputs } from '../../../src/step/parse-step.js'
import { captureStdout, type StdoutCapture } from '../../helpers/stdout.js'

let stdout: StdoutCapture
const saved = { ...process.env }
beforeEach(() => {
  stdout = captureStdout()
})
afterEach(() => {
  stdout.restore()
  process.env = { ...saved }
})

const aDirectory = (): string => mkdtempSync(path.join(os.tmpdir(), 'registry-login-runner-file-'))

test('GITHUB_STATE that cannot be written fails naming the variable, the file and what to do', () => {
  const dir = aDirectory()
  process.env.GITHUB_STATE = dir
  expect(() => saveState({ version: 1, logins: [] })).toThrow(
    `The step's state file (GITHUB_STATE) ${dir} cannot be written: it is a directory, not a file (EISDIR). The runner sets GITHUB_STATE to a file of its own: do not set it in the workflow, and leave the runner's temp directory writable.`
  )
})

test('a job summary that cannot be written is one warning, and the step does not fail', () => {
  const dir = aDirectory()
  process.env.GITHUB_STEP_SUMMARY = dir
  const inputs = { provider: 'ibm', plan: { method: 'API key' }, clients: ['docker'], logout: true } as unknown as Inputs
  expect(() => writeSummary(inputs, [{ registry: 'us.icr.io', username: 'iambearer', password: 'x' }])).not.toThrow()
  expect(process.exitCode ?? 0).toBe(0)
  expect(stdout.lines()).toEqual([
    `::warning::The job summary (GITHUB_STEP_SUMMARY) ${dir} cannot be written: it is a directory, not a file (EISDIR). Remove the directory, or point the variable that names the file elsewhere. The login succeeded; only its summary is missing.`
  ])
})

test('GITHUB_OUTPUT that cannot be written fails naming the variable, the file and what to do', () => {
  const dir = aDirectory()
  process.env.GITHUB_OUTPUT = dir
  const inputs = { outputPassword: false } as unknown as Inputs
  expect(() => writeOutputs(inputs, [{ registry: 'us.icr.io', username: 'iambearer', password: 'x' }])).toThrow(
    `The step's output file (GITHUB_OUTPUT) ${dir} cannot be written: it is a directory, not a file (EISDIR). The runner sets GITHUB_OUTPUT to a file of its own: do not set it in the workflow, and leave the runner's temp directory writable.`
  )
})
