import { describe, expect, it } from '@jest/globals'
import { defaultSessionName } from '../../../src/settings/fields.js'
import type { AssumeSettings } from '../../../src/settings/settings.js'
import { assumeSettingsOf, errorOf, refusal, settingsOf } from '../../support/inputs.js'

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

const CALLS_STS_DEFAULTS = {
  region: 'us-east-1',
  partition: 'aws',
  policy: { managed: [], forbidActions: '', requireSessionPolicy: false, partition: 'aws' },
  jobSummary: true,
  useFipsEndpoint: false,
  retry: { maxAttempts: 3, budgetMs: 30000, requestTimeoutMs: 10000 },
  maskAccountId: false,
  verifyCredentials: false,
  cleanupCredentials: true,
  outputCredentials: false,
  record: false,
  exportEnv: true,
  overwriteAwsProfile: false
}

describe('parseSettings, input by input', () => {
  it('gives mode: assume these settings when only a role and a region are written', () => {
    expect(parse()).toEqual({
      ...CALLS_STS_DEFAULTS,
      mode: 'assume',
      role: { arn: ROLE },
      roleSessionName: 'scoped-role',
      durationSeconds: 3600,
      source: { kind: 'any' },
      audience: 'sts.amazonaws.com',
      unsetCurrentCredentials: false,
      tags: [],
      transitiveTagKeys: [],
      droppableTagKeys: [],
      assumeRoleOnlyInputs: [],
      viaRoles: [],
      sessionPolicyOnEveryHop: false,
      useExistingCredentials: false,
      specialCharactersWorkaround: false,
      refresh: false
    })
  })

  it('passes every written input through to its setting', () => {
    const settings = parse(
      {
        'forbid-actions': 'iam:*',
        'sts-endpoint': 'https://sts.us-east-1.amazonaws.com',
        'http-proxy': 'proxy.internal:3128',
        'no-proxy': '.internal',
        'action-timeout-s': '90',
        'allowed-account-ids': '111122223333',
        'aws-profile': 'plan',
        'role-session-name': 'ci',
        'role-duration-seconds': '900',
        'web-identity-token-file': '/var/token',
        audience: 'api://aws',
        'role-external-id': 'tenant-1',
        'source-identity': 'alice',
        'via-roles': 'arn:aws:iam::111122223333:role/hub',
        'retry-max-attempts': '5'
      },
      { GITHUB_RUN_ID: '1' }
    )
    expect(settings).toMatchObject({
      policy: { forbidActions: 'iam:*' },
      stsEndpoint: 'https://sts.us-east-1.amazonaws.com',
      httpProxy: 'http://proxy.internal:3128/',
      noProxy: '.internal',
      actionTimeoutSeconds: 90,
      allowedAccountIds: ['111122223333'],
      awsProfile: 'plan',
      exportEnv: false,
      roleSessionName: 'ci',
      durationSeconds: 900,
      source: { kind: 'web-identity-file', path: '/var/token', forced: false },
      audience: 'api://aws',
      externalId: 'tenant-1',
      sourceIdentity: 'alice',
      assumeRoleOnlyInputs: ['role-external-id', 'source-identity'],
      viaRoles: ['arn:aws:iam::111122223333:role/hub'],
      retry: { maxAttempts: 5 }
    })
  })

  it.each([
    ['require-session-policy', (s: AssumeSettings) => s.policy.requireSessionPolicy, false],
    ['job-summary', (s: AssumeSettings) => s.jobSummary, true],
    ['use-fips-endpoint', (s: AssumeSettings) => s.useFipsEndpoint, false],
    ['mask-aws-account-id', (s: AssumeSettings) => s.maskAccountId, false],
    ['verify-credentials', (s: AssumeSettings) => s.verifyCredentials, false],
    ['cleanup-credentials', (s: AssumeSettings) => s.cleanupCredentials, true],
    ['output-credentials', (s: AssumeSettings) => s.outputCredentials, false],
    ['record', (s: AssumeSettings) => s.record, false],
    ['overwrite-aws-profile', (s: AssumeSettings) => s.overwriteAwsProfile, false],
    ['unset-current-credentials', (s: AssumeSettings) => s.unsetCurrentCredentials, false],
    ['session-policy-on-every-hop', (s: AssumeSettings) => s.sessionPolicyOnEveryHop, false],
    ['use-existing-credentials', (s: AssumeSettings) => s.useExistingCredentials, false],
    ['special-characters-workaround', (s: AssumeSettings) => s.specialCharactersWorkaround, false],
    ['role-chaining', (s: AssumeSettings) => s.source.kind === 'environment', false],
    ['force-skip-oidc', (s: AssumeSettings) => s.source.kind === 'environment', false]
  ] as const)('reads the boolean %s, by default %s', (input, read, fallback) => {
    expect(read(parse())).toBe(fallback)
    expect(read(parse({ [input]: String(!fallback) }))).toBe(!fallback)
    expect(refusal(() => parse({ [input]: 'maybe' }))).toEqual({
      input,
      message: `${input}: 'maybe' is not a boolean. Write true or false.`
    })
  })

  it('resolves a relative token file in the workspace', () => {
    expect(parse({ 'web-identity-token-file': 'var/token' }).source).toEqual({
      kind: 'web-identity-file',
      path: '/ws/var/token',
      forced: false
    })
  })

  it('checks the scoped-session description in every mode', () => {
    expect(errorOf(() => parse({ 'scoped-session-description': 'd'.repeat(257) })).input).toBe(
      'scoped-session-description'
    )
  })

  it('checks custom-tags by their own name, and the merged tags with the transitive keys', () => {
    expect(errorOf(() => parse({ 'custom-tags': '{"a!": "x"}' })).message).toContain(
      "custom-tags: tag key 'a!'"
    )
    expect(errorOf(() => parse({ 'transitive-tag-keys': 'Team' })).input).toBe(
      'transitive-tag-keys'
    )
  })

  it.each([
    ['tag-session-with-github-context', ['Repository', 'RunId'], []],
    ['tag-session-like-configure-aws-credentials', ['GitHub', 'Repository', 'RunId'], ['RunId']]
  ] as const)('adds the run tags of %s', (input, keys, droppable) => {
    const settings = assumeSettingsOf(
      { [input]: 'true' },
      { env: { GITHUB_REPOSITORY: 'octo/app', GITHUB_RUN_ID: '7' } }
    )
    expect(settings.tags.map(tag => tag.key)).toEqual(keys)
    expect(settings.droppableTagKeys).toEqual(droppable)
  })

  it('adds no run tags when both tag inputs are false', () => {
    const settings = assumeSettingsOf(
      {
        'tag-session-with-github-context': 'false',
        'tag-session-like-configure-aws-credentials': 'false',
        'role-session-tags': 'Team=web'
      },
      { env: { GITHUB_RUN_ID: '7' } }
    )
    expect(settings.tags).toEqual([{ key: 'Team', value: 'web' }])
  })

  it('marks no written tag as droppable, whatever its case', () => {
    const settings = assumeSettingsOf(
      { 'tag-session-like-configure-aws-credentials': 'true', 'custom-tags': '{"runid": "mine"}' },
      { env: { GITHUB_RUN_ID: '7', GITHUB_JOB: 'build' } }
    )
    expect(settings.droppableTagKeys).toEqual(['Job'])
  })
})

