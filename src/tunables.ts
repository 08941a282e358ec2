/**
 * Tunables for tests and unusual networks, read from the environment only (never from inputs): a
 * non-negative decimal number, else the default.
 */
export function envNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = Number(env[name])
  return env[name] && Number.isFinite(value) && value >= 0 ? value : fallback
}
