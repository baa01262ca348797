import { describe, expect, it } from '@jest/globals'
import {
  checkGrammar,
  CONDITION_OPERATORS,
  POLICY_VERSIONS,
  splitArn,
  statementLabel
} from '../../../src/policy/grammar.js'
import { MAX_ACTION_PATTERN_LENGTH } from '../../../src/policy/wildcard.js'
import { allow, deny, policy } from '../../support/policies.js'

const EXAMPLE = '{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::my-bucket/*"}'
const ARN_FIX =
  'Write a full ARN, arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE, e.g. "arn:aws:s3:::my-bucket/*", or "*".'
const CONDITION_EXAMPLE = '"Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}'
const ACTION_FIX = 'Write it as service:Action, e.g. "s3:GetObject" or "ec2:Describe*".'
const STATEMENT_KEY_LIST =
  '"Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition"'

/** The problems of a one-statement policy, without the statement's position. */
function problemsOf(statement: unknown) {
  return checkGrammar(policy(statement)).problems.map(({ message, fix }) => ({ message, fix }))
}

/** The one problem of a one-statement policy. */
function problemOf(statement: unknown) {
  const problems = problemsOf(statement)
  expect(problems).toHaveLength(1)
  return problems[0]
}

function conditionProblems(condition: unknown) {
  return problemsOf(allow('s3:GetObject', '*', { Condition: condition }))
}

function passes(statement: unknown) {
  const result = checkGrammar(policy(statement))
  expect(result.problems).toEqual([])
  expect(result.statements).toHaveLength(1)
  return result.statements[0]
}

describe('checkGrammar: the document', () => {
  it('is pure and returns the normalised statements', () => {
    const result = checkGrammar(
      policy(
        allow('s3:GetObject', 'arn:aws:s3:::b/*', {
          Sid: 'Read',
          Condition: { Bool: { 'aws:SecureTransport': 'true' } }
        })
      )
    )
    expect(result).toEqual({
      problems: [],
      warnings: [],
      statements: [
        {
          index: 0,
          sid: 'Read',
          effect: 'Allow',
          notAction: false,
          actions: ['s3:GetObject'],
          notResource: false,
          resources: ['arn:aws:s3:::b/*'],
          conditions: [{ operator: 'Bool', key: 'aws:SecureTransport', values: ['true'] }]
        }
      ],
      elements: [
        { statementIndex: 0, sid: 'Read', key: 'Action', values: ['s3:GetObject'] },
        { statementIndex: 0, sid: 'Read', key: 'Resource', values: ['arn:aws:s3:::b/*'] }
      ]
    })
  })

  it.each([[[]], [null], ['{}'], [7], [undefined]])('refuses %j as the document', document => {
    expect(checkGrammar(document)).toEqual({
      problems: [
        {
          message: 'is not a JSON object.',
          fix: `Write {"Version":"2012-10-17","Statement":[${EXAMPLE}]}.`
        }
      ],
      warnings: [],
      statements: [],
      elements: []
    })
  })

  it('refuses an unknown top-level key, suggesting the near one', () => {
    expect(checkGrammar({ ...policy(allow('s3:GetObject')), Statment: [] }).problems).toEqual([
      {
        message:
          'has an unknown top-level key "Statment"; a policy has only "Version", "Id", "Statement".',
        fix: 'Did you mean "Statement"? (Keys are case-sensitive.)'
      }
    ])
  })

  it('refuses an unknown top-level key with nothing near, asking to remove it', () => {
    expect(checkGrammar({ ...policy(allow('s3:GetObject')), Comment: 'x' }).problems).toEqual([
      {
        message:
          'has an unknown top-level key "Comment"; a policy has only "Version", "Id", "Statement".',
        fix: 'Remove "Comment".'
      }
    ])
  })

  it('accepts a string Id, and refuses any other', () => {
    expect(checkGrammar({ ...policy(allow('s3:GetObject')), Id: 'Deploy' }).problems).toEqual([])
    expect(checkGrammar({ ...policy(allow('s3:GetObject')), Id: 1 }).problems).toEqual([
      { message: '"Id" is not a string.', fix: 'Write a string, or remove "Id".' }
    ])
  })

  it('warns about a missing Version, with no problem', () => {
    const result = checkGrammar({ Statement: [deny('s3:GetObject')] })
    expect(result.problems).toEqual([])
    expect(result.warnings).toEqual([
      {
        message:
          'has no "Version", so IAM reads it as "2008-10-17": policy variables such as ${aws:username} are not replaced. Add "Version": "2012-10-17".'
      }
    ])
  })

  it.each(POLICY_VERSIONS)('accepts Version %s', version => {
    const result = checkGrammar({ Version: version, Statement: [deny('s3:GetObject')] })
    expect(result.problems).toEqual([])
    expect(result.warnings).toEqual([])
  })

  it.each([
    ['2024-01-01', '"2024-01-01"'],
    [20121017, '20121017'],
    [null, 'null']
  ])('refuses Version %j', (version, shown) => {
    expect(checkGrammar({ Version: version, Statement: [deny('s3:GetObject')] }).problems).toEqual([
      {
        message: `has "Version": ${shown}; IAM knows only "2012-10-17" and "2008-10-17".`,
        fix: 'Write "Version": "2012-10-17" (it is the policy language version, not a date of your choosing).'
      }
    ])
  })

  it('warns about policy variables under Version 2008-10-17 only', () => {
    const withVariable = deny('s3:GetObject', 'arn:aws:s3:::b/${aws:username}/*')
    expect(checkGrammar({ Version: '2008-10-17', Statement: [withVariable] }).warnings).toEqual([
      {
        message:
          'uses Version "2008-10-17", where policy variables such as ${aws:username} are not replaced but read literally.'
      }
    ])
    expect(checkGrammar({ Version: '2012-10-17', Statement: [withVariable] }).warnings).toEqual([])
    expect(
      checkGrammar({ Version: '2008-10-17', Statement: [deny('s3:GetObject', 'arn:aws:s3:::b/$')] })
        .warnings
    ).toEqual([])
  })

  it('refuses a missing Statement', () => {
    expect(checkGrammar({ Version: '2012-10-17' }).problems).toEqual([
      { message: 'has no "Statement".', fix: `Add "Statement": [${EXAMPLE}].` }
    ])
  })

  it('takes a single statement object as a list of one', () => {
    const result = checkGrammar({ Version: '2012-10-17', Statement: deny('s3:GetObject') })
    expect(result.problems).toEqual([])
    expect(result.statements.map(s => s.actions)).toEqual([['s3:GetObject']])
  })

  it.each([['Allow everything'], [null], [3]])('refuses a Statement of %j', statement => {
    expect(checkGrammar({ Version: '2012-10-17', Statement: statement }).problems).toEqual([
      {
        message: '"Statement" is neither an object nor an array of objects.',
        fix: `Write "Statement": [${EXAMPLE}].`
      }
    ])
  })

  it('refuses an empty Statement list', () => {
    expect(checkGrammar(policy()).problems).toEqual([
      {
        message: '"Statement" is empty; a session policy with no statement allows nothing.',
        fix: `Add at least one statement, such as ${EXAMPLE}.`
      }
    ])
  })

  it('returns the statements that pass, also when an earlier one has a problem', () => {
    const result = checkGrammar(policy({ Effect: 'Allow' }, deny('s3:GetObject')))
    expect(result.problems.map(p => p.statementIndex)).toEqual([0, 0])
    expect(result.statements.map(s => s.index)).toEqual([1])
  })
})

