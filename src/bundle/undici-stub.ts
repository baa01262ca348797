/**
 * Stands in for `undici` in the bundle (tsconfig.json `paths`). @actions/http-client imports it
 * only for ProxyAgent, which serves its fetch dispatcher; this action never calls that (OIDC
 * tokens and proxy tunnels go through the http-client's node:http path), so bundling undici
 * would add ~440 KB and ~40 ms of start-up for code that never runs. If that ever changes, the
 * failure is loud, and the end-to-end OIDC and proxy tests run the bundle.
 */
export class ProxyAgent {
  constructor() {
    throw new Error('scoped-role does not bundle undici: ProxyAgent is not available')
  }
}
