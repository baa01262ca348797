import { statSync } from 'node:fs'
import { describe, expect, it } from '@jest/globals'
import {
  loadIamCatalogue,
  loadManagedPolicyIndex,
  loadManagedPolicyStatements,
  policyDataLoaders
} from '../../../src/policy/data.js'
import { RUNNER_WORDING } from '../../../src/action/wording.js'
import type { IamCatalogue, ManagedPolicyStatements } from '../../../src/policy/catalogue.js'
import { PolicyCheckError } from '../../../src/policy/problems.js'
import {
  buildSessionPolicy,
  hasSessionPolicy,
  type InlinePolicyInput
} from '../../../src/policy/session-policy.js'
import { splitList } from '../../../src/settings/list-input.js'
import { errorOf, settingsOf } from '../../support/inputs.js'
import { allow, AWS, catalogue, CUSTOMER, deny, managed, policy } from '../../support/policies.js'

const index = loadManagedPolicyIndex()
interface PolicyData {
  catalogue: () => IamCatalogue
  managedStatements: () => ManagedPolicyStatements
}
const data: PolicyData = { catalogue: () => catalogue, managedStatements: () => managed }

/** A policy document and resolved ARNs, through the whole pipeline as a run sends them. */
function checkPolicy(
  check: {
    inline?: { document: unknown; input: InlinePolicyInput }
    managedArns: string[]
    partition: string
    forbidActions: string[]
  },
  loaders: PolicyData
) {
  return buildSessionPolicy(
    {
      inline: check.inline && {
        text: JSON.stringify(check.inline.document) ?? 'undefined',
        input: check.inline.input
      },
      managed: check.managedArns,
      partition: check.partition,
      forbidActions: check.forbidActions.join('\n'),
      requireSessionPolicy: false
    },
    { managedPolicyIndex: () => index, ...loaders },
    RUNNER_WORDING
  )
}

const INLINE: InlinePolicyInput = 'inline-session-policy'
interface Case {
  name: string
  document?: unknown
  managedArns?: string[]
  partition?: string
  forbid?: string[]
  /** The error's input and a pattern its message must match; absent for a policy that passes. */
  error?: { input?: string; message: RegExp }
  /** A pattern some warning must match; `null` for "no warnings at all". */
  warning?: RegExp | null
  notChecked?: string[]
}