describe('statementLabel', () => {
  it('counts from 1 and names a Sid when there is one', () => {
    expect(statementLabel(0)).toBe('statement 1')
    expect(statementLabel(2, 'Read')).toBe('statement 3 (Sid "Read")')
    expect(statementLabel(1, '')).toBe('statement 2')
  })
})

describe('checkGrammar: a statement', () => {
  it.each([
    [null, 'null'],
    [['s3:GetObject'], 'an array'],
    ['Allow', 'a string'],
    [1, 'a number'],
    [true, 'a boolean']
  ])('refuses %j, naming what it is', (statement, described) => {
    expect(checkGrammar(policy(deny('s3:GetObject'), statement)).problems).toEqual([
      {
        statementIndex: 1,
        sid: undefined,
        message: `is ${described}, not an object.`,
        fix: `Write a statement such as ${EXAMPLE}.`
      }
    ])
  })

  it('names the statement and its Sid in each problem', () => {
    expect(checkGrammar(policy(deny('s3:GetObject'), { Sid: 'Two' })).problems).toEqual([
      {
        statementIndex: 1,
        sid: 'Two',
        message: 'has no "Effect".',
        fix: 'Add "Effect": "Allow" (or "Deny").'
      },
      {
        statementIndex: 1,
        sid: 'Two',
        message: 'has neither "Action" nor "NotAction".',
        fix: 'Add "Action": "s3:GetObject".'
      },
      {
        statementIndex: 1,
        sid: 'Two',
        message: 'has neither "Resource" nor "NotResource".',
        fix: 'Add "Resource": "arn:aws:s3:::my-bucket/*" (or "*").'
      }
    ])
  })

  it('refuses an unknown key, suggesting the near one', () => {
    expect(problemOf(deny('s3:GetObject', '*', { Conditon: {} }))).toEqual({
      message: `has an unknown key "Conditon"; a statement has only ${STATEMENT_KEY_LIST}.`,
      fix: 'Did you mean "Condition"? (Keys are case-sensitive.)'
    })
  })

  it('refuses an unknown key with nothing near, asking to remove it', () => {
    expect(problemOf(deny('s3:GetObject', '*', { Comment: 'x' }))).toEqual({
      message: `has an unknown key "Comment"; a statement has only ${STATEMENT_KEY_LIST}.`,
      fix: 'Remove "Comment".'
    })
  })

  it.each(['Principal', 'NotPrincipal'])('refuses %s in a session policy', key => {
    expect(problemOf(deny('s3:GetObject', '*', { [key]: '*' }))).toEqual({
      message: `has "${key}", which a session policy may not have: the principal is the session itself.`,
      fix: `Remove "${key}".`
    })
  })
})

