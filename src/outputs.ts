import { setOutput } from '@actions/core'
import type { Inputs } from './inputs.js'
import type { RegistryCredential } from './providers/provider.js'

export function writeOutputs(inputs: Inputs, credentials: RegistryCredential[]): void {
  const first = credentials[0]
  if (!first) return
  setOutput('registry', first.registry)
  setOutput('registries', credentials.map(c => c.registry).join(','))
  setOutput('username', first.username)
  const expiries = credentials.flatMap(c => (c.expiresAt ? [c.expiresAt.getTime()] : []))
  setOutput('expires-at', expiries.length ? new Date(Math.min(...expiries)).toISOString() : '')
  // Only on explicit request: outputs are visible to every later step of the job.
  if (inputs.outputPassword) setOutput('password', first.password)
}
