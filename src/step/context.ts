// The step's contexts: the cloud-call context providers get, and how registry clients are run.
import * as core from '@actions/core'
import { findBinary, spawnTarget } from '../process/find-binary.js'
import type { ClientContext } from '../process/command-context.js'
import { runProcess, tighter, type Budget } from '../process/run-process.js'
import { createHttp } from '../net/http.js'
import { registryRetryAfter } from '../net/registry-retry-after.js'
import { log, safeLines } from '../log/log.js'
import { safeText } from '../log/escape.js'
import { githubIdToken } from '../net/oidc.js'
import { thisPlatform } from '../runner/platform.js'
import type { ProviderContext } from '../providers/provider.js'
import { maskSecret } from '../log/secrets.js'
import { cloudCallPolicy, deadlineFor } from '../net/policies.js'
import { VERSION } from '../runner/version.js'

/** Where a provider's masking, warnings and debug lines go: the runner's log by default. */
export type ProviderLog = Pick<ProviderContext, 'mask' | 'warn' | 'debug'>

const USER_AGENT = `registry-login/${VERSION}`

const runnerLog: ProviderLog = { mask: maskSecret, warn: message => log.warning(message), debug: message => log.debug(message) }

export function providerContext(env: NodeJS.ProcessEnv = process.env, sink: ProviderLog = runnerLog): ProviderContext {
  const http = createHttp({ userAgent: USER_AGENT, ...cloudCallPolicy(env) })
  return {
    http,
    env,
    async idToken(audience) {
      const token = await githubIdToken(http, audience, env)
      sink.mask(token)
      return token
    },
    ...sink,
    now: () => new Date()
  }
}

/**
 * The environment a registry client runs with: the step's, less what only the action needs
 * (its inputs, which hold the secrets, and the runner's OIDC request token).
 */
export function clientEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || name.startsWith('INPUT_') || name.startsWith('ACTIONS_ID_TOKEN_REQUEST_')) continue
    out[name] = value
  }
  return out
}

/**
 * How the action runs registry clients: each process under its deadline (process/run-process.ts), and within
 * `budget` when one is given (post's overall deadline).
 */
export function clientContext(env: NodeJS.ProcessEnv = process.env, budget?: Budget): ClientContext {
  const platform = thisPlatform()
  return {
    env,
    ...(budget ? { budget } : {}),
    which: binary => findBinary(binary, env, platform),
    retryAfter: (registry, withinMs) => registryRetryAfter({ base: `https://${registry}`, userAgent: USER_AGENT, withinMs }),
    async run(command, args, options = {}) {
      const childEnv = { ...clientEnv(env), ...(options.env as Record<string, string> | undefined) }
      const debug = core.isDebug()
      // Resolved on PATH (with PATHEXT on Windows), so the debug log names the binary that ran.
      const full = (await findBinary(command, env, platform)) || command
      if (debug) log.info(`[command]${full} ${args.map(arg => safeText(arg)).join(' ')}`)
      const purpose = options.purpose ?? 'login'
      const target = spawnTarget(full, args, env, platform)
      // Step debug shows the client's own output, line by line made safe.
      const shownOut = safeLines(text => process.stdout.write(text))
      const shownErr = safeLines(text => process.stderr.write(text))
      try {
        return await runProcess(target.command, target.args, {
          windowsVerbatimArguments: target.windowsVerbatimArguments,
          env: childEnv,
          ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
          limit: tighter(deadlineFor(purpose, env), budget),
          what: `${command} ${purpose}`,
          ...(debug ? { onStdout: chunk => shownOut.push(chunk), onStderr: chunk => shownErr.push(chunk) } : {})
        })
      } finally {
        shownOut.end()
        shownErr.end()
      }
    }
  }
}
