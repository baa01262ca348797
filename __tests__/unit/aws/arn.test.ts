import { describe, expect, it } from '@jest/globals'
import {
  accountOf,
  awsManagedPolicyArn,
  isBareRoleName,
  isPolicyArn,
  isRegion,
  isRoleArn,
  parseArn,
  partitionOf,
  roleArnFor
} from '../../../src/aws/arn.js'

describe('partitionOf', () => {
  it.each([
    ['us-east-1', 'aws'],
    ['eu-central-2', 'aws'],
    ['cn-north-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov'],
    ['us-isob-east-1', 'aws-iso-b'],
    ['us-iso-east-1', 'aws-iso'],
    ['eu-isoe-west-1', 'aws-iso-e'],
    ['us-isof-south-1', 'aws-iso-f'],
    ['eusc-de-east-1', 'aws-eusc'],
    // Only the start of the name decides.
    ['xx-cn-1', 'aws'],
    ['xx-us-gov-1', 'aws'],
    ['xx-us-isob-1', 'aws'],
    ['xx-us-iso-1', 'aws'],
    ['xx-eu-isoe-1', 'aws'],
    ['xx-us-isof-1', 'aws'],
    ['xx-eusc-1', 'aws']
  ])('%s is in %s', (region, partition) => {
    expect(partitionOf(region)).toBe(partition)
  })
})

describe('isRegion', () => {
  it.each(['us-east-1', 'us-gov-west-1', 'eusc-de-east-1', 'ap-southeast-10', 'cn-north-1'])(
    'accepts %s',
    region => {
      expect(isRegion(region)).toBe(true)
    }
  )

  it.each([
    ['a one-letter prefix', 'u-east-1'],
    ['a five-letter prefix', 'useas-east-1'],
    ['no area', 'us-1'],
    ['no number', 'us-east-'],
    ['a number without its dash', 'us-east1'],
    ['a three-digit number', 'us-east-100'],
    ['upper case', 'US-east-1'],
    ['an upper-case area', 'us-EAST-1'],
    ['a digit in the prefix', 'u1-east-1'],
    ['text before it', ' us-east-1'],
    ['text after it', 'us-east-1a'],
    ['an empty area', 'us--east-1'],
    ['nothing', '']
  ])('refuses %s (%j)', (_, region) => {
    expect(isRegion(region)).toBe(false)
  })
})

describe('parseArn', () => {
  it('splits an ARN into its parts', () => {
    expect(parseArn('arn:aws-us-gov:s3:us-gov-west-1:123456789012:bucket/key')).toEqual({
      partition: 'aws-us-gov',
      service: 's3',
      region: 'us-gov-west-1',
      account: '123456789012',
      resource: 'bucket/key'
    })
  })

  it('keeps the colons of the resource', () => {
    expect(parseArn('arn:aws:logs:us-east-1:123456789012:log-group:app:*')?.resource).toBe(
      'log-group:app:*'
    )
  })

  it('takes six parts with empty region and account', () => {
    expect(parseArn('arn:aws:s3:::bucket')).toEqual({
      partition: 'aws',
      service: 's3',
      region: '',
      account: '',
      resource: 'bucket'
    })
  })

  it.each([
    ['five parts', 'arn:aws:s3::bucket'],
    ['another prefix', 'arx:aws:s3:::bucket'],
    ['an upper-case prefix', 'ARN:aws:s3:::bucket'],
    ['an unknown partition', 'arn:gcp:s3:::bucket'],
    ['a partition with text before aws', 'arn:xaws:s3:::bucket'],
    ['a partition with text after aws', 'arn:awsx:s3:::bucket'],
    ['a partition ending in a dash', 'arn:aws-:s3:::bucket'],
    ['a partition with a digit', 'arn:aws-cn1:s3:::bucket'],
    ['an upper-case partition', 'arn:aws-CN:s3:::bucket'],
    ['an upper-case service', 'arn:aws:S3:::bucket'],
    ['a service with a space', 'arn:aws:s 3:::bucket'],
    ['an empty service', 'arn:aws::::bucket'],
    ['an empty resource', 'arn:aws:s3:::'],
    ['nothing', '']
  ])('refuses %s (%s)', (_, value) => {
    expect(parseArn(value)).toBeUndefined()
  })

  it('takes services with digits and dashes', () => {
    expect(parseArn('arn:aws:resource-groups-2:us-east-1:123456789012:group/x')?.service).toBe(
      'resource-groups-2'
    )
  })
})

