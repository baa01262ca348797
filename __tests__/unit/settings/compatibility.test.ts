import { describe, expect, it } from '@jest/globals'
import { checkFallbackVariables, compatibilityNotes } from '../../../src/settings/compatibility.js'
import { rawInputs } from '../../support/inputs.js'

describe('the environment variables aws-actions/configure-aws-credentials falls back to', () => {
  it('are not read: a set one that would change the role, policy or masking is an error', () => {
    for (const [variable, input] of [
      ['ROLE_TO_ASSUME', 'role-to-assume'],
      ['INLINE_SESSION_POLICY', 'inline-session-policy'],
      ['MANAGED_SESSION_POLICIES', 'managed-session-policies'],
      ['MASK_AWS_ACCOUNT_ID', 'mask-aws-account-id']
    ]) {
      const raw = rawInputs({ [input]: input === 'mask-aws-account-id' ? 'false' : '' })
      expect(checkFallbackVariables(raw, { [variable]: 'true' }).error?.input).toBe(input)
    }
  })

  it('warns about the others, and says nothing when the input is written or the variable is off', () => {
    const raw = rawInputs({ 'retry-max-attempts': '3' })
    const { error, warnings } = checkFallbackVariables(raw, {
      RETRY_MAX_ATTEMPTS: '12',
      AUDIENCE: 'sts.amazonaws.com',
      DISABLE_RETRY: 'false'
    })
    expect(error).toBeUndefined()
    expect(warnings).toEqual([
      expect.stringContaining('AUDIENCE is set in the environment'),
      expect.stringContaining('RETRY_MAX_ATTEMPTS is set in the environment')
    ])
    expect(
      checkFallbackVariables(rawInputs({ 'role-session-name': 'x1' }), { ROLE_SESSION_NAME: 'y' })
    ).toEqual({ warnings: [] })
  })

  it('notes role-skip-session-tagging in one line', () => {
    expect(compatibilityNotes(rawInputs({ 'role-skip-session-tagging': 'true' }))).toHaveLength(1)
    expect(compatibilityNotes(rawInputs())).toEqual([])
  })
})

describe('checkFallbackVariables, exactly', () => {
  const ERRORS = [
    ['ROLE_TO_ASSUME', 'role-to-assume'],
    ['INLINE_SESSION_POLICY', 'inline-session-policy'],
    ['MANAGED_SESSION_POLICIES', 'managed-session-policies'],
    ['MASK_AWS_ACCOUNT_ID', 'mask-aws-account-id']
  ] as const
  const WARNINGS = [
    ['WEB_IDENTITY_TOKEN_FILE', 'web-identity-token-file'],
    ['ROLE_CHAINING', 'role-chaining'],
    ['AUDIENCE', 'audience'],
    ['ROLE_DURATION_SECONDS', 'role-duration-seconds'],
    ['ROLE_EXTERNAL_ID', 'role-external-id'],
    ['ROLE_SESSION_NAME', 'role-session-name'],
    ['ROLE_SKIP_SESSION_TAGGING', 'role-skip-session-tagging'],
    ['TRANSITIVE_TAG_KEYS', 'transitive-tag-keys'],
    ['OUTPUT_CREDENTIALS', 'output-credentials'],
    ['UNSET_CURRENT_CREDENTIALS', 'unset-current-credentials'],
    ['DISABLE_RETRY', 'disable-retry'],
    ['RETRY_MAX_ATTEMPTS', 'retry-max-attempts'],
    ['SPECIAL_CHARACTERS_WORKAROUND', 'special-characters-workaround'],
    ['USE_EXISTING_CREDENTIALS', 'use-existing-credentials'],
    ['OVERWRITE_AWS_PROFILE', 'overwrite-aws-profile']
  ] as const
  const noInputs = rawInputs({ 'role-to-assume': '' })

  it.each(ERRORS)('fails the step when %s is set and %s is not written', (variable, input) => {
    const { error, warnings } = checkFallbackVariables(noInputs, { [variable]: 'x' })
    expect(warnings).toEqual([])
    expect(error?.input).toBe(input)
    expect(error?.message).toBe(
      `${input}: is not set, but ${variable} is set in the environment; scoped-role reads only its inputs, so the step would run without it. Write ${input}: \${{ env.${variable} }} in the step's with:, or remove ${variable} from env:.`
    )
  })

  it.each(WARNINGS)('warns when %s is set and %s is not written', (variable, input) => {
    expect(checkFallbackVariables(noInputs, { [variable]: 'x' })).toEqual({
      warnings: [
        `${variable} is set in the environment, but scoped-role reads only its inputs: it was not used. To use it, write ${input}: \${{ env.${variable} }} in the step's with:.`
      ]
    })
  })

  it('warns about every variable set, and fails on the first that changes the step', () => {
    const env = Object.fromEntries([...ERRORS, ...WARNINGS].map(([variable]) => [variable, 'x']))
    const { error, warnings } = checkFallbackVariables(noInputs, env)
    expect(error?.input).toBe('role-to-assume')
    expect(warnings).toHaveLength(WARNINGS.length)
  })

  it.each(['', 'false', 'FALSE'])('ignores a variable set to %j', value => {
    expect(checkFallbackVariables(noInputs, { ROLE_TO_ASSUME: value, AUDIENCE: value })).toEqual({
      warnings: []
    })
  })

  it('ignores a variable whose input is written', () => {
    const raw = rawInputs({ 'role-to-assume': 'deploy', audience: 'api://x' })
    expect(checkFallbackVariables(raw, { ROLE_TO_ASSUME: 'x', AUDIENCE: 'y' })).toEqual({
      warnings: []
    })
  })
})

describe('compatibilityNotes, exactly', () => {
  it('says why role-skip-session-tagging has nothing to do', () => {
    expect(compatibilityNotes(rawInputs({ 'role-skip-session-tagging': 'true' }))).toEqual([
      'role-skip-session-tagging: scoped-role sends no session tags unless an input asks for them, so there is nothing to skip.'
    ])
    expect(compatibilityNotes(rawInputs({ 'role-skip-session-tagging': 'false' }))).toEqual([])
  })
})
