// Every retry count, delay and timeout the action uses, each with the environment variable (if any) that overrides it.
import type { RetryOptions } from './retry.js'
import { envNumber } from './tunables.js'

// ---- Cloud calls: every token exchange and the GitHub OIDC token request, over HTTP or Nebius's gRPC alike ----

/** How long one attempt of a cloud call may take. Override: REGISTRY_LOGIN_HTTP_TIMEOUT_MS. */
export const CLOUD_TIMEOUT_MS = 30_000
/** Attempts per cloud call, the first one included (at least 1). Override: REGISTRY_LOGIN_HTTP_ATTEMPTS. */
export const CLOUD_ATTEMPTS = 4
/** Base of the jittered exponential backoff between attempts. Override: REGISTRY_LOGIN_HTTP_RETRY_DELAY_MS. */
export const CLOUD_RETRY_DELAY_MS = 1_000
/** Longest wait between two attempts, Retry-After included. No override. */
export const CLOUD_MAX_RETRY_DELAY_MS = 10_000

/**
 * Most bytes of a cloud call's reply the action reads (HTTP body or gRPC frames): a token reply is a few
 * KiB, so 1 MiB is plenty, and a reply that goes past it is cut off, the call aborted and not retried
 * (a timed-out one is retried like one that got no answer). No override.
 */
export const MAX_REPLY_BYTES = 1024 * 1024

export interface CloudCallPolicy {
  timeoutMs: number
  retry: RetryOptions
}

/** The timeout and retries of every cloud call, with the step's overrides applied. */
export function cloudCallPolicy(env: NodeJS.ProcessEnv): CloudCallPolicy {
  return {
    timeoutMs: envNumber(env, 'REGISTRY_LOGIN_HTTP_TIMEOUT_MS', CLOUD_TIMEOUT_MS),
    retry: {
      // 0 attempts would still make one (retry() always calls once): said here rather than left to the loop.
      attempts: Math.max(1, envNumber(env, 'REGISTRY_LOGIN_HTTP_ATTEMPTS', CLOUD_ATTEMPTS)),
      baseDelayMs: envNumber(env, 'REGISTRY_LOGIN_HTTP_RETRY_DELAY_MS', CLOUD_RETRY_DELAY_MS),
      maxDelayMs: CLOUD_MAX_RETRY_DELAY_MS
    }
  }
}

// ---- Registry client logins (clients/login-command.ts) ----

/**
 * Client login retries: 3 attempts by default, a jittered backoff from 2 s (at most 15 s), so a
 * registry that answers 503 for a few seconds (a rolling restart, a rate limit) does not fail the job.
 * A client stopped at its deadline (process/run-process.ts) is not retried: after minutes without an answer it is
 * stuck, and another attempt would double the wait; the clients' own network timeouts are retried.
 * Overrides: REGISTRY_LOGIN_CLIENT_ATTEMPTS (at least 1), REGISTRY_LOGIN_CLIENT_RETRY_DELAY_MS; the 15 s cap has none.
 */
export const CLIENT_ATTEMPTS = 3
export const CLIENT_RETRY_DELAY_MS = 2_000
export const CLIENT_MAX_RETRY_DELAY_MS = 15_000

export function clientRetry(env: NodeJS.ProcessEnv): RetryOptions {
  return {
    attempts: Math.max(1, envNumber(env, 'REGISTRY_LOGIN_CLIENT_ATTEMPTS', CLIENT_ATTEMPTS)),
    baseDelayMs: envNumber(env, 'REGISTRY_LOGIN_CLIENT_RETRY_DELAY_MS', CLIENT_RETRY_DELAY_MS),
    maxDelayMs: CLIENT_MAX_RETRY_DELAY_MS
  }
}

// ---- Registry client processes and post (process/run-process.ts) ----

/**
 * How long a client process may run, and how long post may take as a whole.
 *
 * Defaults are generous on purpose: a login is a registry round trip (ping, token, retry of the
 * plain-http fallback docker does for some hosts) that takes well under 10 s even on a slow registry,
 * and the clients' own network timeouts (Go's 30 s dial, 10 s TLS handshake) end a dead network
 * first; a client still running after 2 minutes is stuck (a credential helper waiting for a
 * desktop prompt, a locked auth file), not slow. A logout only edits a file (or asks a credential
 * helper to erase an entry): 30 s. Post as a whole gets 3 minutes, so the job's cleanup ends in bounded
 * time even with several clients and registries. Main as a whole gets 10 minutes, a backstop past every cloud
 * call's and client's own deadline (process/step-deadline.ts): when it passes, main fails and ends,
 * whatever it waits for. Each is overridden by its `variable`; 0 keeps the default.
 */
export const DEADLINES = {
  login: { variable: 'REGISTRY_LOGIN_CLIENT_TIMEOUT_MS', defaultMs: 120_000 },
  logout: { variable: 'REGISTRY_LOGIN_LOGOUT_TIMEOUT_MS', defaultMs: 30_000 },
  post: { variable: 'REGISTRY_LOGIN_POST_TIMEOUT_MS', defaultMs: 180_000 },
  main: { variable: 'REGISTRY_LOGIN_MAIN_TIMEOUT_MS', defaultMs: 600_000 }
} as const

export interface Limit {
  ms: number
  /** The environment variable that raises it. */
  variable: string
}

/** A deadline with the step's override applied: no deadline at all is never an option (0 and nonsense keep the default). */
export function deadlineFor(kind: keyof typeof DEADLINES, env: NodeJS.ProcessEnv): Limit {
  const { variable, defaultMs } = DEADLINES[kind]
  const ms = envNumber(env, variable, defaultMs)
  return { ms: ms > 0 ? ms : defaultMs, variable }
}

/** How long a process that ignores SIGTERM has before SIGKILL. No override. */
export const KILL_GRACE_MS = 5_000
/** After SIGKILL, how much longer the process group is waited for before the call gives up on it. No override. */
export const KILL_WAIT_MS = 1_000
/** How often a stopped process group is looked at (at most; less when the grace period is shorter). No override. */
export const KILL_POLL_MS = 50
/** After the client exits, how long its output pipes may stay open (held by a child it left behind). No override. */
export const DRAIN_MS = 1_000

// ---- The credential helper (credential-helper/entry.ts), run by a client in a later step ----

/** The helper as a whole never waits longer: the cloud calls have their own deadlines and retries inside this. No override. */
export const HELPER_DEADLINE_MS = 90_000
/** How long the helper waits for the client's request on its stdin. No override. */
export const HELPER_STDIN_DEADLINE_MS = 10_000

// ---- The runner's own metadata service (net/metadata.ts, auth: runner-identity) ----

/**
 * A metadata service is on the host itself (a link-local address the hypervisor answers), so its calls get short
 * deadlines and small replies, and no retry: the TCP connection must be up within 2 s (nothing there means this runner
 * is not such a VM), one exchange (connect, request, whole reply) done within 10 s, at most 64 KiB read (a token or
 * an STS triple is a few KiB). No overrides: the limits are not worth tuning, and the tests point the
 * REGISTRY_LOGIN_ENDPOINT_*_METADATA variables at loopback emulators that answer at once.
 */
export const METADATA_CONNECT_TIMEOUT_MS = 2_000
export const METADATA_EXCHANGE_TIMEOUT_MS = 10_000
export const METADATA_MAX_REPLY_BYTES = 64 * 1024
/** Lifetime asked for Alibaba's metadata session token and IBM's instance identity token: one login needs seconds. */
export const METADATA_SESSION_TTL_SECONDS = 300
