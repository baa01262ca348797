import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as core from '../../../__fixtures__/core.js'
import { accessKeyDigest } from '../../../src/aws/profiles.js'

jest.unstable_mockModule('@actions/core', () => core)
const { exportSession, forgetInheritedCredentials, setCredentialOutputs, setIdentityOutputs } =
  await import('../../../src/action/export.js')
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

describe('export to a profile', () => {
  const SAVED_ENV = { ...process.env }
  let temp: string
  let credentials: string
  let config: string
  const options = { region: 'eu-west-1', cleanup: true, env: false, overwriteProfile: false }

  beforeEach(() => {
    jest.resetAllMocks()
    temp = mkdtempSync(join(tmpdir(), 'export-test-'))
    credentials = join(temp, 'credentials')
    config = join(temp, 'config')
    process.env.AWS_SHARED_CREDENTIALS_FILE = credentials
    process.env.AWS_CONFIG_FILE = config
  })

  afterEach(() => {
    rmSync(temp, { recursive: true, force: true })
    process.env = { ...SAVED_ENV }
  })

  it('writes the profile, remembers it for the post step, and names files outside ~/.aws', () => {
    exportSession(session, { ...options, profile: 'ci' })
    expect(readFileSync(credentials, 'utf8')).toContain(
      `[ci]\naws_access_key_id = ${session.credentials.accessKeyId}`
    )
    expect(readFileSync(config, 'utf8')).toContain('[profile ci]\nregion = eu-west-1')
    const [[name, saved], ...rest] = core.saveState.mock.calls
    expect(name).toBe('written-profile')
    expect(JSON.parse(saved)).toEqual({
      profile: 'ci',
      credentials,
      config,
      keyDigest: accessKeyDigest(session.credentials.accessKeyId)
    })
    expect(rest).toEqual([
      ['exported-variables', '["AWS_SHARED_CREDENTIALS_FILE","AWS_CONFIG_FILE"]']
    ])
    expect(core.exportVariable.mock.calls).toEqual([
      ['AWS_SHARED_CREDENTIALS_FILE', credentials],
      ['AWS_CONFIG_FILE', config]
    ])
    expect(core.info.mock.calls).toEqual([[`Wrote profile 'ci' to ${credentials} and ${config}.`]])
    expect(core.warning).not.toHaveBeenCalled()
  })

  it('also points AWS_PROFILE at it when the variables are exported too', () => {
    exportSession(session, { ...options, env: true, profile: 'ci' })
    expect(Object.fromEntries(core.exportVariable.mock.calls)).toMatchObject({
      AWS_ACCESS_KEY_ID: session.credentials.accessKeyId,
      AWS_PROFILE: 'ci'
    })
  })

  it('exports no file variables for the default files in ~/.aws', () => {
    delete process.env.AWS_SHARED_CREDENTIALS_FILE
    delete process.env.AWS_CONFIG_FILE
    process.env.HOME = temp
    exportSession(session, { ...options, profile: 'ci' })
    expect(core.exportVariable).not.toHaveBeenCalled()
    expect(existsSync(join(temp, '.aws', 'credentials'))).toBe(true)
    expect(core.saveState.mock.calls.map(c => c[0])).toEqual(['written-profile'])
  })

  it('remembers nothing for the post step when cleanup is off', () => {
    exportSession(session, { ...options, cleanup: false, profile: 'ci' })
    expect(core.saveState).not.toHaveBeenCalled()
  })

  it('takes back the credentials it wrote when the config cannot be written', () => {
    // The config file lies under the path the credentials file takes.
    process.env.AWS_CONFIG_FILE = join(credentials, 'config')
    expect(() => exportSession(session, { ...options, profile: 'ci' })).toThrow(/EEXIST|ENOTDIR/)
    expect(readFileSync(credentials, 'utf8')).not.toContain(session.credentials.accessKeyId)
    expect(core.saveState).not.toHaveBeenCalled()
    expect(core.exportVariable).not.toHaveBeenCalled()
  })

  it('refuses to replace a profile of the name unless asked', () => {
    writeFileSync(config, '[profile ci]\nregion = us-east-1\n')
    expect(() => exportSession(session, { ...options, profile: 'ci' })).toThrow(
      "a profile named 'ci' already exists"
    )
    exportSession(session, { ...options, profile: 'ci', overwriteProfile: true })
    expect(readFileSync(config, 'utf8')).toContain('region = eu-west-1')
  })

  it('blanks the inherited variables, and saves them for the post step', () => {
    exportSession(session, { ...options, blank: ['AWS_PROFILE', 'AWS_SESSION_TOKEN'] })
    expect(core.exportVariable.mock.calls).toEqual([
      ['AWS_PROFILE', ''],
      ['AWS_SESSION_TOKEN', '']
    ])
    expect(core.saveState.mock.calls).toEqual([
      ['exported-variables', '["AWS_PROFILE","AWS_SESSION_TOKEN"]']
    ])
  })

  it('saves nothing when there is nothing to export', () => {
    exportSession(session, options)
    expect(core.saveState).not.toHaveBeenCalled()
    expect(core.exportVariable).not.toHaveBeenCalled()
  })
})

