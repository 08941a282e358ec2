import { notice, setOutput } from '@actions/core'
import type { Inputs, SkippedLogin } from './inputs.js'
import type { RegistryCredential } from './providers/provider.js'

export function writeOutputs(inputs: Inputs, credentials: RegistryCredential[]): void {
  const first = credentials[0]
  if (!first) return
  setOutput('skipped', 'false')
  setOutput('registry', first.registry)
  setOutput('registries', credentials.map(c => c.registry).join(','))
  setOutput('username', first.username)
  const expiries = credentials.flatMap(c => (c.expiresAt ? [c.expiresAt.getTime()] : []))
  setOutput('expires-at', expiries.length ? new Date(Math.min(...expiries)).toISOString() : '')
  // Only on explicit request: outputs are visible to every later step of the job.
  if (inputs.outputPassword) setOutput('password', first.password)
}

/** `skip-without-credentials`: no login, a notice, and `skipped` true (the other outputs stay empty). */
export function skipLogin(skip: SkippedLogin): void {
  notice(`registry-login: skipped the ${skip.provider} registry login: ${skip.reason}. 'skip-without-credentials' is true, so the step succeeds without logging in.`)
  setOutput('skipped', 'true')
}
