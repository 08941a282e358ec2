// The scenarios `npm run demo` walks through: the recommended (keyless where possible) login per cloud.
import { ALIBABA_INSTANCE, ALIBABA_OIDC_PROVIDER_ARN } from './emulators/alibaba.js'
import { IBM_RUNNER_PROFILE } from './metadata.js'

const aliHost = `${ALIBABA_INSTANCE.name}-registry.${ALIBABA_INSTANCE.region}.cr.aliyuncs.com`

export const demoScenarios = [
  {
    cloud: 'yandex',
    title: 'Yandex Cloud, keyless: GitHub OIDC token -> workload identity federation -> IAM token, Cloud Registry and Container Registry',
    clients: ['podman', 'skopeo', 'buildah', 'docker'],
    pushTo: 'registry.yandexcloud.net',
    inputs: cloud => {
      const sa = cloud.emulators.yandex.createServiceAccount()
      cloud.emulators.yandex.addFederatedCredential(sa, cloud.github.subject)
      return { provider: 'yandex', 'service-account-id': sa, registry: 'registry.yandexcloud.net, cr.yandex' }
    }
  },
  {
    cloud: 'nebius',
    title: 'Nebius AI Cloud, keyless: GitHub OIDC token -> federated credentials over gRPC -> access token, two regions',
    clients: ['podman', 'skopeo', 'buildah', 'docker'],
    pushTo: 'cr.eu-north1.nebius.cloud',
    inputs: cloud => {
      const sa = cloud.emulators.nebius.createServiceAccount()
      cloud.emulators.nebius.addFederatedCredentials(sa, { subject: cloud.github.subject })
      return { provider: 'nebius', region: 'eu-north1, us-central1', 'service-account-id': sa }
    }
  },
  {
    cloud: 'alibaba',
    title: 'Alibaba Cloud ACR Enterprise, keyless: GitHub OIDC token -> STS AssumeRoleWithOIDC -> signed GetAuthorizationToken',
    clients: ['podman', 'skopeo', 'buildah', 'docker'],
    pushTo: aliHost,
    inputs: cloud => ({
      provider: 'alibaba',
      registry: aliHost,
      'instance-id': ALIBABA_INSTANCE.id,
      'role-arn': cloud.emulators.alibaba.createRole('github-push'),
      'oidc-provider-arn': ALIBABA_OIDC_PROVIDER_ARN
    })
  },
  {
    cloud: 'ibm',
    title: 'IBM Cloud: an API key exchanged for a 1-hour IAM token, two regions at once',
    clients: ['podman', 'skopeo', 'buildah', 'docker'],
    pushTo: 'us.icr.io',
    inputs: cloud => ({ provider: 'ibm', region: 'us-south,eu-de', 'api-key': cloud.emulators.ibm.createApiKey() })
  },
  {
    cloud: 'ibm',
    // Needs the emulated metadata services (loopback alias 169.254.169.254): startLocalCloud({ metadata: true }).
    metadata: true,
    title:
      "IBM Cloud, keyless on a self-hosted runner: the VPC instance's metadata service -> instance identity token -> the trusted profile's IAM token (auth: runner-identity)",
    clients: ['podman', 'skopeo', 'buildah', 'docker'],
    pushTo: 'us.icr.io',
    inputs: () => ({ provider: 'ibm', region: 'us-south', auth: 'runner-identity', 'trusted-profile': IBM_RUNNER_PROFILE })
  }
]
