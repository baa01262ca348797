import { describe, expect, it } from '@jest/globals'
import type { RawInputs } from '../../../src/settings/input-rules.js'
import {
  checkRefreshInputs,
  DEFAULT_REFRESH_PROFILE,
  parseRefresh
} from '../../../src/settings/refresh.js'
import { assumeSettingsOf, errorOf, rawInputs, refusal, settingsOf } from '../../support/inputs.js'

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

describe('parseRefresh', () => {
  it.each([
    ['', 'assume', false],
    ['false', 'scope', false],
    ['true', 'assume', true],
    ['true', 'check', true]
  ] as const)('reads %j in mode %s as %s', (value, mode, expected) => {
    expect(parseRefresh(rawInputs({ refresh: value }), mode)).toBe(expected)
  })

  it('refuses mode: scope', () => {
    expect(refusal(() => parseRefresh(rawInputs({ refresh: 'true' }), 'scope'))).toEqual({
      input: 'refresh',
      message:
        'refresh: cannot be used in mode: scope: GetScopedCredentials narrows the credentials already in the environment, and nothing could renew them when they expire. Use mode: assume with GitHub OIDC (permissions: id-token: write) and a session policy, which refresh: true renews with the same policy.'
    })
  })

  it('refuses a value that is not a boolean', () => {
    expect(refusal(() => parseRefresh(rawInputs({ refresh: 'yes' }), 'assume'))).toEqual({
      input: 'refresh',
      message: "refresh: 'yes' is not a boolean. Write true or false."
    })
  })
})

