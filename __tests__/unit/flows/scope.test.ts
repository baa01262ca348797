import { afterEach, describe, expect, it, jest } from '@jest/globals'
import { DEFAULT_USER } from '../../../local-sts/server.js'
import type { AssumedSession, AwsCredentials } from '../../../src/aws/sts.js'
import { scopeCredentialsInEnvironment } from '../../../src/flows/scope.js'
import type { SessionPolicy } from '../../../src/policy/session-policy.js'
import { ActionError, InputError } from '../../../src/shared/errors.js'
import type { ScopeSettings } from '../../../src/settings/settings.js'
import {
  NO_POLICY,
  issueSession,
  recordingDeps,
  stsSettingsOf,
  useLocalSts
} from '../../support/flows.js'

const sts = useLocalSts()

const INLINE =
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}'
const POLICY: SessionPolicy = { ...NO_POLICY, inline: INLINE }

function scopeSettings(inputs: Record<string, string> = {}): ScopeSettings {
  const settings = stsSettingsOf(sts(), {
    mode: 'scope',
    'role-to-assume': '',
    'inline-session-policy': INLINE,
    'scoped-session-description': 'release job',
    ...inputs
  })
  if (settings.mode !== 'scope') throw new Error(`expected scope, got ${settings.mode}`)
  return settings
}

/** The chain hands out the session, with or without the expiry it knows. */
function chainOf(session: AssumedSession, expiration?: Date) {
  const { accessKeyId, secretAccessKey, sessionToken } = session.credentials
  const credentials: AwsCredentials = { accessKeyId, secretAccessKey, sessionToken, expiration }
  return () => Promise.resolve(credentials)
}

const SOURCE = {
  kind: 'environment',
  reason: 'mode: scope narrows the credentials already in the environment',
  label: 'temporary credentials already in the environment (GetScopedCredentials)'
}

afterEach(() => {
  jest.restoreAllMocks()
})

/** Date.now() held still, so the seconds left are exact. */
function holdClock(): number {
  const now = Math.floor(Date.now() / 1000) * 1000
  jest.spyOn(Date, 'now').mockReturnValue(now)
  return now
}

