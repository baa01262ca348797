import { describe, expect, it } from '@jest/globals'
import {
  checkSessionTags,
  githubContextTags,
  mergeTags,
  parseSessionTags
} from '../../../src/settings/session-tags.js'
import type { RawInputs } from '../../../src/settings/input-rules.js'
import { chooseSource } from '../../../src/sources/choose.js'
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
    expect(chooseSource(sourceOf(KEYS), OIDC_ENV).kind).toBe('keys')
    expect(chooseSource(sourceOf({ 'web-identity-token-file': 't' }), OIDC_ENV).kind).toBe(
      'web-identity-file'
    )
    expect(chooseSource(sourceOf(), OIDC_ENV)).toMatchObject({
      kind: 'oidc',
      reason: 'no keys are given and the job may request a GitHub OIDC token (id-token: write)'
    })
    expect(chooseSource(sourceOf(), {}).kind).toBe('environment')
  })

  it('uses the environment for role chaining even when OIDC is available', () => {
    expect(chooseSource(sourceOf({ 'role-chaining': 'true' }), OIDC_ENV).kind).toBe('environment')
  })

  it('follows force-source, and explains a forced OIDC the job cannot do', () => {
    expect(chooseSource(sourceOf({ 'force-source': 'environment' }), OIDC_ENV).kind).toBe(
      'environment'
    )
    const error = errorOf(() => chooseSource(sourceOf({ 'force-source': 'oidc' }), {}))
    expect(error.message).toContain('id-token: write')
  })
})

describe('source settings', () => {
  it('caps a chained session at an hour before any request', () => {
    const error = errorOf(() => parse({ 'role-chaining': 'true', 'role-duration-seconds': '7200' }))
    expect(error.input).toBe('role-duration-seconds')
    expect(error.message).toContain('3600')
  })

  it('refuses contradictory sources', () => {
    expect(errorOf(() => parse({ ...KEYS, 'role-chaining': 'true' })).input).toBe('role-chaining')
    expect(errorOf(() => parse({ 'force-source': 'keys' })).input).toBe('force-source')
    expect(errorOf(() => parse({ 'force-source': 'web-identity-file' })).input).toBe('force-source')
    expect(errorOf(() => parse({ ...KEYS, 'force-source': 'environment' })).message).toContain(
      "is 'environment', which would ignore aws-access-key-id and aws-secret-access-key"
    )
    expect(
      errorOf(() => parse({ 'web-identity-token-file': 'token', 'force-source': 'oidc' })).message
    ).toContain("is 'oidc', which would ignore web-identity-token-file")
    expect(errorOf(() => parse({ 'force-source': 'sso' })).message).toContain(
      'oidc, web-identity-file, keys, environment'
    )
  })

  it('resolves the token file in the workspace and defaults the audience', () => {
    const settings = parse({ 'web-identity-token-file': 'var/token' }, '/ws')
    expect(settings.source).toEqual({
      kind: 'web-identity-file',
      path: '/ws/var/token',
      forced: false
    })
    expect(settings.audience).toBe('sts.amazonaws.com')
  })

  it('checks allowed account ids and the source identity', () => {
    expect(
      parse({ 'allowed-account-ids': '111122223333, 444455556666' }).allowedAccountIds
    ).toEqual(['111122223333', '444455556666'])
    expect(errorOf(() => parse({ 'allowed-account-ids': '1234' })).input).toBe(
      'allowed-account-ids'
    )
    expect(parse({ 'source-identity': 'alice' }).sourceIdentity).toBe('alice')
    expect(errorOf(() => parse({ 'source-identity': 'aws:alice' })).input).toBe('source-identity')
  })

  it('lists the AssumeRole-only inputs given, for the web-identity warning', () => {
    expect(
      parse({
        'role-session-tags': 'Team=web',
        'tag-session-with-github-context': 'false',
        'source-identity': 'al'
      }).assumeRoleOnlyInputs
    ).toEqual(['role-session-tags', 'source-identity'])
  })
})

describe('session tags', () => {
  it('parses key=value lines', () => {
    expect(parseSessionTags('Team=payments\nCost Center = 42\nEmpty=')).toEqual([
      { key: 'Team', value: 'payments' },
      { key: 'Cost Center', value: '42' },
      { key: 'Empty', value: '' }
    ])
    expect(errorOf(() => parseSessionTags('NoValue')).message).toContain('key=value')
  })

  it('builds clean context tags from the run', () => {
    expect(
      githubContextTags({
        GITHUB_REPOSITORY: 'octo-org/octo-repo',
        GITHUB_WORKFLOW: 'Build & deploy (prod)',
        GITHUB_RUN_ID: '42',
        GITHUB_ACTOR: 'dependabot[bot]',
        GITHUB_REF: 'refs/heads/main',
        GITHUB_SHA: 'abc123'
      })
    ).toEqual([
      { key: 'Repository', value: 'octo-org/octo-repo' },
      { key: 'Workflow', value: 'Build _ deploy _prod_' },
      { key: 'RunId', value: '42' },
      { key: 'Actor', value: 'dependabot_bot_' },
      { key: 'Ref', value: 'refs/heads/main' },
      { key: 'Commit', value: 'abc123' }
    ])
  })

  it('lets explicit tags override context tags, case-insensitively', () => {
    expect(mergeTags([{ key: 'Actor', value: 'a' }], [{ key: 'actor', value: 'b' }])).toEqual([
      { key: 'actor', value: 'b' }
    ])
  })

  it('applies the STS tag rules', () => {
    const many = Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, value: 'v' }))
    expect(errorOf(() => checkSessionTags(many, [])).message).toContain('at most 50')
    expect(errorOf(() => checkSessionTags([{ key: 'a!', value: '' }], [])).message).toContain(
      "tag key 'a!'"
    )
    expect(errorOf(() => checkSessionTags([{ key: 'aws:x', value: '' }], [])).input).toBe(
      'role-session-tags'
    )
    expect(
      errorOf(() => checkSessionTags([{ key: 'k', value: 'x'.repeat(257) }], [])).message
    ).toContain('256')
    expect(
      errorOf(() =>
        checkSessionTags(
          [
            { key: 'Team', value: '1' },
            { key: 'team', value: '2' }
          ],
          []
        )
      ).message
    ).toContain('given twice')
    expect(errorOf(() => checkSessionTags([{ key: 'Team', value: '1' }], ['Owner'])).input).toBe(
      'transitive-tag-keys'
    )
    expect(() => checkSessionTags([{ key: 'Team', value: '1' }], ['team'])).not.toThrow()
  })
})