describe('checkRefreshInputs', () => {
  const WHAT_WORKS =
    'Use GitHub OIDC (permissions: id-token: write), web-identity-token-file, or an instance or container role found by the default chain; or set refresh: false.'
  const KEY_IN_ENV = { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE000000000' }
  const check = (
    overrides: Partial<RawInputs> = {},
    settings: Partial<Parameters<typeof checkRefreshInputs>[1]> = {},
    env: Record<string, string> = {}
  ) =>
    checkRefreshInputs(
      rawInputs(overrides),
      { source: { kind: 'oidc' }, unsetCurrentCredentials: false, ...settings },
      env
    )

  it('takes OIDC with nothing else', () => {
    expect(() => check()).not.toThrow()
  })

  it('refuses keys as the source', () => {
    const keys = { accessKeyId: 'AKIAEXAMPLE000000000', secretAccessKey: 's' }
    expect(refusal(() => check({}, { source: { kind: 'keys', keys, forced: false } }))).toEqual({
      input: 'aws-access-key-id',
      message: `aws-access-key-id: is set, but refresh: true would have to keep the secret access key on disk to assume the role again. ${WHAT_WORKS}`
    })
  })

  it('refuses role-chaining', () => {
    expect(
      refusal(() => check({}, { source: { kind: 'environment', because: 'role-chaining' } }))
    ).toEqual({
      input: 'role-chaining',
      message: `role-chaining: assumes from the credentials an earlier step exported; they expire and cannot be renewed, so refresh: true could not assume the role again. ${WHAT_WORKS}`
    })
  })

  const FIXED_KEYS = `refresh: would assume the role with AWS_ACCESS_KEY_ID from the environment: fixed keys that the later steps would also see, and that would win over the profile there. ${WHAT_WORKS} An instance role needs no AWS_ACCESS_KEY_ID in the environment.`

  it.each([
    [{ kind: 'environment', because: 'force-source' }, {}],
    [{ kind: 'environment', because: 'force-skip-oidc' }, {}],
    [{ kind: 'any' }, {}],
    [{ kind: 'any' }, { ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token' }],
    [{ kind: 'any' }, { ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't' }]
  ] as const)('refuses fixed keys in the environment for the source %j (%j)', (source, env) => {
    expect(refusal(() => check({}, { source }, { ...KEY_IN_ENV, ...env }))).toEqual({
      input: 'refresh',
      message: FIXED_KEYS
    })
  })

  it.each([
    [{ kind: 'any' }, false, { ...KEY_IN_ENV, ...OIDC }],
    [{ kind: 'any' }, true, KEY_IN_ENV],
    [{ kind: 'environment', because: 'force-source' }, true, KEY_IN_ENV],
    [{ kind: 'environment', because: 'force-source' }, false, { AWS_ACCESS_KEY_ID: '' }],
    [{ kind: 'oidc' }, false, KEY_IN_ENV],
    [{ kind: 'web-identity-file', path: '/t', forced: false }, false, KEY_IN_ENV]
  ] as const)(
    'takes the source %j (unset-current-credentials %s) with %j',
    (source, unsetCurrentCredentials, env) => {
      expect(() => check({}, { source, unsetCurrentCredentials }, env)).not.toThrow()
    }
  )

  it.each([
    [
      'mfa-token-code',
      '123456',
      'works once; refresh: true could not send a new code when the session is renewed. Remove mfa-serial-number and mfa-token-code, or set refresh: false.'
    ],
    [
      'role-external-id',
      'shared',
      "is a value shared with the role's owner, which refresh: true would have to keep on disk. Trust the job through GitHub OIDC instead (no external id), or set refresh: false."
    ],
    [
      'export-env',
      'true',
      'is true, but refresh: true exports no fixed keys: they would win over the profile and stop working when the session ends. Remove export-env; later steps get AWS_PROFILE.'
    ],
    [
      'output-env-credentials',
      'true',
      'is true, but refresh: true exports no fixed keys: they would win over the profile and stop working when the session ends. Remove output-env-credentials; later steps get AWS_PROFILE.'
    ],
    [
      'via-roles',
      'arn:aws:iam::111122223333:role/hub',
      'passes through other roles first, and each hop would have to be renewed from the one before it. Give the target role OIDC trust itself and assume it directly, or set refresh: false.'
    ],
    [
      'use-existing-credentials',
      'true',
      'keeps credentials from the environment, which nothing could renew. Remove use-existing-credentials, or set refresh: false.'
    ],
    [
      'special-characters-workaround',
      'true',
      'assumes again until the keys hold no punctuation, which a renewal does not repeat. Remove special-characters-workaround, or set refresh: false.'
    ],
    [
      'tag-session-like-configure-aws-credentials',
      'true',
      'drops tags and assumes again when STS finds them too large, which a renewal does not repeat. Remove tag-session-like-configure-aws-credentials, or set refresh: false.'
    ],
    [
      'output-credentials',
      'true',
      'is true, but refresh: true hands out no fixed keys: outputs would stop working when the first session ends. Remove output-credentials; later steps use the profile (AWS_PROFILE).'
    ]
  ] as const)('refuses %s: %s', (input, value, text) => {
    expect(refusal(() => check({ [input]: value }))).toEqual({
      input,
      message: `${input}: ${text}`
    })
  })

  it.each([
    'mfa-token-code',
    'role-external-id',
    'export-env',
    'output-env-credentials',
    'via-roles',
    'use-existing-credentials',
    'special-characters-workaround',
    'tag-session-like-configure-aws-credentials',
    'output-credentials'
  ] as const)('takes %s written as false', input => {
    expect(() => check({ [input]: 'false' })).not.toThrow()
  })

  it.each([
    'export-env',
    'use-existing-credentials',
    'special-characters-workaround',
    'tag-session-like-configure-aws-credentials',
    'output-credentials'
  ] as const)('refuses %s that is not a boolean', input => {
    expect(refusal(() => check({ [input]: 'maybe' }))).toEqual({
      input,
      message: `${input}: 'maybe' is not a boolean. Write true or false.`
    })
  })

  it('refuses a proxy with a password, and takes one without', () => {
    expect(
      refusal(() => check({}, { httpProxy: 'http://user:secret@proxy.internal:3128/' }))
    ).toEqual({
      input: 'http-proxy',
      message:
        "http-proxy: holds a password, which refresh: true would have to keep on disk. Set HTTPS_PROXY in the job's env instead (every later step then reaches STS through it), or set refresh: false."
    })
    expect(() => check({}, { httpProxy: 'http://user@proxy.internal:3128/' })).not.toThrow()
  })
})
