import { ActionError } from '../errors.js'
import { safeText } from '../log-safe.js'
import type { ClientContext } from './client.js'

/** Runs a client command and turns a non-zero exit into an error that quotes the client's own words. */
export async function runClient(
  ctx: ClientContext,
  client: string,
  args: string[],
  options: { stdin?: string; env?: NodeJS.ProcessEnv; ignoreFailure?: RegExp } = {}
): Promise<string> {
  const { ignoreFailure, ...runOptions } = options
  const result = await ctx.run(client, args, runOptions)
  if (result.exitCode !== 0 && !(ignoreFailure && ignoreFailure.test(result.stderr + result.stdout))) {
    // The client's last three lines, each made safe: its output may echo what it was given.
    const said = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-3).map(text => safeText(text.trim(), 400)).join(' / ')
    // Name the subcommand, not a global option before it (docker's args start with --config <dir>).
    const verb = args.find(arg => arg === 'login' || arg === 'logout') ?? args[0] ?? ''
    throw new ActionError(`'${client} ${verb}' exited with code ${result.exitCode}: ${said || 'no output'}`)
  }
  return result.stdout
}
