import { describe, expect, it } from '@jest/globals'
import type { PolicyInputs } from '../../../src/policy/session-policy.js'
import {
  checkHops,
  checkScopeInputs,
  checkTagInputs,
  checkTagOverlap,
  checkUseExisting,
  exportEnvSetting,
  sourceRequest,
  writtenRoleInput,
  type SourceInputs
} from '../../../src/settings/cross-input.js'
import type { RawInputs } from '../../../src/settings/input-rules.js'
import type { ScopeSettings } from '../../../src/settings/settings.js'
import { assumeSettingsOf, errorOf, rawInputs, refusal, settingsOf } from '../../support/inputs.js'

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

describe('sourceRequest', () => {
  const STATIC = { accessKeyId: 'AKIAEXAMPLE000000000', secretAccessKey: 's' }
  const request = (inputs: Partial<SourceInputs> = {}) =>
    sourceRequest({
      roleChaining: false,
      skipOidc: false,
      unsetCurrentCredentials: false,
      durationSeconds: 3600,
      ...inputs
    })

  it('lets the runner choose when nothing is asked for', () => {
    expect(request()).toStrictEqual({ kind: 'any' })
  })

  it.each([
    [{ forceSource: 'oidc' }, { kind: 'oidc' }],
    [{ forceSource: 'environment' }, { kind: 'environment', because: 'force-source' }],
    [
      { forceSource: 'environment', skipOidc: true },
      { kind: 'environment', because: 'force-source' }
    ],
    [{ roleChaining: true }, { kind: 'environment', because: 'role-chaining' }],
    [
      { roleChaining: true, forceSource: 'environment' },
      { kind: 'environment', because: 'force-source' }
    ],
    [{ skipOidc: true }, { kind: 'environment', because: 'force-skip-oidc' }],
    [{ sourceKeys: STATIC }, { kind: 'keys', keys: STATIC, forced: false }],
    [
      { sourceKeys: STATIC, skipOidc: true },
      { kind: 'keys', keys: STATIC, forced: false }
    ],
    [
      { sourceKeys: STATIC, forceSource: 'keys' },
      { kind: 'keys', keys: STATIC, forced: true }
    ],
    [{ webIdentityTokenFile: '/t' }, { kind: 'web-identity-file', path: '/t', forced: false }],
    [
      { webIdentityTokenFile: '/t', forceSource: 'web-identity-file' },
      { kind: 'web-identity-file', path: '/t', forced: true }
    ],
    [{ durationSeconds: 43200, unsetCurrentCredentials: true }, { kind: 'any' }]
  ] as [Partial<SourceInputs>, unknown][])('takes %j as %j', (inputs, expected) => {
    expect(request(inputs)).toStrictEqual(expected)
  })

  it('takes a chained session of exactly an hour', () => {
    expect(request({ roleChaining: true, durationSeconds: 3600 })).toStrictEqual({
      kind: 'environment',
      because: 'role-chaining'
    })
  })

  it.each([
    [
      { skipOidc: true, forceSource: 'oidc' },
      'force-skip-oidc',
      "is true, but force-source is 'oidc'. Remove one of the two."
    ],
    [
      { roleChaining: true, sourceKeys: STATIC },
      'role-chaining',
      'uses the credentials already in the environment, but aws-access-key-id or web-identity-token-file is also set. Remove role-chaining, or the other source.'
    ],
    [
      { roleChaining: true, webIdentityTokenFile: '/t' },
      'role-chaining',
      'uses the credentials already in the environment, but aws-access-key-id or web-identity-token-file is also set. Remove role-chaining, or the other source.'
    ],
    [
      { roleChaining: true, forceSource: 'keys' },
      'force-source',
      "is 'keys', but role-chaining: true assumes from the environment's credentials. Remove one of the two."
    ],
    [
      { roleChaining: true, unsetCurrentCredentials: true },
      'unset-current-credentials',
      'would blank the very credentials role-chaining: true assumes the role with. Remove one of the two.'
    ],
    [
      { roleChaining: true, durationSeconds: 3601 },
      'role-duration-seconds',
      'is 3601, but STS caps a chained role session (role-chaining: true) at 3600 seconds. Write role-duration-seconds: 3600 or less.'
    ],
    [
      { forceSource: 'environment', sourceKeys: STATIC },
      'force-source',
      "is 'environment', which would ignore aws-access-key-id and aws-secret-access-key. Remove aws-access-key-id and aws-secret-access-key, or remove force-source."
    ],
    [
      { forceSource: 'web-identity-file', sourceKeys: STATIC, webIdentityTokenFile: '/t' },
      'force-source',
      "is 'web-identity-file', which would ignore aws-access-key-id and aws-secret-access-key. Remove aws-access-key-id and aws-secret-access-key, or remove force-source."
    ],
    [
      { forceSource: 'oidc', webIdentityTokenFile: '/t' },
      'force-source',
      "is 'oidc', which would ignore web-identity-token-file. Remove web-identity-token-file, or remove force-source."
    ],
    [
      { forceSource: 'keys', sourceKeys: STATIC, webIdentityTokenFile: '/t' },
      'force-source',
      "is 'keys', which would ignore web-identity-token-file. Remove web-identity-token-file, or remove force-source."
    ],
    [
      { sourceKeys: STATIC, webIdentityTokenFile: '/t' },
      'web-identity-token-file',
      'is set together with aws-access-key-id; the role is assumed with one source. Remove one of the two, or name the one to use with force-source.'
    ],
    [
      { forceSource: 'keys' },
      'force-source',
      "is 'keys', but aws-access-key-id and aws-secret-access-key are not set. Set both inputs, or choose another source."
    ],
    [
      { forceSource: 'web-identity-file' },
      'force-source',
      "is 'web-identity-file', but web-identity-token-file is not set. Set web-identity-token-file to the token path, or choose another source."
    ]
  ] as [Partial<SourceInputs>, string, string][])('refuses %j', (inputs, input, text) => {
    expect(refusal(() => request(inputs))).toEqual({ input, message: `${input}: ${text}` })
  })
})

