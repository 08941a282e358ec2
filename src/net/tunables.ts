// The REGISTRY_LOGIN_* tunables the action reads from the environment, and how a value is read (defaults: net/policies.ts).
/**
 * Every tunable the action reads (README, "Environment variables"). `envNumber` takes only these
 * names, so a new tunable is listed here or does not compile, and credential-helper mode carries
 * exactly this list into its configuration.
 */
export const TUNABLE_VARIABLES = [
  'REGISTRY_LOGIN_HTTP_TIMEOUT_MS',
  'REGISTRY_LOGIN_HTTP_ATTEMPTS',
  'REGISTRY_LOGIN_HTTP_RETRY_DELAY_MS',
  'REGISTRY_LOGIN_CLIENT_TIMEOUT_MS',
  'REGISTRY_LOGIN_LOGOUT_TIMEOUT_MS',
  'REGISTRY_LOGIN_POST_TIMEOUT_MS',
  'REGISTRY_LOGIN_MAIN_TIMEOUT_MS',
  'REGISTRY_LOGIN_CLIENT_ATTEMPTS',
  'REGISTRY_LOGIN_CLIENT_RETRY_DELAY_MS',
  'REGISTRY_LOGIN_CLIENT_RATE_LIMIT_DELAY_MS',
  'REGISTRY_LOGIN_LOCK_TIMEOUT_MS'
] as const

export type TunableVariable = (typeof TUNABLE_VARIABLES)[number]

/**
 * Tunables for tests and unusual networks, read from the environment only (never from inputs): a
 * non-negative decimal number (at most MAX_TUNABLE), else the default.
 */
export function envNumber(env: NodeJS.ProcessEnv, name: TunableVariable, fallback: number): number {
  const value = Number(env[name])
  return env[name] && Number.isFinite(value) && value >= 0 ? Math.min(value, MAX_TUNABLE) : fallback
}

/**
 * The longest delay a timer holds (about 24.8 days): node fires a longer one after 1 ms, so a
 * deadline raised to "practically never" would stop every client at once. Counts stay far below it.
 */
export const MAX_TUNABLE = 2 ** 31 - 1
