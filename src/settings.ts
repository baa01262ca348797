import { isAbsolute, resolve } from 'node:path'
import { isBareRoleName, isRegion, isRoleArn, parseArn, partitionOf } from './arn.js'
import { InputError } from './errors.js'
import { splitList } from './list-input.js'
import {
  checkSessionTags,
  githubContextTags,
  mergeTags,
  parseSessionTags,
  type SessionTag
} from './session-tags.js'
import type { RetryPolicy } from './retry.js'
import { closestNames } from './suggest.js'

/** Every input declared in action.yml; a test keeps the two in step. */
export const INPUT_NAMES = [
  'role-to-assume',
  'aws-region',
  'inline-session-policy',
  'inline-session-policy-file',
  'managed-session-policies',
  'role-session-name',
  'role-duration-seconds',
  'role-external-id',
  'mfa-serial-number',
  'mfa-token-code',
  'aws-access-key-id',
  'aws-secret-access-key',
  'aws-session-token',
  'sts-endpoint',
  'verify-credentials',
  'cleanup-credentials',
  'audience',
  'web-identity-token-file',
  'role-chaining',
  'force-source',
  'role-session-tags',
  'transitive-tag-keys',
  'source-identity',
  'tag-session-with-github-context',
  'allowed-account-ids',
  'output-credentials',
  'unset-current-credentials',
  'mask-aws-account-id',
  'retry-max-attempts',
  'retry-max-seconds',
  'request-timeout-seconds',
  'http-proxy',
  'use-fips-endpoint',
  'mode',
  'forbid-actions',
  'require-session-policy',
  'job-summary',
  'aws-profile',
  'export-env',
  'overwrite-aws-profile',
  'scoped-session-description'
] as const

export type InputName = (typeof INPUT_NAMES)[number]
export type RawInputs = Record<InputName, string>

/** Inputs whose values are secrets: masked before anything else happens. */
export const SECRET_INPUTS: readonly InputName[] = [
  'aws-access-key-id',
  'aws-secret-access-key',
  'aws-session-token'
]

export interface StaticKeys {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
}

/** Where the credentials that call STS come from. */
export const MODES = ['assume', 'check', 'scope'] as const
export type Mode = (typeof MODES)[number]

export const SOURCE_KINDS = ['oidc', 'web-identity-file', 'keys', 'environment'] as const
export type SourceKind = (typeof SOURCE_KINDS)[number]

export interface Settings {
  region: string
  partition: string
  stsEndpoint?: string
  sourceKeys?: StaticKeys
  /**
   * assume: the default; check: only check the session policy, no credentials, no request;
   * scope: narrow the temporary credentials already in the environment (GetScopedCredentials).
   */
  mode: Mode
  /** A complete role ARN, or a bare name that needs the source account to complete it; none in check mode. */
  role?: { arn: string } | { name: string }
  roleSessionName: string
  durationSeconds: number
  externalId?: string
  mfa?: { serialNumber: string; tokenCode: string }
  /** The inline session policy as written (minified later), and which input it came from. */
  inlinePolicy?: { text: string; input: 'inline-session-policy' | 'inline-session-policy-file' }
  managedPolicies: string[]
  verifyCredentials: boolean
  cleanupCredentials: boolean
  /** The audience of the GitHub OIDC token. */
  audience: string
  /** Absolute path of a web identity token file. */
  webIdentityTokenFile?: string
  roleChaining: boolean
  forceSource?: SourceKind
  /** AssumeRole only: tags (explicit and, when asked, the run's context), transitive keys, source identity. */
  tags: SessionTag[]
  transitiveTagKeys: string[]
  sourceIdentity?: string
  /** Which of the AssumeRole-only inputs were given, to warn about on the web-identity path. */
  assumeRoleOnlyInputs: InputName[]
  allowedAccountIds?: string[]
  outputCredentials: boolean
  unsetCurrentCredentials: boolean
  maskAccountId: boolean
  retry: RetryPolicy
  /** A proxy URL from the input; else HTTPS_PROXY / HTTP_PROXY / NO_PROXY apply. */
  httpProxy?: string
  useFipsEndpoint: boolean
  /** forbid-actions as written; patterns are checked against the IAM action catalogue. */
  forbidActions: string
  requireSessionPolicy: boolean
  jobSummary: boolean
  /** Write the session to this named profile. */
  awsProfile?: string
  /** Export AWS_* variables: by default yes, unless the session goes to a profile. */
  exportEnv: boolean
  overwriteAwsProfile: boolean
  /** mode: scope; lands in CloudTrail. */
  scopedSessionDescription: string
  /** mode: scope: whether role-duration-seconds was given (else the scope keeps the source's expiry). */
  durationGiven: boolean
}

