import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import * as realFs from 'node:fs'
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as core from '../../../__fixtures__/core.js'
import { refreshCacheFile } from '../../../src/aws/credential-cache.js'
import type { AssumedSession } from '../../../src/aws/sts.js'
import { refreshFileFor } from '../../../src/flows/refresh.js'
import { ActionError } from '../../../src/shared/errors.js'
import type { SourceChoice } from '../../../src/sources/choose.js'
import { INLINE_POLICY } from '../../support/flows.js'
import { assumeSettingsOf } from '../../support/inputs.js'

/** Whether the launcher beside the module is there: a source tree has none. */
let launcherPresent = true
const LAUNCHER = join(dirname(fileURLToPath(import.meta.url)), '../../../src/action/cli.cjs')
jest.unstable_mockModule('node:fs', () => {
  const existsSync = (path: realFs.PathLike) =>
    String(path).endsWith('/cli.cjs') ? launcherPresent : realFs.existsSync(path)
  return { ...realFs, default: { ...realFs, existsSync }, existsSync }
})
jest.unstable_mockModule('@actions/core', () => core)
const { exportRefreshProfile, prepareRefresh } = await import('../../../src/action/refresh.js')

const OIDC_ENV = {
  ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't'
}
const SOURCE: SourceChoice = {
  kind: 'oidc',
  reason: 'the job may request one',
  label: 'the GitHub OIDC token (AssumeRoleWithWebIdentity)'
}
const SESSION: AssumedSession = {
  arn: 'arn:aws:sts::111122223333:assumed-role/deploy/run-1',
  userId: 'AROA:run-1',
  account: '111122223333',
  credentials: {
    accessKeyId: 'ASIAKEY',
    secretAccessKey: 'secret',
    sessionToken: 'token',
    expiration: new Date(Date.now() + 3600_000)
  }
}
const SAVED_ENV = { ...process.env }

let temp: string
let config: string
let credentials: string

beforeEach(() => {
  jest.resetAllMocks()
  launcherPresent = true
  temp = mkdtempSync(join(tmpdir(), 'refresh-test-'))
  config = join(temp, 'aws-config')
  credentials = join(temp, 'aws-credentials')
  for (const name of [
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'AWS_CREDENTIAL_EXPIRATION',
    'AWS_DEFAULT_PROFILE',
    'AWS_PROFILE'
  ]) {
    delete process.env[name]
  }
  process.env.RUNNER_TEMP = temp
  process.env.AWS_CONFIG_FILE = config
  process.env.AWS_SHARED_CREDENTIALS_FILE = credentials
})

afterEach(() => {
  rmSync(temp, { recursive: true, force: true })
  process.env = { ...SAVED_ENV }
})

describe('prepareRefresh', () => {
  it('keeps RUNNER_TEMP and the launcher beside the bundle', () => {
    expect(prepareRefresh()).toEqual({ temp, launcher: LAUNCHER })
  })

  it.each([
    ['not set', undefined],
    ['empty', ''],
    ['relative', 'tmp/runner']
  ])('refuses a RUNNER_TEMP that is %s', (_, value) => {
    if (value === undefined) delete process.env.RUNNER_TEMP
    else process.env.RUNNER_TEMP = value
    expect(() => prepareRefresh()).toThrow(
      new ActionError(
        'refresh: true keeps its settings in RUNNER_TEMP, which is not set to an absolute path here. Run the step on a GitHub Actions runner, or set refresh: false.',
        'Cannot refresh here'
      )
    )
  })

  it('refuses a copy of the action without the launcher', () => {
    launcherPresent = false
    let error: unknown
    try {
      prepareRefresh()
    } catch (caught) {
      error = caught
    }
    expect((error as ActionError).message).toBe(
      `refresh: true runs ${LAUNCHER}, which this copy of the action lacks. Use a released version of the action.`
    )
    expect((error as ActionError).title).toBe('Cannot refresh here')
  })

  it('refuses a RUNNER_TEMP no credential_process can name', () => {
    process.env.RUNNER_TEMP = '/tmp/a\nb'
    let error: unknown
    try {
      prepareRefresh()
    } catch (caught) {
      error = caught
    }
    expect((error as ActionError).message).toMatch(
      /^refresh: true cannot write a credential_process here: ".*" has a line break\. Set refresh: false\.$/
    )
    expect((error as ActionError).title).toBe('Cannot refresh here')
  })
})

