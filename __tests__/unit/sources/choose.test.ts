import { describe, expect, it } from '@jest/globals'
import type { RawInputs } from '../../../src/settings/input-rules.js'
import { chooseSource } from '../../../src/sources/choose.js'
import { RUNNER_WORDING } from '../../../src/action/wording.js'
import { assumeSettingsOf, errorOf } from '../../support/inputs.js'

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