const cases: Case[] = [
  // The document
  {
    name: 'a minimal valid policy passes without warnings',
    document: policy(allow('s3:GetObject', 'arn:aws:s3:::my-bucket/*')),
    warning: null
  },
  {
    name: 'Statement may be a single object',
    document: { Version: '2012-10-17', Statement: allow('s3:ListBucket', 'arn:aws:s3:::b') }
  },
  {
    name: 'a missing Version is a warning',
    document: { Statement: [allow('s3:GetObject')] },
    warning: /no "Version".*2008-10-17/
  },
  {
    name: 'an unknown Version is an error',
    document: { Version: '2024-01-01', Statement: [allow('s3:GetObject')] },
    error: { input: INLINE, message: /"Version": "2024-01-01".*"2012-10-17"/ }
  },
  {
    name: 'policy variables under Version 2008-10-17 are a warning',
    document: {
      Version: '2008-10-17',
      Statement: [allow('s3:GetObject', 'arn:aws:s3:::b/${aws:username}/*')]
    },
    warning: /2008-10-17.*not replaced/
  },
  {
    name: 'a missing Statement is an error',
    document: { Version: '2012-10-17' },
    error: { message: /has no "Statement"/ }
  },
  {
    name: 'an empty Statement list is an error',
    document: policy(),
    error: { message: /"Statement" is empty/ }
  },
  {
    name: 'a Statement that is a string is an error',
    document: { Version: '2012-10-17', Statement: 'Allow everything' },
    error: { message: /neither an object nor an array/ }
  },
  {
    name: 'an unknown top-level key is an error with a suggestion',
    document: { Version: '2012-10-17', Statement: [allow('s3:GetObject')], Statment: [] },
    error: { message: /unknown top-level key "Statment".*Did you mean "Statement"/ }
  },
  // Statement keys
  {
    name: 'an unknown statement key is an error with a suggestion',
    document: policy({ Effect: 'Allow', Action: 's3:GetObject', Resources: '*' }),
    error: { message: /statement 1 has an unknown key "Resources".*Did you mean "Resource"/s }
  },
  {
    name: 'a key in the wrong case is an unknown key',
    document: policy({ effect: 'Allow', Action: 's3:GetObject', Resource: '*' }),
    error: { message: /unknown key "effect".*"Effect"/s }
  },
  {
    name: 'Principal is refused in a session policy',
    document: policy(allow('s3:GetObject', '*', { Principal: { AWS: '*' } })),
    error: { message: /"Principal", which a session policy may not have.*Remove "Principal"/ }
  },
  {
    name: 'NotPrincipal is refused in a session policy',
    document: policy(allow('s3:GetObject', '*', { NotPrincipal: { AWS: '*' } })),
    error: { message: /"NotPrincipal", which a session policy may not have/ }
  },
  // Sid
  {
    name: 'a Sid with other than letters and digits is an error, with a cleaned-up fix',
    document: policy(allow('s3:GetObject', '*', { Sid: 'read-bucket_1' })),
    error: { message: /statement 1 \(Sid "read-bucket_1"\).*letters and digits.*"readbucket1"/ }
  },
  {
    name: 'a duplicate Sid is an error naming both statements',
    document: policy(
      allow('s3:GetObject', '*', { Sid: 'Read' }),
      allow('s3:ListBucket', '*', { Sid: 'Read' })
    ),
    error: { message: /statement 2 \(Sid "Read"\) has the same Sid as statement 1/ }
  },
  {
    name: 'a Sid that is not a string is an error',
    document: policy(allow('s3:GetObject', '*', { Sid: 7 })),
    error: { message: /"Sid": 7, which is not a string/ }
  },
  // Effect, Action, Resource
  {
    name: 'Effect is case-sensitive',
    document: policy({ Effect: 'allow', Action: 's3:GetObject', Resource: '*' }),
    error: { message: /"Effect": "allow".*case-sensitive.*"Allow"/ }
  },
  {
    name: 'a missing Effect is an error',
    document: policy({ Action: 's3:GetObject', Resource: '*' }),
    error: { message: /has no "Effect"/ }
  },
  {
    name: 'Action and NotAction together are an error',
    document: policy(allow('s3:GetObject', '*', { NotAction: 's3:PutObject' })),
    error: { message: /both "Action" and "NotAction"/ }
  },
  {
    name: 'neither Action nor NotAction is an error',
    document: policy({ Effect: 'Allow', Resource: '*' }),
    error: { message: /neither "Action" nor "NotAction"/ }
  },
  {
    name: 'a missing Resource is an error',
    document: policy({ Effect: 'Allow', Action: 's3:GetObject' }),
    error: { message: /neither "Resource" nor "NotResource"/ }
  },
  {
    name: 'Resource and NotResource together are an error',
    document: policy(allow('s3:GetObject', '*', { NotResource: 'arn:aws:s3:::b' })),
    error: { message: /both "Resource" and "NotResource"/ }
  },
  {
    name: 'an empty Action list is an error',
    document: policy(allow([])),
    error: { message: /empty "Action" list/ }
  },
  {
    name: 'an Action that is not a string is an error',
    document: policy(allow(['s3:GetObject', 42])),
    error: { message: /must be a string or an array of strings/ }
  },
  {
    name: 'a dot instead of a colon in an action gets the corrected name',
    document: policy(allow('s3.GetObject')),
    error: { message: /not of the form service:Action.*"s3:GetObject"/ }
  },
  {
    name: 'an ARN in Action is sent to Resource',
    document: policy(allow('arn:aws:s3:::my-bucket')),
    error: { message: /it belongs in "Resource"/ }
  },
  // Condition
  {
    name: 'IfExists operators are accepted',
    document: policy(
      allow('ec2:RunInstances', '*', {
        Condition: { StringEqualsIfExists: { 'aws:RequestedRegion': 'eu-west-1' } }
      })
    )
  },
  {
    name: 'ForAllValues: and ForAnyValue: prefixes are accepted, with arrays of values',
    document: policy(
      allow('dynamodb:GetItem', '*', {
        Condition: {
          'ForAllValues:StringLike': { 'dynamodb:Attributes': ['id', 'name*'] },
          'ForAnyValue:StringEqualsIgnoreCase': { 'aws:TagKeys': ['team'] },
          NumericLessThan: { 's3:max-keys': 10 },
          Bool: { 'aws:SecureTransport': true },
          Null: { 'aws:ResourceTag/team': 'false' }
        }
      })
    )
  },
  {
    name: 'an unknown condition operator gets a suggestion',
    document: policy(
      allow('s3:GetObject', '*', { Condition: { StringEqual: { 'aws:RequestedRegion': 'x' } } })
    ),
    error: { message: /unknown condition operator "StringEqual".*"StringEquals"/ }
  },
  {
    name: 'a misspelt set prefix gets a suggestion',
    document: policy(
      allow('s3:GetObject', '*', {
        Condition: { 'ForAllValue:StringLike': { 'aws:TagKeys': 'x' } }
      })
    ),
    error: { message: /"ForAllValues:StringLike"/ }
  },
  {
    name: 'NullIfExists is refused',
    document: policy(
      allow('s3:GetObject', '*', { Condition: { NullIfExists: { 'aws:TagKeys': 'true' } } })
    ),
    error: { message: /"NullIfExists".*Write "Null"/ }
  },
  {
    name: 'a condition value that is an object is an error',
    document: policy(
      allow('s3:GetObject', '*', {
        Condition: { StringEquals: { 'aws:RequestedRegion': { region: 'x' } } }
      })
    ),
    error: { message: /value of "aws:RequestedRegion".*string, number or boolean/ }
  },
  {
    name: 'an empty array of condition values is an error',
    document: policy(
      allow('s3:GetObject', '*', { Condition: { StringEquals: { 'aws:RequestedRegion': [] } } })
    ),
    error: { message: /non-empty array/ }
  },
  {
    name: 'Bool takes only true or false',
    document: policy(
      allow('s3:GetObject', '*', { Condition: { Bool: { 'aws:SecureTransport': 'yes' } } })
    ),
    error: { message: /"yes" for "aws:SecureTransport".*only true or false/ }
  },
  {
    name: 'a condition key without a service prefix is an error',
    document: policy(
      allow('s3:GetObject', '*', { Condition: { StringEquals: { RequestedRegion: 'x' } } })
    ),
    error: { message: /condition key "RequestedRegion".*not of the form service:key/ }
  },
  // Action names against the catalogue
  {
    name: 'a misspelt action gets the real name (ec2:DescribeRegion)',
    document: policy(allow(['ec2:DescribeInstances', 'ec2:DescribeRegion'])),
    error: {
      input: INLINE,
      message:
        /"ec2:DescribeRegion" in "Action", which is not an IAM action.*Did you mean "ec2:DescribeRegions"/
    }
  },
  {
    name: 'a misspelt service prefix gets the corrected action',
    document: policy(allow('ec3:DescribeRegions')),
    error: { message: /"ec3" is not an IAM service prefix.*"ec2:DescribeRegions"/ }
  },
  {
    name: 'an action under the wrong service is pointed to the right one',
    document: policy(allow('s3:DescribeInstances')),
    error: { message: /"ec2:DescribeInstances"/ }
  },
  {
    name: 'a wildcard that matches nothing is an error with a corrected wildcard',
    document: policy(allow('ec2:Descibe*')),
    error: { message: /"ec2:Descibe\*".*matches no IAM action.*"ec2:Describe\*"/ }
  },
  {
    name: 'wildcards and case are matched as IAM does',
    document: policy(allow(['S3:getobject', 's3:Get*Tagging', 'ec2:Describe?egions', '*:List*']))
  },
  {
    name: 'a typo in NotAction is an error too',
    document: policy({ Effect: 'Allow', NotAction: 'iam:PasRole', Resource: '*' }),
    error: { message: /"iam:PasRole".*"iam:PassRole"/ }
  },
  // Resources
  {
    name: 'a resource that is not an ARN is an error',
    document: policy(allow('s3:GetObject', 'my-bucket/*')),
    error: { message: /"my-bucket\/\*" in "Resource", which is not an ARN/ }
  },
  {
    name: 'a resource ARN in another partition is an error with the fixed ARN',
    document: policy(allow('s3:GetObject', 'arn:aws-cn:s3:::my-bucket/*')),
    error: {
      message: /partition "aws-cn", but the region is in "aws".*"arn:aws:s3:::my-bucket\/\*"/
    }
  },
  {
    name: 'a resource ARN of the region partition passes (aws-cn)',
    partition: 'aws-cn',
    document: policy(allow('s3:GetObject', 'arn:aws-cn:s3:::my-bucket/*'))
  },
  {
    name: 'a resource ARN with a region of another partition is an error',
    document: policy(allow('ec2:StartInstances', 'arn:aws:ec2:cn-north-1:111122223333:instance/*')),
    error: { message: /region cn-north-1 is in partition "aws-cn"/ }
  },
  {
    name: 'policy variables and wildcards in ARNs are accepted',
    document: policy(
      allow('s3:GetObject', [
        'arn:aws:s3:::b/${aws:username}/*',
        'arn:*:s3:::b2/*',
        'arn:aws:iam::${aws:PrincipalAccount}:role/x',
        'arn:aws:ec2:*:*:instance/*'
      ])
    )
  },
  {
    name: 'an account that is not 12 digits is an error',
    document: policy(allow('ec2:StartInstances', 'arn:aws:ec2:eu-west-1:12345:instance/*')),
    error: { message: /account "12345" is not a 12-digit account ID/ }
  },
  // Warnings
  {
    name: 'Allow * on * without a condition narrows nothing',
    document: policy(allow('*')),
    warning: /narrows nothing/
  },
  {
    name: 'Allow * on * with a condition does narrow',
    document: policy(
      allow('*', '*', { Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } } })
    ),
    warning: null
  },
  {
    name: 'NotAction with Allow is a warning',
    document: policy({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }),
    warning: /"Allow" with "NotAction".*every action of every service except/
  },
  // Sizes
  {
    name: 'a policy over 2048 characters after minifying is an error',
    document: policy(
      allow(Array.from({ length: 200 }, (_, i) => (i % 2 ? 's3:GetObject' : 's3:PutObject')))
    ),
    error: { input: INLINE, message: /characters after minifying; STS accepts at most 2048/ }
  },
  {
    name: 'characters beyond Latin-1 are an error',
    document: policy(allow('s3:GetObject', 'arn:aws:s3:::bucket/✓')),
    error: { message: /U\+2713/ }
  },
  {
    name: 'inline plus managed ARNs over 2048 characters is a warning',
    document: policy(allow(Array.from({ length: 100 }, () => 's3:GetObject'))),
    managedArns: Array.from({ length: 10 }, (_, i) => `${CUSTOMER}${'x'.repeat(40)}${i}`),
    warning: /together exceed 2048/
  },
  // forbid-actions
  {
    name: 'forbid iam:* passes a policy that allows only s3',
    document: policy(allow('s3:*')),
    forbid: ['iam:*']
  },
  {
    name: 'forbid iam:* fails a policy that allows iam:Get*, naming the statement and actions',
    document: policy(allow('s3:GetObject'), allow('iam:Get*', '*', { Sid: 'Inspect' })),
    forbid: ['iam:*'],
    error: {
      input: 'forbid-actions',
      message:
        /inline-session-policy statement 2 \(Sid "Inspect"\) allows iam:Get\w+, .* and \d+ more \(forbidden by iam:\*\)/
    }
  },
  {
    name: 'forbid *:Delete* catches s3:* (wildcards on both sides)',
    document: policy(allow('s3:*')),
    forbid: ['*:Delete*'],
    error: { message: /allows s3:DeleteAccess\w+, .* and \d+ more \(forbidden by \*:Delete\*\)/ }
  },
  {
    name: 'forbid s3:Delete* catches s3:*Object',
    document: policy(allow('s3:*Object')),
    forbid: ['s3:Delete*'],
    error: { message: /s3:DeleteObject\b/ }
  },
  {
    name: 'an exact forbidden action not matched by any wildcard passes',
    document: policy(allow(['sts:GetCallerIdentity', 'sts:Get*'])),
    forbid: ['sts:AssumeRole']
  },
  {
    name: 'an unconditional Deny on Resource * removes the forbidden actions',
    document: policy(allow('*'), deny('iam:*')),
    forbid: ['iam:*', 'sts:AssumeRole*'],
    error: { message: /allows sts:AssumeRole, .*forbidden by sts:AssumeRole\*/ }
  },
  {
    name: 'a Deny with a Condition does not count as removing the action',
    document: policy(
      allow('iam:*'),
      deny('iam:*', '*', { Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } } })
    ),
    forbid: ['iam:PassRole'],
    error: { message: /statement 1 allows iam:PassRole/ }
  },
  {
    name: 'a Deny on specific resources does not count as removing the action',
    document: policy(allow('iam:*'), deny('iam:PassRole', 'arn:aws:iam::111122223333:role/x')),
    forbid: ['iam:PassRole'],
    error: { message: /statement 1 allows iam:PassRole/ }
  },
  {
    name: 'a Deny with NotResource does not count as removing the action',
    document: policy(allow('iam:*'), {
      Effect: 'Deny',
      Action: 'iam:PassRole',
      NotResource: 'arn:aws:iam::111122223333:role/x'
    }),
    forbid: ['iam:PassRole'],
    error: { message: /allows iam:PassRole/ }
  },
  {
    name: 'an Allow with a Condition still may allow',
    document: policy(
      allow('iam:PassRole', 'arn:aws:iam::111122223333:role/x', {
        Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } }
      })
    ),
    forbid: ['iam:PassRole'],
    error: { message: /allows iam:PassRole/ }
  },
  {
    name: 'Allow NotAction iam:* does not allow iam:PassRole',
    document: policy({ Effect: 'Allow', NotAction: ['iam:*', 'sts:*'], Resource: '*' }),
    forbid: ['iam:PassRole', 'sts:AssumeRole']
  },
  {
    name: 'Allow NotAction iam:* allows s3:DeleteBucket',
    document: policy({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }),
    forbid: ['s3:DeleteBucket'],
    error: { message: /statement 1 allows s3:DeleteBucket/ }
  },
  {
    name: 'Deny NotAction s3:* removes everything outside s3',
    document: policy(allow('*'), { Effect: 'Deny', NotAction: 's3:*', Resource: '*' }),
    forbid: ['iam:*', '*:Delete*'],
    error: { message: /allows s3:Delete/ }
  },
  {
    name: 'ReadOnlyAccess with forbid-actions s3:PutObject passes',
    managedArns: [AWS('ReadOnlyAccess')],
    forbid: ['s3:PutObject']
  },
  {
    name: 'ReadOnlyAccess with forbid-actions s3:GetObject fails, naming the managed policy',
    managedArns: [AWS('ReadOnlyAccess')],
    forbid: ['s3:GetObject'],
    error: {
      input: 'forbid-actions',
      message:
        /managed-session-policies arn:aws:iam::aws:policy\/ReadOnlyAccess statement \d+ allows s3:GetObject/
    }
  },
  {
    name: 'a policy under a path is found (job-function/ViewOnlyAccess)',
    managedArns: [AWS('job-function/ViewOnlyAccess')],
    forbid: ['s3:GetObject', 'iam:*Delete*']
  },
  {
    name: 'an inline unconditional Deny removes what a managed policy allows',
    document: policy(deny(['iam:*', 'organizations:*'])),
    managedArns: [AWS('AdministratorAccess')],
    forbid: ['iam:*', 'organizations:Leave*']
  },
  {
    name: 'AdministratorAccess fails forbid-actions',
    managedArns: [AWS('AdministratorAccess')],
    forbid: ['sts:AssumeRole'],
    error: { message: /AdministratorAccess statement 1 allows sts:AssumeRole/ }
  },
  {
    name: 'a customer managed ARN is reported as not checked',
    document: policy(allow('s3:GetObject')),
    managedArns: [CUSTOMER],
    forbid: ['iam:*'],
    warning: /customer managed policy.*not checked/,
    notChecked: [CUSTOMER]
  },
  {
    name: 'forbid-actions without any session policy is an error',
    forbid: ['iam:*'],
    error: { input: 'forbid-actions', message: /no session policy/ }
  },
  {
    name: 'a managed ARN in another partition is an error',
    managedArns: ['arn:aws-cn:iam::aws:policy/ReadOnlyAccess'],
    error: { input: 'managed-session-policies', message: /partition 'aws-cn'/ }
  }
]

