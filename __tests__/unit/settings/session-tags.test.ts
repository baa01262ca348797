import { describe, expect, it } from '@jest/globals'
import {
  checkSessionTags,
  githubContextTags,
  mergeTags,
  parseSessionTags
} from '../../../src/settings/session-tags.js'
import { errorOf } from '../../support/inputs.js'

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