const POLICY_INPUTS: readonly string[] = [
  'inline-session-policy',
  'inline-session-policy-file',
  'managed-session-policies'
]

export const DEFAULT_DURATION_SECONDS = 3600
const SESSION_NAME_CHARS = /^[\w+=,.@-]*$/

/**
 * Turns the raw input strings into checked settings. Pure apart from `readFile`: every rule STS
 * would apply is applied here first, so a bad input fails in milliseconds, before any request.
 */
export function parseSettings(
  raw: RawInputs,
  env: Record<string, string | undefined>,
  readFile: (path: string) => string
): Settings {
  const mode = parseMode(raw.mode)
  // A policy check needs no STS, so no region either; ARNs are then checked against 'aws'.
  const region =
    mode === 'check' && !raw['aws-region'] && !env.AWS_REGION && !env.AWS_DEFAULT_REGION
      ? ''
      : parseRegion(raw['aws-region'], env)
  const partition = region === '' ? 'aws' : partitionOf(region)
  const workspace = env.GITHUB_WORKSPACE || process.cwd()
  const transitiveTagKeys = splitList(raw['transitive-tag-keys'])
  const tags = mergeTags(
    parseBoolean('tag-session-with-github-context', raw['tag-session-with-github-context'], false)
      ? githubContextTags(env)
      : [],
    parseSessionTags(raw['role-session-tags'])
  )
  checkSessionTags(tags, transitiveTagKeys)
  const settings: Settings = {
    region,
    partition,
    stsEndpoint: parseEndpoint(raw['sts-endpoint']),
    sourceKeys: parseStaticKeys(raw),
    mode,
    role:
      mode !== 'assume' && raw['role-to-assume'] === ''
        ? undefined
        : parseRole(raw['role-to-assume'], partition),
    roleSessionName: parseSessionName(raw['role-session-name'], env),
    durationSeconds: parseDuration(raw['role-duration-seconds'], mode),
    durationGiven: raw['role-duration-seconds'] !== '',
    externalId: parseExternalId(raw['role-external-id']),
    mfa: parseMfa(raw['mfa-serial-number'], raw['mfa-token-code']),
    inlinePolicy: parseInlinePolicySource(raw, env, readFile),
    managedPolicies: splitList(raw['managed-session-policies']),
    verifyCredentials: parseBoolean('verify-credentials', raw['verify-credentials'], false),
    cleanupCredentials: parseBoolean('cleanup-credentials', raw['cleanup-credentials'], true),
    audience: raw.audience || 'sts.amazonaws.com',
    webIdentityTokenFile: raw['web-identity-token-file']
      ? resolve(workspace, raw['web-identity-token-file'])
      : undefined,
    roleChaining: parseBoolean('role-chaining', raw['role-chaining'], false),
    forceSource: parseForceSource(raw['force-source']),
    tags,
    transitiveTagKeys,
    sourceIdentity: parseSourceIdentity(raw['source-identity']),
    assumeRoleOnlyInputs: ASSUME_ROLE_ONLY_INPUTS.filter(name => isGiven(raw[name])),
    allowedAccountIds: parseAccountIds(raw['allowed-account-ids']),
    outputCredentials: parseBoolean('output-credentials', raw['output-credentials'], false),
    unsetCurrentCredentials: parseBoolean(
      'unset-current-credentials',
      raw['unset-current-credentials'],
      false
    ),
    maskAccountId: parseBoolean('mask-aws-account-id', raw['mask-aws-account-id'], false),
    retry: parseRetryPolicy(raw),
    httpProxy: parseProxy(raw['http-proxy']),
    useFipsEndpoint: parseBoolean('use-fips-endpoint', raw['use-fips-endpoint'], false),
    forbidActions: raw['forbid-actions'],
    requireSessionPolicy: parseBoolean(
      'require-session-policy',
      raw['require-session-policy'],
      false
    ),
    jobSummary: parseBoolean('job-summary', raw['job-summary'], true),
    awsProfile: parseProfileName(raw['aws-profile']),
    exportEnv: parseBoolean('export-env', raw['export-env'], raw['aws-profile'] === ''),
    overwriteAwsProfile: parseBoolean('overwrite-aws-profile', raw['overwrite-aws-profile'], false),
    scopedSessionDescription: parseScopedDescription(raw['scoped-session-description'], env)
  }
  if (mode === 'scope') checkScopeInputs(settings, raw)
  checkSourceCombination(settings, raw)
  return settings
}

