import { describe, expect, it } from '@jest/globals'
import type { RawInputs } from '../../../src/settings/input-rules.js'
import type { SourceRequest } from '../../../src/settings/settings.js'
import { chooseSource, OIDC_PERMISSIONS_YAML } from '../../../src/sources/choose.js'
import { RUNNER_WORDING } from '../../../src/action/wording.js'
import { assumeSettingsOf, errorOf, refusal } from '../../support/inputs.js'

const OIDC_ENV = {
  ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1/t?x=1',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't'
}
const KEYS = { 'aws-access-key-id': 'AKIAEXAMPLE000000000', 'aws-secret-access-key': 's' }

const parse = (overrides: Partial<RawInputs> = {}, workspace = '/ws') =>
  assumeSettingsOf(overrides, { workspace, readFile: () => '' })
const sourceOf = (overrides: Partial<RawInputs> = {}) => parse(overrides).source

describe('chooseSource', () => {
  it('prefers keys, then a token file, then OIDC, then the environment', () => {
    expect(chooseSource(sourceOf(KEYS), OIDC_ENV, RUNNER_WORDING).kind).toBe('keys')
    expect(
      chooseSource(sourceOf({ 'web-identity-token-file': 't' }), OIDC_ENV, RUNNER_WORDING).kind
    ).toBe('web-identity-file')
    expect(chooseSource(sourceOf(), OIDC_ENV, RUNNER_WORDING)).toMatchObject({
      kind: 'oidc',
      reason: 'no keys are given and the job may request a GitHub OIDC token (id-token: write)'
    })
    expect(chooseSource(sourceOf(), {}, RUNNER_WORDING).kind).toBe('environment')
  })

  it('uses the environment for role chaining even when OIDC is available', () => {
    expect(chooseSource(sourceOf({ 'role-chaining': 'true' }), OIDC_ENV, RUNNER_WORDING).kind).toBe(
      'environment'
    )
  })

  it('follows force-source, and explains a forced OIDC the job cannot do', () => {
    expect(
      chooseSource(sourceOf({ 'force-source': 'environment' }), OIDC_ENV, RUNNER_WORDING).kind
    ).toBe('environment')
    const error = errorOf(() =>
      chooseSource(sourceOf({ 'force-source': 'oidc' }), {}, RUNNER_WORDING)
    )
    expect(error.message).toContain('id-token: write')
  })
})

describe('the reason and label of each source', () => {
  it.each([
    [
      { ...KEYS },
      {},
      'aws-access-key-id and aws-secret-access-key are set',
      'static keys from the inputs (AssumeRole)'
    ],
    [
      { ...KEYS, 'force-source': 'keys' },
      {},
      'force-source: keys',
      'static keys from the inputs (AssumeRole)'
    ],
    [
      { 'web-identity-token-file': 't' },
      {},
      'web-identity-token-file is set',
      'web identity token file (AssumeRoleWithWebIdentity)'
    ],
    [
      { 'web-identity-token-file': 't', 'force-source': 'web-identity-file' },
      {},
      'force-source: web-identity-file',
      'web identity token file (AssumeRoleWithWebIdentity)'
    ],
    [
      { 'force-source': 'oidc' },
      OIDC_ENV,
      'force-source: oidc',
      'GitHub OIDC (AssumeRoleWithWebIdentity)'
    ],
    [
      { 'force-source': 'environment' },
      OIDC_ENV,
      'force-source: environment',
      'credentials already in the environment (AssumeRole)'
    ],
    [
      { 'role-chaining': 'true' },
      OIDC_ENV,
      'role-chaining: true, so the credentials already in the environment assume the role',
      'credentials already in the environment (AssumeRole)'
    ],
    [
      {},
      {},
      'no keys or token file are given and the job cannot request a GitHub OIDC token',
      'credentials already in the environment (AssumeRole)'
    ]
  ] as Array<[Partial<RawInputs>, Record<string, string>, string, string]>)(
    '%j says %s',
    (inputs, env, reason, label) => {
      expect(chooseSource(sourceOf(inputs), env, RUNNER_WORDING)).toMatchObject({ reason, label })
    }
  )

  it('needs both OIDC variables', () => {
    for (const name of Object.keys(OIDC_ENV)) {
      const env: Record<string, string> = { ...OIDC_ENV }
      delete env[name]
      expect(chooseSource(sourceOf(), env, RUNNER_WORDING).kind).toBe('environment')
      expect(() => chooseSource(sourceOf({ 'force-source': 'oidc' }), env, RUNNER_WORDING)).toThrow(
        "force-source: is 'oidc', but this job cannot request a GitHub OIDC token"
      )
    }
  })
})

