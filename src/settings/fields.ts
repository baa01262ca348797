import { isBareRoleName, isRegion, isRoleArn, parseArn } from '../aws/arn.js'
import type { RetryPolicy } from '../aws/retry.js'
import { describeRoleArnProblem } from '../aws/role-arn.js'
import { InputError } from '../shared/errors.js'
import { splitList } from './list-input.js'
import type { InputName } from './input-names.js'
import { isWritten, type RawInputs } from './input-rules.js'
import {
  MODES,
  SOURCE_KINDS,
  type Mfa,
  type Mode,
  type RoleRef,
  type SourceKind,
  type StaticKeys
} from './settings.js'

/**
 * One parser per input: each applies the rules STS (or the runner) would apply to that value
 * alone, and names the input and the fix when the value breaks one. Rules between inputs live
 * in cross-input.ts.
 */

export const DEFAULT_DURATION_SECONDS = 3600
const SESSION_NAME_CHARS = /^[\w+=,.@-]*$/

export const DEFAULT_RETRY = { maxAttempts: 3, budgetSeconds: 30, requestTimeoutSeconds: 10 }

export function parseRetryPolicy(raw: RawInputs): RetryPolicy {
  const attempts = parseWholeNumber(
    'retry-max-attempts',
    raw['retry-max-attempts'],
    DEFAULT_RETRY.maxAttempts,
    1,
    20
  )
  const disabled = parseBoolean('disable-retry', raw['disable-retry'], false)
  if (disabled && isWritten(raw, 'retry-max-attempts') && attempts !== 1) {
    throw new InputError(
      'disable-retry',
      `is true, which means one attempt, but retry-max-attempts is ${attempts}.`,
      'Remove one of the two.'
    )
  }
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
    maxAttempts: disabled ? 1 : attempts,
    budgetMs: budget * 1000,
    requestTimeoutMs: Math.min(timeout, budget) * 1000
  }
}

