import { beforeEach, describe, expect, it, jest } from '@jest/globals'
import * as core from '../../../__fixtures__/core.js'

jest.unstable_mockModule('@actions/core', () => core)
const state = await import('../../../src/action/state.js')

/** getState answers from this map, as the runner does from STATE_* variables. */
function saved(values: Record<string, string>): void {
  core.getState.mockImplementation(name => values[name] ?? '')
}

const PROFILE = {
  profile: 'ci',
  credentials: '/home/runner/.aws/credentials',
  config: '/home/runner/.aws/config',
  keyDigest: 'abc123'
}
const REFRESH = {
  profile: 'ci',
  config: '/home/runner/.aws/config',
  command: 'node cli.cjs credential-process',
  directory: '/tmp/scoped-role-refresh-x'
}

beforeEach(() => {
  jest.resetAllMocks()
})

describe('the exported variables', () => {
  it('are saved as a JSON list under exported-variables', () => {
    state.rememberExportedVariables(['AWS_REGION', 'AWS_ACCESS_KEY_ID'])
    expect(core.saveState.mock.calls).toEqual([
      ['exported-variables', '["AWS_REGION","AWS_ACCESS_KEY_ID"]']
    ])
  })

  it('are none when nothing was saved', () => {
    saved({})
    expect(state.exportedVariablesToClean()).toEqual([])
  })

  it('are read back as saved', () => {
    saved({ 'exported-variables': '["AWS_REGION","AWS_ACCESS_KEY_ID"]' })
    expect(state.exportedVariablesToClean()).toEqual(['AWS_REGION', 'AWS_ACCESS_KEY_ID'])
  })

  it.each([
    ['not a list', '{"AWS_REGION":1}'],
    ['a number in the list', '["AWS_REGION",1]'],
    ['a lowercase name', '["AWS_REGION","aws_region"]'],
    ['a name with a digit', '["AWS_REGION1"]'],
    ['a command', '["AWS_REGION; rm -rf /"]'],
    ['a name after a line break', '["X\\nAWS_REGION"]'],
    ['an empty name', '[""]']
  ])('refuse %s', (_, text) => {
    saved({ 'exported-variables': text })
    expect(() => state.exportedVariablesToClean()).toThrow(
      new Error("the saved state 'exported-variables' is not a list of variable names")
    )
  })
})

describe('the written profile', () => {
  it('is saved as JSON under written-profile', () => {
    state.rememberWrittenProfile(PROFILE)
    expect(core.saveState.mock.calls).toEqual([['written-profile', JSON.stringify(PROFILE)]])
  })

  it('is none when nothing was saved', () => {
    saved({})
    expect(state.writtenProfileToRemove()).toBeUndefined()
  })

  it('is read back as saved', () => {
    saved({ 'written-profile': JSON.stringify(PROFILE) })
    expect(state.writtenProfileToRemove()).toEqual(PROFILE)
  })

  it.each(['profile', 'credentials', 'config', 'keyDigest'])('is refused without %s', key => {
    saved({ 'written-profile': JSON.stringify({ ...PROFILE, [key]: 1 }) })
    expect(() => state.writtenProfileToRemove()).toThrow(
      new Error("the saved state 'written-profile' is not a profile")
    )
  })
})

describe('the refreshing profile', () => {
  it('is saved as JSON under refresh-profile', () => {
    state.rememberRefreshProfile(REFRESH)
    expect(core.saveState.mock.calls).toEqual([['refresh-profile', JSON.stringify(REFRESH)]])
  })

  it('is none when nothing was saved', () => {
    saved({})
    expect(state.refreshProfileToRemove()).toBeUndefined()
  })

  it('is read back as saved', () => {
    saved({ 'refresh-profile': JSON.stringify(REFRESH) })
    expect(state.refreshProfileToRemove()).toEqual(REFRESH)
  })

  it.each(['profile', 'config', 'command', 'directory'])('is refused without %s', key => {
    saved({ 'refresh-profile': JSON.stringify({ ...REFRESH, [key]: undefined }) })
    expect(() => state.refreshProfileToRemove()).toThrow(
      new Error("the saved state 'refresh-profile' is not a profile")
    )
  })

  it('lives in a folder whose name says whose it is', () => {
    expect(state.REFRESH_FOLDER_PREFIX).toBe('scoped-role-refresh-')
  })
})
