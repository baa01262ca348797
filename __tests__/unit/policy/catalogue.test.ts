import { describe, expect, it } from '@jest/globals'
import {
  compileActionList,
  hasWildcard,
  parseIamCatalogue,
  parseManagedPolicyStatements,
  parsedServices
} from '../../../src/policy/catalogue.js'
import { loadIamCatalogue } from '../../../src/policy/data.js'
import { catalogue, managed } from '../../support/policies.js'

describe('the IAM action catalogue', () => {
  it('knows actions whatever their case, and their documented casing', () => {
    expect(catalogue.has('ec2:DescribeRegions')).toBe(true)
    expect(catalogue.has('EC2:describeregions')).toBe(true)
    expect(catalogue.has('ec2:DescribeRegion')).toBe(false)
    expect(catalogue.canonical('S3:getobject')).toBe('s3:GetObject')
    expect(catalogue.hasService('s3')).toBe(true)
    expect(catalogue.services.length).toBeGreaterThan(300)
    expect(catalogue.size).toBeGreaterThan(15000)
    expect(catalogue.origin).toMatch(/^@cloud-copilot\/iam-data \d/)
  })

  it('expands * and ? as IAM does', () => {
    expect(catalogue.expand('*')).toHaveLength(catalogue.size)
    expect(catalogue.expand('s3:GetObject')).toEqual(['s3:GetObject'])
    expect(catalogue.expand('sts:AssumeRole*')).toEqual(
      expect.arrayContaining([
        'sts:AssumeRole',
        'sts:AssumeRoleWithSAML',
        'sts:AssumeRoleWithWebIdentity'
      ])
    )
    expect(catalogue.expand('ec2:DescribeRegion?')).toEqual(['ec2:DescribeRegions'])
    const deletes = catalogue.expand('*:Delete*')
    expect(new Set(deletes.map(a => a.split(':')[0])).size).toBeGreaterThan(100)
    expect(deletes.every(a => /:delete/i.test(a))).toBe(true)
    expect(deletes).toContain('apigateway:DELETE')
    expect(catalogue.expand('nosuchservice:*')).toEqual([])
  })

  it('suggests the closest real names', () => {
    expect(catalogue.suggest('ec2:DescribeRegion')[0]).toBe('ec2:DescribeRegions')
    expect(catalogue.suggest('s3:GetObjekt')[0]).toBe('s3:GetObject')
    expect(catalogue.suggestServices('dynamodbb')).toContain('dynamodb')
  })

  it('parses its own format', () => {
    const small = parseIamCatalogue('# test 1\nsvc:Get,List\nother:Get\n')
    expect(small.origin).toBe('test 1')
    expect(small.expand('*:Get')).toEqual(['other:Get', 'svc:Get'])
    expect(small.actionsOf('svc')).toEqual(['svc:Get', 'svc:List'])
  })

  it('keeps the parsing rules of its format', () => {
    const text = '# old\nsvc:B,A\n\n# new \nbad line\n:Get\nsvc:Get,,List,\nempty:\nOther:Get\n'
    const small = parseIamCatalogue(text)
    expect(small.origin).toBe('new')
    expect(small.services).toEqual(['Other', 'empty', 'svc'])
    expect(small.actionsOf('svc')).toEqual(['svc:Get', 'svc:List'])
    expect(small.actionsOf('empty')).toEqual([])
    expect(small.hasService('other')).toBe(false)
    expect(small.size).toBe(3)
    expect(parseIamCatalogue('svc:Get').origin).toBe('the built-in IAM action catalogue')
  })
})

