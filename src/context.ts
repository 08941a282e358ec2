import * as core from '@actions/core'
import { getExecOutput } from '@actions/exec'
import { which } from '@actions/io'
import type { ClientContext } from './clients/client.js'
import { createHttp } from './http.js'
import { githubIdToken } from './oidc.js'
import type { ProviderContext } from './providers/provider.js'
import { maskSecret } from './secrets.js'

const VERSION = '0.1.0'

/** Tunables for tests and unusual networks; read from the environment only. */
function envNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = Number(env[name])
  return env[name] && Number.isFinite(value) && value >= 0 ? value : fallback
}

export function providerContext(env: NodeJS.ProcessEnv = process.env): ProviderContext {
  const http = createHttp({
    userAgent: `registry-login/${VERSION}`,
    timeoutMs: envNumber(env, 'REGISTRY_LOGIN_HTTP_TIMEOUT_MS', 30_000),
    retry: {
      attempts: envNumber(env, 'REGISTRY_LOGIN_HTTP_ATTEMPTS', 4),
      baseDelayMs: envNumber(env, 'REGISTRY_LOGIN_HTTP_RETRY_DELAY_MS', 1_000),
      maxDelayMs: 10_000
    }
  })
  return {
    http,
    env,
    async idToken(audience) {
      const token = await githubIdToken(http, audience, env)
      maskSecret(token)
      return token
    },
    mask: maskSecret,
    warn: message => core.warning(message),
    debug: message => core.debug(message),
    now: () => new Date()
  }
}

export function clientContext(env: NodeJS.ProcessEnv = process.env): ClientContext {
  return {
    env,
    which: binary => which(binary, false),
    async run(command, args, options = {}) {
      const result = await getExecOutput(command, args, {
        ...(options.stdin !== undefined ? { input: Buffer.from(options.stdin) } : {}),
        env: { ...(env as Record<string, string>), ...(options.env as Record<string, string> | undefined) },
        ignoreReturnCode: true,
        silent: !core.isDebug()
      })
      return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr }
    }
  }
}
