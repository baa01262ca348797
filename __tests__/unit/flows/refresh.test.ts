import { describe, expect, it } from '@jest/globals'
import {
  assumeAgain,
  parseRefreshFile,
  refreshFileFor,
  type RefreshFile
} from '../../../src/flows/refresh.js'
import type { SessionPolicy } from '../../../src/policy/session-policy.js'
import { ActionError } from '../../../src/shared/errors.js'
import { assumeSettingsOf } from '../../support/inputs.js'
import { TERMINAL_WORDING } from '../../../src/cli/wording.js'

const POLICY: SessionPolicy = {
  inline:
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}',
  managedArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
  warnings: [],
  notChecked: [],
  explanation: [],
  forbidActions: []
}
const SESSION = {
  arn: 'arn:aws:sts::111122223333:assumed-role/deploy/s',
  userId: 'AROA:s',
  account: '111122223333',
  credentials: {
    accessKeyId: 'ASIA',
    secretAccessKey: 'x',
    sessionToken: 'y',
    expiration: new Date()
  }
}
const OIDC = { ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't' }

function fileFor(overrides = {}, env: Record<string, string> = OIDC): RefreshFile {
  const settings = assumeSettingsOf({ refresh: 'true', ...overrides }, { env })
  const source = env.ACTIONS_ID_TOKEN_REQUEST_URL
    ? ({ kind: 'oidc', reason: '', label: '' } as const)
    : ({ kind: 'environment', reason: '', label: '' } as const)
  return refreshFileFor(settings, POLICY, source, SESSION, env)
}

describe('the refresh settings file', () => {
  it('round-trips what the main step used, with the policy as sent and no secret', () => {
    const file = fileFor({ 'role-session-tags': 'team=web' })
    expect(parseRefreshFile(JSON.stringify(file))).toEqual(file)
    expect(file.policy).toEqual({ inline: POLICY.inline, managedArns: POLICY.managedArns })
    expect(file.source).toEqual({ kind: 'oidc' })
    expect(JSON.stringify(file)).not.toMatch(/ASIA|secret|"t"/)
  })

  it('keeps the source profile of the default chain, and completes a bare role name', () => {
    const file = fileFor({ 'role-to-assume': 'deploy' }, { AWS_PROFILE: 'runner' })
    expect(file.source).toEqual({ kind: 'environment', profile: 'runner' })
    expect(file.roleArn).toBe('arn:aws:iam::111122223333:role/deploy')
  })

  it.each([
    ['not JSON', 'nope'],
    ['another role', { roleArn: 'arn:aws:iam::1:user/x' }],
    ['a policy with a line break', { policy: { inline: 'a\nb', managedArns: [] } }],
    ['an unknown source', { source: { kind: 'keys' } }],
    ['an extra field', { secretAccessKey: 'x' }],
    [
      'eleven managed policies',
      { policy: { managedArns: Array(11).fill('arn:aws:iam::aws:policy/A') } }
    ]
  ])('refuses %s', (_, change) => {
    const text = typeof change === 'string' ? change : JSON.stringify({ ...fileFor(), ...change })
    expect(() => parseRefreshFile(text)).toThrow(ActionError)
  })

  it('asks for no token when the process lacks the OIDC variables, and says why', async () => {
    const deps = {
      env: {},
      wording: TERMINAL_WORDING,
      mask: () => {},
      info: () => {},
      warn: () => {},
      debug: () => {},
      requestIdToken: () => Promise.reject(new Error('not called')),
      readFile: () => ''
    }
    await expect(assumeAgain(fileFor(), deps)).rejects.toThrow('id-token: write')
  })
})