describe('the IAM action catalogue splits only the services a lookup needs', () => {
  it('splits s3 alone to check s3:GetObject', () => {
    const fresh = loadIamCatalogue()
    expect(fresh.services.length).toBeGreaterThan(300)
    expect(fresh.hasService('ec2')).toBe(true)
    expect(fresh.suggestServices('dynamodbb')).toContain('dynamodb')
    expect(parsedServices(fresh)).toEqual([])
    expect(fresh.has('S3:getobject')).toBe(true)
    expect(fresh.canonical('s3:putobject')).toBe('s3:PutObject')
    expect(parsedServices(fresh)).toEqual(['s3'])
    expect(fresh.expand('ec2:Describe*').length).toBeGreaterThan(100)
    expect(fresh.actionsOf('sts')).toContain('sts:AssumeRole')
    expect(fresh.expand('nosuchservice:Get*')).toEqual([])
    expect(parsedServices(fresh)).toEqual(['ec2', 's3', 'sts'])
    expect(fresh.origin).toMatch(/^@cloud-copilot\/iam-data \d/)
    expect(parsedServices(fresh)).toEqual(['ec2', 's3', 'sts'])
  })

  it('splits every service for what needs them all', () => {
    const fresh = parseIamCatalogue('# t\nb:Get,Delete\na:DeleteX\nc:Put\n')
    expect(fresh.has('a:DeleteX')).toBe(true)
    expect(parsedServices(fresh)).toEqual(['a'])
    expect(fresh.expand('*:Delete*')).toEqual(['a:DeleteX', 'b:Delete'])
    expect(parsedServices(fresh)).toEqual(['a', 'b', 'c'])
    // The same name in several services is suggested in the file's order.
    expect(parseIamCatalogue('b:Get\na:Get\nz:List\n').suggest('z:Get')).toEqual(['b:Get', 'a:Get'])
  })
})

describe('action lists', () => {
  it('matches action lists with exact names and wildcards', () => {
    const matches = compileActionList(['s3:GetObject', 'ec2:Describe*', '*:List*'])
    expect(matches('S3:GETOBJECT')).toBe(true)
    expect(matches('ec2:DescribeRegions')).toBe(true)
    expect(matches('iam:ListRoles')).toBe(true)
    expect(matches('ec2:RunInstances')).toBe(false)
  })
})

describe('the managed policy statements', () => {
  it('keeps effect, NotAction and whether a statement is unconditional on Resource *', () => {
    const file = parseManagedPolicyStatements(
      JSON.stringify({
        source: 'test',
        flags: { deny: 1, notAction: 2, everyResourceUnconditionally: 4 },
        policies: {
          'job-function/X': [
            [4, 's3:Get*'],
            [3, 'iam:*']
          ]
        }
      })
    )
    expect(file.statementsOf('job-function/x')).toEqual([
      { index: 0, effect: 'Allow', notAction: false, patterns: ['s3:Get*'], unconditional: true },
      { index: 1, effect: 'Deny', notAction: true, patterns: ['iam:*'], unconditional: false }
    ])
    expect(file.statementsOf('X')).toBeUndefined()
  })

  it('holds the AWS managed policies', () => {
    expect(managed.size).toBeGreaterThan(1000)
    expect(managed.statementsOf('AdministratorAccess')).toEqual([
      { index: 0, effect: 'Allow', notAction: false, patterns: ['*'], unconditional: true }
    ])
  })
})

