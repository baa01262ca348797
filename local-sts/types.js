// The shapes the local STS endpoint works with, as JSDoc types (checked by tsc with checkJs):
// its options, the requests it records, the sessions it issues, the faults a test can inject.

/**
 * A long-term IAM user the server accepts signatures from; its ARN's account is the caller's.
 * @typedef {{ accessKeyId: string, secretAccessKey: string, arn: string }} LocalStsUser
 * Trust for AssumeRoleWithWebIdentity, like the Federated statement of a trust policy; each field
 * left out matches anything: `issuer` (with or without https://), `audiences` (StringEquals on
 * `aud`), `subjects` (StringLike patterns for `sub`: `*` any run, `?` one character).
 * @typedef {{ issuer?: string, audiences?: string[], subjects?: string[] }} WebIdentityTrust
 * A role: `maxSessionDuration` default 3600; `requireMfa` denies AssumeRole without SerialNumber
 * and TokenCode; `externalId` must be sent exactly; `trustedPrincipals` (default any caller) are
 * ARNs, an account root ARN or bare account id trusting the whole account, an assumed-role caller
 * matching by its role ARN; a configured role without `webIdentity` cannot be assumed with a web
 * identity; `rejectClaims` answers IDPRejectedClaim once the token itself checked out.
 * @typedef {{ arn: string, maxSessionDuration?: number, requireMfa?: boolean, externalId?: string,
 *   trustedPrincipals?: string[], webIdentity?: WebIdentityTrust, rejectClaims?: boolean }} LocalStsRole
 * @typedef {{ ok: true, claims: Record<string, unknown> } | { ok: false, reason: string }} IdentityVerification
 * An OpenID Connect provider registered in the account. `verify` stands for STS fetching the
 * issuer's JWKS; reason 'expired' becomes ExpiredTokenException, any other InvalidIdentityToken.
 * @typedef {{ issuer: string, audiences: string[], verify: (jwt: string) => IdentityVerification }}
 *   LocalStsIdentityProvider
 * `port` default 0 (a free one; always on 127.0.0.1); `users` replace DEFAULT_USER; with `roles`
 * only those exist; `mfaCode` when set is the only code that passes (else any six digits);
 * `identityProviders` are the OIDC providers AssumeRoleWithWebIdentity accepts.
 * @typedef {{ port?: number, users?: LocalStsUser[], roles?: LocalStsRole[], mfaCode?: string,
 *   now?: () => Date, identityProviders?: LocalStsIdentityProvider[] }} LocalStsOptions
 * @typedef {{ action: string, params: Record<string, string>, accessKeyId?: string, signed: boolean,
 *   verified: boolean, headers: Record<string, string | string[] | undefined>, status: number,
 *   errorCode?: string }} RecordedRequest
 * @typedef {{ key: string, value: string }} SessionTag
 * @typedef {{ accessKeyId: string, secretAccessKey: string, sessionToken: string, expiration: Date,
 *   arn: string, assumedRoleId: string, roleArn: string, sourceArn: string, sessionName: string,
 *   durationSeconds: number, policy?: string, policyArns: string[], tags: SessionTag[],
 *   transitiveTagKeys: string[], sourceIdentity?: string, packedPolicySize: number,
 *   sessionTokenSize: number, webIdentity?: { subject: string, audience: string, provider: string },
 *   scope?: { scopedSessionId: string, count: number, policies: string[], description?: string,
 *   parentAccessKeyId: string } }} IssuedCredentials
 * @typedef {{ status: number, code?: string, message?: string } | { delayMs: number }
 *   | { drop: true } | { malformed: true } | { hang: true }} Fault
 *
 * Who signed a request: a configured long-term user, or a session this server issued.
 * @typedef {{ kind: 'user', user: LocalStsUser, account: string, partition: string }
 *   | { kind: 'session', issued: IssuedCredentials, account: string, partition: string }} Caller
 * @typedef {{ secretAccessKey: string, caller: Caller }} KeyEntry
 *
 * What an action handler gets; handlers return the inner XML of <ActionResult>.
 * @typedef {{ params: URLSearchParams, caller: Caller | undefined, now: Date }} ActionContext
 * @typedef {{ signed: boolean, regionalOnly?: boolean, handle: (ctx: ActionContext) => string }}
 *   ActionHandler
 */

export {}