function run(c: Case) {
  return checkPolicy(
    {
      inline: c.document === undefined ? undefined : { document: c.document, input: INLINE },
      managedArns: c.managedArns ?? [],
      partition: c.partition ?? 'aws',
      forbidActions: c.forbid ?? []
    },
    data
  )
}

describe('buildSessionPolicy: the checks before any request', () => {
  it('has a table of at least 40 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40)
  })

  it.each(cases.map(c => [c.name, c] as const))('%s', (_name, c) => {
    if (c.error !== undefined) {
      const error = errorOf(() => run(c))
      if (c.error.input !== undefined) expect(error.input).toBe(c.error.input)
      expect(error.message).toMatch(c.error.message)
      return
    }
    const report = run(c)
    if (c.warning === null) expect(report.warnings).toEqual([])
    else if (c.warning !== undefined) {
      expect(report.warnings.some(w => c.warning!.test(w))).toBe(true)
    }
    expect(report.notChecked).toEqual(c.notChecked ?? [])
  })

  it('lists every problem of a policy, each with its statement and fix', () => {
    const error = errorOf(() =>
      run({
        name: '',
        document: policy(allow('ec2:DescribeRegion', '*', { Sid: 'A' }), {
          Effect: 'Permit',
          Action: ['s3:GetObjekt', 's3:GetObject'],
          Resource: ['arn:aws-us-gov:s3:::b'],
          Principal: '*'
        })
      })
    )
    expect(error).toBeInstanceOf(PolicyCheckError)
    const problems = (error as PolicyCheckError).problems
    // Names and ARNs are checked also in a statement with grammar problems, so one run shows all.
    expect(problems.map(p => p.statementIndex)).toEqual([0, 1, 1, 1, 1])
    expect(problems[0].sid).toBe('A')
    expect(problems.map(p => p.message).join('\n')).toMatch(/"s3:GetObjekt".*\n.*"aws-us-gov"/)
    expect(problems.every(p => p.fix.length > 0)).toBe(true)
    expect(error.message).toMatch(
      /^inline-session-policy: has 5 problems:\n- statement 1 \(Sid "A"\)/
    )
  })

  it('names at least one action of each forbidden pattern', () => {
    const error = errorOf(() =>
      run({
        name: '',
        document: policy(allow('s3:*')),
        forbid: ['s3:Delete*', 's3:GetObject']
      })
    )
    expect(error.message).toMatch(
      /allows (s3:Delete\w+, ){4}s3:GetObject and \d+ more \(forbidden by s3:Delete\*, s3:GetObject\)/
    )
  })

  it('names the input the policy came from', () => {
    const error = errorOf(() =>
      checkPolicy(
        {
          inline: { document: policy(allow('s3:GetObjekt')), input: 'inline-session-policy-file' },
          managedArns: [],
          partition: 'aws',
          forbidActions: []
        },
        data
      )
    )
    expect(error.input).toBe('inline-session-policy-file')
  })

  it('reads no data file when there is nothing to check', () => {
    const refuse: PolicyData = {
      catalogue: () => {
        throw new Error('catalogue loaded')
      },
      managedStatements: () => {
        throw new Error('managed statements loaded')
      }
    }
    const check = { partition: 'aws', forbidActions: [] }
    expect(checkPolicy({ ...check, managedArns: [] }, refuse)).toMatchObject({
      warnings: [],
      notChecked: [],
      explanation: []
    })
    expect(
      checkPolicy({ ...check, managedArns: [AWS('ReadOnlyAccess')] }, refuse).warnings
    ).toEqual([])
  })

  it('reads the managed statements only when forbid-actions meets an AWS managed policy', () => {
    let loaded = 0
    const counting: PolicyData = {
      catalogue: () => catalogue,
      managedStatements: () => {
        loaded++
        return managed
      }
    }
    const base = { partition: 'aws', managedArns: [AWS('ReadOnlyAccess')] }
    checkPolicy({ ...base, forbidActions: [] }, counting)
    checkPolicy({ ...base, managedArns: [CUSTOMER], forbidActions: ['iam:*'] }, counting)
    expect(loaded).toBe(0)
    checkPolicy({ ...base, forbidActions: ['s3:PutObject'] }, counting)
    expect(loaded).toBe(1)
  })

  it('reports an AWS managed policy it does not know as not checked', () => {
    const arn = AWS('SomethingNewerThanThisRelease')
    const report = checkPolicy(
      { managedArns: [arn], partition: 'aws', forbidActions: ['iam:*'] },
      data
    )
    expect(report.notChecked).toEqual([arn])
    expect(report.warnings.some(w => /not among the AWS managed policies/.test(w))).toBe(true)
  })
})

