// Checks, before any cloud call, that every chosen client runs on this OS and is on PATH, with an install hint.
import { InputError } from '../log/errors.js'
import { osName, thisPlatform, type Platform } from '../runner/platform.js'
import type { ClientContext } from '../process/command-context.js'
import type { RegistryClient } from './client.js'

/**
 * Refuses, before any cloud is called, a client that cannot run on this OS or whose binary is not
 * on PATH, naming the client and how to get it.
 */
export async function requireClients(
  chosen: readonly RegistryClient[],
  ctx: ClientContext,
  platform: Platform = thisPlatform()
): Promise<void> {
  for (const client of chosen) {
    if (client.platforms && !client.platforms.includes(platform.os)) {
      const where = client.platforms.map(osName).join(', ')
      throw new InputError(
        'clients',
        `asks for '${client.id}', which does not run on ${osName(platform.os)} (only on ${where})`,
        `Drop '${client.id}' from 'clients' on this runner (docker, docker-config, helm, oras${client.id === 'podman' ? '' : ' and podman'} work here), or run the job on ${where.includes('Linux') ? 'a Linux runner' : where}.`
      )
    }
  }
  for (const client of chosen) {
    if (client.binary && !(await ctx.which(client.binary))) {
      throw new InputError(
        'clients',
        `asks for '${client.id}', but '${client.binary}' is not on PATH`,
        `Install it: ${client.installHint ?? `put ${client.binary} on PATH in an earlier step`}; or drop '${client.id}' from 'clients'.`
      )
    }
  }
}
