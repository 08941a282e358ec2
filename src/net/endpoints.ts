// Cloud endpoints: the real hosts by default, redirected only through the documented REGISTRY_LOGIN_ENDPOINT_* variables.
import { ActionError } from '../log/errors.js'
import { safeText } from '../log/escape.js'

/**
 * Every cloud endpoint the action calls defaults to the real cloud host. Each one can be
 * redirected through an environment variable `REGISTRY_LOGIN_ENDPOINT_<NAME>` (a whole URL,
 * read only from the environment, never from `with:` inputs). This is how the tests point the
 * action at local emulators, and how users reach a private or regional endpoint.
 */
export function endpoint(name: EndpointName, defaultUrl: string, env: NodeJS.ProcessEnv = process.env, called = true): string {
  const variable = endpointVariable(name)
  const override = env[variable]?.trim()
  if (!override) return defaultUrl
  let url: URL
  try {
    url = new URL(override)
  } catch {
    // An ActionError: the message says it all, so no stack trace follows it into the debug log.
    throw new ActionError(`Environment variable ${variable} is not a URL: '${safeText(override, 120)}'.`)
  }
  // A cloud credential goes to an endpoint: over TLS, or to this machine itself (a local emulator or relay).
  if (called && url.protocol !== 'https:' && !LOOPBACK.has(url.hostname)) {
    throw new ActionError(
      `Environment variable ${variable} is '${safeText(`${url.protocol}//${url.host}`, 120)}': the credential would travel in clear.`,
      'Use an https:// URL (plain http only to localhost or 127.0.0.1).'
    )
  }
  return override
}

/**
 * Every endpoint a provider may call. `endpoint` takes only these names, so a new endpoint is listed
 * here or does not compile, and credential-helper mode carries exactly these overrides.
 */
export const ENDPOINT_NAMES = [
  'IBM_IAM',
  'YANDEX_IAM',
  'YANDEX_JWT_AUDIENCE',
  'YANDEX_WLIF',
  'NEBIUS_TOKEN_HTTP',
  'NEBIUS_TOKEN_GRPC',
  'ALIBABA_CR',
  'ALIBABA_STS',
  // The runner's own metadata services (auth: runner-identity): plain http, only to loopback when overridden.
  'YANDEX_METADATA',
  'NEBIUS_METADATA',
  'ALIBABA_METADATA',
  'IBM_METADATA'
] as const

export type EndpointName = (typeof ENDPOINT_NAMES)[number]

export const endpointVariable = (name: EndpointName): string => `REGISTRY_LOGIN_ENDPOINT_${name}`

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]'])
