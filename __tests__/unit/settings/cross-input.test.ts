import { describe, expect, it } from '@jest/globals'
import type { RawInputs } from '../../../src/settings/input-rules.js'
import { assumeSettingsOf, errorOf } from '../../support/inputs.js'

const KEYS = { 'aws-access-key-id': 'AKIAEXAMPLE000000000', 'aws-secret-access-key': 's' }

const parse = (overrides: Partial<RawInputs> = {}, workspace = '/ws') =>
  assumeSettingsOf(overrides, { workspace, readFile: () => '' })

describe('source settings', () => {
  it('caps a chained session at an hour before any request', () => {
    const error = errorOf(() => parse({ 'role-chaining': 'true', 'role-duration-seconds': '7200' }))
    expect(error.input).toBe('role-duration-seconds')
    expect(error.message).toContain('3600')
  })

  it('refuses contradictory sources', () => {
    expect(errorOf(() => parse({ ...KEYS, 'role-chaining': 'true' })).input).toBe('role-chaining')
    expect(errorOf(() => parse({ 'force-source': 'keys' })).input).toBe('force-source')
    expect(errorOf(() => parse({ 'force-source': 'web-identity-file' })).input).toBe('force-source')
    expect(errorOf(() => parse({ ...KEYS, 'force-source': 'environment' })).message).toContain(
      "is 'environment', which would ignore aws-access-key-id and aws-secret-access-key"
    )
    expect(
      errorOf(() => parse({ 'web-identity-token-file': 'token', 'force-source': 'oidc' })).message
    ).toContain("is 'oidc', which would ignore web-identity-token-file")
    expect(errorOf(() => parse({ 'force-source': 'sso' })).message).toContain(
      'oidc, web-identity-file, keys, environment'
    )
  })

  it('resolves the token file in the workspace and defaults the audience', () => {
    const settings = parse({ 'web-identity-token-file': 'var/token' }, '/ws')
    expect(settings.source).toEqual({
      kind: 'web-identity-file',
      path: '/ws/var/token',
      forced: false
    })
    expect(settings.audience).toBe('sts.amazonaws.com')
  })

  it('checks allowed account ids and the source identity', () => {
    expect(
      parse({ 'allowed-account-ids': '111122223333, 444455556666' }).allowedAccountIds
    ).toEqual(['111122223333', '444455556666'])
    expect(errorOf(() => parse({ 'allowed-account-ids': '1234' })).input).toBe(
      'allowed-account-ids'
    )
    expect(parse({ 'source-identity': 'alice' }).sourceIdentity).toBe('alice')
    expect(errorOf(() => parse({ 'source-identity': 'aws:alice' })).input).toBe('source-identity')
  })

  it('lists the AssumeRole-only inputs given, for the web-identity warning', () => {
    expect(
      parse({
        'role-session-tags': 'Team=web',
        'tag-session-with-github-context': 'false',
        'source-identity': 'al'
      }).assumeRoleOnlyInputs
    ).toEqual(['role-session-tags', 'source-identity'])
  })
})
