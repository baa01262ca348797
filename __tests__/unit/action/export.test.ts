import { beforeEach, describe, expect, it, jest } from '@jest/globals'
import * as core from '../../../__fixtures__/core.js'

jest.unstable_mockModule('@actions/core', () => core)
const { exportSession, setIdentityOutputs } = await import('../../../src/action/export.js')
const { maskCredentials } = await import('../../../src/flows/session.js')
const { exportedVariablesToClean } = await import('../../../src/action/state.js')
const { runCleanup } = await import('../../../src/action/cleanup.js')

const session = {
  credentials: {
    accessKeyId: 'ASIAEXAMPLEEXAMPLE01',
    secretAccessKey: 'secret/secret/secret',
    sessionToken: 'token-token-token',
    expiration: new Date('2026-11-28T06:00:00Z')
  },
  arn: 'arn:aws:sts::111122223333:assumed-role/deploy/gh-1',
  userId: 'AROAEXAMPLE:gh-1',
  account: '111122223333',
  utilization: 7
}

/** The order in which the runner would have seen the calls, as one list. */
function callOrder(): string[] {
  const calls: Array<{ order: number; name: string }> = []
  for (const [name, fn] of Object.entries({
    setSecret: core.setSecret,
    exportVariable: core.exportVariable,
    setOutput: core.setOutput,
    saveState: core.saveState,
    info: core.info
  })) {
    fn.mock.invocationCallOrder.forEach(order => calls.push({ order, name }))
  }
  return calls.sort((a, b) => a.order - b.order).map(c => c.name)
}

describe('export', () => {
  beforeEach(() => {
    jest.resetAllMocks()
  })

  it('masks every credential value', () => {
    maskCredentials(session.credentials, core.setSecret)
    expect(core.setSecret.mock.calls.map(c => c[0])).toEqual([
      'ASIAEXAMPLEEXAMPLE01',
      'secret/secret/secret',
      'token-token-token'
    ])
  })

  it('saves what it will export before exporting anything', () => {
    exportSession(session, {
      region: 'eu-west-1',
      cleanup: true,
      env: true,
      overwriteProfile: false
    })
    setIdentityOutputs(session)
    const order = callOrder()
    expect(order[0]).toBe('saveState')
    expect(order.indexOf('saveState')).toBeLessThan(order.indexOf('exportVariable'))
    expect(order.filter(n => n === 'exportVariable')).toHaveLength(6)
    expect(Object.fromEntries(core.exportVariable.mock.calls)).toEqual({
      AWS_ACCESS_KEY_ID: 'ASIAEXAMPLEEXAMPLE01',
      AWS_SECRET_ACCESS_KEY: 'secret/secret/secret',
      AWS_SESSION_TOKEN: 'token-token-token',
      AWS_CREDENTIAL_EXPIRATION: '2026-11-28T06:00:00.000Z',
      AWS_REGION: 'eu-west-1',
      AWS_DEFAULT_REGION: 'eu-west-1'
    })
    expect(Object.fromEntries(core.setOutput.mock.calls)).toEqual({
      'aws-account-id': '111122223333',
      arn: session.arn,
      'authenticated-arn': session.arn,
      'user-id': session.userId,
      expiration: '2026-11-28T06:00:00.000Z',
      'aws-expiration': '2026-11-28T06:00:00.000Z',
      'session-token-utilization': 7
    })
  })

  it('exports long-term keys with the stale token and expiry blanked, and no expiry outputs', () => {
    const keys = { accessKeyId: 'AKIAEXAMPLEEXAMPLE01', secretAccessKey: 'secret' }
    const identity = {
      arn: 'arn:aws:iam::111122223333:user/ci',
      userId: 'AIDA1',
      account: '111122223333'
    }
    exportSession(
      { ...identity, credentials: keys },
      { region: 'eu-west-1', cleanup: false, env: true, overwriteProfile: false }
    )
    setIdentityOutputs({ ...identity, credentials: keys })
    expect(Object.fromEntries(core.exportVariable.mock.calls)).toMatchObject({
      AWS_ACCESS_KEY_ID: keys.accessKeyId,
      AWS_SESSION_TOKEN: '',
      AWS_CREDENTIAL_EXPIRATION: ''
    })
    expect(Object.fromEntries(core.setOutput.mock.calls)).toEqual({
      'aws-account-id': '111122223333',
      arn: identity.arn,
      'authenticated-arn': identity.arn,
      'user-id': 'AIDA1'
    })
  })

  it('records nothing for the post step when cleanup is off', () => {
    exportSession(session, {
      region: 'eu-west-1',
      cleanup: false,
      env: true,
      overwriteProfile: false
    })
    expect(core.saveState).not.toHaveBeenCalled()
  })
})

describe('post-step cleanup', () => {
  beforeEach(() => {
    jest.resetAllMocks()
  })

  it('blanks exactly the saved variables', async () => {
    core.getState.mockImplementation(name =>
      name === 'exported-variables' ? '["AWS_ACCESS_KEY_ID","AWS_REGION"]' : ''
    )
    await runCleanup()
    expect(core.exportVariable.mock.calls).toEqual([
      ['AWS_ACCESS_KEY_ID', ''],
      ['AWS_REGION', '']
    ])
    expect(core.warning).not.toHaveBeenCalled()
  })

  it('does nothing without saved state', async () => {
    core.getState.mockReturnValue('')
    await runCleanup()
    expect(core.exportVariable).not.toHaveBeenCalled()
  })

  it('warns, never fails, on state it cannot read', async () => {
    core.getState.mockImplementation(name =>
      name === 'exported-variables' ? '["PATH; rm -rf /"]' : ''
    )
    await runCleanup()
    expect(core.exportVariable).not.toHaveBeenCalled()
    expect(core.warning.mock.calls[0][0]).toContain('not a list of variable names')
    expect(() => exportedVariablesToClean()).toThrow()
  })
})
