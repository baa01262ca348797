import { describe, expect, it } from '@jest/globals'
import { DEFAULT_USER } from '../../../local-sts/server.js'
import { assumeRoleWithSessionPolicy } from '../../../src/flows/assume.js'
import type { FlowDependencies } from '../../../src/flows/dependencies.js'
import { ActionError, InputError } from '../../../src/shared/errors.js'
import type { AssumeSettings } from '../../../src/settings/settings.js'
import {
  INLINE_POLICY,
  NO_POLICY,
  acceptingProvider,
  issueSession,
  recordingDeps,
  stsSettingsOf,
  tokenFor,
  useLocalSts
} from '../../support/flows.js'

const sts = useLocalSts({ identityProviders: [acceptingProvider()] })

const TARGET = 'arn:aws:iam::111122223333:role/deploy'
const HUB = 'arn:aws:iam::444455556666:role/hub'
const OIDC_ENV = {
  ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.example.test/request',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token'
}
const KEYS = {
  'aws-access-key-id': DEFAULT_USER.accessKeyId,
  'aws-secret-access-key': DEFAULT_USER.secretAccessKey
}

function settingsWith(
  inputs: Record<string, string> = {},
  env: Record<string, string> = {}
): AssumeSettings {
  return stsSettingsOf(sts(), { 'role-session-name': 'run-1', ...inputs }, env) as AssumeSettings
}

/** Dependencies of a job that may request an OIDC token; the audiences asked for are kept. */
function oidcDeps(overrides: Partial<FlowDependencies> = {}) {
  const audiences: string[] = []
  const deps = recordingDeps({
    env: OIDC_ENV,
    requestIdToken: audience => {
      audiences.push(audience)
      return Promise.resolve(tokenFor(audience))
    },
    ...overrides
  })
  return { deps, audiences }
}

const errorOf = (promise: Promise<unknown>) => promise.catch((e: unknown) => e)

