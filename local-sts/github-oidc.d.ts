// Hand-written declarations for github-oidc.js, which stays plain JavaScript so it runs without a build.
import type { LocalStsIdentityProvider } from './server.js'

/**
 * The claims of a GitHub Actions ID token, in GitHub's order. All values GitHub sends as strings
 * are strings here too (run_id, repository_id, ...); only the times are numbers.
 */
// A type alias, not an interface, so it stays assignable to the Record<string, unknown> an
// identity provider's verify() returns.
export type GitHubOidcClaims = {
  /** A fresh UUID per token. */
  jti: string
  /**
   * Default derived like GitHub's: `repo:OWNER/REPO:environment:ENV` when `environment` is set,
   * `repo:OWNER/REPO:pull_request` for pull_request events, else `repo:OWNER/REPO:ref:REF`
   * (so by default `repo:octo-org/octo-repo:ref:refs/heads/main`).
   */
  sub: string
  /** Only present when set. */
  environment?: string
  /** The requested audience; `https://github.com/OWNER` when getIDToken() is called without one. */
  aud: string
  /** Default refs/heads/main. */
  ref: string
  sha: string
  /** Default octo-org/octo-repo. */
  repository: string
  /** Default: the owner part of `repository`. */
  repository_owner: string
  repository_owner_id: string
  run_id: string
  run_number: string
  run_attempt: string
  repository_visibility: string
  repository_id: string
  actor_id: string
  /** Default octocat. */
  actor: string
  /** Default CI. */
  workflow: string
  head_ref: string
  base_ref: string
  /** Default push. */
  event_name: string
  /** Default: 'tag' for refs/tags/..., else 'branch'. */
  ref_type: string
  /** Default OWNER/REPO/.github/workflows/ci.yml@REF. */
  workflow_ref: string
  workflow_sha: string
  /** Default: `workflow_ref`. */
  job_workflow_ref: string
  job_workflow_sha: string
  runner_environment: string
  /** Default https://token.actions.githubusercontent.com. */
  iss: string
  /** iat - 600, as in GitHub's documented example. */
  nbf: number
  /** iat + ttlSeconds. */
  exp: number
  /** Seconds since the epoch, from the `now` clock. */
  iat: number
}

export type OidcFault = { status: number } | { drop: true }

export interface OidcRequest {
  /** The `audience` query parameter, when sent. */
  audience?: string
  /** The bearer token was the right one. */
  authorized: boolean
  /** HTTP status answered; 0 for a dropped connection. */
  status: number
}

export type VerifyResult =
  | { ok: true; claims: GitHubOidcClaims }
  | { ok: false; reason: 'signature' | 'expired' | 'malformed' }

export interface LocalGitHubOidcOptions {
  /** Overrides for every token; claims not given are derived (see GitHubOidcClaims). `iss` also sets `issuer`. */
  claims?: Partial<GitHubOidcClaims>
  /** Lifetime of issued tokens; default 300 (GitHub's). Negative: already expired when issued. */
  ttlSeconds?: number
  /** Clock for iat/nbf/exp and for verify()'s expiry check. */
  now?: () => Date
}

export interface LocalGitHubOidc {
  /** http://127.0.0.1:PORT */
  url: string
  /** The value for ACTIONS_ID_TOKEN_REQUEST_URL; it already holds a '?' (api-version=2.0). */
  requestUrl: string
  /** The value for ACTIONS_ID_TOKEN_REQUEST_TOKEN: random per server; any other bearer gets 401. */
  requestToken: string
  /** The issuer tokens carry and provider() registers (fixed at start). */
  issuer: string
  /** The JWT header's key id. */
  kid: string
  /** Every JWT issued, in order. */
  tokens: string[]
  /** Every request, in order, faulted and unauthorized ones included. */
  requests: OidcRequest[]
  /** Merges into the overrides for later tokens; a key set to undefined goes back to its default. */
  setClaims(claims: Partial<GitHubOidcClaims>): void
  /** Lifetime of later tokens, in seconds; negative means already expired. */
  setTtl(seconds: number): void
  /** Answer the next `times` requests (default 1) with this status (JSON body) or drop the connection. */
  injectFault(fault: OidcFault, times?: number): void
  /** Checks a JWT against this server's key and clock. */
  verify(jwt: string): VerifyResult
  /**
   * This server as an identity provider of the local STS (its `identityProviders` option):
   * `startLocalSts({ identityProviders: [oidc.provider()] })`. Audiences are the client ids the
   * provider is registered with in IAM; default ['sts.amazonaws.com'].
   */
  provider(...audiences: string[]): LocalStsIdentityProvider
  close(): Promise<void>
}

export declare const GITHUB_ISSUER: 'https://token.actions.githubusercontent.com'
export declare const STS_AUDIENCE: 'sts.amazonaws.com'
export declare const DEFAULT_TTL_SECONDS: 300

/** Splits a compact JWT without verifying it; undefined when it is not three base64url JSON parts. */
export declare function decodeJwt(jwt: string):
  | {
      header: Record<string, unknown>
      payload: Record<string, unknown>
      signingInput: string
      signature: Buffer
    }
  | undefined

export declare function startLocalGitHubOidc(
  options?: LocalGitHubOidcOptions
): Promise<LocalGitHubOidc>
