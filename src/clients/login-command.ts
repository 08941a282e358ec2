// Runs a registry client command: a login retried on transient failures (net/policies.ts), an error in the client's words.
import { safeText } from '../log/escape.js'
import { CLIENT_MAX_RETRY_AFTER_MS, clientRateLimitDelay, clientRetry, REGISTRY_PROBE_TIMEOUT_MS } from '../net/policies.js'
import { log } from '../log/log.js'
import { retry, type RetryPolicy } from '../net/retry.js'
import type { ClientContext } from '../process/command-context.js'
import { ClientCommandError, clientFailure } from './login-failure.js'

const argAfter = (args: string[], flag: string): string | undefined => {
  const at = args.indexOf(flag)
  return at >= 0 ? args[at + 1] : undefined
}

/**
 * Runs a client command and turns a non-zero exit into an error that quotes the client's own words.
 * A login (`login … --username U … REGISTRY`) is retried on transient registry failures, with the
 * password fed on stdin again each time; a refused credential is reported at once.
 */
export async function runClient(
  ctx: ClientContext,
  client: string,
  args: string[],
  options: { stdin?: string; env?: NodeJS.ProcessEnv; ignoreFailure?: RegExp } = {}
): Promise<string> {
  const { ignoreFailure, ...runOptions } = options
  // Name the subcommand, not a global option before it (docker's args start with --config <dir>).
  const verb = args.find(arg => arg === 'login' || arg === 'logout') ?? args[0] ?? ''
  const purpose = verb === 'logout' ? 'logout' : 'login'
  const username = argAfter(args, '--username')
  const login = purpose === 'login' && username !== undefined ? { username, registry: args[args.length - 1] ?? '' } : undefined
  const policy = clientRetry(ctx.env)
  const label = login ? `${client} ${verb} to ${safeText(login.registry)}` : ''
  let attempt = 0
  const once = async (): Promise<string> => {
    attempt++
    const result = await ctx.run(client, args, { ...runOptions, purpose })
    if (result.exitCode !== 0 && !(ignoreFailure && ignoreFailure.test(result.stderr + result.stdout))) {
      const error = clientFailure(client, verb, result, login)
      // Asked only when another attempt follows: the wait is all it is for.
      if (login && error.rateLimited && attempt < policy.attempts) await askRetryAfter(ctx, login.registry, label, error, attempt)
      throw error
    }
    return result.stdout
  }
  if (!login) return once()
  return retry(once, { ...policy, label, ...rateLimitRule(ctx) })
}

/**
 * Notes on `error` the wait the registry asks for, when it names one (net/registry-retry-after.ts). The look gets
 * what the step's deadline leaves once the rate-limit delay is set aside (none when that is nothing), so a registry
 * that does not answer it never costs the attempt that delay would have allowed.
 */
async function askRetryAfter(
  ctx: ClientContext,
  registry: string,
  label: string,
  error: ClientCommandError,
  attempt: number
): Promise<void> {
  const withinMs = Math.min(2 * REGISTRY_PROBE_TIMEOUT_MS, (ctx.budget?.remainingMs() ?? Infinity) - clientRateLimitDelay(ctx.env, attempt))
  if (!ctx.retryAfter || withinMs <= 0) return
  const ms = await ctx.retryAfter(registry, withinMs)
  if (ms === undefined) return
  error.retryAfterMs = Math.min(Math.round(ms), CLIENT_MAX_RETRY_AFTER_MS)
  log.info`${label}: the registry asks to wait ${Math.ceil(error.retryAfterMs / 1000)} s (its Retry-After)`
}

/**
 * A login the registry answered 429 or 503 waits the registry's Retry-After when it named one, else the rate-limit
 * delay (net/policies.ts), instead of the backoff; no wait runs past the step's deadline when the context has one.
 */
function rateLimitRule(ctx: ClientContext): Pick<RetryPolicy, 'delayHint' | 'maxHintMs' | 'deadline'> {
  const { budget } = ctx
  return {
    delayHint: (error, attempt) =>
      error instanceof ClientCommandError && error.rateLimited ? (error.retryAfterMs ?? clientRateLimitDelay(ctx.env, attempt)) : undefined,
    maxHintMs: CLIENT_MAX_RETRY_AFTER_MS,
    ...(budget ? { deadline: { remainingMs: () => budget.remainingMs(), variable: budget.limit.variable } } : {})
  }
}
