import { ActionError } from './errors.js'
import { safeText } from './log-safe.js'

/**
 * Every cloud endpoint the action calls defaults to the real cloud host. Each one can be
 * redirected through an environment variable `REGISTRY_LOGIN_ENDPOINT_<NAME>` (a whole URL,
 * read only from the environment, never from `with:` inputs). This is how the tests point the
 * action at local emulators, and how users reach a private or regional endpoint.
 */
export function endpoint(name: string, defaultUrl: string, env: NodeJS.ProcessEnv = process.env): string {
  const override = env[`REGISTRY_LOGIN_ENDPOINT_${name}`]?.trim()
  if (!override) return defaultUrl
  try {
    new URL(override)
  } catch {
    // An ActionError: the message says it all, so no stack trace follows it into the debug log.
    throw new ActionError(`Environment variable REGISTRY_LOGIN_ENDPOINT_${name} is not a URL: '${safeText(override, 120)}'.`)
  }
  return override
}
