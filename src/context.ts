import * as core from '@actions/core'
import { spawn } from 'node:child_process'
import { findBinary, spawnTarget } from './binary.js'
import type { ClientContext } from './clients/client.js'
import { createHttp } from './http.js'
import { githubIdToken } from './oidc.js'
import { thisPlatform } from './platform.js'
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

export function clientContext(env: NodeJS.ProcessEnv = process.env): ClientContext {
  const platform = thisPlatform()
  return {
    env,
    which: binary => findBinary(binary, env, platform),
    async run(command, args, options = {}) {
      const childEnv = { ...clientEnv(env), ...(options.env as Record<string, string> | undefined) }
      const debug = core.isDebug()
      // Resolved on PATH (with PATHEXT on Windows), so the debug log names the binary that ran.
      const full = (await findBinary(command, env, platform)) || command
      if (debug) core.info(`[command]${full} ${args.join(' ')}`)
      const target = spawnTarget(full, args, env, platform)
      return new Promise((resolve, reject) => {
        const child = spawn(target.command, target.args, {
          env: childEnv,
          stdio: ['pipe', 'pipe', 'pipe'],
          windowsVerbatimArguments: target.windowsVerbatimArguments
        })
        let stdout = ''
        let stderr = ''
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString()
          if (debug) process.stdout.write(chunk)
        })
        child.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString()
          if (debug) process.stderr.write(chunk)
        })
        // A client that exits without reading its stdin (it failed early) closes the pipe: EPIPE is
        // then no crash of the action, the client's exit code tells what happened.
        child.stdin.on('error', () => {})
        child.on('error', reject)
        child.on('close', code => resolve({ exitCode: code ?? 1, stdout, stderr }))
        child.stdin.end(options.stdin !== undefined ? Buffer.from(options.stdin) : undefined)
      })
    }
  }
}