describe('scopeCredentialsInEnvironment', () => {
  it('narrows the session with the policy and description, masking before anything is said', async () => {
    const source = await issueSession(sts())
    const deps = recordingDeps({ credentialChain: chainOf(source) })
    const result = await scopeCredentialsInEnvironment(scopeSettings(), POLICY, deps)
    expect(result.source).toEqual(SOURCE)
    expect(result.session.arn).toBe(source.arn)
    expect(result.session.scopedSessionId).toMatch(/^SS/)
    expect(sts().requests.map(r => r.action)).toEqual(['GetScopedCredentials'])
    expect(sts().requests[0].accessKeyId).toBe(source.credentials.accessKeyId)
    expect(sts().requests[0].params).toMatchObject({
      Policy: INLINE,
      ScopedSessionDescription: 'release job'
    })
    expect(sts().requests[0].params.DurationSeconds).toBeUndefined()
    const { credentials } = result.session
    expect(deps.events).toEqual([
      `mask:${source.credentials.accessKeyId}`,
      `mask:${source.credentials.secretAccessKey}`,
      `mask:${source.credentials.sessionToken}`,
      `info:Source credentials: ${SOURCE.label}, because ${SOURCE.reason}.`,
      'info:Scoping the session in the environment.',
      `debug:GetScopedCredentials request: ${JSON.stringify({ policy: INLINE, description: 'release job' })}`,
      `mask:${credentials.accessKeyId}`,
      `mask:${credentials.secretAccessKey}`,
      `mask:${credentials.sessionToken}`,
      `mask:${credentials.accessKeyId}`,
      `mask:${credentials.secretAccessKey}`,
      `mask:${credentials.sessionToken}`
    ])
  })

  it('sends the duration and says how long the session has left', async () => {
    const now = holdClock()
    const source = await issueSession(sts())
    const deps = recordingDeps({ credentialChain: chainOf(source, new Date(now + 3599_000)) })
    const result = await scopeCredentialsInEnvironment(
      scopeSettings({ 'role-duration-seconds': '900', 'inline-session-policy': '' }),
      NO_POLICY,
      deps
    )
    expect(sts().requests[0].params.DurationSeconds).toBe('900')
    expect(sts().requests[0].params.Policy).toBeUndefined()
    expect(deps.lines('info')[1]).toBe(
      'Scoping the session in the environment to 900 s (it expires in 59 minutes).'
    )
    expect(deps.lines('debug')).toEqual([
      `GetScopedCredentials request: ${JSON.stringify({ durationSeconds: 900, description: 'release job' })}`
    ])
    expect(result.session.credentials.expiration!.getTime()).toBeLessThan(
      source.credentials.expiration.getTime()
    )
  })

  it('reads the expiry an earlier step exported when the chain does not know it', async () => {
    const now = holdClock()
    const source = await issueSession(sts())
    const deps = recordingDeps({
      credentialChain: chainOf(source),
      env: { AWS_CREDENTIAL_EXPIRATION: new Date(now + 1200_000).toISOString() }
    })
    await scopeCredentialsInEnvironment(scopeSettings(), POLICY, deps)
    expect(deps.lines('info')[1]).toBe(
      'Scoping the session in the environment (it expires in 20 minutes).'
    )
  })

  it('prefers the expiry the chain reports to the exported one', async () => {
    const now = holdClock()
    const source = await issueSession(sts())
    const deps = recordingDeps({
      credentialChain: chainOf(source, new Date(now + 600_000)),
      env: { AWS_CREDENTIAL_EXPIRATION: new Date(now + 1200_000).toISOString() }
    })
    await scopeCredentialsInEnvironment(scopeSettings(), POLICY, deps)
    expect(deps.lines('info')[1]).toBe(
      'Scoping the session in the environment (it expires in 10 minutes).'
    )
  })

  it('ignores an exported expiry that is not a date', async () => {
    const source = await issueSession(sts())
    const deps = recordingDeps({
      credentialChain: chainOf(source),
      env: { AWS_CREDENTIAL_EXPIRATION: 'soon' }
    })
    await scopeCredentialsInEnvironment(
      scopeSettings({ 'role-duration-seconds': '900' }),
      POLICY,
      deps
    )
    expect(deps.lines('info')[1]).toBe('Scoping the session in the environment to 900 s.')
  })

  it.each([
    [600, 600],
    [599, 600]
  ])('accepts a duration of %i s for credentials with %i s left', async (duration, left) => {
    const now = holdClock()
    const source = await issueSession(sts())
    const deps = recordingDeps({ credentialChain: chainOf(source, new Date(now + left * 1000)) })
    await expect(
      scopeCredentialsInEnvironment(
        scopeSettings({ 'role-duration-seconds': String(duration) }),
        POLICY,
        deps
      )
    ).resolves.toBeDefined()
  })

  it.each([
    [601, 600, 540],
    [60, 59, 1],
    [2, 1, 1]
  ])(
    'refuses %i s for credentials with %i s left, before any request, suggesting %i',
    async (duration, left, suggested) => {
      const now = holdClock()
      const source = await issueSession(sts())
      const at = new Date(now + left * 1000 + 400)
      const deps = recordingDeps({ credentialChain: chainOf(source, at) })
      const error = await scopeCredentialsInEnvironment(
        scopeSettings({ 'role-duration-seconds': String(duration) }),
        POLICY,
        deps
      ).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(InputError)
      expect((error as InputError).message).toBe(
        `role-duration-seconds: is ${duration}, but the credentials being scoped expire in ${left} s (at ${at.toISOString()}). ` +
          `Write ${suggested} or less, or leave it empty to keep their expiry.`
      )
      expect(sts().requests).toEqual([])
    }
  )

  it('keeps the expiry (no duration) however little is left', async () => {
    const now = holdClock()
    const source = await issueSession(sts())
    const deps = recordingDeps({ credentialChain: chainOf(source, new Date(now + 30_000)) })
    await scopeCredentialsInEnvironment(scopeSettings(), POLICY, deps)
    expect(deps.lines('info')[1]).toBe(
      'Scoping the session in the environment (it expires in 0 minutes).'
    )
  })

  it('refuses long-term keys, after masking them, before any request', async () => {
    const deps = recordingDeps()
    const error = await scopeCredentialsInEnvironment(scopeSettings(), POLICY, deps).catch(
      (e: unknown) => e
    )
    expect(error).toBeInstanceOf(ActionError)
    expect((error as ActionError).message).toBe(
      'mode: scope needs temporary credentials (a role session with a session token), but the environment holds long-term IAM user keys. ' +
        'Assume a role first (this action with mode: assume, e.g. through GitHub OIDC), or get a session with GetSessionToken.'
    )
    expect((error as ActionError).title).toBe('Scoping needs temporary credentials')
    expect(deps.masked()).toEqual([DEFAULT_USER.accessKeyId, DEFAULT_USER.secretAccessKey])
    expect(sts().requests).toEqual([])
  })

  it('says the chain is empty when the environment holds no credentials', async () => {
    const deps = recordingDeps({
      credentialChain: () => Promise.reject(new Error('none here'))
    })
    await expect(scopeCredentialsInEnvironment(scopeSettings(), POLICY, deps)).rejects.toThrow(
      'No source credentials to assume the role with'
    )
  })

  it('bounds the chain by retry-max-seconds', async () => {
    const deps = recordingDeps({ credentialChain: () => new Promise(() => {}) })
    await expect(
      scopeCredentialsInEnvironment(scopeSettings({ 'retry-max-seconds': '1' }), POLICY, deps)
    ).rejects.toThrow('no credentials within retry-max-seconds (1 s)')
  })

  it('mask-aws-account-id: learns the account first and masks it before scoping', async () => {
    const source = await issueSession(sts())
    const deps = recordingDeps({ credentialChain: chainOf(source) })
    await scopeCredentialsInEnvironment(
      scopeSettings({ 'mask-aws-account-id': 'true' }),
      POLICY,
      deps
    )
    expect(sts().requests.map(r => r.action)).toEqual(['GetCallerIdentity', 'GetScopedCredentials'])
    expect(deps.events[deps.events.indexOf('mask:111122223333') - 1]).toMatch(/^debug:/)
  })
})