describe('checkGrammar: Sid', () => {
  it('accepts letters and digits, and an empty Sid', () => {
    expect(passes(deny('s3:GetObject', '*', { Sid: 'Read2' })).sid).toBe('Read2')
    const result = checkGrammar(
      policy(deny('s3:GetObject', '*', { Sid: '' }), deny('s3:PutObject', '*', { Sid: '' }))
    )
    expect(result.problems).toEqual([])
  })

  it('refuses a Sid that is not a string, and names no Sid then', () => {
    expect(checkGrammar(policy(deny('s3:GetObject', '*', { Sid: 7 }))).problems).toEqual([
      {
        statementIndex: 0,
        sid: undefined,
        message: 'has "Sid": 7, which is not a string.',
        fix: 'Write a Sid such as "ReadArtifacts".'
      }
    ])
  })

  it.each([
    ['read-bucket_1', 'Write "Sid": "readbucket1".'],
    ['Read Bucket', 'Write "Sid": "ReadBucket".'],
    ['-_-', 'Write a Sid such as "ReadArtifacts", or remove it.']
  ])('refuses the Sid %j', (sid, fix) => {
    expect(problemOf(deny('s3:GetObject', '*', { Sid: sid }))).toEqual({
      message: `has "Sid": "${sid}"; a Sid may hold only ASCII letters and digits.`,
      fix
    })
  })

  it('refuses a duplicate Sid, naming the first statement that has it', () => {
    const result = checkGrammar(
      policy(
        deny('s3:GetObject', '*', { Sid: 'Read' }),
        deny('s3:ListBucket', '*', { Sid: 'List' }),
        deny('s3:PutObject', '*', { Sid: 'Read' }),
        deny('s3:GetBucketTagging', '*', { Sid: 'Read' })
      )
    )
    expect(result.problems).toEqual([
      {
        statementIndex: 2,
        sid: 'Read',
        message: 'has the same Sid as statement 1; a Sid must be unique in the policy.',
        fix: 'Rename one of them, e.g. "Read3".'
      },
      {
        statementIndex: 3,
        sid: 'Read',
        message: 'has the same Sid as statement 1; a Sid must be unique in the policy.',
        fix: 'Rename one of them, e.g. "Read4".'
      }
    ])
    expect(result.statements.map(s => s.index)).toEqual([0, 1])
  })
})

describe('checkGrammar: Effect', () => {
  it.each([
    ['allow', ' (IAM is case-sensitive here: write "Allow")'],
    ['DENY', ' (IAM is case-sensitive here: write "Deny")'],
    ['Permit', ''],
    [1, '']
  ])('refuses "Effect": %j', (effect, cased) => {
    expect(problemOf({ Effect: effect, Action: 's3:GetObject', Resource: '*' })).toEqual({
      message: `has "Effect": ${JSON.stringify(effect)}; it must be "Allow" or "Deny"${cased}.`,
      fix: 'Write "Effect": "Allow" or "Effect": "Deny".'
    })
  })

  it.each(['Allow', 'Deny'] as const)('accepts "Effect": "%s"', effect => {
    expect(passes({ Effect: effect, Action: 's3:GetObject', Resource: '*' }).effect).toBe(effect)
  })
})