describe('exportEnvSetting', () => {
  const setting = (overrides: Partial<RawInputs>, refresh = false) =>
    exportEnvSetting(rawInputs(overrides), refresh)

  it('exports the keys by default, but not with a profile or refresh', () => {
    expect(setting({})).toBe(true)
    expect(setting({ 'aws-profile': 'plan' })).toBe(false)
    expect(setting({}, true)).toBe(false)
  })

  it.each([
    [{ 'export-env': 'false' }, false],
    [{ 'output-env-credentials': 'false' }, false],
    [{ 'aws-profile': 'plan', 'export-env': 'true' }, true],
    [{ 'aws-profile': 'plan', 'output-env-credentials': 'true' }, true],
    [{ 'aws-profile': 'plan', 'export-env': 'true', 'output-env-credentials': 'true' }, true],
    [{ 'export-env': 'false', 'output-env-credentials': 'false' }, false]
  ] as [Partial<RawInputs>, boolean][])('takes the one written: %j', (overrides, expected) => {
    expect(setting(overrides)).toBe(expected)
  })

  it.each([
    ['true', 'false'],
    ['false', 'true']
  ])('refuses export-env %s with output-env-credentials %s', (exportEnv, outputEnv) => {
    expect(
      refusal(() => setting({ 'export-env': exportEnv, 'output-env-credentials': outputEnv }))
    ).toEqual({
      input: 'output-env-credentials',
      message: `output-env-credentials: is ${outputEnv}, but export-env is ${exportEnv}; they are the same setting. Keep one of the two.`
    })
  })

  it.each(['export-env', 'output-env-credentials'] as const)('refuses a non-boolean %s', input => {
    expect(refusal(() => setting({ [input]: 'yes' }))).toEqual({
      input,
      message: `${input}: 'yes' is not a boolean. Write true or false.`
    })
  })
})

