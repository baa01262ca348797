import { describe, expect, it } from '@jest/globals'
import { DEFAULT_USER } from '../../../local-sts/server.js'
import {
  acceptAccount,
  acceptSession,
  maskAccount,
  maskCredentials
} from '../../../src/flows/session.js'
import { ActionError } from '../../../src/shared/errors.js'
import type { StsSettings } from '../../../src/settings/settings.js'
import { issueSession, recordingDeps, stsSettingsOf, useLocalSts } from '../../support/flows.js'

const ACCOUNT = '111122223333'

/** A session as STS would hand it back, signed here with the endpoint's default user. */
const SESSION = {
  arn: DEFAULT_USER.arn,
  userId: 'AIDA1',
  account: ACCOUNT,
  credentials: {
    accessKeyId: DEFAULT_USER.accessKeyId,
    secretAccessKey: DEFAULT_USER.secretAccessKey,
    sessionToken: 'token-of-the-session',
    expiration: new Date('2030-01-01T00:00:00Z')
  }
}

const sts = useLocalSts()

const settingsWith = (inputs: Record<string, string> = {}) =>
  stsSettingsOf(sts(), inputs) as StsSettings

describe('maskCredentials', () => {
  it('masks the key id, the secret and the token, in that order', () => {
    const masked: string[] = []
    maskCredentials({ accessKeyId: 'a', secretAccessKey: 'b', sessionToken: 'c' }, m =>
      masked.push(m)
    )
    expect(masked).toEqual(['a', 'b', 'c'])
  })

  it.each([undefined, ''])('masks no token when there is none (%j)', sessionToken => {
    const masked: string[] = []
    maskCredentials({ accessKeyId: 'a', secretAccessKey: 'b', sessionToken }, m => masked.push(m))
    expect(masked).toEqual(['a', 'b'])
  })
})

describe('maskAccount', () => {
  it('masks the account when mask-aws-account-id is true', () => {
    const deps = recordingDeps()
    maskAccount(ACCOUNT, { maskAccountId: true }, deps)
    expect(deps.masked()).toEqual([ACCOUNT])
  })

  it('leaves it shown when mask-aws-account-id is false', () => {
    const deps = recordingDeps()
    maskAccount(ACCOUNT, { maskAccountId: false }, deps)
    expect(deps.masked()).toEqual([])
  })
})

describe('acceptAccount', () => {
  it('accepts any account when allowed-account-ids is not given', () => {
    const deps = recordingDeps()
    expect(() =>
      acceptAccount(ACCOUNT, { maskAccountId: false, allowedAccountIds: undefined }, deps)
    ).not.toThrow()
  })

  it('accepts an account allowed-account-ids lists', () => {
    const deps = recordingDeps()
    expect(() =>
      acceptAccount(
        ACCOUNT,
        { maskAccountId: false, allowedAccountIds: ['444455556666', ACCOUNT] },
        deps
      )
    ).not.toThrow()
  })

  it('refuses an account allowed-account-ids does not list, naming both, after masking it', () => {
    const deps = recordingDeps()
    let error: unknown
    try {
      acceptAccount(
        ACCOUNT,
        { maskAccountId: true, allowedAccountIds: ['444455556666', '777788889999'] },
        deps
      )
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(ActionError)
    expect((error as ActionError).message).toBe(
      'The role is in account 111122223333, which is not in allowed-account-ids (444455556666, 777788889999). ' +
        'Nothing was exported. Check role-to-assume, or add the account to allowed-account-ids.'
    )
    expect((error as ActionError).title).toBe('Account not allowed')
    expect(deps.masked()).toEqual([ACCOUNT])
  })
})

describe('acceptSession', () => {
  it('masks the credentials, then the account, and makes no request unless asked to verify', async () => {
    const deps = recordingDeps()
    await acceptSession(SESSION, settingsWith({ 'mask-aws-account-id': 'true' }), deps)
    expect(deps.events).toEqual([
      `mask:${DEFAULT_USER.accessKeyId}`,
      `mask:${DEFAULT_USER.secretAccessKey}`,
      'mask:token-of-the-session',
      `mask:${ACCOUNT}`
    ])
    expect(sts().requests).toEqual([])
  })

  it('refuses a session in an account that is not allowed, before verifying it', async () => {
    const deps = recordingDeps()
    await expect(
      acceptSession(
        SESSION,
        settingsWith({ 'allowed-account-ids': '444455556666', 'verify-credentials': 'true' }),
        deps
      )
    ).rejects.toThrow('not in allowed-account-ids (444455556666)')
    expect(sts().requests).toEqual([])
  })

  it('verify-credentials: asks GetCallerIdentity with the new credentials and says who they are', async () => {
    const session = await issueSession(sts())
    const deps = recordingDeps()
    await acceptSession(session, settingsWith({ 'verify-credentials': 'true' }), deps)
    expect(sts().requests.map(r => [r.action, r.accessKeyId])).toEqual([
      ['GetCallerIdentity', session.credentials.accessKeyId]
    ])
    expect(deps.lines('info')).toEqual([
      `Verified: GetCallerIdentity with the new credentials answers ${session.arn}.`
    ])
  })

  it.each([
    ['another ARN in the same account', 'arn:aws:sts::111122223333:assumed-role/other/s', ACCOUNT],
    [
      'the same ARN in another account',
      'arn:aws:sts::111122223333:assumed-role/deploy/earlier',
      '444455556666'
    ]
  ])('verify-credentials: refuses an answer naming %s', async (_, arn, account) => {
    const session = await issueSession(sts())
    sts().answerIdentityAs({ arn, account })
    const deps = recordingDeps()
    let error: unknown
    try {
      await acceptSession(session, settingsWith({ 'verify-credentials': 'true' }), deps)
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(ActionError)
    expect((error as ActionError).message).toBe(
      `verify-credentials: GetCallerIdentity with the new credentials answered ${arn} (account ${account}), ` +
        `but STS returned ${session.arn}. Nothing was exported. Check that sts-endpoint and AWS_ENDPOINT_URL_STS point at STS.`
    )
    expect((error as ActionError).title).toBe('Credentials did not verify')
    expect(deps.lines('info')).toEqual([])
  })
})