describe('parseSettings, mode: check', () => {
  const check = (overrides = {}, env: Record<string, string> = {}) =>
    settingsOf({ mode: 'check', 'aws-region': '', ...overrides }, { env })

  it('needs no region, and checks ARNs against aws', () => {
    expect(check()).toEqual({
      mode: 'check',
      region: '',
      partition: 'aws',
      policy: { managed: [], forbidActions: '', requireSessionPolicy: false, partition: 'aws' },
      jobSummary: true
    })
    expect(
      errorOf(() => check({ 'role-to-assume': 'arn:aws-cn:iam::111122223333:role/x' })).input
    ).toBe('role-to-assume')
  })

  it.each([
    [{ 'aws-region': 'eu-west-1' }, {}],
    [{}, { AWS_REGION: 'eu-west-1' }],
    [{}, { AWS_DEFAULT_REGION: 'eu-west-1' }]
  ])('takes a region when one is given (%j %j)', (overrides, env) => {
    expect(check(overrides, env)).toMatchObject({ region: 'eu-west-1', partition: 'aws' })
  })

  it('takes the partition of the region', () => {
    expect(check({ 'aws-region': 'cn-north-1', 'role-to-assume': '' })).toMatchObject({
      partition: 'aws-cn'
    })
  })

  it('checks the inputs of mode: assume as well, with or without a role', () => {
    expect(errorOf(() => check({ 'role-duration-seconds': '60' })).input).toBe(
      'role-duration-seconds'
    )
    expect(errorOf(() => check({ 'role-to-assume': 'deploy', 'via-roles': ROLE })).input).toBe(
      'role-to-assume'
    )
    expect(check({ 'role-to-assume': '' }).mode).toBe('check')
  })

  it('checks refresh as mode: assume would', () => {
    expect(errorOf(() => check({ refresh: 'true', 'output-credentials': 'true' })).input).toBe(
      'output-credentials'
    )
    expect(check({ refresh: 'true' }).mode).toBe('check')
  })
})

