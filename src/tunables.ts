/**
 * Tunables for tests and unusual networks, read from the environment only (never from inputs): a
 * non-negative decimal number (at most MAX_TUNABLE), else the default.
 */
export function envNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = Number(env[name])
  return env[name] && Number.isFinite(value) && value >= 0 ? Math.min(value, MAX_TUNABLE) : fallback
}

/**
 * The longest delay a timer holds (about 24.8 days): node fires a longer one after 1 ms, so a
 * deadline raised to "practically never" would stop every client at once. Counts stay far below it.
 */
export const MAX_TUNABLE = 2 ** 31 - 1