describe('a small catalogue, exactly', () => {
  const TEXT =
    '# test catalogue 2\n' +
    's3:GetObject,PutObject,DeleteObject,ListBucket,GetBucketTagging\n' +
    'ec2:DescribeInstances,DescribeRegions,RunInstances\n' +
    'iam:GetRole,PassRole,ListRoles\n' +
    'sqs:ListQueues,GetQueueUrl\n' +
    'logs:GetQueueUrl,DescribeLogGroups\n'
  const small = () => parseIamCatalogue(TEXT)

  it('knows its services and size', () => {
    const c = small()
    expect(c.origin).toBe('test catalogue 2')
    expect(c.services).toEqual(['ec2', 'iam', 'logs', 's3', 'sqs'])
    expect(c.size).toBe(15)
    expect(c.hasService('EC2')).toBe(true)
    expect(c.hasService('ec')).toBe(false)
  })

  it.each([
    ['S3:getobject', 's3:GetObject'],
    ['iam:PASSROLE', 'iam:PassRole'],
    ['s3:GetObjec', undefined],
    ['s3:', undefined],
    [':GetObject', undefined],
    ['nosuch:GetObject', undefined],
    // No colon: not an action, even where a prefix of it is a service with a like-named action.
    ['s3GetObject', undefined]
  ])('canonical(%j) is %j', (action, canonical) => {
    expect(small().canonical(action)).toBe(canonical)
    expect(small().has(action)).toBe(canonical !== undefined)
  })

  it('finds an action named like its service only with the colon', () => {
    const c = parseIamCatalogue('ab:abc\n')
    expect(c.canonical('abc')).toBeUndefined()
    expect(c.canonical('ab:ABC')).toBe('ab:abc')
  })

  it('lists the actions of a service in the file order, the same list each time', () => {
    const c = small()
    expect(c.actionsOf('IAM')).toEqual(['iam:GetRole', 'iam:PassRole', 'iam:ListRoles'])
    expect(c.actionsOf('iam')).toBe(c.actionsOf('iam'))
    expect(c.actionsOf('nosuch')).toEqual([])
  })

  it.each([
    ['s3:getobject', ['s3:GetObject']],
    ['s3:GetObjec', []],
    ['*', small().services.flatMap(s => small().actionsOf(s))],
    ['*Url', ['logs:GetQueueUrl', 'sqs:GetQueueUrl']],
    ['s*', small().actionsOf('s3').concat(small().actionsOf('sqs'))],
    ['*:Describe*', ['ec2:DescribeInstances', 'ec2:DescribeRegions', 'logs:DescribeLogGroups']],
    ['S?S:*', ['sqs:ListQueues', 'sqs:GetQueueUrl']],
    ['EC2:describe*', ['ec2:DescribeInstances', 'ec2:DescribeRegions']],
    ['nosuch:*', []],
    [':*', []],
    ['ec2:*:*', []]
  ])('expands %j', (pattern, actions) => {
    expect(small().expand(pattern)).toEqual(actions)
  })

  it('hands out a copy of what it expanded', () => {
    const c = small()
    c.expand('iam:*').push('iam:Invented')
    expect(c.expand('iam:*')).toEqual(['iam:GetRole', 'iam:PassRole', 'iam:ListRoles'])
  })

  it.each([
    ['s3:GetObjekt', ['s3:GetObject', 's3:PutObject']],
    ['s4:GetObject', ['s3:GetObject']],
    ['s4:Nothing', ['s3']],
    ['sq:GetQueueUrl', ['sqs:GetQueueUrl']],
    ['ec2:GetQueueUrl', ['sqs:GetQueueUrl', 'logs:GetQueueUrl']],
    ['ec2:Descibe*', ['ec2:Describe*', 'ec2:Describ*']],
    ['ec2:escribe*', ['ec2:Describe*', 'ec2:Describ*']],
    ['ec2:Xescribe*', ['ec2:Describe*', 'ec2:Describ*', 'ec2:DescribeI*']],
    ['s3:Gt*', ['s3:G*', 's3:Ge*', 's3:Get*']],
    ['ec2:D*', ['ec2:D*', 'ec2:R*', 'ec2:De*']],
    ['ec2:*Describe', []],
    ['s3:Get*Objekt', []],
    ['GetObject', []],
    ['s*:GetObjekt', []],
    // Without a service, the services that have the action are named.
    [':GetQueueUrl', ['sqs:GetQueueUrl', 'logs:GetQueueUrl']],
    // A name the service has, and other services have too, is named once.
    ['sqs:GetQueueUrl', ['sqs:GetQueueUrl', 'logs:GetQueueUrl']],
    // A pattern that opens with a wildcard has no beginning to correct.
    ['s3:??Object', []],
    // Beginnings as long as a whole name include that name.
    ['s3:GetObjekt*', ['s3:GetObject*', 's3:GetObjec*', 's3:PutObject*']],
    // Names shorter than the beginnings compared are not offered.
    ['s3:GetObjectXyz*', []]
  ])('suggests for %j: %j', (pattern, suggestions) => {
    expect(small().suggest(pattern)).toEqual(suggestions)
  })

  it('names at most three services that have an action of that name', () => {
    const c = parseIamCatalogue('a:Get\nb:Get\nc:Get\nd:Get\ne:List\n')
    expect(c.suggest('e:Get')).toEqual(['a:Get', 'b:Get', 'c:Get'])
    expect(c.suggest('e:get')).toEqual(['a:Get', 'b:Get', 'c:Get'])
  })

  it('suggests at most three corrected services, each with the action', () => {
    const c = parseIamCatalogue('ab:Get\nac:Get\nad:Get\nae:Get\n')
    expect(c.suggest('aa:Get')).toEqual(['ab:Get', 'ac:Get', 'ad:Get'])
    expect(c.suggestServices('aa')).toEqual(['ab', 'ac', 'ad'])
  })

  it('splits no service for a name without its service, or a pattern with an empty one', () => {
    const c = small()
    expect(c.expand('GetObject')).toEqual([])
    expect(c.expand(':*')).toEqual([])
    expect(parsedServices(c)).toEqual([])
  })

  it('splits only the service of a wildcard it corrects', () => {
    const c = small()
    expect(c.suggest('s3:Gt*')).toEqual(['s3:G*', 's3:Ge*', 's3:Get*'])
    expect(parsedServices(c)).toEqual(['s3'])
  })

  it('names three services having the action before dropping repeats', () => {
    // One service listing the name in two casings takes two of the three places.
    const c = parseIamCatalogue('a:Get,GET\nb:Get\nc:Get\nz:List\n')
    expect(c.suggest('z:Get')).toEqual(['a:GET', 'b:Get'])
  })

  it('tells whether a name has a wildcard', () => {
    expect([hasWildcard('a*'), hasWildcard('a?'), hasWildcard('a')]).toEqual([true, true, false])
  })

  it('reports no parsed services for a catalogue of another kind', () => {
    expect(parsedServices({ ...small() })).toBeUndefined()
  })
})

