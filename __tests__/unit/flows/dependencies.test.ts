import { describe, expect, it } from '@jest/globals'
import { DEFAULT_USER } from '../../../local-sts/server.js'
import type { StsEndpointSettings } from '../../../src/aws/proxy.js'
import { getCallerIdentity } from '../../../src/aws/sts.js'
import { USER_AGENT, connect, isIssued } from '../../../src/flows/dependencies.js'
import type { AssumeSettings } from '../../../src/settings/settings.js'
import { recordingDeps, stsSettingsOf, useLocalSts } from '../../support/flows.js'

const sts = useLocalSts()

const identity = {
  arn: 'arn:aws:sts::111122223333:assumed-role/deploy/s',
  userId: 'AROA:s',
  account: '111122223333'
}
const keys = { accessKeyId: 'ASIA', secretAccessKey: 'secret' }
const USER = {
  accessKeyId: DEFAULT_USER.accessKeyId,
  secretAccessKey: DEFAULT_USER.secretAccessKey
}

describe('isIssued', () => {
  it.each([
    ['a token and an expiry', { sessionToken: 't', expiration: new Date() }, true],
    ['a token without an expiry', { sessionToken: 't' }, false],
    ['an expiry without a token', { expiration: new Date() }, false],
    ['neither (long-term keys)', {}, false]
  ])('is true only for credentials with both: %s', (_, extra, issued) => {
    expect(isIssued({ ...identity, credentials: { ...keys, ...extra } })).toBe(issued)
  })
})

describe('connect', () => {
  const settingsWith = (inputs: Record<string, string> = {}) =>
    stsSettingsOf(sts(), inputs) as AssumeSettings

  it('signs with the credentials given, and names the action in the user agent', async () => {
    await getCallerIdentity(connect(settingsWith(), recordingDeps(), USER))
    const [request] = sts().requests
    expect(request.accessKeyId).toBe(DEFAULT_USER.accessKeyId)
    expect(String(request.headers['user-agent'])).toContain('scoped-role/0.1.0')
    expect(USER_AGENT).toBe('scoped-role/0.1.0')
  })

  it('asks for proxy agents for these settings', async () => {
    const asked: StsEndpointSettings[] = []
    const settings = settingsWith()
    const deps = recordingDeps({ proxyAgents: s => (asked.push(s), undefined) })
    await getCallerIdentity(connect(settings, deps, USER))
    expect(asked).toEqual([settings])
  })

  it('says each retry in the log, under the retry policy of the settings', async () => {
    sts().injectFault({ status: 500, code: 'InternalFailure', message: 'try again' })
    const deps = recordingDeps()
    await getCallerIdentity(connect(settingsWith({ 'retry-max-attempts': '2' }), deps, USER))
    expect(sts().requests).toHaveLength(2)
    expect(deps.lines('info')).toHaveLength(1)
  })
})