describe('checkTagInputs', () => {
  const check = (overrides: Partial<RawInputs>) => () => checkTagInputs(rawInputs(overrides))

  it.each([
    ['role-session-tags', 'Team=web'],
    ['custom-tags', '{"Team":"web"}'],
    ['tag-session-with-github-context', 'true'],
    ['tag-session-like-configure-aws-credentials', 'true'],
    ['transitive-tag-keys', 'Team']
  ] as const)('refuses role-skip-session-tagging with %s', (input, value) => {
    expect(refusal(check({ 'role-skip-session-tagging': 'true', [input]: value }))).toEqual({
      input: 'role-skip-session-tagging',
      message: `role-skip-session-tagging: is true, but ${input} asks for session tags. Remove ${input}, or role-skip-session-tagging (no session tags are sent unless an input asks for them).`
    })
  })

  it('takes role-skip-session-tagging with no tag input, or a tag input set to false', () => {
    expect(check({ 'role-skip-session-tagging': 'true' })).not.toThrow()
    expect(
      check({ 'role-skip-session-tagging': 'true', 'tag-session-with-github-context': 'false' })
    ).not.toThrow()
    expect(
      check({ 'role-skip-session-tagging': 'false', 'role-session-tags': 'Team=web' })
    ).not.toThrow()
  })

  it('refuses both sets of run tags', () => {
    expect(
      refusal(
        check({
          'tag-session-with-github-context': 'true',
          'tag-session-like-configure-aws-credentials': 'true'
        })
      )
    ).toEqual({
      input: 'tag-session-like-configure-aws-credentials',
      message:
        'tag-session-like-configure-aws-credentials: and tag-session-with-github-context both add tags naming the run (Repository, Workflow, RunId, Actor, Commit). Keep one of the two.'
    })
  })

  it('takes either set of run tags alone', () => {
    expect(check({ 'tag-session-with-github-context': 'true' })).not.toThrow()
    expect(check({ 'tag-session-like-configure-aws-credentials': 'true' })).not.toThrow()
  })

  it.each([
    ['role-skip-session-tagging', {}],
    ['tag-session-with-github-context', {}],
    ['tag-session-like-configure-aws-credentials', { 'tag-session-with-github-context': 'true' }]
  ] as const)('refuses a non-boolean %s', (input, others) => {
    expect(refusal(check({ ...others, [input]: 'maybe' }))).toEqual({
      input,
      message: `${input}: 'maybe' is not a boolean. Write true or false.`
    })
  })
})

describe('checkTagOverlap', () => {
  it.each([
    ['Team', 'team'],
    ['team', 'TEAM']
  ])('refuses %s in role-session-tags and %s in custom-tags', (sessionKey, customKey) => {
    const check = () =>
      checkTagOverlap(
        [
          { key: 'Env', value: 'prod' },
          { key: sessionKey, value: 'a' }
        ],
        [
          { key: 'Cost', value: '1' },
          { key: customKey, value: 'b' }
        ]
      )
    expect(refusal(check)).toEqual({
      input: 'custom-tags',
      message: `custom-tags: sets '${customKey}', which role-session-tags sets too. Give each tag in one of the two inputs.`
    })
  })

  it('takes different keys', () => {
    expect(() =>
      checkTagOverlap([{ key: 'Team', value: 'a' }], [{ key: 'Teams', value: 'b' }])
    ).not.toThrow()
  })
})

describe('checkHops', () => {
  const ARN = { arn: 'arn:aws:iam::111122223333:role/deploy' }
  const HUB = ['arn:aws:iam::111122223333:role/hub']

  it('has nothing to check without via-roles', () => {
    expect(() => checkHops([], { name: 'deploy' }, 43200)).not.toThrow()
  })

  it('takes an ARN target, or none, for an hour', () => {
    expect(() => checkHops(HUB, ARN, 3600)).not.toThrow()
    expect(() => checkHops(HUB, undefined, 3600)).not.toThrow()
  })

  it('refuses a bare target name', () => {
    expect(refusal(() => checkHops(HUB, { name: 'deploy' }, 900))).toEqual({
      input: 'role-to-assume',
      message:
        "role-to-assume: is the bare name 'deploy', but with via-roles the account cannot be taken from the source credentials. Write the full ARN, e.g. arn:aws:iam::123456789012:role/NAME."
    })
  })

  it.each([ARN, undefined])('refuses more than an hour (target %j)', role => {
    expect(refusal(() => checkHops(HUB, role, 3601))).toEqual({
      input: 'role-duration-seconds',
      message:
        "role-duration-seconds: is 3601, but with via-roles the role is assumed by another role's session, which STS caps at 3600 seconds. Write role-duration-seconds: 3600 or less."
    })
  })
})

describe('checkUseExisting', () => {
  const KEY = rawInputs({ 'aws-access-key-id': 'AKIAEXAMPLE000000000' })

  it('refuses keys with use-existing-credentials', () => {
    expect(refusal(() => checkUseExisting(KEY, true))).toEqual({
      input: 'use-existing-credentials',
      message:
        "use-existing-credentials: keeps the environment's credentials, but aws-access-key-id says to use these keys. Remove one of the two."
    })
  })

  it('takes either alone', () => {
    expect(() => checkUseExisting(KEY, false)).not.toThrow()
    expect(() => checkUseExisting(rawInputs(), true)).not.toThrow()
  })
})