/** Parameters only AssumeRole takes; AssumeRoleWithWebIdentity gets them from the token or not at all. */
const ASSUME_ROLE_ONLY_INPUTS: readonly InputName[] = [
  'role-session-tags',
  'transitive-tag-keys',
  'source-identity',
  'tag-session-with-github-context',
  'role-external-id',
  'mfa-serial-number'
]

/** STS caps a session assumed with role credentials at one hour. */
export const CHAINED_MAX_DURATION_SECONDS = 3600

function checkSourceCombination(settings: Settings, raw: RawInputs): void {
  if (settings.roleChaining) {
    if (settings.sourceKeys !== undefined || settings.webIdentityTokenFile !== undefined) {
      throw new InputError(
        'role-chaining',
        'uses the credentials already in the environment, but aws-access-key-id or web-identity-token-file is also set.',
        'Remove role-chaining, or the other source.'
      )
    }
    if (settings.forceSource !== undefined && settings.forceSource !== 'environment') {
      throw new InputError(
        'force-source',
        `is '${settings.forceSource}', but role-chaining: true assumes from the environment's credentials.`,
        'Remove one of the two.'
      )
    }
    if (settings.unsetCurrentCredentials) {
      throw new InputError(
        'unset-current-credentials',
        'would blank the very credentials role-chaining: true assumes the role with.',
        'Remove one of the two.'
      )
    }
    if (settings.durationSeconds > CHAINED_MAX_DURATION_SECONDS) {
      throw new InputError(
        'role-duration-seconds',
        `is ${settings.durationSeconds}, but STS caps a chained role session (role-chaining: true) at 3600 seconds.`,
        'Write role-duration-seconds: 3600 or less.'
      )
    }
  }
  if (settings.forceSource === 'keys' && settings.sourceKeys === undefined) {
    throw new InputError(
      'force-source',
      "is 'keys', but aws-access-key-id and aws-secret-access-key are not set.",
      'Set both inputs, or choose another source.'
    )
  }
  if (settings.forceSource === 'web-identity-file' && settings.webIdentityTokenFile === undefined) {
    throw new InputError(
      'force-source',
      "is 'web-identity-file', but web-identity-token-file is not set.",
      'Set web-identity-token-file to the token path, or choose another source.'
    )
  }
  if (raw.audience !== '' && !/^[\x21-\x7e]{1,255}$/.test(raw.audience)) {
    throw new InputError(
      'audience',
      `'${raw.audience}' is not a valid audience.`,
      'Write e.g. sts.amazonaws.com.'
    )
  }
}

export const DEFAULT_RETRY = { maxAttempts: 3, budgetSeconds: 30, requestTimeoutSeconds: 10 }

function parseRetryPolicy(raw: RawInputs): RetryPolicy {
  const attempts = parseWholeNumber(
    'retry-max-attempts',
    raw['retry-max-attempts'],
    DEFAULT_RETRY.maxAttempts,
    1,
    20
  )
  const budget = parseWholeNumber(
    'retry-max-seconds',
    raw['retry-max-seconds'],
    DEFAULT_RETRY.budgetSeconds,
    1,
    600
  )
  const timeout = parseWholeNumber(
    'request-timeout-seconds',
    raw['request-timeout-seconds'],
    DEFAULT_RETRY.requestTimeoutSeconds,
    1,
    300
  )
  return {
    maxAttempts: attempts,
    budgetMs: budget * 1000,
    requestTimeoutMs: Math.min(timeout, budget) * 1000
  }
}

function parseWholeNumber(
  input: InputName,
  value: string,
  fallback: number,
  min: number,
  max: number
): number {
  if (value === '') return fallback
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new InputError(
      input,
      `'${value}' is not a whole number from ${min} to ${max}.`,
      `Write e.g. ${fallback}.`
    )
  }
  return Number(value)
}