describe('data files and timings', () => {
  const KB = 1024
  const file = (name: string) => new URL(`../../../src/policy/data/${name}`, import.meta.url)

  // How long loading and a check take is measured by `npm run bench` (the policy run loads both
  // files and checks a policy); here only the sizes and that a typical check passes.
  it('stay within the 400 KB budget, and load and check a typical policy', () => {
    const catalogueBytes = statSync(file('iam-actions.txt.gz')).size
    const statementsBytes = statSync(file('aws-managed-policy-statements.json.gz')).size
    expect(catalogueBytes).toBeLessThanOrEqual(400 * KB)
    expect(statementsBytes).toBeLessThanOrEqual(400 * KB)

    const freshCatalogue = loadIamCatalogue()
    const freshManaged = loadManagedPolicyStatements()
    const typical = policy(
      allow(
        ['s3:GetObject', 's3:PutObject', 's3:ListBucket'],
        ['arn:aws:s3:::artifacts', 'arn:aws:s3:::artifacts/*'],
        { Sid: 'Artifacts' }
      ),
      allow([
        'ecr:GetAuthorizationToken',
        'ecr:BatchCheckLayerAvailability',
        'ecr:*Upload*',
        'ecr:PutImage'
      ]),
      allow('cloudformation:Describe*', '*', {
        Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } }
      })
    )
    const report = checkPolicy(
      {
        inline: { document: typical, input: INLINE },
        managedArns: [AWS('ReadOnlyAccess')],
        partition: 'aws',
        forbidActions: ['iam:Create*', 'iam:Put*', 'sts:AssumeRole', '*:Delete*']
      },
      { catalogue: () => freshCatalogue, managedStatements: () => freshManaged }
    )
    expect(report).toMatchObject({ warnings: [], notChecked: [] })
  })
})

