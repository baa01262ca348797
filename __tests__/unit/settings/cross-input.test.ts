import { describe, expect, it } from '@jest/globals'
import type { RawInputs } from '../../../src/settings/input-rules.js'
import { assumeSettingsOf, errorOf, settingsOf } from '../../support/inputs.js'

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

  it('takes the overlapping inputs of aws-actions/configure-aws-credentials by one rule each', () => {
    expect(parse({ 'output-env-credentials': 'false' }).exportEnv).toBe(false)
    expect(parse({ 'export-env': 'false', 'output-env-credentials': 'false' }).exportEnv).toBe(
      false
    )
    expect(parse({ 'aws-profile': 'p', 'output-env-credentials': 'true' }).exportEnv).toBe(true)
    expect(
      errorOf(() => parse({ 'export-env': 'true', 'output-env-credentials': 'false' })).input
    ).toBe('output-env-credentials')
    expect(parse({ 'disable-retry': 'true' }).retry.maxAttempts).toBe(1)
    expect(parse({ 'disable-retry': 'true', 'retry-max-attempts': '3' }).retry.maxAttempts).toBe(1)
    expect(parse({ 'disable-retry': 'true', 'retry-max-attempts': '1' }).retry.maxAttempts).toBe(1)
    expect(
      errorOf(() => parse({ 'disable-retry': 'true', 'retry-max-attempts': '12' })).input
    ).toBe('disable-retry')
    expect(parse({ 'force-skip-oidc': 'true' }).source).toEqual({
      kind: 'environment',
      because: 'force-skip-oidc'
    })
    expect(parse({ ...KEYS, 'force-skip-oidc': 'true' }).source.kind).toBe('keys')
    expect(errorOf(() => parse({ 'force-skip-oidc': 'true', 'force-source': 'oidc' })).input).toBe(
      'force-skip-oidc'
    )
    expect(errorOf(() => parse({ ...KEYS, 'use-existing-credentials': 'true' })).input).toBe(
      'use-existing-credentials'
    )
    expect(errorOf(() => parse({ ...KEYS, 'web-identity-token-file': 't' })).input).toBe(
      'web-identity-token-file'
    )
  })

  it('merges custom-tags with role-session-tags, and refuses what contradicts', () => {
    const settings = parse({
      'role-session-tags': 'Team=payments',
      'custom-tags': '{"CostCenter": 42, "Prod": true}',
      'transitive-tag-keys': 'Team\nProd'
    })
    expect(settings.tags).toEqual([
      { key: 'Team', value: 'payments' },
      { key: 'CostCenter', value: '42' },
      { key: 'Prod', value: 'true' }
    ])
    expect(settings.transitiveTagKeys).toEqual(['Team', 'Prod'])
    for (const [inputs, input] of [
      [{ 'custom-tags': '[1]' }, 'custom-tags'],
      [{ 'custom-tags': '{"a": null}' }, 'custom-tags'],
      [{ 'custom-tags': '{"a": 1, "a": 2}' }, 'custom-tags'],
      [{ 'custom-tags': '{"a!": "x"}' }, 'custom-tags'],
      [{ 'custom-tags': '{"team": "x"}', 'role-session-tags': 'Team=y' }, 'custom-tags'],
      [
        { 'role-skip-session-tagging': 'true', 'role-session-tags': 'a=b' },
        'role-skip-session-tagging'
      ],
      [
        {
          'tag-session-with-github-context': 'true',
          'tag-session-like-configure-aws-credentials': 'true'
        },
        'tag-session-like-configure-aws-credentials'
      ]
    ] as const) {
      expect(errorOf(() => parse(inputs)).input).toBe(input)
    }
  })

  it('marks only the run tags that were not written as droppable', () => {
    const settings = assumeSettingsOf(
      { 'tag-session-like-configure-aws-credentials': 'true', 'role-session-tags': 'RunId=mine' },
      { env: { GITHUB_RUN_ID: '1', GITHUB_JOB: 'build', GITHUB_EVENT_NAME: 'push' } }
    )
    expect(settings.droppableTagKeys).toEqual(['EventName', 'Job'])
    expect(settings.tags).toContainEqual({ key: 'RunId', value: 'mine' })
  })

  it('takes via-roles as full ARNs, at most five, with the hour cap and an ARN target', () => {
    const hub = 'arn:aws:iam::111122223333:role/hub'
    expect(parse({ 'via-roles': `${hub}\n${hub.replace('hub', 'mid')}` }).viaRoles).toHaveLength(2)
    expect(errorOf(() => parse({ 'via-roles': 'hub' })).message).toContain('bare role name')
    expect(errorOf(() => parse({ 'via-roles': Array(6).fill(hub).join(',') })).message).toContain(
      'at most 5'
    )
    expect(errorOf(() => parse({ 'via-roles': hub, 'role-duration-seconds': '7200' })).input).toBe(
      'role-duration-seconds'
    )
    expect(errorOf(() => parse({ 'via-roles': hub, 'role-to-assume': 'deploy' })).input).toBe(
      'role-to-assume'
    )
    expect(
      errorOf(() => parse({ 'via-roles': 'arn:aws-cn:iam::111122223333:role/hub' })).input
    ).toBe('via-roles')
  })

  it('takes keys without a role as a run that exports the keys, and nothing that needs a role', () => {
    const settings = settingsOf({ ...KEYS, 'role-to-assume': '' })
    expect(settings.mode).toBe('export-keys')
    expect(
      errorOf(() =>
        settingsOf({ ...KEYS, 'role-to-assume': '', 'managed-session-policies': 'ReadOnlyAccess' })
      ).input
    ).toBe('role-to-assume')
    expect(errorOf(() => settingsOf({ 'role-to-assume': '' })).input).toBe('role-to-assume')
  })

  it('takes action-timeout-s and no-proxy as written for that action', () => {
    expect(parse({ 'action-timeout-s': '0' }).actionTimeoutSeconds).toBeUndefined()
    expect(parse({ 'action-timeout-s': '90' }).actionTimeoutSeconds).toBe(90)
    expect(errorOf(() => parse({ 'action-timeout-s': '90s' })).input).toBe('action-timeout-s')
    expect(parse({ 'no-proxy': '.internal, 10.0.0.1:8080\n*' }).noProxy).toBe(
      '.internal,10.0.0.1:8080,*'
    )
    expect(errorOf(() => parse({ 'no-proxy': 'http://x/' })).input).toBe('no-proxy')
  })
})
