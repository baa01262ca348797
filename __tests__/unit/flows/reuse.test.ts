import { describe, expect, it } from '@jest/globals'
import { DEFAULT_USER } from '../../../local-sts/server.js'
import type { AssumedSession } from '../../../src/aws/sts.js'
import { isSessionOf, reuseExistingCredentials } from '../../../src/flows/reuse.js'
import type { AssumeSettings } from '../../../src/settings/settings.js'
import {
  INLINE_POLICY,
  NO_POLICY,
  issueSession,
  recordingDeps,
  stsSettingsOf,
  useLocalSts
} from '../../support/flows.js'

const sts = useLocalSts()

function reuseSettings(inputs: Record<string, string> = {}): AssumeSettings {
  return stsSettingsOf(sts(), { 'use-existing-credentials': 'true', ...inputs }) as AssumeSettings
}

const chainOf = (session: AssumedSession) => () => Promise.resolve(session.credentials)

const notReused = (why: string) =>
  `use-existing-credentials: not reused, because ${why}; assuming the role.`

describe('reuseExistingCredentials', () => {
  it('keeps a session of the role as it is, saying so', async () => {
    const session = await issueSession(sts())
    const deps = recordingDeps({ credentialChain: chainOf(session) })
    const result = await reuseExistingCredentials(reuseSettings(), NO_POLICY, deps)
    expect(result).toEqual({
      session: {
        arn: session.arn,
        userId: session.userId,
        account: '111122223333',
        credentials: session.credentials
      },
      source: {
        kind: 'environment',
        reason: 'use-existing-credentials found a session of the role there',
        label: 'credentials already in the environment (kept)'
      },
      reused: true
    })
    expect(sts().requests.map(r => [r.action, r.accessKeyId])).toEqual([
      ['GetCallerIdentity', session.credentials.accessKeyId]
    ])
    expect(deps.events).toEqual([
      `mask:${session.credentials.accessKeyId}`,
      `mask:${session.credentials.secretAccessKey}`,
      `mask:${session.credentials.sessionToken}`,
      `info:use-existing-credentials: the environment's credentials are ${session.arn}, a session of arn:aws:iam::111122223333:role/deploy; kept as they are (nothing assumed or exported).`
    ])
  })

  it('names a bare role by its name, and masks the account when asked', async () => {
    const session = await issueSession(sts())
    const deps = recordingDeps({ credentialChain: chainOf(session) })
    await reuseExistingCredentials(
      reuseSettings({ 'role-to-assume': 'deploy', 'mask-aws-account-id': 'true' }),
      NO_POLICY,
      deps
    )
    expect(deps.events.slice(3)).toEqual([
      'mask:111122223333',
      `info:use-existing-credentials: the environment's credentials are ${session.arn}, a session of role deploy; kept as they are (nothing assumed or exported).`
    ])
  })

  it('does not reuse anything when a session policy is given, without looking', async () => {
    let looked = false
    const deps = recordingDeps({
      credentialChain: () => {
        looked = true
        return Promise.reject(new Error('not read'))
      }
    })
    await expect(reuseExistingCredentials(reuseSettings(), INLINE_POLICY, deps)).resolves.toBe(
      undefined
    )
    expect(looked).toBe(false)
    expect(deps.events).toEqual([`info:${notReused('a session policy is given')}`])
  })

  it('assumes when the environment holds no credentials', async () => {
    const deps = recordingDeps({ credentialChain: () => Promise.reject(new Error('none')) })
    await expect(reuseExistingCredentials(reuseSettings(), NO_POLICY, deps)).resolves.toBe(
      undefined
    )
    expect(deps.events).toEqual([`info:${notReused('the environment holds no AWS credentials')}`])
  })

  it('assumes when the chain does not answer within retry-max-seconds', async () => {
    const deps = recordingDeps({ credentialChain: () => new Promise(() => {}) })
    await expect(
      reuseExistingCredentials(reuseSettings({ 'retry-max-seconds': '1' }), NO_POLICY, deps)
    ).resolves.toBe(undefined)
    expect(deps.lines('info')).toEqual([notReused('the environment holds no AWS credentials')])
  })

  it('assumes when GetCallerIdentity fails, quoting its error cut short', async () => {
    sts().injectFault({ status: 403, code: 'AccessDenied', message: 'x'.repeat(400) })
    const deps = recordingDeps()
    await expect(reuseExistingCredentials(reuseSettings(), NO_POLICY, deps)).resolves.toBe(
      undefined
    )
    const quoted = `GetCallerIdentity failed: AccessDenied: ${'x'.repeat(400)}`.slice(0, 200)
    expect(deps.lines('info')).toEqual([
      notReused(`GetCallerIdentity with them failed (${quoted}…)`)
    ])
    expect(deps.masked()).toEqual([DEFAULT_USER.accessKeyId, DEFAULT_USER.secretAccessKey])
  })

  it('assumes when the credentials are not a session of the role, naming both', async () => {
    const deps = recordingDeps()
    await expect(reuseExistingCredentials(reuseSettings(), NO_POLICY, deps)).resolves.toBe(
      undefined
    )
    expect(deps.lines('info')).toEqual([
      notReused(
        `they are ${DEFAULT_USER.arn}, not a session of arn:aws:iam::111122223333:role/deploy`
      )
    ])
  })

  it('assumes when the account is not in allowed-account-ids, masking it first when asked', async () => {
    const session = await issueSession(sts())
    const deps = recordingDeps({ credentialChain: chainOf(session) })
    await expect(
      reuseExistingCredentials(
        reuseSettings({
          'role-to-assume': 'deploy',
          'allowed-account-ids': '444455556666',
          'mask-aws-account-id': 'true'
        }),
        NO_POLICY,
        deps
      )
    ).resolves.toBe(undefined)
    expect(deps.events.slice(3)).toEqual([
      'mask:111122223333',
      `info:${notReused('their account 111122223333 is not in allowed-account-ids')}`
    ])
  })

  it('keeps a session in an account allowed-account-ids lists', async () => {
    const session = await issueSession(sts())
    const deps = recordingDeps({ credentialChain: chainOf(session) })
    const result = await reuseExistingCredentials(
      reuseSettings({ 'allowed-account-ids': '444455556666,111122223333' }),
      NO_POLICY,
      deps
    )
    expect(result?.reused).toBe(true)
  })
})

