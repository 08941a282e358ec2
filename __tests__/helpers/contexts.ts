import { promises as fs } from 'node:fs'
import path from 'node:path'
import type { ClientContext, Runner } from '../../src/process/command-context.js'
import { createHttp, type Http } from '../../src/net/http.js'
import type { ProviderContext } from '../../src/providers/provider.js'
import { maskSecret } from '../../src/log/secrets.js'

/** Fast HTTP for tests: no real sleeping between attempts; the delays asked for are recorded. */
export function fastHttp(options: { attempts?: number; timeoutMs?: number; maxDelayMs?: number } = {}): { http: Http; sleeps: number[] } {
  const sleeps: number[] = []
  const http = createHttp({
    userAgent: 'registry-login-test/1.0',
    timeoutMs: options.timeoutMs ?? 2_000,
    retry: {
      attempts: options.attempts ?? 3,
      baseDelayMs: 1,
      maxDelayMs: options.maxDelayMs ?? 10_000,
      sleep: async ms => void sleeps.push(ms)
    }
  })
  return { http, sleeps }
}

export interface TestProviderContext extends ProviderContext {
  warnings: string[]
  masked: string[]
}

/** Like the production context, with the test's env and HTTP, recording warnings and masks. */
export function testProviderContext(
  env: NodeJS.ProcessEnv,
  http: Http = fastHttp().http,
  now = new Date('2030-01-01T00:00:00Z')
): TestProviderContext {
  const warnings: string[] = []
  const masked: string[] = []
  return {
    http,
    env,
    warnings,
    masked,
    idToken: async () => {
      throw new Error('no OIDC in unit tests')
    },
    mask: secret => {
      masked.push(secret)
      maskSecret(secret)
    },
    warn: message => void warnings.push(message),
    debug: () => undefined,
    now: () => now
  }
}

/** Gives `ctx` a GitHub OIDC token service: `mint` makes the token, and every audience asked for is recorded. */
export function withGithubOidc<T extends ProviderContext>(ctx: T, mint: (audience: string) => string): T & { audiences: string[] } {
  const audiences: string[] = []
  return Object.assign(ctx, {
    audiences,
    idToken: async (audience: string) => {
      audiences.push(audience)
      return mint(audience)
    }
  })
}

export interface RunCall {
  command: string
  args: string[]
  stdin: string | undefined
  /** Variables the call sets over the context's environment, when it sets any. */
  env?: NodeJS.ProcessEnv
}

export type RunResult = { exitCode: number; stdout: string; stderr: string }

/** Decides what a fake client command does; return undefined for the default emulation. */
export type RunBehaviour = (call: RunCall, index: number) => RunResult | undefined | Promise<RunResult | undefined>

export interface FakeClientContext extends ClientContext {
  calls: RunCall[]
  behaviour: RunBehaviour
  whichAsked: string[]
}

function argAfter(args: string[], flag: string): string | undefined {
  const at = args.indexOf(flag)
  return at >= 0 ? args[at + 1] : undefined
}

async function readAuths(file: string): Promise<Record<string, unknown>> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, unknown>
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {}
    throw error
  }
}

/**
 * What a real client does to its auth file: login stores `{auth: base64(user:pass)}` under the
 * registry, logout removes it (or complains that it is not logged in).
 */
async function emulate(call: RunCall): Promise<RunResult> {
  const args = call.args
  const isDocker = call.command === 'docker'
  const verbAt = isDocker ? 2 : call.command === 'helm' ? 1 : 0
  const verb = args[verbAt]
  const file = isDocker
    ? path.join(argAfter(args, '--config') ?? '', 'config.json')
    : (argAfter(args, '--authfile') ?? argAfter(args, '--registry-config') ?? '')
  const registry = args[args.length - 1] ?? ''
  const json = await readAuths(file)
  const auths = { ...((json.auths as Record<string, unknown> | undefined) ?? {}) }
  if (verb === 'login') {
    const username = argAfter(args, '--username') ?? ''
    auths[registry] = { auth: Buffer.from(`${username}:${call.stdin ?? ''}`).toString('base64') }
  } else if (verb === 'logout') {
    if (!(registry in auths)) return { exitCode: 125, stdout: '', stderr: `Error: not logged into ${registry}` }
    delete auths[registry]
  } else {
    return { exitCode: 2, stdout: '', stderr: `unknown command ${verb ?? ''}` }
  }
  await fs.mkdir(path.dirname(file), { recursive: true })
  await fs.writeFile(file, `${JSON.stringify({ ...json, auths }, null, 2)}\n`)
  return { exitCode: 0, stdout: verb === 'login' ? 'Login Succeeded!' : `Removed login credentials for ${registry}`, stderr: '' }
}

/**
 * A ClientContext whose commands are recorded and, unless `behaviour` says otherwise, emulate
 * the real client on its auth file. `onPath` lists the binaries `which` finds.
 */
export function fakeClientContext(
  env: NodeJS.ProcessEnv,
  options: { onPath?: string[]; behaviour?: RunBehaviour } = {}
): FakeClientContext {
  const calls: RunCall[] = []
  const whichAsked: string[] = []
  const onPath = options.onPath ?? ['docker', 'podman', 'buildah', 'skopeo', 'helm', 'oras']
  const ctx: FakeClientContext = {
    env,
    calls,
    whichAsked,
    behaviour: options.behaviour ?? (() => undefined),
    async which(binary) {
      whichAsked.push(binary)
      return onPath.includes(binary) ? `/usr/local/bin/${binary}` : ''
    },
    run: (async (command, args, runOptions = {}) => {
      const call: RunCall = { command, args: [...args], stdin: runOptions.stdin, ...(runOptions.env ? { env: runOptions.env } : {}) }
      calls.push(call)
      const decided = await ctx.behaviour(call, calls.length - 1)
      return decided ?? emulate(call)
    }) satisfies Runner
  }
  return ctx
}