export function parseWholeNumber(
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

export function parseProxy(value: string): string | undefined {
  if (value === '') return undefined
  let url: URL | undefined
  try {
    url = new URL(value.includes('://') ? value : `http://${value}`)
  } catch {
    url = undefined
  }
  // An http(s) URL always has a host name: the URL parser refuses one without.
  if (url === undefined || !['http:', 'https:'].includes(url.protocol)) {
    // Not echoed: a proxy URL may hold a password.
    throw new InputError(
      'http-proxy',
      'is not a proxy URL.',
      'Write e.g. http://proxy.internal:3128.'
    )
  }
  for (const part of [url.username, url.password]) {
    try {
      decodeURIComponent(part)
    } catch {
      // Not echoed either. The proxy client would drop such a URL and go direct, silently.
      throw new InputError(
        'http-proxy',
        "holds a user name or password with a '%' that is not valid percent-encoding.",
        'Percent-encode the special characters: % as %25, @ as %40, : as %3A (e.g. from ${{ secrets.PROXY_PASSWORD }} encoded once when it is stored).'
      )
    }
  }
  return url.href
}

/** action-timeout-s: 0 or empty is none; at most the 6 hours a job may run. */
export function parseActionTimeout(value: string): number | undefined {
  const seconds = parseWholeNumber('action-timeout-s', value, 0, 0, 21600)
  return seconds === 0 ? undefined : seconds
}

/** no-proxy: comma- or whitespace-separated, as NO_PROXY is written; kept as a comma list. */
export function parseNoProxy(value: string): string | undefined {
  const hosts = value.split(/[\s,]+/).filter(host => host !== '')
  if (hosts.length === 0) return undefined
  const bad = hosts.find(host => !/^[\w.*:[\]-]{1,255}$/.test(host))
  if (bad !== undefined) {
    throw new InputError(
      'no-proxy',
      `'${bad}' is not a host name, host:port, .suffix or *.`,
      'Write e.g. no-proxy: .internal.example.com,169.254.169.254.'
    )
  }
  return hosts.join(',')
}

/** Roles passed through before role-to-assume: full ARNs of the region's partition, at most 5. */
export const MAX_VIA_ROLES = 5

export function parseViaRoles(value: string, partition: string): string[] {
  const roles = splitList(value)
  if (roles.length > MAX_VIA_ROLES) {
    throw new InputError(
      'via-roles',
      `lists ${roles.length} roles; at most ${MAX_VIA_ROLES} hops are taken.`,
      'List only the roles the chain must pass through.'
    )
  }
  for (const role of roles) {
    if (!isRoleArn(role)) {
      const { problem, fix } = isBareRoleName(role)
        ? {
            problem: 'is a bare role name; a hop has no source account to complete it with.',
            fix: 'Write the full ARN, e.g. arn:aws:iam::123456789012:role/hub.'
          }
        : describeRoleArnProblem(role)
      throw new InputError('via-roles', `'${role}' ${problem}`, fix)
    }
    if (parseArn(role)!.partition !== partition) {
      throw new InputError(
        'via-roles',
        `'${role}' is not in partition '${partition}' of aws-region.`,
        "Use roles of the region's partition."
      )
    }
  }
  return roles
}

export function parseScopedDescription(
  value: string,
  env: Record<string, string | undefined>
): string {
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

export function parseProfileName(value: string): string | undefined {
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

export function parseMode(value: string): Mode {
  if (value === '') return 'assume'
  if ((MODES as readonly string[]).includes(value)) return value as Mode
  throw new InputError(
    'mode',
    `'${value}' is not a mode.`,
    'Write assume (the default: assume the role), check (only check the session policy, with no AWS request) or scope (narrow the session already in the environment).'
  )
}

export function parseForceSource(value: string): SourceKind | undefined {
  if (value === '') return undefined
  if ((SOURCE_KINDS as readonly string[]).includes(value)) return value as SourceKind
  throw new InputError(
    'force-source',
    `'${value}' is not a source.`,
    `Write one of ${SOURCE_KINDS.join(', ')}, or leave it empty to choose automatically.`
  )
}

export function parseSourceIdentity(value: string): string | undefined {
  if (value === '') return undefined
  // The pattern has no ':', so it also keeps out the aws: prefix STS reserves.
  if (value.length < 2 || value.length > 64 || !SESSION_NAME_CHARS.test(value)) {
    throw new InputError(
      'source-identity',
      'must be 2 to 64 letters, digits and + = , . @ _ -, not starting with aws:.',
      `Write e.g. '${sanitizeSessionName(value) || 'release-bot'}'.`
    )
  }
  return value
}

export function parseAccountIds(value: string): string[] | undefined {
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

export function parseRegion(value: string, env: Record<string, string | undefined>): string {
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

export function parseEndpoint(value: string): string | undefined {
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

export function parseStaticKeys(raw: RawInputs): StaticKeys | undefined {
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

/** mode: assume cannot do without a role. */
export function parseRequiredRole(value: string, partition: string): RoleRef {
  if (value === '') {
    throw new InputError(
      'role-to-assume',
      'is required.',
      'Write the role ARN, e.g. role-to-assume: arn:aws:iam::123456789012:role/deploy.'
    )
  }
  return parseRole(value, partition)
}

export function parseRole(value: string, partition: string): RoleRef {
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
  const { problem, fix } = describeRoleArnProblem(value)
  throw new InputError('role-to-assume', `'${value}' ${problem}`, fix)
}

export function parseSessionName(value: string, env: Record<string, string | undefined>): string {
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

/** AssumeRole and AssumeRoleWithWebIdentity: 15 minutes to 12 hours (within the role's maximum). */
export function parseDuration(value: string): number {
  if (value === '') return DEFAULT_DURATION_SECONDS
  if (!/^\d+$/.test(value) || Number(value) < 900 || Number(value) > 43200) {
    throw new InputError(
      'role-duration-seconds',
      `'${value}' is not a whole number of seconds from 900 (15 minutes) to 43200 (12 hours).`,
      "Write e.g. 3600; the role's maximum session duration must also allow it."
    )
  }
  return Number(value)
}

/** GetScopedCredentials allows 1 s to 36 h (within the source's remaining lifetime). */
const SCOPE_DURATION = { min: 1, max: 129600 }

/** mode: scope: without a value the scoped session keeps the expiry of the one it narrows. */
export function parseScopeDuration(value: string): number | 'inherit' {
  if (value === '') return 'inherit'
  const seconds = Number(value)
  if (!/^\d+$/.test(value) || seconds < SCOPE_DURATION.min || seconds > SCOPE_DURATION.max) {
    throw new InputError(
      'role-duration-seconds',
      `'${value}' is not a whole number of seconds from 1 to 129600, as mode: scope allows.`,
      'Write e.g. 900, or leave it empty to keep the expiry of the credentials being scoped.'
    )
  }
  return seconds
}

export function parseExternalId(value: string): string | undefined {
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

export function parseMfa(serialNumber: string, tokenCode: string): Mfa | undefined {
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

export function parseAudience(value: string): string {
  if (value === '') return 'sts.amazonaws.com'
  if (!/^[\x21-\x7e]{1,255}$/.test(value)) {
    throw new InputError(
      'audience',
      `'${value}' is not a valid audience.`,
      'Write e.g. sts.amazonaws.com.'
    )
  }
  return value
}

/** Set to something other than empty or a spelling of false. */
export function isGiven(value: string): boolean {
  return value !== '' && value.toLowerCase() !== 'false'
}

export function parseBoolean(input: InputName, value: string, fallback: boolean): boolean {
  if (value === '') return fallback
  if (['true', 'True', 'TRUE'].includes(value)) return true
  if (['false', 'False', 'FALSE'].includes(value)) return false
  throw new InputError(input, `'${value}' is not a boolean.`, 'Write true or false.')
}
