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
  /** Every successful AssumeRole. */
  issued: IssuedCredentials[]
  /** Queue a fault for the next `times` requests (default 1); consumed one per request, in order. */
  injectFault(fault: Fault, times?: number): void
  /** Delay every response by ms (0 turns it off). */
  setDelay(ms: number): void
  addUser(user: LocalStsUser): void
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
