// The step's outputs (registries, usernames, expiry, optionally the password) and the skipped login's outputs.
import { setOutput } from '@actions/core'
import { log } from '../log/log.js'
import { fileFault } from '../runner/faults.js'
import type { Inputs, SkippedLogin } from './parse-step.js'
import type { RegistryCredential } from '../types.js'

/**
 * An expiry as ISO 8601, or undefined when there is none or it is no time at all: a cloud's
 * expiry field out of range (expires_in: 1e300) makes an Invalid Date, whose toISOString throws
 * after every login has succeeded.
 */
export function expiryText(date: Date | undefined): string | undefined {
  return date && Number.isFinite(date.getTime()) ? date.toISOString() : undefined
}

export function writeOutputs(inputs: Inputs, credentials: RegistryCredential[]): void {
  try {
    setOutputs(inputs, credentials)
  } catch (error) {
    throw fileFault(
      error,
      "The step's output file (GITHUB_OUTPUT)",
      process.env.GITHUB_OUTPUT ?? '',
      'written',
      "The runner sets GITHUB_OUTPUT to a file of its own: do not set it in the workflow, and leave the runner's temp directory writable."
    )
  }
}

function setOutputs(inputs: Inputs, credentials: RegistryCredential[]): void {
  const first = credentials[0]
  if (!first) return
  setOutput('skipped', 'false')
  setOutput('registry', first.registry)
  setOutput('registries', credentials.map(c => c.registry).join(','))
  setOutput('username', first.username)
  const expiries = credentials.flatMap(c => (expiryText(c.expiresAt) ? [c.expiresAt as Date] : []))
  setOutput('expires-at', expiryText(new Date(Math.min(...expiries.map(date => date.getTime())))) ?? '')
  // Only on explicit request: outputs are visible to every later step of the job.
  if (inputs.outputPassword) setOutput('password', first.password)
}

/** `skip-without-credentials`: no login, a notice, and `skipped` true (the other outputs stay empty). */
export function skipLogin(skip: SkippedLogin): void {
  log.notice`registry-login: skipped the ${skip.provider} registry login: ${skip.reason}. 'skip-without-credentials' is true, so the step succeeds without logging in.`
  setOutput('skipped', 'true')
}