describe('splitList and buildSessionPolicy', () => {
  it('combines the inline policy and the managed ARNs', () => {
    const policy = buildSessionPolicy(
      {
        partition: 'aws',
        inline: {
          text: '{ "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}] }',
          input: 'inline-session-policy-file'
        },
        managed: splitList('ReadOnlyAccess,\n'),
        forbidActions: '',
        requireSessionPolicy: false
      },
      policyDataLoaders,
      RUNNER_WORDING
    )
    expect(policy).toMatchObject({
      inline:
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}',
      managedArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
      notChecked: [],
      warnings: []
    })
  })

  it('names the file input in errors about a policy from a file', () => {
    expect(
      errorOf(() =>
        buildSessionPolicy(
          {
            partition: 'aws',
            inline: { text: '{', input: 'inline-session-policy-file' },
            managed: [],
            forbidActions: '',
            requireSessionPolicy: false
          },
          policyDataLoaders,
          RUNNER_WORDING
        )
      ).input
    ).toBe('inline-session-policy-file')
  })
})

describe('a policy file written on Windows', () => {
  const policy = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }]
  }
  // Notepad and PowerShell's Out-File write CRLF line endings, and often a byte-order mark.
  const windowsText = `\uFEFF${JSON.stringify(policy, null, 2).replace(/\n/g, '\r\n')}\r\n`

  it('reads with CRLF line endings and a byte-order mark, and sends the same minified policy', () => {
    const settings = settingsOf(
      { 'inline-session-policy-file': 'policy.json' },
      { workspace: '/w', readFile: () => windowsText }
    )
    const built = buildSessionPolicy(settings.policy, policyDataLoaders, RUNNER_WORDING)
    expect(built.inline).toBe(JSON.stringify(policy))
  })
})