describe('isRoleArn', () => {
  it.each([
    'arn:aws:iam::123456789012:role/deploy',
    'arn:aws-cn:iam::123456789012:role/ci/deploy',
    'arn:aws:iam::123456789012:role/a/b/c+=,.@_-1',
    `arn:aws:iam::123456789012:role/${'n'.repeat(64)}`
  ])('accepts %s', value => {
    expect(isRoleArn(value)).toBe(true)
  })

  it.each([
    ['another service', 'arn:aws:sts::123456789012:role/deploy'],
    ['a region', 'arn:aws:iam:us-east-1:123456789012:role/deploy'],
    ['an 11-digit account', 'arn:aws:iam::12345678901:role/deploy'],
    ['a 13-digit account', 'arn:aws:iam::1234567890123:role/deploy'],
    ['an account with a letter', 'arn:aws:iam::12345678901x:role/deploy'],
    ['a name of 65 characters', `arn:aws:iam::123456789012:role/${'n'.repeat(65)}`],
    ['no name', 'arn:aws:iam::123456789012:role/'],
    ['a path without a name', 'arn:aws:iam::123456789012:role/ci/'],
    ['an empty path segment', 'arn:aws:iam::123456789012:role//deploy'],
    ['a space in the name', 'arn:aws:iam::123456789012:role/de ploy'],
    ['a space in the path', 'arn:aws:iam::123456789012:role/c i/deploy'],
    ['a user', 'arn:aws:iam::123456789012:user/deploy'],
    ['text before role/', 'arn:aws:iam::123456789012:xrole/deploy'],
    ['not an ARN', 'deploy']
  ])('refuses %s', (_, value) => {
    expect(isRoleArn(value)).toBe(false)
  })
})

describe('isBareRoleName', () => {
  it.each(['deploy', 'ci/deploy', 'a+=,.@_-1', 'n'.repeat(64)])('accepts %s', value => {
    expect(isBareRoleName(value)).toBe(true)
  })

  it.each([
    'arn:aws:iam::123456789012:role/deploy',
    '',
    'ci/',
    '/deploy',
    'de ploy',
    'n'.repeat(65)
  ])('refuses %j', value => {
    expect(isBareRoleName(value)).toBe(false)
  })
})

describe('building ARNs', () => {
  it('builds a role ARN', () => {
    expect(roleArnFor('aws-cn', '123456789012', 'ci/deploy')).toBe(
      'arn:aws-cn:iam::123456789012:role/ci/deploy'
    )
  })

  it('builds an AWS managed policy ARN', () => {
    expect(awsManagedPolicyArn('aws-us-gov', 'job-function/ViewOnlyAccess')).toBe(
      'arn:aws-us-gov:iam::aws:policy/job-function/ViewOnlyAccess'
    )
  })
})

describe('isPolicyArn', () => {
  const longPath = (length: number) => {
    const prefix = 'arn:aws:iam::123456789012:policy/'
    const path = 'p/'.repeat(1000)
    return `${prefix}${path}${'n'.repeat(length - prefix.length - path.length)}`
  }

  it.each([
    'arn:aws:iam::aws:policy/ReadOnlyAccess',
    'arn:aws:iam::aws:policy/job-function/ViewOnlyAccess',
    'arn:aws-cn:iam::123456789012:policy/team/a+=,.@_-1',
    'arn:aws:iam::aws:policy/x',
    `arn:aws:iam::123456789012:policy/${'n'.repeat(128)}`,
    longPath(2048)
  ])('accepts %s', value => {
    expect(isPolicyArn(value)).toBe(true)
  })

  it.each([
    ['another service', 'arn:aws:sts::aws:policy/ReadOnlyAccess'],
    ['a region', 'arn:aws:iam:us-east-1:aws:policy/ReadOnlyAccess'],
    ['another owner word', 'arn:aws:iam::amazon:policy/ReadOnlyAccess'],
    ['an 11-digit account', 'arn:aws:iam::12345678901:policy/P'],
    ['a 13-digit account', 'arn:aws:iam::1234567890123:policy/P'],
    ['an account with a letter', 'arn:aws:iam::12345678901x:policy/P'],
    ['a name of 129 characters', `arn:aws:iam::123456789012:policy/${'n'.repeat(129)}`],
    ['no name', 'arn:aws:iam::aws:policy/'],
    ['a path without a name', 'arn:aws:iam::aws:policy/team/'],
    ['an empty path segment', 'arn:aws:iam::aws:policy//P'],
    ['a space in the path', 'arn:aws:iam::aws:policy/t m/P'],
    ['a space in the name', 'arn:aws:iam::aws:policy/P Q'],
    ['a role', 'arn:aws:iam::aws:role/P'],
    ['text before policy/', 'arn:aws:iam::aws:xpolicy/P'],
    ['more than 2048 characters', longPath(2049)],
    ['not an ARN', 'ReadOnlyAccess']
  ])('refuses %s', (_, value) => {
    expect(isPolicyArn(value)).toBe(false)
  })

  it('measures the long cases as meant', () => {
    expect([longPath(2048).length, longPath(2049).length]).toEqual([2048, 2049])
  })
})

describe('accountOf', () => {
  it('is the account of an ARN', () => {
    expect(accountOf('arn:aws:sts::123456789012:assumed-role/deploy/ci')).toBe('123456789012')
  })

  it('is empty for what is not an ARN', () => {
    expect(accountOf('deploy')).toBe('')
  })
})
