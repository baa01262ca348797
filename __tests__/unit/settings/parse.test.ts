import { describe, expect, it } from '@jest/globals'
import { defaultSessionName } from '../../../src/settings/fields.js'
import { assumeSettingsOf, errorOf } from '../../support/inputs.js'

const ROLE = 'arn:aws:iam::111122223333:role/deploy'

const parse = (overrides = {}, env: Record<string, string> = {}) =>
  assumeSettingsOf(overrides, { env })

describe('parseSettings', () => {
  it('applies the defaults', () => {
    const settings = parse()
    expect(settings).toMatchObject({
      region: 'us-east-1',
      partition: 'aws',
      role: { arn: ROLE },
      durationSeconds: 3600,
      verifyCredentials: false,
      cleanupCredentials: true,
      policy: { managed: [] }
    })
    expect(settings.source).toEqual({ kind: 'any' })
    expect(settings.policy.inline).toBeUndefined()
  })

  it('falls back to AWS_REGION, then AWS_DEFAULT_REGION', () => {
    expect(parse({ 'aws-region': '' }, { AWS_REGION: 'eu-west-1' }).region).toBe('eu-west-1')
    expect(parse({ 'aws-region': '' }, { AWS_DEFAULT_REGION: 'eu-west-2' }).region).toBe(
      'eu-west-2'
    )
  })

  it('asks for a region when there is none', () => {
    const error = errorOf(() => parse({ 'aws-region': '' }))
    expect(error.input).toBe('aws-region')
    expect(error.message).toContain('aws-region: us-east-1')
  })

  it('refuses a region that is not a region name', () => {
    expect(errorOf(() => parse({ 'aws-region': 'US East' })).message).toContain('not a region name')
  })

  it('derives the partition from the region', () => {
    expect(
      parse({ 'aws-region': 'cn-north-1', 'role-to-assume': 'arn:aws-cn:iam::111122223333:role/x' })
        .partition
    ).toBe('aws-cn')
    expect(errorOf(() => parse({ 'aws-region': 'us-gov-west-1' })).message).toContain(
      "partition 'aws'"
    )
  })

  it('keeps a bare role name for completion with the source account', () => {
    expect(parse({ 'role-to-assume': 'deploy' }).role).toEqual({ name: 'deploy' })
    expect(parse({ 'role-to-assume': 'ci/deploy' }).role).toEqual({ name: 'ci/deploy' })
  })

  it('refuses a missing or malformed role', () => {
    expect(errorOf(() => parse({ 'role-to-assume': '' })).input).toBe('role-to-assume')
    expect(errorOf(() => parse({ 'role-to-assume': 'arn:aws:iam::123:role/x' })).message).toContain(
      "has account '123' of 3 digits; an AWS account id has exactly 12"
    )
    expect(
      errorOf(() => parse({ 'role-to-assume': 'arn:aws:iam::111122223333:user/x' })).input
    ).toBe('role-to-assume')
  })

  it('checks the session name against the STS pattern and suggests a clean one', () => {
    expect(parse({ 'role-session-name': 'release@v1.2' }).roleSessionName).toBe('release@v1.2')
    const error = errorOf(() => parse({ 'role-session-name': 'dependabot[bot]' }))
    expect(error.message).toContain("Write e.g. 'dependabot_bot'")
    expect(errorOf(() => parse({ 'role-session-name': 'x' })).input).toBe('role-session-name')
    expect(errorOf(() => parse({ 'role-session-name': 'a'.repeat(65) })).input).toBe(
      'role-session-name'
    )
  })

  it('derives a valid default session name from the run, even for bot actors', () => {
    const name = defaultSessionName({
      GITHUB_RUN_ID: '987654321',
      GITHUB_RUN_ATTEMPT: '2',
      GITHUB_ACTOR: 'dependabot[bot]'
    })
    expect(name).toBe('gh-987654321-2-dependabot_bot')
    expect(defaultSessionName({})).toBe('scoped-role')
    const long = defaultSessionName({ GITHUB_RUN_ID: '1', GITHUB_ACTOR: 'x'.repeat(100) })
    expect(long.length).toBeLessThanOrEqual(64)
    expect(long).toMatch(/^[\w+=,.@-]{2,64}$/)
  })

  it('checks the duration range', () => {
    expect(parse({ 'role-duration-seconds': '900' }).durationSeconds).toBe(900)
    expect(parse({ 'role-duration-seconds': '43200' }).durationSeconds).toBe(43200)
    for (const value of ['899', '43201', '1h', '3600.5', '-1']) {
      expect(errorOf(() => parse({ 'role-duration-seconds': value })).input).toBe(
        'role-duration-seconds'
      )
    }
  })

  it('checks the external id', () => {
    expect(parse({ 'role-external-id': 'tenant:42/x' }).externalId).toBe('tenant:42/x')
    expect(errorOf(() => parse({ 'role-external-id': 'a b' })).input).toBe('role-external-id')
  })

  it('wants the MFA serial number and a 6-digit code together', () => {
    const serial = 'arn:aws:iam::111122223333:mfa/release'
    expect(parse({ 'mfa-serial-number': serial, 'mfa-token-code': '123456' }).mfa).toEqual({
      serialNumber: serial,
      tokenCode: '123456'
    })
    expect(errorOf(() => parse({ 'mfa-serial-number': serial })).input).toBe('mfa-token-code')
    expect(errorOf(() => parse({ 'mfa-token-code': '123456' })).input).toBe('mfa-serial-number')
    expect(
      errorOf(() => parse({ 'mfa-serial-number': serial, 'mfa-token-code': '12345' })).message
    ).toContain('exactly 6 digits')
    expect(
      errorOf(() => parse({ 'mfa-serial-number': 'short', 'mfa-token-code': '123456' })).input
    ).toBe('mfa-serial-number')
  })

  it('takes static keys only as a pair', () => {
    expect(
      parse({ 'aws-access-key-id': 'AKIAEXAMPLE000000000', 'aws-secret-access-key': 's' }).source
    ).toEqual({
      kind: 'keys',
      keys: { accessKeyId: 'AKIAEXAMPLE000000000', secretAccessKey: 's' },
      forced: false
    })
    expect(errorOf(() => parse({ 'aws-access-key-id': 'AKIAEXAMPLE000000000' })).input).toBe(
      'aws-secret-access-key'
    )
    expect(errorOf(() => parse({ 'aws-session-token': 't' })).input).toBe('aws-session-token')
    expect(
      errorOf(() => parse({ 'aws-access-key-id': 'not a key', 'aws-secret-access-key': 's' })).input
    ).toBe('aws-access-key-id')
  })

  it('reads the policy file relative to the workspace', () => {
    const seen: string[] = []
    const settings = assumeSettingsOf(
      { 'inline-session-policy-file': 'policies/preview.json' },
      {
        workspace: '/work/space',
        readFile: path => {
          seen.push(path)
          return '{"Statement":[]}'
        }
      }
    )
    expect(seen).toEqual(['/work/space/policies/preview.json'])
    expect(settings.policy.inline).toEqual({
      text: '{"Statement":[]}',
      input: 'inline-session-policy-file',
      file: 'policies/preview.json'
    })
  })

  it('says which file it could not read', () => {
    const error = errorOf(() => parse({ 'inline-session-policy-file': 'missing.json' }))
    expect(error.input).toBe('inline-session-policy-file')
    expect(error.message).toContain('ENOENT')
    expect(error.message).toContain('actions/checkout')
  })

  it('refuses an inline policy and a policy file together', () => {
    expect(
      errorOf(() =>
        parse({ 'inline-session-policy': '{}', 'inline-session-policy-file': 'p.json' })
      ).input
    ).toBe('inline-session-policy-file')
  })

  it('splits managed policies on lines and commas', () => {
    expect(
      parse({
        'managed-session-policies':
          'ReadOnlyAccess, ViewOnlyAccess\n\n arn:aws:iam::aws:policy/X \n'
      }).policy.managed
    ).toEqual(['ReadOnlyAccess', 'ViewOnlyAccess', 'arn:aws:iam::aws:policy/X'])
  })

  it('parses booleans as the runner documents them', () => {
    expect(parse({ 'verify-credentials': 'TRUE' }).verifyCredentials).toBe(true)
    expect(parse({ 'cleanup-credentials': 'false' }).cleanupCredentials).toBe(false)
    expect(errorOf(() => parse({ 'verify-credentials': 'yes' })).message).toContain('true or false')
  })
})