function parseProxy(value: string): string | undefined {
  if (value === '') return undefined
  let url: URL | undefined
  try {
    url = new URL(value.includes('://') ? value : `http://${value}`)
  } catch {
    url = undefined
  }
  if (url === undefined || !['http:', 'https:'].includes(url.protocol) || url.hostname === '') {
    // Not echoed: a proxy URL may hold a password.
    throw new InputError(
      'http-proxy',
      'is not a proxy URL.',
      'Write e.g. http://proxy.internal:3128.'
    )
  }
  return url.href
}

function parseScopedDescription(value: string, env: Record<string, string | undefined>): string {
  if (value.length > 256) {
    throw new InputError(
      'scoped-session-description',
      `is ${value.length} characters; STS accepts at most 256.`,
      'Shorten it; it is shown in CloudTrail next to the scoped session.'
    )
  }
  if (value !== '') return value
  // Whoever reads CloudTrail later should be able to find the run that narrowed the session.
  const run = [
    env.GITHUB_REPOSITORY,
    env.GITHUB_WORKFLOW,
    env.GITHUB_JOB && `job ${env.GITHUB_JOB}`
  ]
  const described = run.filter(Boolean).join(' / ')
  const text = `scoped-role${described ? `: ${described}` : ''}${env.GITHUB_RUN_ID ? ` run ${env.GITHUB_RUN_ID}` : ''}`
  return text.slice(0, 256)
}

/** Inputs about where the first credentials come from or what AssumeRole takes: meaningless when scoping. */
const SCOPE_IGNORED_INPUTS: readonly InputName[] = [
  'aws-access-key-id',
  'aws-secret-access-key',
  'aws-session-token',
  'web-identity-token-file',
  'force-source',
  'role-chaining',
  'unset-current-credentials',
  'role-session-tags',
  'transitive-tag-keys',
  'tag-session-with-github-context',
  'source-identity',
  'role-external-id',
  'mfa-serial-number',
  'mfa-token-code',
  'role-session-name'
]

/** What GetScopedCredentials cannot take, refused before any request. */
function checkScopeInputs(settings: Settings, raw: RawInputs): void {
  if (raw['role-to-assume'] !== '') {
    throw new InputError(
      'role-to-assume',
      'is not used in mode: scope, which narrows the credentials already in the environment and keeps their identity.',
      'Remove role-to-assume, or use mode: assume to assume another role.'
    )
  }
  const notForScope = SCOPE_IGNORED_INPUTS.find(name => isGiven(raw[name]))
  if (notForScope !== undefined) {
    throw new InputError(
      notForScope,
      'does not apply in mode: scope, which narrows the temporary credentials already in the environment (same identity, no new role).',
      `Remove ${notForScope}, or use mode: assume.`
    )
  }
  if (settings.managedPolicies.length > 0) {
    throw new InputError(
      'managed-session-policies',
      'cannot be used in mode: scope: GetScopedCredentials takes only an inline policy.',
      'Write the permissions as inline-session-policy (or a file), or use mode: assume with the managed policies.'
    )
  }
  if (settings.inlinePolicy === undefined && !settings.durationGiven) {
    throw new InputError(
      'inline-session-policy',
      'is required in mode: scope unless role-duration-seconds is given: otherwise nothing would be narrowed.',
      'Give the policy the next steps need, e.g. {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::my-bucket/*"}]}.'
    )
  }
  if (
    settings.stsEndpoint !== undefined &&
    /^https?:\/\/sts\.amazonaws\.com(:\d+)?\/?$/i.test(settings.stsEndpoint)
  ) {
    throw new InputError(
      'sts-endpoint',
      'is the global STS endpoint, which does not serve GetScopedCredentials.',
      `Write the regional one, https://sts.${settings.region}.amazonaws.com, or leave it empty.`
    )
  }
}

