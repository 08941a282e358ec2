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
} satisfies Record<string, RegistryClient>

export type ClientId = keyof typeof clients
export const CLIENT_IDS = Object.keys(clients) as ClientId[]