describe('checkGrammar: Action and Resource', () => {
  it.each([
    ['Action', 'NotAction'],
    ['Resource', 'NotResource']
  ])('refuses both %s and %s', (key, notKey) => {
    expect(problemOf({ ...deny('s3:GetObject'), [notKey]: '*' })).toEqual({
      message: `has both "${key}" and "${notKey}"; a statement takes exactly one of them.`,
      fix: `Remove "${notKey}" or "${key}".`
    })
  })

  it.each([
    ['Action', 42, '42'],
    ['Action', ['s3:GetObject', 42], '["s3:GetObject",42]'],
    ['NotResource', { arn: 'x' }, '{"arn":"x"}'],
    ['Action', null, 'null']
  ])('refuses "%s": %j', (key, value, shown) => {
    const statement = { Effect: 'Deny', Action: 's3:GetObject', Resource: '*', [key]: value }
    if (key === 'NotResource') delete (statement as Record<string, unknown>).Resource
    expect(problemOf(statement)).toEqual({
      message: `has "${key}": ${shown}; it must be a string or an array of strings.`,
      fix: `Write "${key}": ["…", "…"].`
    })
  })

  it('shortens a long value in a message to 57 characters and an ellipsis', () => {
    const long = Array.from({ length: 30 }, (_, i) => i)
    expect(problemOf(deny(long)).message).toBe(
      `has "Action": ${JSON.stringify(long).slice(0, 57)}…; it must be a string or an array of strings.`
    )
    // 60 characters exactly are shown whole.
    const sixty = [1, 'x'.repeat(54)]
    expect(JSON.stringify(sixty)).toHaveLength(60)
    expect(problemOf(deny(sixty)).message).toBe(
      `has "Action": ${JSON.stringify(sixty)}; it must be a string or an array of strings.`
    )
    const sixtyOne = [1, 'x'.repeat(55)]
    expect(problemOf(deny(sixtyOne)).message).toBe(
      `has "Action": ${JSON.stringify(sixtyOne).slice(0, 57)}…; it must be a string or an array of strings.`
    )
  })

  it.each([
    ['Action', 'action'],
    ['NotAction', 'action'],
    ['Resource', 'resource'],
    ['NotResource', 'resource']
  ])('refuses an empty "%s" list', (key, kind) => {
    const statement: Record<string, unknown> = { Effect: 'Deny', Action: 'x:Y', Resource: '*' }
    delete statement[key.replace('Not', '')]
    statement[key] = []
    expect(problemOf(statement)).toEqual({
      message: `has an empty "${key}" list.`,
      fix: `List at least one ${kind}, or remove the statement.`
    })
  })

  it('keeps NotAction and NotResource apart from Action and Resource', () => {
    expect(
      passes({ Effect: 'Deny', NotAction: ['s3:*', 'sts:Get*'], NotResource: 'arn:aws:s3:::b' })
    ).toEqual({
      index: 0,
      sid: undefined,
      effect: 'Deny',
      notAction: true,
      actions: ['s3:*', 'sts:Get*'],
      notResource: true,
      resources: ['arn:aws:s3:::b'],
      conditions: []
    })
  })

  it('lists the well-formed elements of a statement with problems, without the malformed values', () => {
    const result = checkGrammar(
      policy({
        Sid: 'X',
        Effect: 'Permit',
        NotAction: ['s3:GetObject', 's3 GetObject', '*'],
        Resource: ['arn:aws:s3:::b', 'bucket', 'arn:AWS:s3:::b']
      })
    )
    expect(result.statements).toEqual([])
    expect(result.elements).toEqual([
      { statementIndex: 0, sid: 'X', key: 'NotAction', values: ['s3:GetObject', '*'] },
      { statementIndex: 0, sid: 'X', key: 'Resource', values: ['arn:aws:s3:::b'] }
    ])
  })
})

describe('checkGrammar: the form of an action', () => {
  it.each([
    ['*'],
    ['s3:GetObject'],
    ['ec2:Describe*'],
    ['*:*'],
    ['s3:Get?bject'],
    ['aws-marketplace:View_Subscriptions'],
    ['S3:GETOBJECT']
  ])('accepts %j', action => {
    expect(passes(deny(action)).actions).toEqual([action])
  })

  it.each([
    ['GetObject', ACTION_FIX],
    [':GetObject', ACTION_FIX],
    ['s3:', ACTION_FIX],
    ['s3:Get Object', ACTION_FIX],
    ['s3:Get:Object', ACTION_FIX],
    ['s_3:GetObject', ACTION_FIX],
    ['s3/x:GetObject', ACTION_FIX],
    ['s3:GetObject/x', ACTION_FIX],
    ['xarn:aws:s3:::b', ACTION_FIX],
    ['arn:aws:s3:::my-bucket', `That is an ARN: it belongs in "Resource". ${ACTION_FIX}`],
    [' s3:GetObject', 'Remove the spaces: "s3:GetObject".'],
    ['s3:GetObject ', 'Remove the spaces: "s3:GetObject".'],
    ['s3.GetObject', 'Write "s3:GetObject".'],
    ['ec2.Describe*', 'Write "ec2:Describe*".'],
    ['S3.GetObject', ACTION_FIX],
    ['s3.Get.Object', ACTION_FIX],
    ['s3.Get2', ACTION_FIX],
    ['xs3.GetObject:', ACTION_FIX],
    ['.GetObject', ACTION_FIX],
    ['s3.', ACTION_FIX]
  ])('refuses %j', (action, fix) => {
    expect(problemOf(deny(action))).toEqual({
      message: `has "${action}" in "Action", which is not of the form service:Action.`,
      fix
    })
  })

  it('names the key the action is in', () => {
    expect(problemOf({ Effect: 'Deny', NotAction: 's3', Resource: '*' }).message).toBe(
      'has "s3" in "NotAction", which is not of the form service:Action.'
    )
  })

  it(`accepts an action of ${MAX_ACTION_PATTERN_LENGTH} characters once its stars are collapsed`, () => {
    const longest = `s3:${'A'.repeat(MAX_ACTION_PATTERN_LENGTH - 3)}`
    expect(passes(deny(longest)).actions).toEqual([longest])
    const starry = `s3:${'*'.repeat(200)}${'A'.repeat(MAX_ACTION_PATTERN_LENGTH - 4)}`
    expect(passes(deny(starry)).actions).toEqual([starry])
  })

  it(`refuses an action longer than ${MAX_ACTION_PATTERN_LENGTH} characters`, () => {
    const action = `s3:${'A'.repeat(MAX_ACTION_PATTERN_LENGTH - 2)}`
    expect(problemOf(deny(action))).toEqual({
      message: `has an action pattern of ${MAX_ACTION_PATTERN_LENGTH + 1} characters in "Action"; no IAM action is longer than ${MAX_ACTION_PATTERN_LENGTH}.`,
      fix: 'Write the action name, or a shorter pattern such as "s3:Get*".'
    })
  })
})