function parseProfileName(value: string): string | undefined {
  if (value === '') return undefined
  // No = or ,: the JavaScript SDK reads `[profile a=b]` as no profile, losing the region.
  if (!/^[\w+.@-]{1,64}$/.test(value)) {
    throw new InputError(
      'aws-profile',
      `'${value}' is not a usable profile name.`,
      'Use 1 to 64 letters, digits and + . @ _ -, e.g. aws-profile: plan.'
    )
  }
  // The JavaScript SDK keeps profiles in a plain object: __proto__ makes it drop the whole file,
  // constructor, toString and the like put the keys on shared built-ins instead of a profile, and
  // prototype is the same kind of name, safe today only by that parser's details.
  if (value in Object.prototype || value === 'prototype') {
    throw new InputError(
      'aws-profile',
      `'${value}' is reserved: the AWS SDK for JavaScript cannot safely keep a profile of that name.`,
      'Choose another name, e.g. aws-profile: plan.'
    )
  }
  return value
}

function parseMode(value: string): Mode {
  if (value === '') return 'assume'
  if ((MODES as readonly string[]).includes(value)) return value as Mode
  throw new InputError(
    'mode',
    `'${value}' is not a mode.`,
    'Write assume (the default: assume the role), check (only check the session policy, with no AWS request) or scope (narrow the session already in the environment).'
  )
}

function parseForceSource(value: string): SourceKind | undefined {
  if (value === '') return undefined
  if ((SOURCE_KINDS as readonly string[]).includes(value)) return value as SourceKind
  throw new InputError(
    'force-source',
    `'${value}' is not a source.`,
    `Write one of ${SOURCE_KINDS.join(', ')}, or leave it empty to choose automatically.`
  )
}

function parseSourceIdentity(value: string): string | undefined {
  if (value === '') return undefined
  if (
    value.length < 2 ||
    value.length > 64 ||
    !SESSION_NAME_CHARS.test(value) ||
    value.toLowerCase().startsWith('aws:')
  ) {
    throw new InputError(
      'source-identity',
      'must be 2 to 64 letters, digits and + = , . @ _ -, not starting with aws:.',
      `Write e.g. '${sanitizeSessionName(value) || 'release-bot'}'.`
    )
  }
  return value
}

function parseAccountIds(value: string): string[] | undefined {
  const ids = splitList(value)
  if (ids.length === 0) return undefined
  for (const id of ids) {
    if (!/^\d{12}$/.test(id)) {
      throw new InputError(
        'allowed-account-ids',
        `'${id}' is not an AWS account id.`,
        'Write 12-digit account ids, one a line or comma-separated.'
      )
    }
  }
  return ids
}

/**
 * The runner only warns about an input the action does not declare, so a misspelt
 * `inline-session-polcy` would let the step succeed with un-narrowed credentials. Any
 * policy-looking input that no declared input consumed is therefore an error.
 */
export function findMisspeltPolicyInput(envNames: Iterable<string>): InputError | undefined {
  const declared = new Set(INPUT_NAMES.map(name => `INPUT_${name.toUpperCase()}`))
  for (const envName of envNames) {
    if (!envName.startsWith('INPUT_') || declared.has(envName)) continue
    const written = envName.slice('INPUT_'.length).toLowerCase()
    const nearby = closestNames(written, INPUT_NAMES, 1)
    const policyIntent = written.includes('polic') || POLICY_INPUTS.includes(nearby[0])
    if (!policyIntent) continue
    return new InputError(
      written,
      'is not an input of this action, so no session policy would be applied from it.',
      nearby.length > 0
        ? `Did you mean '${nearby[0]}'?`
        : 'The session-policy inputs are inline-session-policy, inline-session-policy-file and managed-session-policies.'
    )
  }
  return undefined
}

function parseRegion(value: string, env: Record<string, string | undefined>): string {
  const region = value || env.AWS_REGION || env.AWS_DEFAULT_REGION || ''
  const origin = value ? 'aws-region' : env.AWS_REGION ? 'AWS_REGION' : 'AWS_DEFAULT_REGION'
  if (region === '') {
    throw new InputError(
      'aws-region',
      'is not set, and neither AWS_REGION nor AWS_DEFAULT_REGION is in the environment.',
      'Add aws-region: us-east-1 (or your region) to the step.'
    )
  }
  if (!isRegion(region)) {
    throw new InputError(
      origin === 'aws-region' ? 'aws-region' : `aws-region (from ${origin})`,
      `'${region}' is not a region name.`,
      'Write a region such as us-east-1 or eu-west-2.'
    )
  }
  return region
}

