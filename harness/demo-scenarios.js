// The scenarios `npm run demo` walks through, one or more per cloud.
export const demoScenarios = [
  {
    cloud: 'ibm',
    title: 'IBM Cloud: an API key exchanged for a 1-hour IAM token, two regions at once',
    clients: ['podman', 'skopeo', 'buildah', 'docker'],
    pushTo: 'us.icr.io',
    inputs: cloud => ({ provider: 'ibm', region: 'us-south,eu-de', 'api-key': cloud.emulators.ibm.createApiKey() })
  }
]
