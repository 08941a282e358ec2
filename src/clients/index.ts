// The registry clients by id: adding a client is a module in this folder and one line here.
import type { ClientId } from '../types.js'
import type { RegistryClient } from './client.js'
import { buildah, podman, skopeo } from './containers.js'
import { docker } from './docker.js'
import { dockerConfig } from './docker-config.js'
import { helm } from './helm.js'
import { oras } from './oras.js'

export const clients = {
  docker,
  podman,
  buildah,
  skopeo,
  helm,
  oras,
  'docker-config': dockerConfig
} satisfies Record<ClientId, RegistryClient>
