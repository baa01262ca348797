import { InputError } from '../shared/errors.js'
import { isGiven } from './fields.js'
import type { InputName } from './input-names.js'
import { isWritten, type RawInputs } from './input-rules.js'

/**
 * What a workflow written for aws-actions/configure-aws-credentials may bring along that is not
 * an input: the environment variables that action copies into its empty inputs (ROLE_TO_ASSUME,
 * INLINE_SESSION_POLICY, …). scoped-role reads its settings from inputs only (and AWS_REGION /
 * AWS_DEFAULT_REGION, and the proxy variables, which its HTTP client honours), so a job-wide
 * variable cannot change a step that does not say so. Such a variable is not ignored silently
 * either: one that would change the role, the session policy or the masking fails the step; any
 * other is a warning that names the input to write.
 */
const FALLBACK_VARIABLES: ReadonlyArray<[string, InputName, 'error' | 'warning']> = [
  ['ROLE_TO_ASSUME', 'role-to-assume', 'error'],
  ['INLINE_SESSION_POLICY', 'inline-session-policy', 'error'],
  ['MANAGED_SESSION_POLICIES', 'managed-session-policies', 'error'],
  ['MASK_AWS_ACCOUNT_ID', 'mask-aws-account-id', 'error'],
  ['WEB_IDENTITY_TOKEN_FILE', 'web-identity-token-file', 'warning'],
  ['ROLE_CHAINING', 'role-chaining', 'warning'],
  ['AUDIENCE', 'audience', 'warning'],
  ['ROLE_DURATION_SECONDS', 'role-duration-seconds', 'warning'],
  ['ROLE_EXTERNAL_ID', 'role-external-id', 'warning'],
  ['ROLE_SESSION_NAME', 'role-session-name', 'warning'],
  ['ROLE_SKIP_SESSION_TAGGING', 'role-skip-session-tagging', 'warning'],
  ['TRANSITIVE_TAG_KEYS', 'transitive-tag-keys', 'warning'],
  ['OUTPUT_CREDENTIALS', 'output-credentials', 'warning'],
  ['UNSET_CURRENT_CREDENTIALS', 'unset-current-credentials', 'warning'],
  ['DISABLE_RETRY', 'disable-retry', 'warning'],
  ['RETRY_MAX_ATTEMPTS', 'retry-max-attempts', 'warning'],
  ['SPECIAL_CHARACTERS_WORKAROUND', 'special-characters-workaround', 'warning'],
  ['USE_EXISTING_CREDENTIALS', 'use-existing-credentials', 'warning'],
  ['OVERWRITE_AWS_PROFILE', 'overwrite-aws-profile', 'warning']
]

export interface FallbackCheck {
  error?: InputError
  warnings: string[]
}

/** The fallback variables that are set while their input is not written. */
export function checkFallbackVariables(
  raw: RawInputs,
  env: Record<string, string | undefined>
): FallbackCheck {
  const unread = FALLBACK_VARIABLES.filter(
    ([variable, input]) => isGiven(env[variable] ?? '') && !isWritten(raw, input)
  )
  const warnings = unread
    .filter(([, , level]) => level === 'warning')
    .map(
      ([variable, input]) =>
        `${variable} is set in the environment, but scoped-role reads only its inputs: it was not used. To use it, write ${input}: \${{ env.${variable} }} in the step's with:.`
    )
  const refused = unread.find(([, , level]) => level === 'error')
  if (refused === undefined) return { warnings }
  const [variable, input] = refused
  return {
    warnings,
    error: new InputError(
      input,
      `is not set, but ${variable} is set in the environment; scoped-role reads only its inputs, so the step would run without it.`,
      `Write ${input}: \${{ env.${variable} }} in the step's with:, or remove ${variable} from env:.`
    )
  }
}

/**
 * One info line for an input that only works around a trap of aws-actions/configure-aws-credentials:
 * accepted, and what scoped-role does instead.
 */
export function compatibilityNotes(raw: RawInputs): string[] {
  const notes: string[] = []
  if (isGiven(raw['role-skip-session-tagging'])) {
    notes.push(
      'role-skip-session-tagging: scoped-role sends no session tags unless an input asks for them, so there is nothing to skip.'
    )
  }
  return notes
}