describe('outputs', () => {
  beforeEach(() => {
    jest.resetAllMocks()
  })

  it('name a scoped session, and leave out an empty user id', () => {
    setIdentityOutputs({ ...session, userId: '', scopedSessionId: 'SSABC' })
    expect(Object.fromEntries(core.setOutput.mock.calls)).toEqual({
      'aws-account-id': '111122223333',
      arn: session.arn,
      'authenticated-arn': session.arn,
      'scoped-session-id': 'SSABC',
      expiration: '2026-11-28T06:00:00.000Z',
      'aws-expiration': '2026-11-28T06:00:00.000Z',
      'session-token-utilization': 7
    })
  })

  it('give an empty utilization for an issued session STS said nothing about', () => {
    setIdentityOutputs({ ...session, utilization: undefined })
    expect(Object.fromEntries(core.setOutput.mock.calls)['session-token-utilization']).toBe('')
  })

  it('give the credentials when asked, the token only when there is one', () => {
    setCredentialOutputs(session)
    expect(core.setOutput.mock.calls).toEqual([
      ['aws-access-key-id', session.credentials.accessKeyId],
      ['aws-secret-access-key', session.credentials.secretAccessKey],
      ['aws-session-token', session.credentials.sessionToken]
    ])
    jest.resetAllMocks()
    setCredentialOutputs({
      ...session,
      credentials: { accessKeyId: 'AKIA', secretAccessKey: 's' }
    })
    expect(core.setOutput.mock.calls.map(c => c[0])).toEqual([
      'aws-access-key-id',
      'aws-secret-access-key'
    ])
  })
})

describe('forgetInheritedCredentials', () => {
  const NAMES = [
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'AWS_CREDENTIAL_EXPIRATION',
    'AWS_PROFILE'
  ]
  const SAVED_ENV = { ...process.env }

  afterEach(() => {
    process.env = { ...SAVED_ENV }
  })

  it('removes each credential variable an earlier step left, in order, and says which', () => {
    for (const name of NAMES) process.env[name] = `value of ${name}`
    process.env.AWS_REGION = 'eu-west-1'
    expect(forgetInheritedCredentials()).toEqual(NAMES)
    for (const name of NAMES) expect(process.env[name]).toBeUndefined()
    expect(process.env.AWS_REGION).toBe('eu-west-1')
  })

  it('leaves out variables that are empty or not set', () => {
    for (const name of NAMES) delete process.env[name]
    process.env.AWS_SESSION_TOKEN = ''
    process.env.AWS_PROFILE = 'ci'
    expect(forgetInheritedCredentials()).toEqual(['AWS_PROFILE'])
  })
})
