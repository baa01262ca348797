import { describe, expect, it } from '@jest/globals'
import {
  compileActionList,
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
