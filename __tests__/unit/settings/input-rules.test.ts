import { describe, expect, it } from '@jest/globals'
import { INPUT_NAMES } from '../../../src/settings/input-names.js'
import {
  ASSUME_ROLE_ONLY_INPUTS,
  INPUT_RULES,
  isWritten,
  refusedIn,
  SECRET_INPUTS
} from '../../../src/settings/input-rules.js'
import { errorOf, rawInputs, settingsOf } from '../../support/inputs.js'

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

describe('the input table, exactly', () => {
  it('masks the four secret inputs', () => {
    expect([...SECRET_INPUTS].sort()).toEqual([
      'aws-access-key-id',
      'aws-secret-access-key',
      'aws-session-token',
      'mfa-token-code'
    ])
  })

  it('marks the inputs only AssumeRole sends', () => {
    expect([...ASSUME_ROLE_ONLY_INPUTS].sort()).toEqual([
      'custom-tags',
      'mfa-serial-number',
      'role-external-id',
      'role-session-tags',
      'source-identity',
      'tag-session-like-configure-aws-credentials',
      'tag-session-with-github-context',
      'transitive-tag-keys'
    ])
  })

  it('refuses in mode scope the inputs about the source and AssumeRole', () => {
    expect(refusedIn('scope').sort()).toEqual([
      'aws-access-key-id',
      'aws-secret-access-key',
      'aws-session-token',
      'custom-tags',
      'force-skip-oidc',
      'force-source',
      'managed-session-policies',
      'mfa-serial-number',
      'mfa-token-code',
      'role-chaining',
      'role-external-id',
      'role-session-name',
      'role-session-tags',
      'role-skip-session-tagging',
      'role-to-assume',
      'session-policy-on-every-hop',
      'source-identity',
      'special-characters-workaround',
      'tag-session-like-configure-aws-credentials',
      'tag-session-with-github-context',
      'transitive-tag-keys',
      'unset-current-credentials',
      'use-existing-credentials',
      'via-roles',
      'web-identity-token-file'
    ])
  })
})

describe('isWritten', () => {
  it.each([
    ['retry-max-attempts', '', false],
    ['retry-max-attempts', '3', false],
    ['retry-max-attempts', '4', true],
    ['via-roles', '', false],
    ['via-roles', 'x', true]
  ] as const)('%s: %j is written: %s', (name, value, expected) => {
    expect(isWritten(rawInputs({ [name]: value }), name)).toBe(expected)
  })
})