describe('assumeRoleWithSessionPolicy with a web identity', () => {
  it('assumes the role with the job OIDC token, unsigned, with the session policy', async () => {
    const { deps, audiences } = oidcDeps()
    const result = await assumeRoleWithSessionPolicy(
      settingsWith({}, OIDC_ENV),
      INLINE_POLICY,
      deps
    )
    expect(audiences).toEqual(['sts.amazonaws.com'])
    expect(result.session.arn).toBe('arn:aws:sts::111122223333:assumed-role/deploy/run-1')
    expect(result.source.kind).toBe('oidc')
    expect('hops' in result).toBe(false)
    const [request] = sts().requests
    expect(sts().requests).toHaveLength(1)
    expect(request.action).toBe('AssumeRoleWithWebIdentity')
    expect(request.signed).toBe(false)
    expect(request.params).toMatchObject({
      RoleArn: TARGET,
      RoleSessionName: 'run-1',
      DurationSeconds: '3600',
      Policy: INLINE_POLICY.inline,
      'PolicyArns.member.1.arn': INLINE_POLICY.managedArns[0]
    })
    const expected = {
      roleArn: TARGET,
      roleSessionName: 'run-1',
      durationSeconds: 3600,
      policy: INLINE_POLICY.inline,
      policyArns: INLINE_POLICY.managedArns
    }
    expect(deps.lines('info')).toEqual([
      `Source credentials: ${result.source.label}, because ${result.source.reason}.`,
      `Assuming ${TARGET} as session 'run-1' for 3600 s in us-east-1.`
    ])
    expect(deps.lines('debug')).toEqual([
      `AssumeRoleWithWebIdentity request: ${JSON.stringify(expected)}`
    ])
    expect(deps.lines('warn')).toEqual([])
    // The session's keys are masked.
    expect(deps.masked()).toEqual(
      expect.arrayContaining([
        result.session.credentials.accessKeyId,
        result.session.credentials.secretAccessKey
      ])
    )
  })

  it('asks for the token with the audience input', async () => {
    const { deps, audiences } = oidcDeps()
    await errorOf(
      assumeRoleWithSessionPolicy(settingsWith({ audience: 'sigstore' }, OIDC_ENV), NO_POLICY, deps)
    )
    expect(audiences.length).toBeGreaterThan(0)
    expect(audiences.every(a => a === 'sigstore')).toBe(true)
  })

  it('reads a web identity token file', async () => {
    const read: string[] = []
    const deps = recordingDeps({
      readFile: path => (read.push(path), tokenFor('sts.amazonaws.com'))
    })
    const result = await assumeRoleWithSessionPolicy(
      settingsWith({ 'web-identity-token-file': '/var/run/token' }),
      NO_POLICY,
      deps
    )
    expect(read).toEqual(['/var/run/token'])
    expect(result.source.kind).toBe('web-identity-file')
  })

  it('sends a fresh token when STS refuses the first as expired', async () => {
    const tokens = [
      tokenFor('sts.amazonaws.com').replace(/^([^.]+)\.[^.]+/, (_, head: string) => {
        const claims = {
          iss: 'https://token.example.test',
          aud: 'sts.amazonaws.com',
          sub: 's',
          exp: 1
        }
        return `${head}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`
      }),
      tokenFor('sts.amazonaws.com')
    ]
    const sent = [...tokens]
    const { deps } = oidcDeps({ requestIdToken: () => Promise.resolve(tokens.shift()!) })
    await assumeRoleWithSessionPolicy(
      settingsWith({ 'retry-max-attempts': '2' }, OIDC_ENV),
      NO_POLICY,
      deps
    )
    expect(sts().requests.map(r => [r.params.WebIdentityToken, r.status])).toEqual([
      [sent[0], 400],
      [sent[1], 200]
    ])
  })

  it('refuses a bare role name before any request: no account to look it up in', async () => {
    const { deps, audiences } = oidcDeps()
    const error = await errorOf(
      assumeRoleWithSessionPolicy(
        settingsWith({ 'role-to-assume': 'deploy' }, OIDC_ENV),
        NO_POLICY,
        deps
      )
    )
    expect(error).toBeInstanceOf(InputError)
    expect((error as InputError).message).toBe(
      "role-to-assume: is the bare name 'deploy', but with a web identity there are no source credentials to look up the account. " +
        'Write the full ARN, e.g. arn:aws:iam::123456789012:role/NAME.'
    )
    expect(audiences).toEqual([])
    expect(sts().requests).toEqual([])
  })

  it('refuses a role in an account allowed-account-ids does not list, masked, before any request', async () => {
    const { deps, audiences } = oidcDeps()
    await expect(
      assumeRoleWithSessionPolicy(
        settingsWith(
          { 'allowed-account-ids': '444455556666', 'mask-aws-account-id': 'true' },
          OIDC_ENV
        ),
        NO_POLICY,
        deps
      )
    ).rejects.toThrow('not in allowed-account-ids (444455556666)')
    expect(deps.events).toEqual(['mask:111122223333'])
    expect(audiences).toEqual([])
  })

  it('warns about each AssumeRole-only input it cannot send', async () => {
    const { deps } = oidcDeps()
    await assumeRoleWithSessionPolicy(
      settingsWith({ 'role-external-id': 'ext-id', 'source-identity': 'octocat' }, OIDC_ENV),
      NO_POLICY,
      deps
    )
    const why =
      'is not sent: AssumeRoleWithWebIdentity does not take it (session tags come from the token; external ids, MFA and source identities are AssumeRole only).'
    expect(deps.lines('warn')).toEqual([`role-external-id ${why}`, `source-identity ${why}`])
    expect(sts().requests[0].params.ExternalId).toBeUndefined()
  })

  it('via-roles: the token assumes the first role for a hop, the last hop gets the rest', async () => {
    sts().reset()
    const { deps } = oidcDeps()
    const result = await assumeRoleWithSessionPolicy(
      settingsWith({ 'via-roles': HUB, 'role-external-id': 'ext-id' }, OIDC_ENV),
      INLINE_POLICY,
      deps
    )
    expect(deps.lines('warn')).toEqual([])
    const [first, last] = sts().requests
    expect([first.action, first.params.RoleArn, first.params.DurationSeconds]).toEqual([
      'AssumeRoleWithWebIdentity',
      HUB,
      '900'
    ])
    expect(first.params.Policy).toBeUndefined()
    expect([last.action, last.params.RoleArn, last.params.ExternalId]).toEqual([
      'AssumeRole',
      TARGET,
      'ext-id'
    ])
    expect(result.hops?.map(h => h.arn)).toEqual([
      'arn:aws:sts::444455556666:assumed-role/hub/run-1'
    ])
    expect(result.session.arn).toBe('arn:aws:sts::111122223333:assumed-role/deploy/run-1')
  })

  it('works around punctuation on the last web identity request', async () => {
    sts().punctuateSecrets(1)
    const { deps } = oidcDeps()
    const result = await assumeRoleWithSessionPolicy(
      settingsWith({ 'special-characters-workaround': 'true' }, OIDC_ENV),
      NO_POLICY,
      deps
    )
    expect(sts().requests).toHaveLength(2)
    expect(result.session.credentials.secretAccessKey).not.toMatch(/[/+]/)
  })
})