describe('checkGrammar: the form of a resource', () => {
  it.each([
    ['*'],
    ['arn:aws:s3:::my-bucket/*'],
    ['arn:aws-cn:s3:::b'],
    ['arn:aws-us-gov:ec2:us-gov-west-1:111122223333:instance/*'],
    ['arn:*:s3:::b'],
    ['arn:a?s:s3:::b'],
    ['arn:${aws:partition}:s3:::b'],
    ['arn:aws:${x}:::b'],
    ['arn:aws:S3-x*:::b'],
    ['arn:aws:ec2:eu-west-1:111122223333:instance/*'],
    ['arn:aws:ec2:ap-southeast-12:111122223333:instance/*'],
    ['arn:aws:ec2:*:*:instance/*'],
    ['arn:aws:ec2:eu-?est-1:1111222233?3:instance/*'],
    ['arn:aws:ec2:${aws:RequestedRegion}:${aws:PrincipalAccount}:instance/*'],
    ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
    ['arn:aws:logs:eu-west-1:111122223333:log-group:name:*'],
    ['arn:aws:s3:::b/${aws:username}/*'],
    // The resource part is ":", which is not empty.
    ['arn:aws:s3::::']
  ])('accepts %j', resource => {
    expect(passes(deny('s3:GetObject', resource)).resources).toEqual([resource])
  })

  it.each([
    ['my-bucket/*'],
    ['arn:aws:s3:::'.slice(0, -1)],
    ['arx:aws:s3:::b'],
    ['ARN:aws:s3:::b'],
    ['arn:aws:s3:::b/${aws:username'],
    ['arn:aws:s3:${x:::b']
  ])('refuses %j as not an ARN', resource => {
    expect(problemOf(deny('s3:GetObject', resource))).toEqual({
      message: `has "${resource}" in "Resource", which is not an ARN.`,
      fix: ARN_FIX
    })
  })

  it.each([
    ['arn:AWS:s3:::b', 'partition "AWS" is not aws, aws-cn, aws-us-gov or the like'],
    ['arn:amazon:s3:::b', 'partition "amazon" is not aws, aws-cn, aws-us-gov or the like'],
    ['arn:aws-:s3:::b', 'partition "aws-" is not aws, aws-cn, aws-us-gov or the like'],
    ['arn:aws-cn1:s3:::b', 'partition "aws-cn1" is not aws, aws-cn, aws-us-gov or the like'],
    ['arn:xaws:s3:::b', 'partition "xaws" is not aws, aws-cn, aws-us-gov or the like'],
    ['arn::s3:::b', 'partition "" is not aws, aws-cn, aws-us-gov or the like'],
    ['arn:a*1:s3:::b', 'partition "a*1" is not aws, aws-cn, aws-us-gov or the like'],
    ['arn:aws:s3_x:::b', 'service "s3_x" is not a service prefix'],
    ['arn:aws::::b', 'service "" is not a service prefix'],
    ['arn:aws:s3 :::b', 'service "s3 " is not a service prefix'],
    ['arn:aws:ec2:EU-west-1:111122223333:i', 'region "EU-west-1" is not a region name'],
    ['arn:aws:ec2:eu-west:111122223333:i', 'region "eu-west" is not a region name'],
    ['arn:aws:ec2:eu-west-123:111122223333:i', 'region "eu-west-123" is not a region name'],
    ['arn:aws:ec2:e-west-1:111122223333:i', 'region "e-west-1" is not a region name'],
    ['arn:aws:ec2:euw-west-1:111122223333:i', 'region "euw-west-1" is not a region name'],
    ['arn:aws:ec2:eu-1:111122223333:i', 'region "eu-1" is not a region name'],
    ['arn:aws:ec2:eu-west-1x:111122223333:i', 'region "eu-west-1x" is not a region name'],
    ['arn:aws:ec2:xeu-west-1:111122223333:i', 'region "xeu-west-1" is not a region name'],
    ['arn:aws:ec2:eu-west-:111122223333:i', 'region "eu-west-" is not a region name'],
    ['arn:aws:ec2:eu-west-1:12345:i', 'account "12345" is not a 12-digit account ID'],
    ['arn:aws:ec2:eu-west-1:11112222333:i', 'account "11112222333" is not a 12-digit account ID'],
    [
      'arn:aws:ec2:eu-west-1:1111222233334:i',
      'account "1111222233334" is not a 12-digit account ID'
    ],
    ['arn:aws:ec2:eu-west-1:11112222333a:i', 'account "11112222333a" is not a 12-digit account ID'],
    ['arn:aws:ec2:eu-west-1:a11112222333:i', 'account "a11112222333" is not a 12-digit account ID'],
    ['arn:aws:ec2:eu-west-1:x*:i', 'account "x*" is not a 12-digit account ID'],
    ['arn:aws:ec2:eu-west-1:AWS:i', 'account "AWS" is not a 12-digit account ID'],
    ['arn:aws:s3:::', 'resource part (after the fifth colon) is empty']
  ])('refuses %j', (resource, wrong) => {
    expect(problemOf(deny('s3:GetObject', resource))).toEqual({
      message: `has "${resource}" in "Resource", whose ${wrong}.`,
      fix: ARN_FIX
    })
  })

  it('names the key the resource is in', () => {
    expect(problemOf({ Effect: 'Deny', Action: 's3:*', NotResource: 'b' }).message).toBe(
      'has "b" in "NotResource", which is not an ARN.'
    )
  })
})

