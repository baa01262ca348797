import { describe, expect, it } from '@jest/globals'
import { InputError } from '../../../src/shared/errors.js'
import { PolicyCheckError } from '../../../src/policy/problems.js'

describe('PolicyCheckError', () => {
  it('puts one problem on one line, with its fix as the fix', () => {
    const error = new PolicyCheckError('inline-session-policy', [
      { statementIndex: 1, sid: 'Read', message: 'has no "Effect".', fix: 'Add "Effect".' }
    ])
    expect(error).toBeInstanceOf(InputError)
    expect(error.name).toBe('PolicyCheckError')
    expect(error.input).toBe('inline-session-policy')
    expect(error.fix).toBe('Add "Effect".')
    expect(error.message).toBe(
      'inline-session-policy: statement 2 (Sid "Read") has no "Effect". Add "Effect".'
    )
  })

  it('lists several problems, each with its fix, and names no statement for the document', () => {
    const problems = [
      { message: 'has no "Statement".', fix: 'Add one.' },
      { statementIndex: 0, message: 'is null, not an object.', fix: 'Write one.' }
    ]
    const error = new PolicyCheckError('inline-session-policy-file', problems)
    expect(error.problems).toBe(problems)
    expect(error.fix).toBeUndefined()
    expect(error.message).toBe(
      'inline-session-policy-file: has 2 problems:\n- has no "Statement". Add one.\n- statement 1 is null, not an object. Write one.'
    )
  })
})
