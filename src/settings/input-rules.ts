import { INPUT_DEFAULTS, INPUT_NAMES, type InputName } from './input-names.js'
import type { Mode } from './settings.js'

/** The inputs as the runner gives them: every declared name, '' when not set. */
export type RawInputs = Record<InputName, string>

/**
 * What the code needs to know about each input beyond its name (which action.yml declares, see
 * input-names.ts). Keyed by every declared name, so a new input in action.yml does not
 * type-check until it has its row here.
 */
export interface InputRule {
  /** Masked the moment it is read, before anything could print it. */
  secret?: true
  /**
   * Sent with AssumeRole only: AssumeRoleWithWebIdentity takes it from the token or not at all,
   * so it is warned about on that path.
   */
  assumeRoleOnly?: true
  /** The modes that use it; a mode not listed refuses it (today only scope refuses inputs). */
  modes?: readonly Mode[]
}

/** Inputs about where the first credentials come from or what AssumeRole takes: scope keeps the identity it finds. */
const NOT_SCOPE: readonly Mode[] = ['assume', 'check']

export const INPUT_RULES: Readonly<Record<InputName, InputRule>> = {
  'role-to-assume': { modes: NOT_SCOPE },
  'via-roles': { modes: NOT_SCOPE },
  'aws-region': {},
  'inline-session-policy': {},
  'inline-session-policy-file': {},
  'managed-session-policies': { modes: NOT_SCOPE },
  'session-policy-on-every-hop': { modes: NOT_SCOPE },
  'role-session-name': { modes: NOT_SCOPE },
  'role-duration-seconds': {},
  'special-characters-workaround': { modes: NOT_SCOPE },
  'role-external-id': { assumeRoleOnly: true, modes: NOT_SCOPE },
  'mfa-serial-number': { assumeRoleOnly: true, modes: NOT_SCOPE },
  'mfa-token-code': { secret: true, modes: NOT_SCOPE },
  'aws-access-key-id': { secret: true, modes: NOT_SCOPE },
  'aws-secret-access-key': { secret: true, modes: NOT_SCOPE },
  'aws-session-token': { secret: true, modes: NOT_SCOPE },
  'sts-endpoint': {},
  'verify-credentials': {},
  'cleanup-credentials': {},
  audience: {},
  'web-identity-token-file': { modes: NOT_SCOPE },
  'role-chaining': { modes: NOT_SCOPE },
  'force-source': { modes: NOT_SCOPE },
  'force-skip-oidc': { modes: NOT_SCOPE },
  'use-existing-credentials': { modes: NOT_SCOPE },
  'role-session-tags': { assumeRoleOnly: true, modes: NOT_SCOPE },
  'custom-tags': { assumeRoleOnly: true, modes: NOT_SCOPE },
  'transitive-tag-keys': { assumeRoleOnly: true, modes: NOT_SCOPE },
  'source-identity': { assumeRoleOnly: true, modes: NOT_SCOPE },
  'tag-session-with-github-context': { assumeRoleOnly: true, modes: NOT_SCOPE },
  'tag-session-like-configure-aws-credentials': { assumeRoleOnly: true, modes: NOT_SCOPE },
  'role-skip-session-tagging': { modes: NOT_SCOPE },
  'allowed-account-ids': {},
  'output-credentials': {},
  'unset-current-credentials': { modes: NOT_SCOPE },
  'mask-aws-account-id': {},
  'retry-max-attempts': {},
  'disable-retry': {},
  'retry-max-seconds': {},
  'request-timeout-seconds': {},
  'action-timeout-s': {},
  'http-proxy': {},
  'no-proxy': {},
  'use-fips-endpoint': {},
  mode: {},
  'forbid-actions': {},
  'require-session-policy': {},
  'job-summary': {},
  'aws-profile': {},
  'export-env': {},
  'output-env-credentials': {},
  'overwrite-aws-profile': {},
  'scoped-session-description': {},
  // Refused in mode scope with its own message (settings/refresh.ts).
  refresh: {},
  // The recorder watches later steps whatever the mode that set up their credentials.
  record: {}
}

const where = (test: (rule: InputRule) => boolean): InputName[] =>
  INPUT_NAMES.filter(name => test(INPUT_RULES[name]))

export const SECRET_INPUTS: readonly InputName[] = where(rule => rule.secret === true)
export const ASSUME_ROLE_ONLY_INPUTS: readonly InputName[] = where(
  rule => rule.assumeRoleOnly === true
)

export function refusedIn(mode: Mode): InputName[] {
  return where(rule => rule.modes !== undefined && !rule.modes.includes(mode))
}

/**
 * Whether the workflow wrote the input: the runner fills in declared defaults, so a value equal
 * to its default counts as not written (the rules between overlapping inputs need to know).
 */
export function isWritten(raw: RawInputs, name: InputName): boolean {
  return raw[name] !== '' && raw[name] !== INPUT_DEFAULTS[name]
}