function parseEndpoint(value: string): string | undefined {
  if (value === '') return undefined
  let url: URL
  try {
    url = new URL(value)
  } catch {
    url = new URL('invalid:')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError(
      'sts-endpoint',
      `'${value}' is not an http(s) URL.`,
      'Write a URL such as https://sts.eu-west-1.amazonaws.com, or leave it empty for the regional endpoint.'
    )
  }
  return value
}

function parseStaticKeys(raw: RawInputs): StaticKeys | undefined {
  const accessKeyId = raw['aws-access-key-id']
  const secretAccessKey = raw['aws-secret-access-key']
  const sessionToken = raw['aws-session-token']
  if (accessKeyId === '' && secretAccessKey === '') {
    if (sessionToken !== '') {
      throw new InputError(
        'aws-session-token',
        'is set without aws-access-key-id and aws-secret-access-key.',
        'Set all three from the same credentials, or none.'
      )
    }
    return undefined
  }
  if (accessKeyId === '' || secretAccessKey === '') {
    const missing = accessKeyId === '' ? 'aws-access-key-id' : 'aws-secret-access-key'
    const given = accessKeyId === '' ? 'aws-secret-access-key' : 'aws-access-key-id'
    throw new InputError(
      missing,
      `is empty while ${given} is set.`,
      'Set both (for example from ${{ secrets.AWS_ACCESS_KEY_ID }} and ${{ secrets.AWS_SECRET_ACCESS_KEY }}); an empty secret usually means the secret is not available to this workflow.'
    )
  }
  if (!/^[A-Z0-9]{16,128}$/.test(accessKeyId)) {
    throw new InputError(
      'aws-access-key-id',
      'does not look like an access key id (16 to 128 upper-case letters and digits).',
      'Check that the secret holds the key id (AKIA… or ASIA…), not the secret key.'
    )
  }
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) }
}

function parseRole(value: string, partition: string): Settings['role'] {
  if (value === '') {
    throw new InputError(
      'role-to-assume',
      'is required.',
      'Write the role ARN, e.g. role-to-assume: arn:aws:iam::123456789012:role/deploy.'
    )
  }
  if (isRoleArn(value)) {
    const arnPartition = parseArn(value)!.partition
    if (arnPartition !== partition) {
      throw new InputError(
        'role-to-assume',
        `is in partition '${arnPartition}', but aws-region is in '${partition}'.`,
        "Use a region of the role's partition, or the role ARN of this partition."
      )
    }
    return { arn: value }
  }
  if (isBareRoleName(value)) return { name: value }
  throw new InputError(
    'role-to-assume',
    `'${value}' is neither a role ARN nor a role name.`,
    "Write arn:aws:iam::123456789012:role/NAME, or just NAME to use the source credentials' account."
  )
}

function parseSessionName(value: string, env: Record<string, string | undefined>): string {
  if (value === '') return defaultSessionName(env)
  if (value.length < 2 || value.length > 64 || !SESSION_NAME_CHARS.test(value)) {
    throw new InputError(
      'role-session-name',
      `'${value}' is not a valid session name: STS wants 2 to 64 characters of letters, digits and + = , . @ _ -.`,
      `Write e.g. '${sanitizeSessionName(value) || 'deploy-preview'}'.`
    )
  }
  return value
}

/**
 * A name that tells CloudTrail readers which run made the session. Built from the run so it is
 * unique per attempt; the actor is cleaned because bot names such as `dependabot[bot]` contain
 * characters STS refuses.
 */
export function defaultSessionName(env: Record<string, string | undefined>): string {
  const parts = [
    'gh',
    env.GITHUB_RUN_ID,
    env.GITHUB_RUN_ATTEMPT,
    env.GITHUB_ACTOR && sanitizeSessionName(env.GITHUB_ACTOR)
  ].filter(part => part !== undefined && part !== '')
  const name = parts.length > 1 ? parts.join('-') : 'scoped-role'
  return name.slice(0, 64).replace(/[-_.]+$/, '')
}

export function sanitizeSessionName(value: string): string {
  return value
    .replace(/[^\w+=,.@-]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 64)
}

/** GetScopedCredentials allows 1 s to 36 h (within the source's remaining lifetime). */
const SCOPE_DURATION = { min: 1, max: 129600 }