describe('buildSessionPolicy, exactly', () => {
  const loaders = { managedPolicyIndex: () => index, ...data }
  const build = (inputs: Partial<Parameters<typeof buildSessionPolicy>[0]>) =>
    buildSessionPolicy(
      { managed: [], forbidActions: '', requireSessionPolicy: false, partition: 'aws', ...inputs },
      loaders,
      RUNNER_WORDING
    )
  const inline = (document: unknown) => ({
    text: JSON.stringify(document),
    input: 'inline-session-policy' as const
  })

  it('refuses no session policy when one is required', () => {
    expect(errorOf(() => build({ requireSessionPolicy: true })).message).toBe(
      'require-session-policy: is true, but no session policy is given, so the session would get all of the role’s permissions. Add inline-session-policy, inline-session-policy-file or managed-session-policies (e.g. managed-session-policies: ReadOnlyAccess).'
    )
    expect(build({ requireSessionPolicy: true, managed: ['ReadOnlyAccess'] }).managedArns).toEqual([
      AWS('ReadOnlyAccess')
    ])
    expect(
      build({ requireSessionPolicy: true, inline: inline(policy(allow('s3:GetObject'))) }).inline
    ).toBe(JSON.stringify(policy(allow('s3:GetObject'))))
  })

  it('returns what it sent and found, and nothing for no policy', () => {
    expect(build({})).toEqual({
      inline: undefined,
      managedArns: [],
      warnings: [],
      notChecked: [],
      explanation: [],
      forbidActions: []
    })
    const built = build({ inline: inline(policy(allow('s3:GetObject'))), forbidActions: 'iam:*' })
    expect(built.forbidActions).toEqual(['iam:*'])
    expect(built.explanation.map(e => e.label)).toEqual(['statement 1'])
    expect(hasSessionPolicy(built)).toBe(true)
    expect(hasSessionPolicy(build({}))).toBe(false)
    expect(hasSessionPolicy(build({ managed: ['ReadOnlyAccess'] }))).toBe(true)
  })

  it('prefixes the warnings with the input, and a warning about the document with "the policy"', () => {
    expect(build({ inline: inline({ Statement: [allow('*')] }) }).warnings).toEqual([
      'inline-session-policy: the policy has no "Version", so IAM reads it as "2008-10-17": policy variables such as ${aws:username} are not replaced. Add "Version": "2012-10-17".',
      'inline-session-policy: statement 1 allows every action on every resource with no condition, so the session policy narrows nothing: the session can do all the role can.'
    ])
  })

  it('lists the problems of the document first, then by statement', () => {
    const error = errorOf(() =>
      build({
        inline: inline({
          Version: '1',
          Statement: [allow('s3:GetObjekt', '*', { Sid: 'a-b' }), { Effect: 'Allow' }],
          Extra: 1
        })
      })
    ) as PolicyCheckError
    expect(error.problems.map(p => [p.statementIndex, p.message.slice(0, 12)])).toEqual([
      [undefined, 'has an unkno'],
      [undefined, 'has "Version'],
      [0, 'has "Sid": "'],
      [0, 'has "s3:GetO'],
      [1, 'has neither '],
      [1, 'has neither ']
    ])
  })

  it('warns when the inline policy and the ARNs pass 2048 characters together, not at 2048', () => {
    const arn = `${CUSTOMER}-x`
    const sized = (length: number) => {
      const document = policy(allow('s3:GetObject', `arn:aws:s3:::${'b'.repeat(length)}`))
      return JSON.stringify(document).length + arn.length
    }
    const fits = 2048 - sized(0)
    expect(sized(fits)).toBe(2048)
    const document = (length: number) =>
      inline(policy(allow('s3:GetObject', `arn:aws:s3:::${'b'.repeat(length)}`)))
    expect(build({ inline: document(fits), managed: [arn] }).warnings).toEqual([])
    const text = document(fits + 1).text
    expect(build({ inline: document(fits + 1), managed: [arn] }).warnings).toEqual([
      `inline-session-policy: the inline policy (${text.length} characters) and the managed policy ARNs (${arn.length}) together exceed 2048 characters, which the IAM documentation gives as the limit for session policies' plaintext. If STS answers PackedPolicyTooLarge, shorten the inline policy or drop a managed policy.`
    ])
  })
})
