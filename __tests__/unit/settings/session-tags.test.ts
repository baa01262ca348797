import { describe, expect, it } from '@jest/globals'
import { JsonReadError, readPolicyJson } from '../../../src/policy/json-reader.js'
import {
  checkSessionTags,
  configureAwsCredentialsTags,
  DROPPABLE_TAG_KEYS,
  githubContextTags,
  MAX_SESSION_TAGS,
  mergeTags,
  parseCustomTags,
  parseSessionTags
} from '../../../src/settings/session-tags.js'
import { refusal } from '../../support/inputs.js'

const tag = (key: string, value = 'v') => ({ key, value })

describe('parseSessionTags', () => {
  it('parses key=value lines', () => {
    expect(parseSessionTags('Team=payments\nCost Center = 42\nEmpty=')).toEqual([
      { key: 'Team', value: 'payments' },
      { key: 'Cost Center', value: '42' },
      { key: 'Empty', value: '' }
    ])
  })

  it('takes comma-separated tags, and splits each at its first =', () => {
    expect(parseSessionTags('a =b=c, d= e ')).toEqual([
      { key: 'a', value: 'b=c' },
      { key: 'd', value: 'e' }
    ])
  })

  it('is empty when not set', () => {
    expect(parseSessionTags('')).toEqual([])
  })

  it.each(['NoValue', '=value'])('refuses %j, which has no key=value', entry => {
    expect(refusal(() => parseSessionTags(`Team=payments\n${entry}`))).toEqual({
      input: 'role-session-tags',
      message: `role-session-tags: '${entry}' is not key=value. Write one tag a line, e.g. Team=payments.`
    })
  })
})

describe('parseCustomTags', () => {
  const OBJECT = 'Write a JSON object, e.g. {"Team": "payments", "CostCenter": 42}.'

  it.each(['', ' \n '])('is empty for %j', text => {
    expect(parseCustomTags(text)).toEqual([])
  })

  it('takes strings, numbers and booleans as strings, in order', () => {
    expect(
      parseCustomTags('{"Team": "payments", "CostCenter": 42, "Prod": true, "Off": false}')
    ).toEqual([
      { key: 'Team', value: 'payments' },
      { key: 'CostCenter', value: '42' },
      { key: 'Prod', value: 'true' },
      { key: 'Off', value: 'false' }
    ])
  })

  it('says where the JSON breaks', () => {
    const text = '{"Team": "payments",}'
    const reason = captureJsonError(text)
    expect(refusal(() => parseCustomTags(text))).toEqual({
      input: 'custom-tags',
      message: `custom-tags: is not valid JSON: ${reason}. ${OBJECT}`
    })
  })

  it.each(['[1]', 'null', '"Team"', '42'])('refuses %s, which is not an object', text => {
    expect(refusal(() => parseCustomTags(text))).toEqual({
      input: 'custom-tags',
      message: `custom-tags: is not a JSON object. ${OBJECT}`
    })
  })

  it.each([
    ['null', 'null'],
    ['[1]', 'a list'],
    ['{}', 'an object']
  ])('refuses a value that is %s', (value, kind) => {
    expect(refusal(() => parseCustomTags(`{"Ok": 1, "Team": ${value}}`))).toEqual({
      input: 'custom-tags',
      message: `custom-tags: the value of 'Team' is ${kind}; a tag value is a string, number or boolean. Write e.g. "Team": "value".`
    })
  })
})

function captureJsonError(text: string): string {
  try {
    readPolicyJson(text)
  } catch (error) {
    if (error instanceof JsonReadError) return error.message
  }
  throw new Error(`expected ${text} to be refused`)
}

describe('githubContextTags', () => {
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

  it('leaves out what the run does not set', () => {
    expect(githubContextTags({ GITHUB_RUN_ID: '', GITHUB_SHA: 'abc123' })).toEqual([
      { key: 'Commit', value: 'abc123' }
    ])
  })

  it('keeps the characters STS accepts and cuts at 256', () => {
    const kept = 'Café 42_.:/=+-@'
    expect(githubContextTags({ GITHUB_WORKFLOW: kept })).toEqual([tag('Workflow', kept)])
    expect(githubContextTags({ GITHUB_WORKFLOW: 'w'.repeat(300) })).toEqual([
      tag('Workflow', 'w'.repeat(256))
    ])
  })
})