describe('isSessionOf', () => {
  const identity = (arn: string) => ({ arn, userId: 'AROA:s', account: '111122223333' })
  const byArn = { arn: 'arn:aws:iam::111122223333:role/deploy' }
  const withPath = { arn: 'arn:aws:iam::111122223333:role/team/deploy' }
  const byName = { name: 'deploy' }

  it.each([
    ['a session of the role', 'arn:aws:sts::111122223333:assumed-role/deploy/s', byArn, 'aws'],
    [
      'a session of a role with a path',
      'arn:aws:sts::111122223333:assumed-role/deploy/s',
      withPath,
      'aws'
    ],
    [
      'a session of the named role',
      'arn:aws:sts::444455556666:assumed-role/deploy/s',
      byName,
      'aws'
    ],
    [
      'a session in another partition',
      'arn:aws-cn:sts::111122223333:assumed-role/deploy/s',
      { arn: 'arn:aws-cn:iam::111122223333:role/deploy' },
      'aws-cn'
    ]
  ])('accepts %s', (_, arn, role, partition) => {
    expect(isSessionOf(identity(arn), role, partition)).toBe(true)
  })

  it.each([
    ['a user', DEFAULT_USER.arn, byArn, 'aws'],
    ['another role', 'arn:aws:sts::111122223333:assumed-role/deployer/s', byArn, 'aws'],
    ['another role by name', 'arn:aws:sts::111122223333:assumed-role/other/s', byName, 'aws'],
    ['another account', 'arn:aws:sts::444455556666:assumed-role/deploy/s', byArn, 'aws'],
    ['another partition', 'arn:aws:sts::111122223333:assumed-role/deploy/s', byArn, 'aws-cn'],
    ['an 11-digit account', 'arn:aws:sts::11112222333:assumed-role/deploy/s', byName, 'aws'],
    ['no session name', 'arn:aws:sts::111122223333:assumed-role/deploy/', byName, 'aws'],
    ['a longer path', 'arn:aws:sts::111122223333:assumed-role/deploy/s/t', byName, 'aws'],
    ['text before', 'xarn:aws:sts::111122223333:assumed-role/deploy/s', byName, 'aws'],
    ['an iam ARN', 'arn:aws:iam::111122223333:assumed-role/deploy/s', byName, 'aws'],
    ['an empty partition', 'arn::sts::111122223333:assumed-role/deploy/s', byName, '']
  ])('refuses %s', (_, arn, role, partition) => {
    expect(isSessionOf(identity(arn), role, partition)).toBe(false)
  })
})
