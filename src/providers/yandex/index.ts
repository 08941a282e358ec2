// Yandex Cloud registries as a Provider: its auth methods declared, the plan from the inputs, and the credentials minted.
import type { InputReader } from '../../inputs/reader.js'
import type { AuthMethodSpec, CommonInputs, LoginSpec, Provider } from '../provider.js'
import { forEachRegistry } from '../kit/credentials.js'
import { loginSpec } from '../kit/login-spec.js'
import { givenAsLabel } from '../kit/static-login.js'
import { RUNNER_IDENTITY } from '../kit/runner-identity.js'
import { readYandexAuth, YANDEX_AUTH_METHODS, type YandexAuth } from './auth.js'
import { credentialFor } from './credentials.js'
import { CLOUD_REGISTRY, containerRegistrySunsetWarning, YANDEX_REGISTRY_POLICY } from './hosts.js'
import { YANDEX_FORMATS } from './shapes.js'

export function yandexRegistries(common: CommonInputs): string[] {
  return common.registries.length > 0 ? common.registries : [CLOUD_REGISTRY]
}

const LABELS: Record<YandexAuth['kind'], string> = {
  oidc: 'GitHub OIDC token exchanged for an IAM token (workload identity federation, iam)',
  'service-account-key': 'service-account authorized key exchanged for an IAM token (iam)',
  token: 'IAM token (iam)',
  'oauth-token': 'Yandex ID OAuth token exchanged for an IAM token (iam)',
  'api-key': 'service-account API key (api_key)',
  'runner-identity': "the runner VM's service account, IAM token from the metadata service (iam)"
}

/** The log's name for the method; "(iam)" -> "(iam, given as username oauth + password)" when the inputs gave it so. */
function methodLabel(auth: YandexAuth): string {
  let label = LABELS[auth.kind]
  if (auth.kind === 'service-account-key' && !auth.exchange) label = 'service-account authorized key passed to the registry (json_key)'
  if (auth.kind === 'oauth-token' && !auth.exchange) label = 'Yandex ID OAuth token passed to the registry (oauth)'
  const given = givenAsLabel(auth.kind === 'oidc' || auth.kind === RUNNER_IDENTITY ? undefined : auth.username)
  return given ? label.replace(/\)$/, `${given})`) : label
}

export const yandex: Provider<YandexAuth> = {
  id: 'yandex',
  authMethods: YANDEX_AUTH_METHODS,
  methods: {
    oidc: { reads: ['service-account-id', 'audience'], oidc: true },
    'service-account-key': { reads: ['service-account-key', 'service-account-id'], options: ['exchange'] },
    token: { reads: ['token'] },
    'oauth-token': { reads: ['oauth-token'], options: ['exchange'] },
    'api-key': { reads: ['api-key'] },
    // iam / oauth / json_key / api_key + password: still a Yandex credential, so Yandex's hosts only.
    password: { reads: ['username', 'password'] },
    [RUNNER_IDENTITY]: { reads: [] }
  } satisfies Record<(typeof YANDEX_AUTH_METHODS)[number], AuthMethodSpec>,
  registryHosts: YANDEX_REGISTRY_POLICY,
  // One host serves every folder: the registries are not regional.
  regional: false,
  credentialFormats: YANDEX_FORMATS,
  plan(inputs: InputReader, common: CommonInputs): LoginSpec<YandexAuth> {
    const { resolved, data } = readYandexAuth(inputs, common)
    return loginSpec({ provider: 'yandex', resolved, method: methodLabel(data), registries: yandexRegistries(common), data })
  },
  async mint({ data: auth, registries }, ctx) {
    // Container Registry's shutdown: a warning whatever the credential.
    const sunset = containerRegistrySunsetWarning(registries, ctx.now())
    if (sunset) ctx.warn(sunset)
    return forEachRegistry(registries, await credentialFor(auth, registries, ctx))
  },
  secrets(auth) {
    switch (auth.kind) {
      case 'oidc':
      case 'runner-identity':
        return []
      case 'service-account-key':
        return [auth.key.json, auth.key.privateKey]
      case 'token':
        return [auth.token]
      case 'oauth-token':
        return [auth.oauthToken]
      case 'api-key':
        return [auth.apiKey]
    }
  }
}
