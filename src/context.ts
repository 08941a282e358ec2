import * as core from '@actions/core'
import { spawn } from 'node:child_process'
import { which } from '@actions/io'
import type { ClientContext } from './clients/client.js'
import { createHttp } from './http.js'
import { log, safeLines } from './log.js'
import { safeText } from './log-safe.js'
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
    warn: message => log.warning(message),
    debug: message => log.debug(message),
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
  return {
    env,
    which: binary => which(binary, false),
    async run(command, args, options = {}) {
      const childEnv = { ...clientEnv(env), ...(options.env as Record<string, string> | undefined) }
      const debug = core.isDebug()
      // Resolved like @actions/exec does, so the debug log names the binary that ran.
      const full = (await which(command, false)) || command
      if (debug) log.info(`[command]${full} ${args.map(arg => safeText(arg)).join(' ')}`)
      return new Promise((resolve, reject) => {
        const child = spawn(full, args, { env: childEnv, stdio: ['pipe', 'pipe', 'pipe'] })
        let stdout = ''
        let stderr = ''
        // Step debug shows the client's own output, line by line made safe.
        const shownOut = safeLines(text => process.stdout.write(text))
        const shownErr = safeLines(text => process.stderr.write(text))
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString()
          if (debug) shownOut.push(chunk)
        })
        child.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString()
          if (debug) shownErr.push(chunk)
        })
        // A client that exits without reading its stdin (it failed early) closes the pipe: EPIPE is
        // then no crash of the action, the client's exit code tells what happened.
        child.stdin.on('error', () => {})
        child.on('error', reject)
        child.on('close', code => {
          shownOut.end()
          shownErr.end()
          resolve({ exitCode: code ?? 1, stdout, stderr })
        })
        child.stdin.end(options.stdin !== undefined ? Buffer.from(options.stdin) : undefined)
      })
    }
  }
}