describe('writtenRoleInput', () => {
  it('is none when no role input is written', () => {
    expect(writtenRoleInput(rawInputs())).toBeUndefined()
  })

  it.each([
    'inline-session-policy',
    'inline-session-policy-file',
    'managed-session-policies',
    'via-roles'
  ] as const)('names %s', input => {
    expect(writtenRoleInput(rawInputs({ [input]: 'x' }))).toBe(input)
  })

  it('names the first of several', () => {
    expect(
      writtenRoleInput(rawInputs({ 'via-roles': 'x', 'inline-session-policy-file': 'p.json' }))
    ).toBe('inline-session-policy-file')
  })
})

describe('checkScopeInputs', () => {
  const POLICY: PolicyInputs = {
    inline: { text: '{}', input: 'inline-session-policy' },
    managed: [],
    forbidActions: '',
    requireSessionPolicy: false,
    partition: 'aws'
  }
  const SCOPE: Pick<ScopeSettings, 'policy' | 'duration' | 'stsEndpoint' | 'region'> = {
    policy: POLICY,
    duration: 'inherit',
    stsEndpoint: undefined,
    region: 'eu-west-1'
  }
  const check =
    (overrides: Partial<RawInputs> = {}, settings: Partial<typeof SCOPE> = {}) =>
    () =>
      checkScopeInputs(rawInputs({ 'role-to-assume': '', ...overrides }), {
        ...SCOPE,
        ...settings
      })

  it('takes an inline policy', () => {
    expect(check()).not.toThrow()
  })

  it('refuses role-to-assume', () => {
    expect(refusal(check({ 'role-to-assume': 'deploy' }))).toEqual({
      input: 'role-to-assume',
      message:
        'role-to-assume: is not used in mode: scope, which narrows the credentials already in the environment and keeps their identity. Remove role-to-assume, or use mode: assume to assume another role.'
    })
  })

  it.each([
    ['role-session-name', 'x'],
    ['via-roles', 'arn:aws:iam::111122223333:role/hub'],
    ['aws-access-key-id', 'AKIAEXAMPLE000000000'],
    ['role-chaining', 'true']
  ] as const)('refuses %s', (input, value) => {
    expect(refusal(check({ [input]: value }))).toEqual({
      input,
      message: `${input}: does not apply in mode: scope, which narrows the temporary credentials already in the environment (same identity, no new role). Remove ${input}, or use mode: assume.`
    })
  })

  it('takes an input refused in scope when it is written as false', () => {
    expect(check({ 'role-chaining': 'false' })).not.toThrow()
  })

  it('refuses managed policies with their own message', () => {
    expect(
      refusal(
        check(
          { 'managed-session-policies': 'ReadOnlyAccess' },
          { policy: { ...POLICY, managed: ['ReadOnlyAccess'] } }
        )
      )
    ).toEqual({
      input: 'managed-session-policies',
      message:
        'managed-session-policies: cannot be used in mode: scope: GetScopedCredentials takes only an inline policy. Write the permissions as inline-session-policy (or a file), or use mode: assume with the managed policies.'
    })
  })

  it('needs a policy or a duration, or nothing would be narrowed', () => {
    const noPolicy = { policy: { ...POLICY, inline: undefined } }
    expect(refusal(check({}, noPolicy))).toEqual({
      input: 'inline-session-policy',
      message:
        'inline-session-policy: is required in mode: scope unless role-duration-seconds is given: otherwise nothing would be narrowed. Give the policy the next steps need, e.g. {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::my-bucket/*"}]}.'
    })
    expect(check({}, { ...noPolicy, duration: 900 })).not.toThrow()
  })

  it.each([
    'https://sts.amazonaws.com',
    'https://sts.amazonaws.com/',
    'http://sts.amazonaws.com',
    'https://sts.amazonaws.com:443',
    'HTTPS://STS.AMAZONAWS.COM/'
  ])('refuses the global endpoint %s', endpoint => {
    expect(refusal(check({}, { stsEndpoint: endpoint }))).toEqual({
      input: 'sts-endpoint',
      message:
        'sts-endpoint: is the global STS endpoint, which does not serve GetScopedCredentials. Write the regional one, https://sts.eu-west-1.amazonaws.com, or leave it empty.'
    })
  })

  it.each([
    'https://sts.eu-west-1.amazonaws.com',
    'https://sts.amazonaws.com.example',
    'https://stsxamazonaws.com',
    'https://sts.amazonawsxcom',
    'https://sts.amazonaws.com/path',
    'https://sts.amazonaws.com:port',
    'proxy+https://sts.amazonaws.com',
    'ftp://sts.amazonaws.com'
  ])('takes %s', endpoint => {
    expect(check({}, { stsEndpoint: endpoint })).not.toThrow()
  })
})
