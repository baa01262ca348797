// Hand-written declarations for server.js, which stays plain JavaScript so it runs without a build.

/** A long-term IAM user the server accepts signatures from. */
export interface LocalStsUser {
  accessKeyId: string
  secretAccessKey: string
  /** e.g. arn:aws:iam::111122223333:user/ci; its account becomes the caller's account. */
  arn: string
}

export interface LocalStsRole {
  arn: string
  /** Seconds; default 3600, as for a new IAM role. */
  maxSessionDuration?: number
  /** AssumeRole without SerialNumber and TokenCode is denied. */
  requireMfa?: boolean
  /** AssumeRole must send exactly this ExternalId. */
  externalId?: string
  /**
   * Principal ARNs allowed to assume the role. An account root ARN (arn:aws:iam::ACCT:root) or a
   * bare account id trusts every principal of that account; an assumed-role caller matches by
   * its role ARN. Default: any caller.
   */
  trustedPrincipals?: string[]
  /**
   * Trust for AssumeRoleWithWebIdentity, like the Federated statement of a trust policy. A
   * configured role without it cannot be assumed with a web identity (AccessDenied). Each field
   * left out matches anything: `issuer` (with or without https://) is the federated principal,
   * `audiences` the allowed `aud` values (StringEquals), `subjects` StringLike patterns for `sub`
   * (`*` any run, `?` one character), e.g. 'repo:octo-org/octo-repo:ref:refs/heads/*'.
   */
  webIdentity?: WebIdentityTrust
  /** AssumeRoleWithWebIdentity answers 403 IDPRejectedClaim once the token itself checked out. */
  rejectClaims?: boolean
}

export interface WebIdentityTrust {
  issuer?: string
  audiences?: string[]
  subjects?: string[]
}

/**
 * An OpenID Connect provider registered in the account (IAM's oidc-provider). `verify` stands
 * for STS fetching the issuer's JWKS: it checks the signature (and may check expiry; the server
 * checks `exp` against its own clock as well). A LocalGitHubOidc gives one with `provider()`.
 */
export interface LocalStsIdentityProvider {
  /** Matched against the token's `iss`, ignoring https:// and a trailing slash. */
  issuer: string
  /** Registered client ids; a token whose `aud` is none of them is InvalidIdentityToken. */
  audiences: string[]
  /** `reason: 'expired'` becomes ExpiredTokenException, any other reason InvalidIdentityToken. */
  verify(jwt: string): { ok: true; claims: Record<string, unknown> } | { ok: false; reason: string }
}

export interface LocalStsOptions {
  /** Default 0: a free port. The server always listens on 127.0.0.1. */
  port?: number
  /** Default: [DEFAULT_USER]. Given users replace the default one. */
  users?: LocalStsUser[]
  /** If given, only these roles exist (others: AccessDenied). If absent, any well-formed role ARN can be assumed. */
  roles?: LocalStsRole[]
  /** If set, TokenCode must equal it. If unset, any six digits pass. */
  mfaCode?: string
  /** Clock for expirations and expiry checks. Signatures are not checked for clock skew. */
  now?: () => Date
  /**
   * OIDC providers AssumeRoleWithWebIdentity accepts tokens from; none by default. Without
   * `roles`, every role trusts every provider listed here.
   */
  identityProviders?: LocalStsIdentityProvider[]
}

export interface RecordedRequest {
  /** The Action parameter, '' when absent. */
  action: string
  /** Decoded form fields (and query-string parameters). */
  params: Record<string, string>
  /** From the Authorization header's Credential, when one was sent (whether or not it verified). */
  accessKeyId?: string
  /** An Authorization header was sent. */
  signed: boolean
  /** The SigV4 signature was checked and matched. */
  verified: boolean
  headers: Record<string, string | string[] | undefined>
  /** HTTP status answered; 0 while pending and for dropped or hung requests. */
  status: number
  /** The error code answered, if any. */
  errorCode?: string
}

export interface SessionTag {
  key: string
  value: string
}

export interface IssuedCredentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken: string
  expiration: Date
  /** The assumed-role session ARN: arn:aws:sts::ACCT:assumed-role/ROLE/SESSION. */
  arn: string
  /** AROA…:SESSION */
  assumedRoleId: string
  roleArn: string
  /** The caller that assumed the role (user ARN or session ARN). */
  sourceArn: string
  sessionName: string
  durationSeconds: number
  policy?: string
  policyArns: string[]
  tags: SessionTag[]
  transitiveTagKeys: string[]
  sourceIdentity?: string
  /** Percent; also returned as SessionTokenUtilization. */
  packedPolicySize: number
  /** Bytes of sessionToken; returned as SessionTokenSize. */
  sessionTokenSize: number
  /**
   * Sessions from AssumeRoleWithWebIdentity: the token's `sub` and matched `aud`, and the
   * provider (issuer without https://). Their sourceArn is the account's oidc-provider ARN.
   */
  webIdentity?: { subject: string; audience: string; provider: string }
  /**
   * Sessions from GetScopedCredentials. Every other field is the caller's (ARN, role id, session
   * name, policy, tags, source identity, webIdentity), except the keys, expiration,
   * durationSeconds (its own lifetime) and the token sizes.
   */
  scope?: ScopedSessionInfo
}

export interface ScopedSessionInfo {
  /** 'SS' + 20 upper-case letters and digits; returned as SessionInfo.ScopedSessionId. */
  scopedSessionId: string
  /** Scoping layers so far (1 for a scope of a role session); returned as ScopedPoliciesCount. */
  count: number
  /** The inline policies of every layer, outermost first (a layer with only DurationSeconds adds none). */
  policies: string[]
  description?: string
  /** The access key of the session this one was narrowed from. */
  parentAccessKeyId: string
}

export type Fault =
  | { status: number; code?: string; message?: string }
  | { delayMs: number }
  | { drop: true }
  | { malformed: true }
  | { hang: true }

export interface LocalSts {
  /** http://127.0.0.1:PORT */
  url: string
  port: number
  /** Every request in arrival order, rejected ones included. */
  requests: RecordedRequest[]
  /** Every session minted: AssumeRole, AssumeRoleWithWebIdentity and GetScopedCredentials. */
  issued: IssuedCredentials[]
  /** Queue a fault for the next `times` requests (default 1); consumed one per request, in order. */
  injectFault(fault: Fault, times?: number): void
  /** Delay every response by ms (0 turns it off). */
  setDelay(ms: number): void
  addUser(user: LocalStsUser): void
  addIdentityProvider(provider: LocalStsIdentityProvider): void
  /** Clears requests, queued faults and the delay; issued credentials stay valid. */
  reset(): void
  /** Stops listening and destroys open sockets, hung requests included. */
  close(): Promise<void>
  readonly closed: boolean
}

export declare const DEFAULT_USER: LocalStsUser
export declare const STS_NAMESPACE: 'https://sts.amazonaws.com/doc/2011-06-15/'
export declare const STS_VERSION: '2011-06-15'
/** Divisor of the packed-size formula: percent = ceil((policyChars + 90*arns + tagChars) * 100 / 2600). */
export declare const PACKED_POLICY_BUDGET: number
export declare const PACKED_POLICY_ARN_COST: number

/** The utilization percent this server reports (at least 1 when `anything`, else 0). */
export declare function packedPolicyPercent(
  policyChars: number,
  arnCount: number,
  tagChars: number,
  anything: boolean
): number

export declare function escapeXml(text: string): string

export declare function startLocalSts(options?: LocalStsOptions): Promise<LocalSts>
