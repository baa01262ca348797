import type { SessionTag } from '../aws/sts.js'
import { InputError } from '../shared/errors.js'
import { isGiven, parseBoolean } from './fields.js'
import { isWritten, refusedIn, type RawInputs } from './input-rules.js'
import type { RoleRef, ScopeSettings, SourceKind, SourceRequest, StaticKeys } from './settings.js'

/** Rules between inputs: each is checked here, once, before any request. */

/** STS caps a session assumed with role credentials at one hour. */
export const CHAINED_MAX_DURATION_SECONDS = 3600

/** The source inputs and what they must agree with. */
export interface SourceInputs {
  sourceKeys?: StaticKeys
  webIdentityTokenFile?: string
  roleChaining: boolean
  forceSource?: SourceKind
  /** force-skip-oidc: without keys or a token file, the environment's credentials, never OIDC. */
  skipOidc: boolean
  unsetCurrentCredentials: boolean
  durationSeconds: number
}

/**
 * The one source the inputs ask for. Refuses source inputs that contradict each other, or that
 * a forced source would silently ignore.
 */
export function sourceRequest(settings: SourceInputs): SourceRequest {
  if (settings.skipOidc && settings.forceSource === 'oidc') {
    throw new InputError(
      'force-skip-oidc',
      "is true, but force-source is 'oidc'.",
      'Remove one of the two.'
    )
  }
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
  // A forced source ignores the inputs of the others: say so rather than drop them silently.
  const ignored = (
    [
      ['aws-access-key-id', settings.sourceKeys !== undefined && settings.forceSource !== 'keys'],
      [
        'web-identity-token-file',
        settings.webIdentityTokenFile !== undefined && settings.forceSource !== 'web-identity-file'
      ]
    ] as const
  ).find(([, given]) => settings.forceSource !== undefined && given)
  if (ignored !== undefined) {
    throw new InputError(
      'force-source',
      `is '${settings.forceSource}', which would ignore ${ignored[0]}${ignored[0] === 'aws-access-key-id' ? ' and aws-secret-access-key' : ''}.`,
      `Remove ${ignored[0]}${ignored[0] === 'aws-access-key-id' ? ' and aws-secret-access-key' : ''}, or remove force-source.`
    )
  }
  if (
    settings.forceSource === undefined &&
    settings.sourceKeys !== undefined &&
    settings.webIdentityTokenFile !== undefined
  ) {
    // aws-actions/configure-aws-credentials assumes with the file here; neither may be dropped silently.
    throw new InputError(
      'web-identity-token-file',
      'is set together with aws-access-key-id; the role is assumed with one source.',
      'Remove one of the two, or name the one to use with force-source.'
    )
  }
  const forced = settings.forceSource !== undefined
  if (settings.forceSource === 'oidc') return { kind: 'oidc' }
  if (settings.forceSource === 'environment')
    return { kind: 'environment', because: 'force-source' }
  if (settings.roleChaining) return { kind: 'environment', because: 'role-chaining' }
  // With force-source: keys or web-identity-file, the other source's input was refused above.
  if (settings.sourceKeys !== undefined) {
    return { kind: 'keys', keys: settings.sourceKeys, forced }
  }
  if (settings.webIdentityTokenFile !== undefined) {
    return { kind: 'web-identity-file', path: settings.webIdentityTokenFile, forced }
  }
  if (settings.forceSource === 'keys') {
    throw new InputError(
      'force-source',
      "is 'keys', but aws-access-key-id and aws-secret-access-key are not set.",
      'Set both inputs, or choose another source.'
    )
  }
  if (settings.forceSource === 'web-identity-file') {
    throw new InputError(
      'force-source',
      "is 'web-identity-file', but web-identity-token-file is not set.",
      'Set web-identity-token-file to the token path, or choose another source.'
    )
  }
  if (settings.skipOidc) return { kind: 'environment', because: 'force-skip-oidc' }
  return { kind: 'any' }
}

/**
 * export-env and output-env-credentials (its name in aws-actions/configure-aws-credentials) are
 * one setting: the one written wins, and two that disagree are an error.
 */
export function exportEnvSetting(raw: RawInputs, refresh: boolean): boolean {
  // refresh: true hands later steps a profile, never fixed keys.
  const fallback = raw['aws-profile'] === '' && !refresh
  const exportEnv = parseBoolean('export-env', raw['export-env'], fallback)
  const outputEnv = parseBoolean('output-env-credentials', raw['output-env-credentials'], fallback)
  if (raw['export-env'] !== '' && raw['output-env-credentials'] !== '' && exportEnv !== outputEnv) {
    throw new InputError(
      'output-env-credentials',
      `is ${outputEnv}, but export-env is ${exportEnv}; they are the same setting.`,
      'Keep one of the two.'
    )
  }
  return raw['export-env'] !== '' ? exportEnv : outputEnv
}

/** The tag inputs that add tags, by name, when given. */
const TAG_INPUTS = [
  'role-session-tags',
  'custom-tags',
  'tag-session-with-github-context',
  'tag-session-like-configure-aws-credentials',
  'transitive-tag-keys'
] as const