describe('assumeRoleWithSessionPolicy with credentials', () => {
  it('assumes the role signed by the key inputs, without masking them again', async () => {
    const deps = recordingDeps({
      credentialChain: () => Promise.reject(new Error('the chain is not read'))
    })
    const result = await assumeRoleWithSessionPolicy(settingsWith(KEYS), INLINE_POLICY, deps)
    expect(sts().requests.map(r => [r.action, r.accessKeyId, r.params.RoleArn])).toEqual([
      ['AssumeRole', DEFAULT_USER.accessKeyId, TARGET]
    ])
    expect(result.source.kind).toBe('keys')
    expect(deps.masked()).not.toContain(DEFAULT_USER.secretAccessKey)
    expect(deps.lines('info')).toEqual([
      `Source credentials: ${result.source.label}, because ${result.source.reason}.`,
      `Assuming ${TARGET} as session 'run-1' for 3600 s in us-east-1.`
    ])
    expect(deps.lines('debug')).toEqual([
      `AssumeRole request: ${JSON.stringify({
        roleArn: TARGET,
        roleSessionName: 'run-1',
        durationSeconds: 3600,
        policy: INLINE_POLICY.inline,
        policyArns: INLINE_POLICY.managedArns,
        tags: [],
        transitiveTagKeys: []
      })}`
    ])
  })

  it("masks the environment's credentials before using them", async () => {
    const deps = recordingDeps()
    const result = await assumeRoleWithSessionPolicy(settingsWith(), NO_POLICY, deps)
    expect(result.source.kind).toBe('environment')
    expect(deps.events.slice(1, 3)).toEqual([
      `mask:${DEFAULT_USER.accessKeyId}`,
      `mask:${DEFAULT_USER.secretAccessKey}`
    ])
  })

  it('bounds the credential chain by retry-max-seconds', async () => {
    const deps = recordingDeps({ credentialChain: () => new Promise(() => {}) })
    await expect(
      assumeRoleWithSessionPolicy(settingsWith({ 'retry-max-seconds': '1' }), NO_POLICY, deps)
    ).rejects.toThrow('no credentials within retry-max-seconds (1 s)')
  })

  it('never shows the external id or the MFA code in the debug log', async () => {
    const deps = recordingDeps()
    await assumeRoleWithSessionPolicy(
      settingsWith({
        ...KEYS,
        'role-external-id': 'shared-secret',
        'mfa-serial-number': 'arn:aws:iam::111122223333:mfa/ci',
        'mfa-token-code': '654321'
      }),
      NO_POLICY,
      deps
    )
    const [line] = deps.lines('debug')
    expect(line).not.toMatch(/shared-secret|654321/)
    expect(JSON.parse(line.replace('AssumeRole request: ', ''))).toMatchObject({
      externalId: '(not shown)',
      mfa: { serialNumber: 'arn:aws:iam::111122223333:mfa/ci', tokenCode: '(not shown)' }
    })
    expect(sts().requests[0].params).toMatchObject({
      ExternalId: 'shared-secret',
      TokenCode: '654321'
    })
  })

  it('completes a bare role name with the account GetCallerIdentity names', async () => {
    const deps = recordingDeps()
    const result = await assumeRoleWithSessionPolicy(
      settingsWith({ ...KEYS, 'role-to-assume': 'deploy', 'mask-aws-account-id': 'true' }),
      NO_POLICY,
      deps
    )
    expect(sts().requests.map(r => [r.action, r.params.RoleArn])).toEqual([
      ['GetCallerIdentity', undefined],
      ['AssumeRole', TARGET]
    ])
    expect(result.session.arn).toBe('arn:aws:sts::111122223333:assumed-role/deploy/run-1')
    expect(deps.events[1]).toBe('mask:111122223333')
  })

  it('refuses a bare role name in an account that is not allowed, before assuming', async () => {
    const deps = recordingDeps()
    await expect(
      assumeRoleWithSessionPolicy(
        settingsWith({
          ...KEYS,
          'role-to-assume': 'deploy',
          'allowed-account-ids': '444455556666'
        }),
        NO_POLICY,
        deps
      )
    ).rejects.toThrow('which is not in allowed-account-ids (444455556666)')
    expect(sts().requests.map(r => r.action)).toEqual(['GetCallerIdentity'])
  })

  it('refuses a role ARN in an account that is not allowed, before any request', async () => {
    const deps = recordingDeps()
    await expect(
      assumeRoleWithSessionPolicy(
        settingsWith({ ...KEYS, 'allowed-account-ids': '444455556666' }),
        NO_POLICY,
        deps
      )
    ).rejects.toThrow('which is not in allowed-account-ids (444455556666)')
    expect(deps.lines('info')).toEqual([])
    expect(sts().requests).toEqual([])
  })

  it('names the caller in an AccessDenied, learnt by one more request, masked when asked', async () => {
    sts().injectFault({ status: 403, code: 'AccessDenied', message: 'not trusted' })
    const deps = recordingDeps()
    const error = await errorOf(
      assumeRoleWithSessionPolicy(
        settingsWith({ ...KEYS, 'mask-aws-account-id': 'true' }),
        NO_POLICY,
        deps
      )
    )
    expect(sts().requests.map(r => r.action)).toEqual(['AssumeRole', 'GetCallerIdentity'])
    expect((error as Error).message).toContain(
      `The trust policy of ${TARGET} does not let ${DEFAULT_USER.arn} assume it.`
    )
    expect(deps.masked().filter(m => m === '111122223333')).toHaveLength(2)
  })

  it('names the caller already known from a bare role name without asking again', async () => {
    const deps = recordingDeps()
    // GetCallerIdentity passes (a fault of no delay); the AssumeRole after it is refused.
    sts().injectFault({ delayMs: 0 })
    sts().injectFault({ status: 403, code: 'AccessDenied', message: 'not trusted' })
    const settings = settingsWith({ ...KEYS, 'role-to-assume': 'deploy' })
    const error = await errorOf(assumeRoleWithSessionPolicy(settings, NO_POLICY, deps))
    expect(sts().requests.map(r => r.action)).toEqual(['GetCallerIdentity', 'AssumeRole'])
    expect((error as Error).message).toContain(`does not let ${DEFAULT_USER.arn} assume it.`)
  })

  it.each([
    [
      'an MFA refusal',
      { status: 403, code: 'AccessDenied', message: 'MultiFactorAuthentication failed' }
    ],
    ['another error', { status: 400, code: 'MalformedPolicyDocument', message: 'bad policy' }]
  ])('passes on %s without asking who the caller is', async (_, fault) => {
    sts().injectFault(fault)
    const error = await errorOf(
      assumeRoleWithSessionPolicy(settingsWith(KEYS), NO_POLICY, recordingDeps())
    )
    expect(error).toBeInstanceOf(ActionError)
    expect(sts().requests.map(r => r.action)).toEqual(['AssumeRole'])
  })

  it('keeps the AccessDenied as it is when GetCallerIdentity fails too', async () => {
    sts().injectFault({ status: 403, code: 'AccessDenied', message: 'not trusted' }, 2)
    const error = await errorOf(
      assumeRoleWithSessionPolicy(settingsWith(KEYS), NO_POLICY, recordingDeps())
    )
    expect(sts().requests.map(r => r.action)).toEqual(['AssumeRole', 'GetCallerIdentity'])
    expect((error as Error).message).toContain(
      `The trust policy of ${TARGET} does not let the source credentials assume it.`
    )
  })

  it('via-roles: the source credentials assume the first role for a hop, then the role', async () => {
    const deps = recordingDeps()
    const result = await assumeRoleWithSessionPolicy(
      settingsWith({ ...KEYS, 'via-roles': HUB, 'role-external-id': 'ext-id' }),
      INLINE_POLICY,
      deps
    )
    const [first, last] = sts().requests
    expect([first.action, first.accessKeyId, first.params.RoleArn]).toEqual([
      'AssumeRole',
      DEFAULT_USER.accessKeyId,
      HUB
    ])
    expect(first.params.ExternalId).toBeUndefined()
    expect(first.params.DurationSeconds).toBe('900')
    expect(last.params.ExternalId).toBe('ext-id')
    expect(result.hops).toHaveLength(1)
    expect(deps.lines('debug')[0]).toBe(
      `AssumeRole request: ${JSON.stringify({
        roleArn: HUB,
        roleSessionName: 'run-1',
        durationSeconds: 900,
        policyArns: []
      })}`
    )
  })

  it('via-roles: an AccessDenied on the first hop names the caller', async () => {
    sts().injectFault({ status: 403, code: 'AccessDenied', message: 'not trusted' })
    const error = await errorOf(
      assumeRoleWithSessionPolicy(
        settingsWith({ ...KEYS, 'via-roles': HUB }),
        NO_POLICY,
        recordingDeps()
      )
    )
    expect((error as Error).message).toContain(
      `The trust policy of ${HUB} does not let ${DEFAULT_USER.arn}`
    )
  })

  it('works around punctuation on the last AssumeRole', async () => {
    sts().punctuateSecrets(2)
    const result = await assumeRoleWithSessionPolicy(
      settingsWith({ ...KEYS, 'special-characters-workaround': 'true' }),
      NO_POLICY,
      recordingDeps()
    )
    expect(sts().requests).toHaveLength(3)
    expect(result.session.credentials.secretAccessKey).not.toMatch(/[/+]/)
  })

  it('verify-credentials: checks the last session, never a hop', async () => {
    const hub = await issueSession(sts(), HUB)
    const deps = recordingDeps({ credentialChain: () => Promise.resolve(hub.credentials) })
    const result = await assumeRoleWithSessionPolicy(
      settingsWith({ 'role-chaining': 'true', 'verify-credentials': 'true' }),
      NO_POLICY,
      deps
    )
    expect(sts().requests.map(r => [r.action, r.accessKeyId])).toEqual([
      ['AssumeRole', hub.credentials.accessKeyId],
      ['GetCallerIdentity', result.session.credentials.accessKeyId]
    ])
  })
})
