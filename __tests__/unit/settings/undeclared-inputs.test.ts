import { describe, expect, it } from '@jest/globals'
import { INPUT_NAMES } from '../../../src/settings/input-names.js'
import { editDistance } from '../../../src/shared/suggest.js'
import {
  checkUndeclaredInputs,
  intendedInput,
  typoDistance
} from '../../../src/settings/undeclared-inputs.js'

const variable = (name: string): string => `INPUT_${name.toUpperCase()}`

describe('checkUndeclaredInputs', () => {
  it.each([
    ['forbid-action', 'forbid-actions'],
    ['forbid_actions', 'forbid-actions'],
    ['allowed-account-id', 'allowed-account-ids'],
    ['allowed_account_ids', 'allowed-account-ids'],
    ['require-session-polcy', 'require-session-policy'],
    ['verify-credential', 'verify-credentials'],
    ['mask-aws-acount-id', 'mask-aws-account-id'],
    ['inline-session-polcy', 'inline-session-policy'],
    ['managed-session-polices', 'managed-session-policies'],
    ['role_to_assume', 'role-to-assume']
  ])('%s is an error that names %s', (written, meant) => {
    const { error } = checkUndeclaredInputs(['PATH', variable(written)])
    expect(error?.input).toBe(written)
    expect(error?.message).toContain(`Did you mean '${meant}'?`)
  })

  // Near misses that do not contain 'polic': only the typo distance can make them errors.
  it.each([
    'forbid-action',
    'verify-credential',
    'mask-aws-acount-id',
    'require-session-polcy',
    'managed-session-polcies',
    'inline-session-poliy-file'
  ])('%s, a near miss without "polic", is an error', written => {
    expect(written).not.toContain('polic')
    const { error, warnings } = checkUndeclaredInputs([variable(written)])
    expect(error?.message).toContain('so the step would run as if it were not there.')
    expect(warnings).toEqual([])
  })

  it('treats any undeclared input about a policy as an error', () => {
    expect(checkUndeclaredInputs(['INPUT_POLICY']).error?.message).toContain('no session policy')
  })

  it('warns about an undeclared input that is close to nothing, naming the inputs', () => {
    const result = checkUndeclaredInputs(['INPUT_GITHUB-TOKEN'])
    expect(result.error).toBeUndefined()
    expect(result.warnings).toHaveLength(1)
    expect(result.warnings[0]).toContain("'github-token' is not an input")
    for (const name of INPUT_NAMES) expect(result.warnings[0]).toContain(name)
  })

  it('accepts every declared input and ignores other variables', () => {
    expect(checkUndeclaredInputs([...INPUT_NAMES.map(variable), 'HOME', 'GITHUB_ENV'])).toEqual({
      warnings: []
    })
  })

  it('names every misspelt input in one error', () => {
    const { error } = checkUndeclaredInputs(['INPUT_FORBID-ACTION', 'INPUT_VERIFY-CREDENTIAL'])
    expect(error?.message).toContain(
      "Did you mean 'forbid-actions'? Did you mean 'verify-credentials'?"
    )
  })

  it('suggests only within a sensible distance', () => {
    expect(intendedInput('mode')).toBe('mode')
    expect(intendedInput('node')).toBe('mode')
    expect(intendedInput('foo')).toBeUndefined()
    expect(intendedInput('token')).toBeUndefined()
  })

  it('has no declared name within a typo of another, so no name makes a typo check weaker', () => {
    const close = INPUT_NAMES.flatMap(name =>
      INPUT_NAMES.filter(
        other =>
          other !== name &&
          editDistance(other, name, typoDistance(name.length)) <= typoDistance(name.length)
      ).map(other => `${other} ~ ${name}`)
    )
    expect(close).toEqual([])
  })

  it.each([
    ['output-env-credential', 'output-env-credentials'],
    ['disable_retry', 'disable-retry'],
    ['use-existing-credential', 'use-existing-credentials'],
    ['special-character-workaround', 'special-characters-workaround'],
    ['action-timeout-sec', 'action-timeout-s'],
    ['custom_tags', 'custom-tags'],
    ['via-role', 'via-roles'],
    ['force-skip-odic', 'force-skip-oidc']
  ])('a typo of the new %s names %s', (written, meant) => {
    expect(checkUndeclaredInputs([variable(written)]).error?.message).toContain(
      `Did you mean '${meant}'?`
    )
  })
})

describe('checkUndeclaredInputs, exactly', () => {
  const NAMES = 'Input names are written exactly as declared, with hyphens.'
  const POLICY_INPUTS =
    'the session-policy inputs are inline-session-policy, inline-session-policy-file and managed-session-policies.'

  it('names the input meant', () => {
    const { error, warnings } = checkUndeclaredInputs(['INPUT_FORBID-ACTION'])
    expect(warnings).toEqual([])
    expect(error?.input).toBe('forbid-action')
    expect(error?.message).toBe(
      `forbid-action: is not an input of this action, so the step would run as if it were not there. Did you mean 'forbid-actions'? ${NAMES}`
    )
  })

  it('names the session-policy inputs for a policy input that is no typo', () => {
    expect(checkUndeclaredInputs(['INPUT_POLICY']).error?.message).toBe(
      `policy: is not an input of this action, so the step would run as if it were not there (no session policy would be applied from it). 'policy': ${POLICY_INPUTS} ${NAMES}`
    )
  })

  it('lists the others in the first one’s error, and still warns', () => {
    const { error, warnings } = checkUndeclaredInputs([
      'INPUT_FORBID-ACTION',
      'INPUT_GITHUB-TOKEN',
      'INPUT_VERIFY-CREDENTIAL',
      'INPUT_POLICY'
    ])
    expect(error?.message).toBe(
      `forbid-action: is not an input of this action, so the step would run as if it were not there; nor are 'verify-credential', 'policy'. Did you mean 'forbid-actions'? Did you mean 'verify-credentials'? 'policy': ${POLICY_INPUTS} ${NAMES}`
    )
    expect(warnings).toEqual([
      `'github-token' is not an input of this action and was ignored. The inputs are: ${INPUT_NAMES.join(', ')}.`
    ])
  })
})

describe('intendedInput and typoDistance', () => {
  it.each([
    [5, 1],
    [11, 1],
    [12, 2],
    [17, 2],
    [18, 3],
    [40, 3]
  ])('allows for a name of %i characters %i edits', (length, edits) => {
    expect(typoDistance(length)).toBe(edits)
  })

  it.each([
    ['FORBID ACTIONS', 'forbid-actions'],
    ['allowed_account_ids', 'allowed-account-ids'],
    ['role-session-tame', 'role-session-name'],
    ['role-session-nags', 'role-session-tags']
  ])('takes %s for %s, the closest name', (written, meant) => {
    expect(intendedInput(written)).toBe(meant)
  })
})