/**
 * role-skip-session-tagging exists because aws-actions/configure-aws-credentials tags every
 * session; here nothing is tagged unless asked, so with a tag input it contradicts it. The two
 * sets of run tags overlap (Repository, Workflow, RunId, …): one of them.
 */
export function checkTagInputs(raw: RawInputs): void {
  if (parseBoolean('role-skip-session-tagging', raw['role-skip-session-tagging'], false)) {
    const tagging = TAG_INPUTS.find(name => isGiven(raw[name]))
    if (tagging !== undefined) {
      throw new InputError(
        'role-skip-session-tagging',
        `is true, but ${tagging} asks for session tags.`,
        `Remove ${tagging}, or role-skip-session-tagging (no session tags are sent unless an input asks for them).`
      )
    }
  }
  if (
    parseBoolean(
      'tag-session-with-github-context',
      raw['tag-session-with-github-context'],
      false
    ) &&
    parseBoolean(
      'tag-session-like-configure-aws-credentials',
      raw['tag-session-like-configure-aws-credentials'],
      false
    )
  ) {
    throw new InputError(
      'tag-session-like-configure-aws-credentials',
      'and tag-session-with-github-context both add tags naming the run (Repository, Workflow, RunId, Actor, Commit).',
      'Keep one of the two.'
    )
  }
}

/** custom-tags and role-session-tags together: a key may be given once (STS ignores case). */
export function checkTagOverlap(sessionTags: SessionTag[], customTags: SessionTag[]): void {
  const keys = new Set(sessionTags.map(tag => tag.key.toLowerCase()))
  const twice = customTags.find(tag => keys.has(tag.key.toLowerCase()))
  if (twice !== undefined) {
    throw new InputError(
      'custom-tags',
      `sets '${twice.key}', which role-session-tags sets too.`,
      'Give each tag in one of the two inputs.'
    )
  }
}

/**
 * via-roles: every hop after the first is a chained session, which STS caps at one hour, and
 * the last role must be a full ARN (a hop has no source account to complete a bare name with).
 */
export function checkHops(
  viaRoles: string[],
  role: RoleRef | undefined,
  durationSeconds: number
): void {
  if (viaRoles.length === 0) return
  if (role !== undefined && !('arn' in role)) {
    throw new InputError(
      'role-to-assume',
      `is the bare name '${role.name}', but with via-roles the account cannot be taken from the source credentials.`,
      'Write the full ARN, e.g. arn:aws:iam::123456789012:role/NAME.'
    )
  }
  if (durationSeconds > CHAINED_MAX_DURATION_SECONDS) {
    throw new InputError(
      'role-duration-seconds',
      `is ${durationSeconds}, but with via-roles the role is assumed by another role's session, which STS caps at 3600 seconds.`,
      'Write role-duration-seconds: 3600 or less.'
    )
  }
}

/**
 * use-existing-credentials keeps the environment's credentials; given keys say to use those
 * instead, so the two contradict each other.
 */
export function checkUseExisting(raw: RawInputs, useExisting: boolean): void {
  if (useExisting && raw['aws-access-key-id'] !== '') {
    throw new InputError(
      'use-existing-credentials',
      "keeps the environment's credentials, but aws-access-key-id says to use these keys.",
      'Remove one of the two.'
    )
  }
}

/** Whether an input that only mode: assume with a role uses is written (for the keys-only path). */
export function writtenRoleInput(raw: RawInputs): string | undefined {
  return (
    [
      'inline-session-policy',
      'inline-session-policy-file',
      'managed-session-policies',
      'via-roles'
    ] as const
  ).find(name => isWritten(raw, name))
}

/** What GetScopedCredentials cannot take, refused before any request. */
export function checkScopeInputs(
  raw: RawInputs,
  settings: Pick<ScopeSettings, 'policy' | 'duration' | 'stsEndpoint' | 'region'>
): void {
  if (raw['role-to-assume'] !== '') {
    throw new InputError(
      'role-to-assume',
      'is not used in mode: scope, which narrows the credentials already in the environment and keeps their identity.',
      'Remove role-to-assume, or use mode: assume to assume another role.'
    )
  }
  // role-to-assume is refused above and managed-session-policies below, with their own
  // messages; the others share one.
  const notForScope = refusedIn('scope')
    .filter(name => name !== 'managed-session-policies')
    .find(name => isGiven(raw[name]))
  if (notForScope !== undefined) {
    throw new InputError(
      notForScope,
      'does not apply in mode: scope, which narrows the temporary credentials already in the environment (same identity, no new role).',
      `Remove ${notForScope}, or use mode: assume.`
    )
  }
  if (settings.policy.managed.length > 0) {
    throw new InputError(
      'managed-session-policies',
      'cannot be used in mode: scope: GetScopedCredentials takes only an inline policy.',
      'Write the permissions as inline-session-policy (or a file), or use mode: assume with the managed policies.'
    )
  }
  if (settings.policy.inline === undefined && settings.duration === 'inherit') {
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