function parseDuration(value: string, mode: Mode): number {
  if (value === '') return DEFAULT_DURATION_SECONDS
  const seconds = Number(value)
  if (mode === 'scope') {
    if (!/^\d+$/.test(value) || seconds < SCOPE_DURATION.min || seconds > SCOPE_DURATION.max) {
      throw new InputError(
        'role-duration-seconds',
        `'${value}' is not a whole number of seconds from 1 to 129600, as mode: scope allows.`,
        'Write e.g. 900, or leave it empty to keep the expiry of the credentials being scoped.'
      )
    }
    return seconds
  }
  if (!/^\d+$/.test(value) || seconds < 900 || seconds > 43200) {
    throw new InputError(
      'role-duration-seconds',
      `'${value}' is not a whole number of seconds from 900 (15 minutes) to 43200 (12 hours).`,
      "Write e.g. 3600; the role's maximum session duration must also allow it."
    )
  }
  return seconds
}

function parseExternalId(value: string): string | undefined {
  if (value === '') return undefined
  if (value.length < 2 || value.length > 1224 || !/^[\w+=,.@:/-]*$/.test(value)) {
    throw new InputError(
      'role-external-id',
      'must be 2 to 1224 characters of letters, digits and + = , . @ : / _ -.',
      "Use the external id exactly as the role's trust policy states it."
    )
  }
  return value
}

function parseMfa(serialNumber: string, tokenCode: string): Settings['mfa'] {
  if (serialNumber === '' && tokenCode === '') return undefined
  if (serialNumber === '') {
    throw new InputError(
      'mfa-serial-number',
      'is empty while mfa-token-code is set.',
      'Set it to the MFA device ARN, e.g. arn:aws:iam::123456789012:mfa/release-manager.'
    )
  }
  if (
    serialNumber.length < 9 ||
    serialNumber.length > 256 ||
    !/^[\w+=/:,.@-]*$/.test(serialNumber)
  ) {
    throw new InputError(
      'mfa-serial-number',
      'is not an MFA device ARN or serial number.',
      'Write the device ARN, e.g. arn:aws:iam::123456789012:mfa/release-manager.'
    )
  }
  if (tokenCode === '') {
    throw new InputError(
      'mfa-token-code',
      'is empty while mfa-serial-number is set.',
      'Pass the current 6-digit code, e.g. from a workflow_dispatch input: mfa-token-code: ${{ inputs.mfa-code }}.'
    )
  }
  if (!/^\d{6}$/.test(tokenCode)) {
    throw new InputError(
      'mfa-token-code',
      'must be exactly 6 digits.',
      'Type the code the MFA device shows now, without spaces.'
    )
  }
  return { serialNumber, tokenCode }
}

function parseInlinePolicySource(
  raw: RawInputs,
  env: Record<string, string | undefined>,
  readFile: (path: string) => string
): Settings['inlinePolicy'] {
  const text = raw['inline-session-policy']
  const file = raw['inline-session-policy-file']
  if (text !== '' && file !== '') {
    throw new InputError(
      'inline-session-policy-file',
      'is set together with inline-session-policy; a session has one inline policy.',
      'Keep one of the two (managed-session-policies can be combined with either).'
    )
  }
  if (text !== '') return { text, input: 'inline-session-policy' }
  if (file === '') return undefined
  const workspace = env.GITHUB_WORKSPACE || process.cwd()
  const path = isAbsolute(file) ? file : resolve(workspace, file)
  try {
    // A byte-order mark (as Windows editors and PowerShell write) is encoding, not JSON.
    return { text: readFile(path).replace(/^\uFEFF/, ''), input: 'inline-session-policy-file' }
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error)
    throw new InputError(
      'inline-session-policy-file',
      `cannot read '${file}' (looked at ${path}: ${reason}).`,
      'Give a path relative to the workspace, and check out the repository (actions/checkout) before this step.'
    )
  }
}

/** Set to something other than empty or a spelling of false. */
function isGiven(value: string): boolean {
  return value !== '' && value.toLowerCase() !== 'false'
}

function parseBoolean(input: InputName, value: string, fallback: boolean): boolean {
  if (value === '') return fallback
  if (['true', 'True', 'TRUE'].includes(value)) return true
  if (['false', 'False', 'FALSE'].includes(value)) return false
  throw new InputError(input, `'${value}' is not a boolean.`, 'Write true or false.')
}
