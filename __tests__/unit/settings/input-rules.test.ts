import { describe, expect, it } from '@jest/globals'
import { INPUT_NAMES } from '../../../src/settings/input-names.js'
import {
  ASSUME_ROLE_ONLY_INPUTS,
  INPUT_RULES,
  refusedIn,
  SECRET_INPUTS
} from '../../../src/settings/input-rules.js'
import { errorOf, settingsOf } from '../../support/inputs.js'

describe('the input table', () => {
  it('has one row per declared input', () => {
    expect(Object.keys(INPUT_RULES).sort()).toEqual([...INPUT_NAMES].sort())
  })

  it('derives the secret and AssumeRole-only inputs', () => {
    expect([...SECRET_INPUTS].sort()).toEqual([
      'aws-access-key-id',
      'aws-secret-access-key',
      'aws-session-token',
      'mfa-token-code'
    ])
    expect(ASSUME_ROLE_ONLY_INPUTS).toContain('role-external-id')
    expect(ASSUME_ROLE_ONLY_INPUTS).not.toContain('role-session-name')
  })

  it('refuses inputs only in mode scope', () => {
    expect(refusedIn('assume')).toEqual([])
    expect(refusedIn('check')).toEqual([])
    expect(refusedIn('scope')).toContain('role-to-assume')
  })

  it.each(refusedIn('scope'))('mode scope refuses %s before any request', name => {
    const error = errorOf(() =>
      settingsOf({
        mode: 'scope',
        'role-to-assume': '',
        'inline-session-policy': '{"Statement":[]}',
        [name]: name === 'role-to-assume' ? 'arn:aws:iam::111122223333:role/x' : 'x'
      })
    )
    expect(error.input).toBe(name)
    expect(error.message).toMatch(/mode: scope/)
  })
})