describe('configureAwsCredentialsTags', () => {
  it('sends the tags of aws-actions/configure-aws-credentials, in its order', () => {
    expect(
      configureAwsCredentialsTags({
        GITHUB_REPOSITORY: 'octo/app',
        GITHUB_WORKFLOW: 'ci',
        GITHUB_ACTION: '__run',
        GITHUB_ACTOR: 'octocat',
        GITHUB_SHA: 'abc',
        GITHUB_REF: 'refs/heads/main',
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_BASE_REF: 'main',
        GITHUB_HEAD_REF: 'feature',
        GITHUB_RUN_ID: '42',
        GITHUB_JOB: 'build',
        GITHUB_TRIGGERING_ACTOR: 'hubot'
      })
    ).toEqual([
      tag('GitHub', 'Actions'),
      tag('Repository', 'octo/app'),
      tag('Workflow', 'ci'),
      tag('Action', '__run'),
      tag('Actor', 'octocat'),
      tag('Commit', 'abc'),
      tag('Branch', 'refs/heads/main'),
      tag('EventName', 'pull_request'),
      tag('BaseRef', 'main'),
      tag('HeadRef', 'feature'),
      tag('RunId', '42'),
      tag('Job', 'build'),
      tag('TriggeringActor', 'hubot')
    ])
  })

  it('sends only GitHub=Actions when the run sets nothing', () => {
    expect(configureAwsCredentialsTags({})).toEqual([tag('GitHub', 'Actions')])
  })

  it('drops the run details first when space runs out', () => {
    expect(DROPPABLE_TAG_KEYS).toEqual([
      'EventName',
      'BaseRef',
      'HeadRef',
      'RunId',
      'Job',
      'TriggeringActor'
    ])
  })
})

describe('mergeTags', () => {
  it('lets explicit tags override context tags, case-insensitively, after the others', () => {
    expect(
      mergeTags([tag('ACTOR', 'a'), tag('Repository', 'r')], [tag('actor', 'b'), tag('Team', 't')])
    ).toEqual([tag('Repository', 'r'), tag('actor', 'b'), tag('Team', 't')])
  })
})

describe('checkSessionTags', () => {
  const BAD_KEY = (key: string, input = 'role-session-tags') =>
    `${input}: tag key '${key}' is not valid: 1 to 128 letters, digits, spaces and _ . : / = + - @, not starting with aws:. Rename the key.`
  const tags = (n: number) => Array.from({ length: n }, (_, i) => tag(`k${i}`))

  it(`takes ${MAX_SESSION_TAGS} tags, each a transitive key`, () => {
    expect(MAX_SESSION_TAGS).toBe(50)
    const fifty = tags(50)
    expect(() =>
      checkSessionTags(
        fifty,
        fifty.map(t => t.key.toUpperCase())
      )
    ).not.toThrow()
  })

  it('refuses 51 tags, naming the input', () => {
    expect(refusal(() => checkSessionTags(tags(51), [], 'custom-tags'))).toEqual({
      input: 'custom-tags',
      message:
        'custom-tags: adds up to 51 tags; STS accepts at most 50. Drop some tags (tag-session-with-github-context adds 6, tag-session-like-configure-aws-credentials up to 13).'
    })
  })

  it.each(['k', 'k'.repeat(128), 'Cost Center_.:/=+-@é1', 'x:aws:'])('takes the key %j', key => {
    expect(() => checkSessionTags([tag(key)], [])).not.toThrow()
  })

  it.each(['', 'k'.repeat(129), 'a!', '!a', 'aws:x', 'AWS:x'])('refuses the key %j', key => {
    expect(refusal(() => checkSessionTags([tag('ok'), tag(key)], []))).toEqual({
      input: 'role-session-tags',
      message: BAD_KEY(key)
    })
  })

  it.each(['', 'v'.repeat(256), 'Café 42_.:/=+-@'])('takes the value %j', value => {
    expect(() => checkSessionTags([tag('k', value)], [])).not.toThrow()
  })

  it.each(['v'.repeat(257), 'a!', '!a'])('refuses the value %j', value => {
    expect(refusal(() => checkSessionTags([tag('k', value)], []))).toEqual({
      input: 'role-session-tags',
      message:
        "role-session-tags: the value of tag 'k' is not valid: at most 256 letters, digits, spaces and _ . : / = + - @. Shorten it or replace the other characters."
    })
  })

  it('refuses a key given twice in any case', () => {
    expect(refusal(() => checkSessionTags([tag('Team'), tag('Env'), tag('team')], []))).toEqual({
      input: 'role-session-tags',
      message:
        "role-session-tags: tag key 'team' is given twice; STS compares tag keys without regard to case. Keep one of them."
    })
  })

  it('refuses 51 transitive keys', () => {
    const fifty = tags(50)
    const keys = [...fifty.map(t => t.key), 'k0']
    expect(refusal(() => checkSessionTags(fifty, keys))).toEqual({
      input: 'transitive-tag-keys',
      message: 'transitive-tag-keys: lists 51 keys; STS accepts at most 50.'
    })
  })

  it('refuses a transitive key that is not a session tag', () => {
    expect(refusal(() => checkSessionTags([tag('Team')], ['team', 'Owner']))).toEqual({
      input: 'transitive-tag-keys',
      message:
        "transitive-tag-keys: 'Owner' is not one of the session tags. Add Owner=VALUE to role-session-tags, or remove it here."
    })
  })
})
