import { describe, expect, it } from '@jest/globals'
import { DEFAULT_REFRESH_PROFILE } from '../../../src/settings/refresh.js'
import { assumeSettingsOf, errorOf, settingsOf } from '../../support/inputs.js'

const OIDC = { ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't' }

describe('refresh', () => {
  it('writes a profile, default scoped-role, and exports no keys', () => {
    const settings = assumeSettingsOf({ refresh: 'true' }, { env: OIDC })
    expect(settings).toMatchObject({
      refresh: true,
      awsProfile: DEFAULT_REFRESH_PROFILE,
      exportEnv: false,
      outputCredentials: false
    })
    expect(
      assumeSettingsOf({ refresh: 'true', 'aws-profile': 'deploy' }, { env: OIDC }).awsProfile
    ).toBe('deploy')
    expect(assumeSettingsOf({}).refresh).toBe(false)
    expect(assumeSettingsOf({}).awsProfile).toBeUndefined()
  })

  it.each([
    [
      { 'aws-access-key-id': 'AKIAEXAMPLE000000000', 'aws-secret-access-key': 's' },
      'aws-access-key-id'
    ],
    [{ 'role-chaining': 'true' }, 'role-chaining'],
    [
      { 'mfa-serial-number': 'arn:aws:iam::111122223333:mfa/me', 'mfa-token-code': '123456' },
      'mfa-token-code'
    ],
    [{ 'role-external-id': 'shared' }, 'role-external-id'],
    [{ 'export-env': 'true' }, 'export-env'],
    [{ 'output-credentials': 'true' }, 'output-credentials'],
    [{ 'http-proxy': 'http://user:pass@proxy.example:3128' }, 'http-proxy'],
    [{ 'output-env-credentials': 'true' }, 'output-env-credentials'],
    [{ 'via-roles': 'arn:aws:iam::111122223333:role/hub' }, 'via-roles'],
    [{ 'use-existing-credentials': 'true' }, 'use-existing-credentials'],
    [{ 'special-characters-workaround': 'true' }, 'special-characters-workaround'],
    [
      { 'tag-session-like-configure-aws-credentials': 'true' },
      'tag-session-like-configure-aws-credentials'
    ],
    [
      {
        'role-to-assume': '',
        'aws-access-key-id': 'AKIAEXAMPLE000000000',
        'aws-secret-access-key': 's'
      },
      'refresh'
    ]
  ])('refuses %j, naming %s and what works instead', (inputs, input) => {
    const error = errorOf(() => settingsOf({ refresh: 'true', ...inputs }, { env: OIDC }))
    expect(error.input).toBe(input)
    expect(error.fix).toBeDefined()
  })

  it('refuses fixed keys in the environment when the default chain would be the source', () => {
    const env = { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE000000000' }
    expect(errorOf(() => settingsOf({ refresh: 'true' }, { env })).message).toContain(
      'instance role'
    )
    // With the job's OIDC token they are not the source; the later steps get them blanked.
    expect(assumeSettingsOf({ refresh: 'true' }, { env: { ...env, ...OIDC } }).refresh).toBe(true)
    // Blanked for this step too: the default chain then finds what else there is.
    expect(
      assumeSettingsOf({ refresh: 'true', 'unset-current-credentials': 'true' }, { env }).refresh
    ).toBe(true)
  })

  it('refuses mode scope with its own reason, and is checked in mode check', () => {
    const scope = errorOf(() =>
      settingsOf({ refresh: 'true', mode: 'scope', 'role-to-assume': '' })
    )
    expect(scope.input).toBe('refresh')
    expect(scope.message).toContain('nothing could renew them')
    expect(
      errorOf(() => settingsOf({ refresh: 'true', mode: 'check', 'role-chaining': 'true' })).input
    ).toBe('role-chaining')
    expect(errorOf(() => settingsOf({ refresh: 'yes' })).input).toBe('refresh')
  })
})