describe('exportRefreshProfile', () => {
  const settingsWith = (inputs: Record<string, string> = {}) =>
    assumeSettingsOf({ refresh: 'true', 'aws-profile': 'ci', ...inputs }, { env: OIDC_ENV })

  const run = (inputs: Record<string, string> = {}) => ({
    session: SESSION,
    source: SOURCE,
    settings: settingsWith(inputs),
    policy: INLINE_POLICY
  })

  const folder = () => {
    const [name] = readdirSync(temp).filter(n => n.startsWith('scoped-role-refresh-'))
    return name === undefined ? undefined : join(temp, name)
  }

  it('writes the settings, fills the cache, writes the profile and points the later steps at it', () => {
    exportRefreshProfile(run(), { temp, launcher: LAUNCHER }, [])
    const directory = folder()!
    const settingsFile = join(directory, 'settings.json')
    expect(readFileSync(settingsFile, 'utf8')).toBe(
      `${JSON.stringify(refreshFileFor(settingsWith(), INLINE_POLICY, SOURCE, SESSION, process.env), null, 2)}\n`
    )
    expect(statSync(settingsFile).mode & 0o777).toBe(0o600)
    expect(JSON.parse(readFileSync(refreshCacheFile(settingsFile), 'utf8'))).toMatchObject({
      AccessKeyId: 'ASIAKEY',
      SecretAccessKey: 'secret',
      SessionToken: 'token'
    })
    const command = `${process.execPath} ${LAUNCHER} credential-process --settings-file ${settingsFile}`
    expect(readFileSync(config, 'utf8')).toContain(`credential_process = ${command}`)
    expect(core.saveState.mock.calls).toEqual([
      ['refresh-profile', JSON.stringify({ profile: 'ci', config, command, directory })],
      ['exported-variables', '["AWS_PROFILE","AWS_SHARED_CREDENTIALS_FILE","AWS_CONFIG_FILE"]']
    ])
    expect(core.exportVariable.mock.calls).toEqual([
      ['AWS_PROFILE', 'ci'],
      ['AWS_SHARED_CREDENTIALS_FILE', credentials],
      ['AWS_CONFIG_FILE', config]
    ])
    expect(core.warning).not.toHaveBeenCalled()
    expect(core.info.mock.calls.map(c => c[0])).toEqual([
      `Wrote profile 'ci' to ${config}: its credential_process renews the session from the GitHub OIDC token with the same session policy, 3600 s at a time, until the end of the job. Later steps get AWS_PROFILE=ci.`
    ])
  })

  it('blanks the variables that would win over the profile, set or forgotten', () => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIAOLD'
    process.env.AWS_DEFAULT_PROFILE = 'other'
    process.env.AWS_SESSION_TOKEN = ''
    exportRefreshProfile(run(), { temp, launcher: LAUNCHER }, ['AWS_SECRET_ACCESS_KEY'])
    expect(core.exportVariable.mock.calls.slice(0, 4)).toEqual([
      ['AWS_ACCESS_KEY_ID', ''],
      ['AWS_SECRET_ACCESS_KEY', ''],
      ['AWS_DEFAULT_PROFILE', ''],
      ['AWS_PROFILE', 'ci']
    ])
    expect(core.info.mock.calls[0][0]).toBe(
      'Unset AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_PROFILE for the later steps: they would win over AWS_PROFILE=ci.'
    )
  })

  it('names no file variables for the default files in ~/.aws', () => {
    delete process.env.AWS_CONFIG_FILE
    delete process.env.AWS_SHARED_CREDENTIALS_FILE
    process.env.HOME = temp
    exportRefreshProfile(run(), { temp, launcher: LAUNCHER }, [])
    expect(core.exportVariable.mock.calls).toEqual([['AWS_PROFILE', 'ci']])
    expect(readFileSync(join(temp, '.aws', 'config'), 'utf8')).toContain('[profile ci]')
  })

  it('saves nothing for the post step when cleanup-credentials is false', () => {
    exportRefreshProfile(run({ 'cleanup-credentials': 'false' }), { temp, launcher: LAUNCHER }, [])
    expect(core.saveState).not.toHaveBeenCalled()
    expect(core.exportVariable).toHaveBeenCalled()
  })

  it('removes its folder when the profile cannot be written, exporting nothing', () => {
    writeFileSync(config, '[profile ci]\nregion = eu-west-1\n')
    expect(() => exportRefreshProfile(run(), { temp, launcher: LAUNCHER }, [])).toThrow(
      'aws-profile'
    )
    expect(folder()).toBeUndefined()
    expect(core.exportVariable).not.toHaveBeenCalled()
    expect(core.saveState).not.toHaveBeenCalled()
  })

  it('overwrites a profile of the name when asked', () => {
    writeFileSync(config, '[profile ci]\nregion = eu-west-1\n')
    exportRefreshProfile(run({ 'overwrite-aws-profile': 'true' }), { temp, launcher: LAUNCHER }, [])
    expect(readFileSync(config, 'utf8')).toContain('credential_process')
  })
})
