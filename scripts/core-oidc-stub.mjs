// Stands in for @actions/core's oidc-utils.js in dist/ (scripts/build.mjs says why): core.getIDToken() is
// never called, the action asks the runner for OIDC tokens itself (src/net/oidc.ts).
export class OidcClient {
  static async getIDToken() {
    throw new Error('@actions/core getIDToken() is not bundled in registry-login; src/net/oidc.ts requests OIDC tokens')
  }
}