describe('parseSettings, mode: scope', () => {
  const scope = (overrides = {}) =>
    settingsOf({ mode: 'scope', 'role-to-assume': '', 'inline-session-policy': '{}', ...overrides })

  it('gives these settings', () => {
    expect(scope()).toEqual({
      ...CALLS_STS_DEFAULTS,
      policy: {
        ...CALLS_STS_DEFAULTS.policy,
        inline: { text: '{}', input: 'inline-session-policy' }
      },
      mode: 'scope',
      duration: 'inherit',
      scopedSessionDescription: 'scoped-role'
    })
  })

  it('takes its own duration range and description', () => {
    expect(
      scope({ 'role-duration-seconds': '60', 'scoped-session-description': 'tests' })
    ).toMatchObject({ duration: 60, scopedSessionDescription: 'tests' })
  })

  it('refuses what GetScopedCredentials cannot take', () => {
    expect(errorOf(() => scope({ 'role-to-assume': ROLE })).input).toBe('role-to-assume')
    expect(errorOf(() => scope({ refresh: 'true' })).input).toBe('refresh')
  })
})

describe('parseSettings, keys without a role', () => {
  const KEYS = { 'aws-access-key-id': 'AKIAEXAMPLE000000000', 'aws-secret-access-key': 's' }
  const keysOnly = (overrides = {}) => settingsOf({ ...KEYS, 'role-to-assume': '', ...overrides })

  it('exports the keys as they are', () => {
    expect(keysOnly({ 'unset-current-credentials': 'true' })).toEqual({
      ...CALLS_STS_DEFAULTS,
      mode: 'export-keys',
      keys: { accessKeyId: 'AKIAEXAMPLE000000000', secretAccessKey: 's' },
      unsetCurrentCredentials: true
    })
    expect(keysOnly()).toMatchObject({ unsetCurrentCredentials: false })
  })

  it('refuses refresh, which has nothing to renew', () => {
    expect(refusal(() => keysOnly({ refresh: 'true' }))).toEqual({
      input: 'refresh',
      message:
        'refresh: needs role-to-assume: without a role the keys themselves are the session, and nothing could renew them. Set role-to-assume to the role to renew, with GitHub OIDC as the source, or set refresh: false.'
    })
  })

  it('refuses an input that needs a role', () => {
    expect(refusal(() => keysOnly({ 'inline-session-policy': '{}' }))).toEqual({
      input: 'role-to-assume',
      message:
        'role-to-assume: is empty, so the keys are exported as they are; inline-session-policy needs a role to act on. Set role-to-assume, or remove inline-session-policy.'
    })
  })

  it('refuses a non-boolean unset-current-credentials', () => {
    expect(errorOf(() => keysOnly({ 'unset-current-credentials': 'maybe' })).input).toBe(
      'unset-current-credentials'
    )
  })
})

describe('parseSettings, refresh: true', () => {
  it('writes the scoped-role profile unless aws-profile names one, and exports no keys', () => {
    expect(parse({ refresh: 'true' })).toMatchObject({
      refresh: true,
      awsProfile: 'scoped-role',
      exportEnv: false
    })
    expect(parse({ refresh: 'true', 'aws-profile': 'plan' }).awsProfile).toBe('plan')
    expect(parse().awsProfile).toBeUndefined()
  })

  it('checks the inputs refresh cannot honour', () => {
    expect(errorOf(() => parse({ refresh: 'true', 'output-credentials': 'true' })).input).toBe(
      'output-credentials'
    )
  })
})