describe('chooseSource, exactly', () => {
  const STATIC = { accessKeyId: 'AKIAEXAMPLE000000000', secretAccessKey: 's' }
  const WORDING = { noOidcToken: 'no token here' }
  const ENVIRONMENT = 'credentials already in the environment (AssumeRole)'
  const OIDC = 'GitHub OIDC (AssumeRoleWithWebIdentity)'
  const FILE = 'web identity token file (AssumeRoleWithWebIdentity)'
  const KEYS_LABEL = 'static keys from the inputs (AssumeRole)'

  it.each([
    [
      { kind: 'keys', keys: STATIC, forced: false },
      {},
      {
        kind: 'keys',
        keys: STATIC,
        reason: 'aws-access-key-id and aws-secret-access-key are set',
        label: KEYS_LABEL
      }
    ],
    [
      { kind: 'keys', keys: STATIC, forced: true },
      {},
      { kind: 'keys', keys: STATIC, reason: 'force-source: keys', label: KEYS_LABEL }
    ],
    [
      { kind: 'web-identity-file', path: '/t', forced: false },
      {},
      {
        kind: 'web-identity-file',
        path: '/t',
        reason: 'web-identity-token-file is set',
        label: FILE
      }
    ],
    [
      { kind: 'web-identity-file', path: '/t', forced: true },
      {},
      {
        kind: 'web-identity-file',
        path: '/t',
        reason: 'force-source: web-identity-file',
        label: FILE
      }
    ],
    [{ kind: 'oidc' }, OIDC_ENV, { kind: 'oidc', reason: 'force-source: oidc', label: OIDC }],
    [
      { kind: 'environment', because: 'force-source' },
      OIDC_ENV,
      { kind: 'environment', reason: 'force-source: environment', label: ENVIRONMENT }
    ],
    [
      { kind: 'environment', because: 'role-chaining' },
      OIDC_ENV,
      {
        kind: 'environment',
        reason:
          'role-chaining: true, so the credentials already in the environment assume the role',
        label: ENVIRONMENT
      }
    ],
    [
      { kind: 'any' },
      OIDC_ENV,
      {
        kind: 'oidc',
        reason: 'no keys are given and the job may request a GitHub OIDC token (id-token: write)',
        label: OIDC
      }
    ],
    [
      { kind: 'any' },
      { ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1/t' },
      {
        kind: 'environment',
        reason: 'no keys or token file are given and no token here',
        label: ENVIRONMENT
      }
    ]
  ] as [SourceRequest, Record<string, string>, unknown][])(
    'chooses for %j with %j',
    (request, env, expected) => {
      expect(chooseSource(request, env, WORDING)).toStrictEqual(expected)
    }
  )

  it('refuses force-source: oidc in a job that cannot request a token', () => {
    expect(
      refusal(() =>
        chooseSource({ kind: 'oidc' }, { ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't' }, WORDING)
      )
    ).toEqual({
      input: 'force-source',
      message: `force-source: is 'oidc', but this job cannot request a GitHub OIDC token (ACTIONS_ID_TOKEN_REQUEST_URL is not set). Give the job this permission:\n${OIDC_PERMISSIONS_YAML}`
    })
  })
})
