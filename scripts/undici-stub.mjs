// Stands in for undici in dist/ (scripts/build.mjs aliases it). @actions/http-client imports
// undici only for getAgentDispatcher(), the proxy dispatcher of fetch(), which this action never
// calls: its requests go through HttpClient.request() with node's http/https and the `tunnel`
// agent for HTTPS_PROXY. Bundling undici would be 440 KB of the 570 KB dist/.
export class ProxyAgent {
  constructor() {
    throw new Error('undici is not bundled in registry-login: getAgentDispatcher() is not available')
  }
}