describe('compileActionList, exactly', () => {
  it.each([
    [['s3:GetObject'], 'S3:GETOBJECT', true],
    [['s3:GetObject'], 's3:GetObjects', false],
    [['S3:Get*'], 's3:GetObject', true],
    [['s3:Get*'], 'sqs:GetQueueUrl', false],
    [['s3:Get*', 's3:List*'], 's3:ListBucket', true],
    [['*Bucket'], 's3:ListBucket', true],
    [['*Bucket'], 's3:BucketList', false],
    [['s?:List*'], 's3:ListBucket', true],
    [['S?:List*'], 's3:ListBucket', true],
    [['s?:List*'], 'sqs:ListQueues', false],
    [['*:List*'], 'ec2:DescribeInstances', false],
    [['s*:Get*'], 'ec2:GetConsole', false],
    [[], 's3:GetObject', false]
  ])('%j matches %j: %j', (patterns, action, matches) => {
    expect(compileActionList(patterns)(action)).toBe(matches)
  })

  // The length limit binds what is compiled as a wildcard: an exact name, or a service part
  // without wildcards, is compared as text, and a service part and a name part are compiled apart.
  it.each([
    ['an exact name over the limit', `s3:${'A'.repeat(130)}`, `s3:${'a'.repeat(130)}`],
    [
      'a pattern over the limit only with its service',
      `s3:${'a'.repeat(127)}*`,
      `s3:${'a'.repeat(127)}Z`
    ],
    ['a pattern with an empty service', `:${'a'.repeat(127)}*`, `:${'a'.repeat(127)}Z`],
    ['a literal service over the limit', `${'s'.repeat(129)}:Get*`, `${'s'.repeat(129)}:GetObject`]
  ])('compiles %s', (_label, pattern, action) => {
    const matches = compileActionList([pattern])
    expect(matches(action)).toBe(true)
    expect(matches('s3:GetObject')).toBe(false)
  })
})

describe('parseManagedPolicyStatements, exactly', () => {
  it('keeps the source and counts the policies', () => {
    const file = parseManagedPolicyStatements(
      JSON.stringify({
        source: 'src 1',
        flags: { deny: 1, notAction: 2, everyResourceUnconditionally: 4 },
        policies: { A: [[0, 'x:Y']], B: [[7, 'x:*']] }
      })
    )
    expect(file.origin).toBe('src 1')
    expect(file.size).toBe(2)
    expect(file.statementsOf('b')).toEqual([
      { index: 0, effect: 'Deny', notAction: true, patterns: ['x:*'], unconditional: true }
    ])
    expect(file.statementsOf('a')).toEqual([
      { index: 0, effect: 'Allow', notAction: false, patterns: ['x:Y'], unconditional: false }
    ])
  })
})
