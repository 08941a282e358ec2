// The floor of src/: types and names that layers on both sides of a boundary need. Imports nothing.

/** A username/password pair a registry client can log in with. */
export interface RegistryCredential {
  /** Registry host (optionally with a path prefix), as the client is given it. */
  registry: string
  username: string
  password: string
  /** When the password stops working, where the cloud says so. */
  expiresAt?: Date
}

/** Every registry client, in the order the docs and error messages list them. */
export const CLIENT_IDS = ['docker', 'podman', 'buildah', 'skopeo', 'helm', 'oras', 'docker-config'] as const

export type ClientId = (typeof CLIENT_IDS)[number]

/** Every cloud, in the order the docs and error messages list them. */
export const PROVIDER_IDS = ['alibaba', 'ibm', 'nebius', 'yandex'] as const

export type ProviderId = (typeof PROVIDER_IDS)[number]
