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
