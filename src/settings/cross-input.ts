import { InputError } from '../shared/errors.js'
import { isGiven } from './fields.js'
import { refusedIn, type RawInputs } from './input-rules.js'
import type { ScopeSettings, SourceKind, SourceRequest, StaticKeys } from './settings.js'

/** Rules between inputs: each is checked here, once, before any request. */

/** STS caps a session assumed with role credentials at one hour. */
export const CHAINED_MAX_DURATION_SECONDS = 3600

/** The source inputs and what they must agree with. */
export interface SourceInputs {
  sourceKeys?: StaticKeys
  webIdentityTokenFile?: string
  roleChaining: boolean
  forceSource?: SourceKind
  unsetCurrentCredentials: boolean
  durationSeconds: number
}

/**
 * The one source the inputs ask for. Refuses source inputs that contradict each other, or that
 * a forced source would silently ignore.
 */
export function sourceRequest(settings: SourceInputs): SourceRequest {
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
  return { kind: 'any' }
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
  // These two have their own messages; the others share one.
  const notForScope = refusedIn('scope')
    .filter(name => name !== 'role-to-assume' && name !== 'managed-session-policies')
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
