import { describe, expect, it } from '@jest/globals'
import { parseIamCatalogue, parsedServices } from '../../../src/policy/catalogue.js'
import type { StatementElement } from '../../../src/policy/grammar.js'
import { checkNames } from '../../../src/policy/names.js'

const small = parseIamCatalogue(
  '# test catalogue\ns3:GetObject,PutObject\nec2:DescribeRegions\nsqs:GetQueueUrl\n'
)
const wording = { newerRelease: 'use a newer release' }
const NEWER = 'If AWS added it after that catalogue, use a newer release.'

function element(key: StatementElement['key'], ...values: string[]): StatementElement {
  return { statementIndex: 2, sid: 'Three', key, values }
}

function check(elements: StatementElement[], partition = 'aws') {
  return checkNames(elements, partition, () => small, wording)
}

describe('checkNames: actions', () => {
  it('passes known actions, wildcards that match, and *', () => {
    expect(
      check([element('Action', '*', 'S3:getobject', 's3:*Object', '*:Describe*', '*')])
    ).toEqual([])
  })

  it('passes * without expanding it, even against a catalogue that knows no action', () => {
    const empty = parseIamCatalogue('# empty catalogue\n')
    expect(checkNames([element('Action', '*')], 'aws', () => empty, wording)).toEqual([])
    const fresh = parseIamCatalogue('# test\ns3:GetObject\nec2:DescribeRegions\n')
    expect(checkNames([element('NotAction', '*')], 'aws', () => fresh, wording)).toEqual([])
    expect(parsedServices(fresh)).toEqual([])
  })

  it('reads no catalogue for resources alone', () => {
    const refuse = () => {
      throw new Error('catalogue loaded')
    }
    expect(checkNames([element('Resource', 'arn:aws:s3:::b')], 'aws', refuse, wording)).toEqual([])
  })

  it.each([
    [
      'Action',
      's3:GetObjekt',
      'has "s3:GetObjekt" in "Action", which is not an IAM action (checked against test catalogue); STS would accept it and it would grant nothing.',
      `Did you mean "s3:GetObject", "s3:PutObject"? ${NEWER}`
    ],
    [
      'NotAction',
      's3:Zzzzzzzz',
      'has "s3:Zzzzzzzz" in "NotAction", which is not an IAM action (checked against test catalogue); STS would accept it and it would grant nothing.',
      NEWER
    ],
    [
      'Action',
      's4:GetObject',
      'has "s4:GetObject" in "Action", but "s4" is not an IAM service prefix (checked against test catalogue).',
      `Did you mean "s3:GetObject"? ${NEWER}`
    ],
    [
      'Action',
      's3:Put*Tagging',
      'has "s3:Put*Tagging" in "Action", which matches no IAM action (checked against test catalogue).',
      NEWER
    ],
    [
      'Action',
      's*:Nothing',
      'has "s*:Nothing" in "Action", which matches no IAM action (checked against test catalogue).',
      NEWER
    ],
    [
      'Action',
      'zz:Get*',
      'has "zz:Get*" in "Action", but "zz" is not an IAM service prefix (checked against test catalogue).',
      NEWER
    ]
  ] as const)('refuses "%s": %j', (key, action, message, fix) => {
    expect(check([element(key, 's3:GetObject', action)])).toEqual([
      { statementIndex: 2, sid: 'Three', message, fix }
    ])
  })
})

describe('checkNames: resource ARNs', () => {
  it.each([
    ['*', 'aws'],
    ['arn:aws:s3:::b', 'aws'],
    ['arn:aws-cn:s3:::b', 'aws-cn'],
    ['arn:*:s3:::b', 'aws-cn'],
    ['arn:a?s:s3:::b', 'aws-cn'],
    ['arn:${aws:partition}:s3:::b', 'aws-cn'],
    ['arn:aws:ec2:eu-west-1:111122223333:instance/*', 'aws'],
    ['arn:aws-cn:ec2:cn-north-1:111122223333:instance/*', 'aws-cn'],
    ['arn:aws:ec2:*:111122223333:instance/*', 'aws'],
    ['arn:aws:ec2:cn-*:111122223333:instance/*', 'aws'],
    ['arn:aws:ec2:cn-north-?:111122223333:instance/*', 'aws'],
    ['arn:aws:ec2:${aws:RequestedRegion}:111122223333:instance/*', 'aws']
  ])('passes %j in partition %s', (resource, partition) => {
    expect(check([element('Resource', resource)], partition)).toEqual([])
  })

  it('refuses an ARN of another partition, with the ARN in the session partition', () => {
    expect(
      check([element('NotResource', '*', 'arn:aws:iam::aws:policy/x:y')], 'aws-us-gov')
    ).toEqual([
      {
        statementIndex: 2,
        sid: 'Three',
        message:
          'has "arn:aws:iam::aws:policy/x:y" in "NotResource", in partition "aws", but the region is in "aws-us-gov".',
        fix: 'Write "arn:aws-us-gov:iam::aws:policy/x:y".'
      }
    ])
  })

  it('refuses an ARN whose region is in another partition', () => {
    expect(
      check([element('Resource', 'arn:aws-cn:ec2:eu-west-1:111122223333:instance/*')], 'aws-cn')
    ).toEqual([
      {
        statementIndex: 2,
        sid: 'Three',
        message:
          'has "arn:aws-cn:ec2:eu-west-1:111122223333:instance/*" in "Resource", whose region eu-west-1 is in partition "aws", but the session\'s region is in "aws-cn".',
        fix: 'Use a region of the aws-cn partition, or "*".'
      }
    ])
  })

  it('checks every value of every element', () => {
    const problems = check([
      element('Resource', 'arn:aws-cn:s3:::a', 'arn:aws:s3:::b', 'arn:aws-cn:s3:::c'),
      element('Action', 's3:Nope')
    ])
    expect(problems.map(p => p.message.split(' in ')[0])).toEqual([
      'has "arn:aws-cn:s3:::a"',
      'has "arn:aws-cn:s3:::c"',
      'has "s3:Nope"'
    ])
  })
})
