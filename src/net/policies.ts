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

// ---- Registry client logins the registry answered "too many requests" or "unavailable" (clients/login-command.ts) ----

/**
 * A client login the registry answered with HTTP 429 or 503 waits longer before its next attempt than other
 * transient failures: the registry asked for a pause. docker, podman, buildah and skopeo print the status but not
 * its Retry-After; helm and oras (oras-go) wait out a 429's Retry-After themselves, at most 3 s and 5 times, before
 * they give up. The registry's own Retry-After is read when it can be (below); otherwise the wait is
 * CLIENT_RATE_LIMIT_DELAY_MS, doubled per attempt, at most CLIENT_MAX_RATE_LIMIT_DELAY_MS, and never past the step's
 * deadline (a wait that would end after it is not started). The attempts are the client logins' (REGISTRY_LOGIN_CLIENT_ATTEMPTS).
 * Override: REGISTRY_LOGIN_CLIENT_RATE_LIMIT_DELAY_MS (the first wait); the cap has none.
 */
export const CLIENT_RATE_LIMIT_DELAY_MS = 5_000
export const CLIENT_MAX_RATE_LIMIT_DELAY_MS = 60_000
/** The HTTP statuses that ask a client to come back later (clients/login-failure.ts, net/registry-retry-after.ts). */
export const RATE_LIMIT_STATUSES = [429, 503] as const

/**
 * No client prints the registry's Retry-After, so after a 429 or 503 the action asks the registry itself, without
 * credentials (net/registry-retry-after.ts): its `/v2/` and the token service its challenge names, each request
 * within REGISTRY_PROBE_TIMEOUT_MS and REGISTRY_PROBE_MAX_REPLY_BYTES, and both within what the step's deadline leaves
 * once the delay below is set aside (so a registry that does not answer never costs the attempt the delay would have
 * allowed). A Retry-After read there is the wait, at most CLIENT_MAX_RETRY_AFTER_MS and never past the step's deadline
 * (a wait that would end after it is not started: the login fails at once, naming REGISTRY_LOGIN_MAIN_TIMEOUT_MS);
 * without one, the delay below. No overrides.
 */
export const REGISTRY_PROBE_TIMEOUT_MS = 5_000
export const REGISTRY_PROBE_MAX_REPLY_BYTES = 64 * 1024
export const CLIENT_MAX_RETRY_AFTER_MS = 10 * 60_000

/** The wait after failed attempt number `attempt` (1-based) of a rate-limited client login without a Retry-After. */
export function clientRateLimitDelay(env: NodeJS.ProcessEnv, attempt: number): number {
  const first = envNumber(env, 'REGISTRY_LOGIN_CLIENT_RATE_LIMIT_DELAY_MS', CLIENT_RATE_LIMIT_DELAY_MS)
  return Math.min(CLIENT_MAX_RATE_LIMIT_DELAY_MS, first * 2 ** (attempt - 1))
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

// ---- What a job leaves next to a shared auth file for other jobs (auth-files/released.ts, claims.ts) ----

/**
 * The longest a job runs: 5 days, the limit of a job on a self-hosted runner (6 hours on GitHub-hosted ones).
 * Whatever a job leaves next to a shared auth file for jobs running beside it is needed no longer than this.
 */
export const LONGEST_JOB_MS = 5 * 24 * 60 * 60 * 1000
/**
 * How long a hand-over note (`<auth file>.registry-login-released`) is kept. Only a job that logged in before
 * the note was written can need it (its post follows the note): past the longest job, every job that could
 * consume the note is over, and a later main or post removes it with the earlier entry it holds. No override.
 */
export const HANDOVER_NOTE_LIFETIME_MS = LONGEST_JOB_MS
/**
 * How far ahead of a lifetime a note's expiry may lie before it is taken for one that would never expire (a
 * clock set back, or not written by this action): file times run a little ahead of node's clock. No override.
 */
export const HANDOVER_NOTE_CLOCK_SLACK_MS = 60_000

// ---- The credential helper's cache (credential-helper/cache.ts) ----

/**
 * How long a credential the helper hands out must still be valid. A client may keep the helper's answer
 * and use it long after it asked: buildx caches it for up to 10 minutes (moby/buildkit#5684, the cause of
 * moby/buildkit#5852 and docker/buildx#3977), so an answer that expires sooner fails a long push half way.
 * A cached credential is handed out only while it has at least HELPER_MIN_VALIDITY_MS left, or, when the cloud
 * issues it for less than HELPER_SHORT_LIFETIME_MS, at least HELPER_SHORT_LIFETIME_SHARE of its lifetime;
 * otherwise the helper mints a new one. A 1-hour token is reused for 45 minutes, a 12-hour one for 11 h 45 min,
 * a 20-minute one for 10 minutes, a 5-minute one for 2.5 minutes. No overrides.
 */
export const HELPER_MIN_VALIDITY_MS = 15 * 60_000
export const HELPER_SHORT_LIFETIME_MS = 30 * 60_000
export const HELPER_SHORT_LIFETIME_SHARE = 0.5
/** How long the helper reuses a credential whose cloud reports no expiry. No override. */
export const HELPER_UNKNOWN_EXPIRY_REUSE_MS = 5 * 60_000

// ---- The lock on a shared auth file (auth-files/lock.ts) ----

/**
 * The lock on an auth file that jobs of one runner user share: main holds it over a login and the record of
 * what it wrote, post over its check of whose entry is there, its logout and its restore. A login takes a few
 * seconds, so a wait of a minute covers several jobs queued on one file (post waits at most what is left of its
 * own deadline). The holder refreshes the lock every `heartbeatMs`; a lock not refreshed for `staleMs`, or whose
 * process is gone (same host), is taken over. Override of the wait: REGISTRY_LOGIN_LOCK_TIMEOUT_MS (0 keeps the
 * default); the others have none.
 */
export const LOCK_WAIT_MS = 60_000
export const LOCK_STALE_MS = 10_000
export const LOCK_HEARTBEAT_MS = 2_000
/** How often a waiting step looks at the lock again (a random part added, so that waiters do not move in step). */
export const LOCK_POLL_MS = 50

export interface LockPolicy {
  /** How long a step waits for the lock before it gives up. */
  waitMs: number
  /** The variable that raises `waitMs`, for the error that names it. */
  variable: 'REGISTRY_LOGIN_LOCK_TIMEOUT_MS'
  staleMs: number
  heartbeatMs: number
  pollMs: number
}

export function lockPolicy(env: NodeJS.ProcessEnv): LockPolicy {
  const waitMs = envNumber(env, 'REGISTRY_LOGIN_LOCK_TIMEOUT_MS', LOCK_WAIT_MS)
  return {
    waitMs: waitMs > 0 ? waitMs : LOCK_WAIT_MS,
    variable: 'REGISTRY_LOGIN_LOCK_TIMEOUT_MS',
    staleMs: LOCK_STALE_MS,
    heartbeatMs: LOCK_HEARTBEAT_MS,
    pollMs: LOCK_POLL_MS
  }
}

/**
 * How long a claim next to a shared auth file (`<authfile>.registry-login-claims`: which job's login a slot
 * holds) lives: it matters only while the job that wrote it runs, so for the longest job (a claim holds a
 * fingerprint, no secret); past it a later main or post drops it, so a job that never ran post leaves
 * nothing for good. No override.
 */
export const CLAIM_TTL_MS = LONGEST_JOB_MS

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