describe('splitArn', () => {
  it.each([
    ['arn:aws:s3:::b', ['arn', 'aws', 's3', '', '', 'b']],
    ['a:${b:c}:d', ['a', '${b:c}', 'd']],
    ['a:${b:${c:d}}:e', ['a', '${b:${c:d}}', 'e']],
    ['a}:b', ['a}', 'b']],
    ['a$:{b:c}', ['a$', '{b', 'c}']],
    ['a:${b}:${c:d}', ['a', '${b}', '${c:d}']],
    ['', ['']]
  ])('splits %j on the colons outside ${…}', (value, fields) => {
    expect(splitArn(value)).toEqual(fields)
  })

  it.each([['a:${b:c'], ['${'], ['a:${b:${c}:d']])('refuses the unclosed variable in %j', value => {
    expect(splitArn(value)).toBeUndefined()
  })
})

describe('checkGrammar: Condition', () => {
  it('reads each operator, key and list of values', () => {
    const conditions = {
      'ForAllValues:StringLike': { 'dynamodb:Attributes': ['id', 'name*'] },
      'forAnyValue:StringEqualsIgnoreCase': { 'aws:TagKeys': ['team'] },
      NumericLessThan: { 's3:max-keys': 10, 's3:x': ['-1.5', '20', '0.25'] },
      BoolIfExists: { 'aws:SecureTransport': true },
      Null: { 'aws:ResourceTag/team': 'FALSE' },
      stringlikeifexists: { 'aws:userid': '*:${aws:username}' },
      DateGreaterThan: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' }
    }
    expect(passes(deny('s3:GetObject', '*', { Condition: conditions })).conditions).toEqual([
      { operator: 'ForAllValues:StringLike', key: 'dynamodb:Attributes', values: ['id', 'name*'] },
      { operator: 'forAnyValue:StringEqualsIgnoreCase', key: 'aws:TagKeys', values: ['team'] },
      { operator: 'NumericLessThan', key: 's3:max-keys', values: [10] },
      { operator: 'NumericLessThan', key: 's3:x', values: ['-1.5', '20', '0.25'] },
      { operator: 'BoolIfExists', key: 'aws:SecureTransport', values: [true] },
      { operator: 'Null', key: 'aws:ResourceTag/team', values: ['FALSE'] },
      { operator: 'stringlikeifexists', key: 'aws:userid', values: ['*:${aws:username}'] },
      { operator: 'DateGreaterThan', key: 'aws:CurrentTime', values: ['2020-01-01T00:00:00Z'] }
    ])
  })

  it.each(CONDITION_OPERATORS.filter(o => o !== 'Null'))('accepts %s and its IfExists', op => {
    const values = op.startsWith('Numeric') ? '1' : op === 'Bool' ? 'true' : 'x'
    const condition = { [op]: { 'aws:k': values }, [`${op}IfExists`]: { 'aws:k': values } }
    expect(passes(deny('s3:GetObject', '*', { Condition: condition })).conditions).toHaveLength(2)
  })

  it.each([
    ['"x"', 'x'],
    ['["StringEquals"]', ['StringEquals']],
    ['null', null]
  ])('refuses a Condition of %s', (shown, condition) => {
    expect(conditionProblems(condition)).toEqual([
      {
        message: `has "Condition": ${shown}; it must be an object of operators.`,
        fix: `Write e.g. ${CONDITION_EXAMPLE}.`
      }
    ])
  })

  it('shows a Condition that JSON cannot write as JavaScript does', () => {
    expect(conditionProblems(undefined)[0].message).toBe(
      'has "Condition": undefined; it must be an object of operators.'
    )
  })

  it.each([
    ['{}', {}],
    ['"aws:RequestedRegion"', 'aws:RequestedRegion'],
    ['["a"]', ['a']],
    ['null', null]
  ])('refuses an operator that maps to %s', (shown, block) => {
    expect(conditionProblems({ StringEquals: block })).toEqual([
      {
        message: `has condition operator "StringEquals" with ${shown}; it must map condition keys to values.`,
        fix: `Write e.g. ${CONDITION_EXAMPLE}.`
      }
    ])
  })

  it.each([
    ['RequestedRegion'],
    ['aws:'],
    [':x'],
    ['aws:Requested Region'],
    ['aws_x:y'],
    ['x aws:y']
  ])('refuses the condition key %j', key => {
    expect(conditionProblems({ StringEquals: { [key]: 'x' } })).toEqual([
      {
        message: `has condition key "${key}" under "StringEquals", which is not of the form service:key.`,
        fix: 'Write a condition key such as "aws:RequestedRegion" or "s3:prefix".'
      }
    ])
  })

  it('checks every key of an operator, and every operator', () => {
    const problems = conditionProblems({
      StringEquals: { bad: 'x', 'aws:ok': 'y', worse: 'z' },
      Bogus: { 'aws:k': 'x' }
    })
    expect(problems.map(p => p.message)).toEqual([
      'has condition key "bad" under "StringEquals", which is not of the form service:key.',
      'has condition key "worse" under "StringEquals", which is not of the form service:key.',
      'has an unknown condition operator "Bogus".'
    ])
  })

  it.each([
    ['[]', []],
    ['{"a":1}', { a: 1 }],
    ['null', null],
    ['["x",null]', ['x', null]],
    ['[["x"]]', [['x']]]
  ])('refuses %s as a condition value', (shown, value) => {
    expect(conditionProblems({ StringEquals: { 'aws:k': value } })).toEqual([
      {
        message: `has ${shown} as the value of "aws:k" under "StringEquals"; a condition value is a string, number or boolean, or a non-empty array of them.`,
        fix: 'Write e.g. "aws:k": "value" or "aws:k": ["value1", "value2"].'
      }
    ])
  })

  it.each([
    ['ForAllValue:StringLike', 'ForAllValue', 'Did you mean "ForAllValues:StringLike"?'],
    ['ForAnyValues:StringLike', 'ForAnyValues', 'Did you mean "ForAnyValue:StringLike"?'],
    ['Each:StringLike', 'Each', 'Write ForAllValues: or ForAnyValue: before the operator.'],
    [':StringLike', '', 'Write ForAllValues: or ForAnyValue: before the operator.']
  ])('refuses the set prefix of %j', (operator, prefix, fix) => {
    expect(conditionProblems({ [operator]: { 'aws:k': 'x' } })).toEqual([
      {
        message: `has condition operator "${operator}", whose prefix "${prefix}" is neither ForAllValues nor ForAnyValue.`,
        fix
      }
    ])
  })

  it.each([
    ['StringEqual', 'Did you mean "StringEquals"?'],
    ['StringEqualIfExists', 'Did you mean "StringEqualsIfExists"?'],
    ['ForAnyValue:StringEqual', 'Did you mean "ForAnyValue:StringEquals"?'],
    [
      'ForAnyValue:StrngLikeIfExists',
      'Did you mean "ForAnyValue:StringLikeIfExists", "ForAnyValue:ArnLikeIfExists"?'
    ],
    ['NumericEqual', 'Did you mean "NumericEquals", "NumericNotEquals"?'],
    [
      'IfExists',
      'Use an operator such as StringEquals, StringLike, ArnLike, IpAddress, Bool or NumericLessThan.'
    ],
    [
      'Whatever',
      'Use an operator such as StringEquals, StringLike, ArnLike, IpAddress, Bool or NumericLessThan.'
    ]
  ])('refuses the unknown operator %j, suggesting the near ones', (operator, fix) => {
    expect(conditionProblems({ [operator]: { 'aws:k': 'x' } })).toEqual([
      { message: `has an unknown condition operator "${operator}".`, fix }
    ])
  })

  it.each(['NullIfExists', 'ForAnyValue:nullifexists'])('refuses %j', operator => {
    expect(conditionProblems({ [operator]: { 'aws:k': 'true' } })).toEqual([
      {
        message:
          'has "NullIfExists"; Null already tests whether the key exists and takes no IfExists.',
        fix: 'Write "Null".'
      }
    ])
  })

  it.each([
    ['Bool', 'yes'],
    ['Bool', 1],
    ['Null', 'truee'],
    ['ForAnyValue:BoolIfExists', 'no']
  ])('refuses a %s value %j that is not true or false', (operator, value) => {
    expect(conditionProblems({ [operator]: { 'aws:k': ['true', value, 'also bad'] } })).toEqual([
      {
        message: `has ${JSON.stringify(value)} for "aws:k" under "${operator}", which takes only true or false.`,
        fix: 'Write "aws:k": "true" or "aws:k": "false".'
      }
    ])
  })

  it.each([['ten'], [true], ['1.'], ['.5'], ['1e3'], ['10x'], ['x10'], ['--1'], ['1.5.1'], ['']])(
    'refuses a numeric value %j',
    value => {
      expect(conditionProblems({ NumericLessThan: { 'aws:k': ['1', value, 'bad'] } })).toEqual([
        {
          message: `has ${JSON.stringify(value)} for "aws:k" under "NumericLessThan", which compares numbers.`,
          fix: 'Write a number, e.g. "aws:k": "10".'
        }
      ])
    }
  )

  it('leaves policy variables and the values of other operators to IAM', () => {
    const condition = {
      Bool: { 'aws:a': '${aws:SecureTransport}' },
      NumericEquals: { 'aws:b': '${aws:MultiFactorAuthAge}' },
      StringEquals: { 'aws:c': 'yes' },
      DateEquals: { 'aws:d': true },
      IpAddress: { 'aws:e': 'ten' }
    }
    expect(passes(deny('s3:GetObject', '*', { Condition: condition })).conditions).toHaveLength(5)
  })
})

