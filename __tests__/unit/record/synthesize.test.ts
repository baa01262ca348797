import { describe, expect, it } from '@jest/globals'
import type { RecordedCall } from '../../../src/record/calls.js'
import { synthesizePolicy } from '../../../src/record/synthesize.js'

/** A recorded call needing each `[action, resource]` pair. */
function call(...grants: [string, string][]): RecordedCall {
  return {
    service: 'svc',
    operation: 'Op',
    region: 'eu-west-1',
    count: 1,
    via: ['proxy'],
    grants: grants.map(([action, resource]) => ({ action, resource, dependent: false }))
  }
}

const allow = (Action: string | string[], Resource: string | string[]) => ({
  Effect: 'Allow',
  Action,
  Resource
})

const range = (n: number, name: (i: number) => string) =>
  Array.from({ length: n }, (_, i) => name(i))

describe('synthesizePolicy', () => {
  it('proposes nothing when no call needs an action', () => {
    expect(synthesizePolicy([])).toStrictEqual({ widened: [] })
    expect(synthesizePolicy([call()])).toStrictEqual({ widened: [] })
  })

  it('lists each action once per set of resources, sorted, and sends the minified text', () => {
    const policy = synthesizePolicy([
      call(['sqs:SendMessage', '*'], ['sqs:SendMessage', 'arn:aws:sqs:eu-west-1:1:q']),
      call(['s3:PutObject', 'arn:aws:s3:::b/k2'], ['s3:PutObject', 'arn:aws:s3:::b/k1']),
      call(['s3:GetObject', 'arn:aws:s3:::b/k1'], ['s3:GetObject', 'arn:aws:s3:::b/k2']),
      call(['s3:GetObject', 'arn:aws:s3:::b/k2'], ['s3:ListBucket', 'arn:aws:s3:::b'])
    ])
    const document = {
      Version: '2012-10-17',
      Statement: [
        allow(['s3:GetObject', 's3:PutObject'], ['arn:aws:s3:::b/k1', 'arn:aws:s3:::b/k2']),
        allow('s3:ListBucket', 'arn:aws:s3:::b'),
        allow('sqs:SendMessage', '*')
      ]
    }
    expect(policy).toStrictEqual({ text: JSON.stringify(document), document, widened: [] })
  })

  /** One action on two resources of different parents, the text `length` characters long. */
  function sized(length: number): RecordedCall[] {
    const probe = synthesizePolicy([
      call(['s3:GetObject', 'arn:aws:s3:::a/k'], ['s3:GetObject', 'arn:aws:s3:::b/'])
    ])
    const pad = 'p'.repeat(length - probe.text!.length)
    return [call(['s3:GetObject', 'arn:aws:s3:::a/k'], ['s3:GetObject', `arn:aws:s3:::b/${pad}`])]
  }

  it('keeps a policy of exactly 2,048 characters as it is', () => {
    const policy = synthesizePolicy(sized(2048))
    expect(policy.text).toHaveLength(2048)
    expect(policy.widened).toEqual([])
  })

  it('widens a policy of 2,049 characters, saying how', () => {
    expect(synthesizePolicy(sized(2049))).toStrictEqual({
      text: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}',
      document: { Version: '2012-10-17', Statement: [allow('s3:GetObject', '*')] },
      widened: ['resources widened to *: s3:GetObject']
    })
  })

  it('first collapses sibling resources to their parent, one action at a time', () => {
    const objects = range(40, i => `arn:aws:s3:::bucket/deep/path/object-${i}.json`)
    const queues = range(40, i => `arn:aws:sqs:eu-west-1:111122223333:queue-number-${i}`)
    const policy = synthesizePolicy([
      call(...objects.map((arn): [string, string] => ['s3:GetObject', arn])),
      call(...queues.map((arn): [string, string] => ['sqs:SendMessage', arn])),
      call(
        ['s3:ListBucket', 'arn:aws:s3:::bucket'],
        ['sns:Publish', '*'],
        ['kms:Decrypt', 'k'],
        ['kms:Decrypt', 'l']
      )
    ])
    expect(policy.document).toStrictEqual({
      Version: '2012-10-17',
      Statement: [
        allow('kms:Decrypt', ['k', 'l']),
        allow('s3:GetObject', 'arn:aws:s3:::bucket/deep/path/*'),
        allow('s3:ListBucket', 'arn:aws:s3:::bucket'),
        allow('sns:Publish', '*'),
        allow('sqs:SendMessage', 'arn:aws:sqs:eu-west-1:111122223333:*')
      ]
    })
    expect(policy.widened).toEqual([
      'resources collapsed to patterns: s3:GetObject on arn:aws:s3:::bucket/deep/path/* (was 40 ARNs); sqs:SendMessage on arn:aws:sqs:eu-west-1:111122223333:* (was 40 ARNs)'
    ])
  })

  it('collapses as few as two siblings before it widens further', () => {
    const long = range(60, i => `arn:aws:s3:::bucket-${i}/only-object-in-this-bucket`)
    const policy = synthesizePolicy([
      call(['s3:GetObject', 'arn:aws:s3:::pair/a'], ['s3:GetObject', 'arn:aws:s3:::pair/b']),
      call(...long.map((arn): [string, string] => ['s3:PutObject', arn]))
    ])
    expect(policy.widened).toEqual([
      'resources collapsed to patterns: s3:GetObject on arn:aws:s3:::pair/* (was 2 ARNs)',
      'resources widened to *: s3:GetObject, s3:PutObject'
    ])
    expect(policy.document?.Statement).toStrictEqual([allow(['s3:GetObject', 's3:PutObject'], '*')])
  })

  it('then widens every action’s resources to *, naming the actions it widened', () => {
    const many = range(60, i => `arn:aws:s3:::bucket-${i}/only-object-in-this-bucket`)
    const policy = synthesizePolicy([
      call(...many.map((arn): [string, string] => ['s3:GetObject', arn])),
      call(...many.map((arn): [string, string] => ['s3:PutObject', arn])),
      call(['sns:Publish', '*'])
    ])
    expect(policy.document?.Statement).toStrictEqual([
      allow(['s3:GetObject', 's3:PutObject', 'sns:Publish'], '*')
    ])
    expect(policy.widened).toEqual(['resources widened to *: s3:GetObject, s3:PutObject'])
  })

  it('then merges actions of a service that share a verb into a pattern', () => {
    const describe = range(100, i => `ec2:DescribeThingNumber${i}`)
    const policy = synthesizePolicy([
      call(...describe.map((action): [string, string] => [action, '*'])),
      call(['s3:GetObject', '*'], ['s3:GetBucketPolicy', '*']),
      call(['sqs:SendMessage', '*'], ['sns:Publish', '*']),
      call(['resource-groups:ListGroups', '*'], ['resource-groups:ListGroupResources', '*']),
      call(['svc:ABC', '*'], ['svc:ABD', '*'])
    ])
    expect(policy.document?.Statement).toStrictEqual([
      allow(
        [
          'ec2:Describe*',
          'resource-groups:List*',
          's3:Get*',
          'sns:Publish',
          'sqs:SendMessage',
          'svc:ABC',
          'svc:ABD'
        ],
        '*'
      )
    ])
    expect(policy.widened).toEqual([
      `actions widened to patterns: ec2:Describe* for ${describe.join(', ')}; s3:Get* for s3:GetObject, s3:GetBucketPolicy; resource-groups:List* for resource-groups:ListGroups, resource-groups:ListGroupResources`
    ])
  })

  it('refuses calls whose actions do not fit even with wildcards, counting them all', () => {
    const distinct = range(300, i => `service${i}:Act`)
    expect(() =>
      synthesizePolicy([
        call(...distinct.map((action): [string, string] => [action, '*'])),
        call(['ec2:DescribeA', '*'], ['ec2:DescribeB', '*'])
      ])
    ).toThrow(
      new Error(
        "the recorded calls need 302 distinct actions, more than a 2048-character session policy can list even with wildcards; record the step's commands separately."
      )
    )
  })
})
