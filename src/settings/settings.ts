import type { RetryPolicy } from '../aws/retry.js'
import type { SessionTag } from '../aws/sts.js'
import type { PolicyInputs } from '../policy/session-policy.js'
import type { InputName } from './input-names.js'

/**
 * What a run is asked to do, checked: one type per mode, so a flow gets exactly the fields its
 * mode has and never checks again what parsing already decided (mode: assume always has a role;
 * only mode: scope can keep the expiry of the session it narrows).
 */
export type Settings = AssumeSettings | ScopeSettings | CheckSettings | KeysSettings

/** The modes that call STS. */
export type StsSettings = AssumeSettings | ScopeSettings | KeysSettings

/**
 * assume: the default; check: only check the session policy, no credentials, no request;
 * scope: narrow the temporary credentials already in the environment (GetScopedCredentials).
 */
export const MODES = ['assume', 'check', 'scope'] as const
export type Mode = (typeof MODES)[number]

/** Where the credentials that call AssumeRole* come from. */
export const SOURCE_KINDS = ['oidc', 'web-identity-file', 'keys', 'environment'] as const
export type SourceKind = (typeof SOURCE_KINDS)[number]

export interface StaticKeys {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
}

/** A complete role ARN, or a bare name that needs the source account to complete it. */
export type RoleRef = { arn: string } | { name: string }

/**
 * The source the inputs ask for, once they agree with each other: only one of them, with what
 * it needs (force-source: keys always has the keys), or 'any' to go by what the job can do.
 */
export type SourceRequest =
  | { kind: 'keys'; keys: StaticKeys; forced: boolean }
  /** An absolute path. */
  | { kind: 'web-identity-file'; path: string; forced: boolean }
  | { kind: 'oidc' }
  | { kind: 'environment'; because: 'force-source' | 'role-chaining' | 'force-skip-oidc' }
  | { kind: 'any' }

export interface Mfa {
  serialNumber: string
  tokenCode: string
}

interface EveryMode {
  /** In mode check without any region given: '' (no request is made; ARNs are checked against 'aws'). */
  region: string
  partition: string
  policy: PolicyInputs
  jobSummary: boolean
}

export interface CheckSettings extends EveryMode {
  mode: 'check'
}

/** What both modes that call STS share: how to reach it, what to accept, where the session goes. */
interface CallsSts extends EveryMode {
  stsEndpoint?: string
  useFipsEndpoint: boolean
  /** A proxy URL from the input; else HTTPS_PROXY / HTTP_PROXY / NO_PROXY apply. */
  httpProxy?: string
  /** Comma-separated hosts to reach directly, from the no-proxy input; replaces NO_PROXY. */
  noProxy?: string
  retry: RetryPolicy
  /** action-timeout-s: the whole main step must end within this, counted from its start. */
  actionTimeoutSeconds?: number
  maskAccountId: boolean
  verifyCredentials: boolean
  allowedAccountIds?: string[]
  cleanupCredentials: boolean
  outputCredentials: boolean
  /** Record the later steps' AWS calls and propose their policy in the post step. */
  record: boolean
  /** Export AWS_* variables: by default yes, unless the session goes to a profile. */
  exportEnv: boolean
  /** Write the session to this named profile. */
  awsProfile?: string
  overwriteAwsProfile: boolean
}

export interface AssumeSettings extends CallsSts, AssumeInputs {
  mode: 'assume'
  role: RoleRef
}

/**
 * mode: assume with keys and no role-to-assume: the keys are checked (GetCallerIdentity signed
 * with them, allowed-account-ids) and exported as they are. Not a mode a workflow names.
 */
export interface KeysSettings extends CallsSts {
  mode: 'export-keys'
  keys: StaticKeys
  unsetCurrentCredentials: boolean
}

/** What only mode: assume uses: the source credentials and the parameters of AssumeRole*. */
export interface AssumeInputs {
  roleSessionName: string
  durationSeconds: number
  /** Which source credentials the inputs ask for; sources/choose.ts settles 'any'. */
  source: SourceRequest
  /** The audience of the GitHub OIDC token. */
  audience: string
  unsetCurrentCredentials: boolean
  /** AssumeRole only: external id, MFA, tags (explicit and, when asked, the run's context), source identity. */
  externalId?: string
  mfa?: Mfa
  tags: SessionTag[]
  transitiveTagKeys: string[]
  sourceIdentity?: string
  /** Tags to drop, and retry once, when STS answers PackedPolicyTooLarge. */
  droppableTagKeys: string[]
  /** Write a profile whose credential_process renews the session (awsProfile is then set). */
  refresh: boolean
  /** Which of the AssumeRole-only inputs were given, to warn about on the web-identity path. */
  assumeRoleOnlyInputs: InputName[]
  /** Role ARNs passed through, in order, before the role (hub → target). */
  viaRoles: string[]
  /** With viaRoles: the session policy on every hop, not only the last. */
  sessionPolicyOnEveryHop: boolean
  /** Keep the environment's credentials when they already are a session of the role. */
  useExistingCredentials: boolean
  /** Assume again (bounded) until the new keys hold no punctuation. */
  specialCharactersWorkaround: boolean
}

export interface ScopeSettings extends CallsSts {
  mode: 'scope'
  /** Seconds, or 'inherit' to keep the expiry of the credentials being scoped. */
  duration: number | 'inherit'
  /** Lands in CloudTrail. */
  scopedSessionDescription: string
}