describe('checkGrammar: warnings about breadth', () => {
  const label = 'statement 1 (Sid "All")'

  it.each([['*'], ['*:*'], [['s3:GetObject', '*']]])(
    'warns that Allow %j on every resource without a condition narrows nothing',
    action => {
      expect(
        checkGrammar(policy(allow(action, ['arn:aws:s3:::b', '*'], { Sid: 'All' }))).warnings
      ).toEqual([
        {
          statementIndex: 0,
          sid: 'All',
          message: `${label} allows every action on every resource with no condition, so the session policy narrows nothing: the session can do all the role can.`
        }
      ])
    }
  )

  it.each([
    ['a Deny', deny('*')],
    ['a condition', allow('*', '*', { Condition: { Bool: { 'aws:SecureTransport': 'true' } } })],
    ['some actions', allow('s3:*')],
    ['some resources', allow('*', 'arn:aws:s3:::b')]
  ])('does not warn about a statement of everything with %s', (_name, statement) => {
    expect(checkGrammar(policy(statement)).warnings).toEqual([])
  })

  it('warns about Allow with NotAction, listing the actions it leaves out', () => {
    const statement = { Sid: 'All', Effect: 'Allow', NotAction: ['iam:*', '*'], Resource: '*' }
    expect(checkGrammar(policy(statement)).warnings).toEqual([
      {
        statementIndex: 0,
        sid: 'All',
        message: `${label} combines "Allow" with "NotAction": it allows every action of every service except those listed (iam:*, *), including services added later. List the actions the step needs in "Action" instead.`
      }
    ])
  })

  it('warns about Allow with NotResource', () => {
    const statement = { Effect: 'Allow', Action: '*', NotResource: '*' }
    expect(checkGrammar(policy(deny('s3:GetObject'), statement)).warnings).toEqual([
      {
        statementIndex: 1,
        sid: undefined,
        message:
          'statement 2 combines "Allow" with "NotResource": it allows its actions on every resource except those listed.'
      }
    ])
  })

  it('does not warn about Deny with NotAction or NotResource', () => {
    const statement = { Effect: 'Deny', NotAction: 'iam:*', NotResource: 'arn:aws:s3:::b' }
    expect(checkGrammar(policy(statement)).warnings).toEqual([])
  })
})
