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
    throw new Error(`Environment variable REGISTRY_LOGIN_ENDPOINT_${name} is not a URL: '${override}'.`)
  }
  return override
}
