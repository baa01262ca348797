import { describe, expect, it } from '@jest/globals'
import { RUNNER_WORDING } from '../../../src/action/wording.js'
import { policyDataLoaders } from '../../../src/policy/data.js'
import type { Grant, RecordedCall } from '../../../src/record/calls.js'
import {
  buildReport,
  GAPS,
  reportJson,
  reportSummary,
  type RecordReport
} from '../../../src/record/report.js'

function call(fields: Partial<RecordedCall> = {}): RecordedCall {
  return {
    service: 's3',
    operation: 'GetObject',
    region: 'eu-west-1',
    count: 1,
    via: ['proxy'],
    grants: [{ action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', dependent: false }],
    ...fields
  }
}

const grant = (action: string, resource: string, dependent = false): Grant => ({
  action,
  resource,
  dependent
})

const build = (calls: RecordedCall[], overflow?: number) =>
  buildReport(calls, policyDataLoaders, RUNNER_WORDING, overflow)

describe('buildReport', () => {
  it('proposes the policy of the calls, lists the unmapped ones and the gaps', () => {
    const unmapped = call({ operation: undefined, grants: [], unmapped: 'why' })
    const calls = [call(), unmapped]
    expect(build(calls)).toStrictEqual({
      calls,
      policy: {
        text: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/k"}]}',
        document: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/k' }]
        },
        widened: []
      },
      unmapped: [unmapped],
      warnings: [],
      gaps: GAPS,
      overflow: 0
    })
  })

  it('says how many calls were not listed', () => {
    expect(build([call()], 7).overflow).toBe(7)
  })

  it('checks no policy when there is none', () => {
    const report = build([call({ grants: [], unmapped: 'why' })])
    expect(report.policy).toStrictEqual({ widened: [] })
    expect(report.warnings).toEqual([])
  })

  it('passes on what the policy checks warn about', () => {
    expect(build([call({ grants: [grant('*', '*')] })]).warnings).toEqual([
      'inline-session-policy: statement 1 allows every action on every resource with no condition, so the session policy narrows nothing: the session can do all the role can.'
    ])
  })

  it('checks ARNs against the partition of the first call that names a region', () => {
    const china = [
      call({ region: '', grants: [] }),
      call({ region: 'cn-north-1', grants: [grant('s3:GetObject', 'arn:aws-cn:s3:::b/k')] })
    ]
    expect(build(china).warnings).toEqual([])
    expect(() => build([call({ grants: [grant('s3:GetObject', 'arn:aws-cn:s3:::b/k')] })])).toThrow(
      /partition "aws-cn", but the region is in "aws"/
    )
  })

  it('checks a proposal with no region named against the aws partition', () => {
    const report = build([call({ region: '' })])
    expect(report.policy.text).toContain('arn:aws:s3:::b/k')
    expect(() =>
      build([call({ region: '', grants: [grant('s3:GetObject', 'arn:aws-cn:s3:::b/k')] })])
    ).toThrow(/partition "aws-cn", but the region is in "aws"/)
  })

  it('refuses to propose a policy the policy checks refuse', () => {
    expect(() => build([call({ grants: [grant('s3:GetObject', 'not-an-arn')] })])).toThrow(
      /inline-session-policy/
    )
  })
})

/** A report with one of everything. */
const full: RecordReport = {
  calls: [
    call({ count: 3, via: ['proxy', 'csm'] }),
    call({
      service: 'lambda',
      operation: 'CreateFunction',
      grants: [
        grant('lambda:CreateFunction', 'arn:aws:lambda:eu-west-1:*:function:f'),
        grant('iam:PassRole', 'arn:aws:iam::1:role/r', true)
      ]
    }),
    call({ service: 'x', operation: undefined, grants: [], via: ['csm'], unmapped: 'no route' })
  ],
  policy: {
    text: '{"p":1}',
    document: { Version: '2012-10-17', Statement: [] },
    widened: ['first note', 'second note']
  },
  unmapped: [],
  warnings: ['warning one', 'warning two'],
  gaps: ['gap one', 'gap two'],
  overflow: 4
}
full.unmapped = [full.calls[2]]

describe('reportJson', () => {
  it('writes every part of the report, indented, with a final newline', () => {
    const expected = {
      policy: { Version: '2012-10-17', Statement: [] },
      widened: ['first note', 'second note'],
      calls: [
        {
          service: 's3',
          operation: 'GetObject',
          region: 'eu-west-1',
          count: 3,
          seenBy: ['proxy', 'csm'],
          actions: [{ action: 's3:GetObject', resource: 'arn:aws:s3:::b/k' }]
        },
        {
          service: 'lambda',
          operation: 'CreateFunction',
          region: 'eu-west-1',
          count: 1,
          seenBy: ['proxy'],
          actions: [
            { action: 'lambda:CreateFunction', resource: 'arn:aws:lambda:eu-west-1:*:function:f' },
            { action: 'iam:PassRole', resource: 'arn:aws:iam::1:role/r', dependent: true }
          ]
        },
        {
          service: 'x',
          operation: null,
          region: 'eu-west-1',
          count: 1,
          seenBy: ['csm'],
          actions: [],
          unmapped: 'no route'
        }
      ],
      warnings: ['warning one', 'warning two'],
      notListed: 4,
      gaps: ['gap one', 'gap two']
    }
    expect(reportJson(full)).toBe(`${JSON.stringify(expected, null, 2)}\n`)
  })

  it('writes a null policy when there is none', () => {
    const empty = { ...full, policy: { widened: [] } }
    expect(JSON.parse(reportJson(empty))).toMatchObject({ policy: null, widened: [] })
  })
})

describe('reportSummary', () => {
  it('gives the policy, what was widened, each call, what is missing, and the gaps', () => {
    expect(reportSummary(full)).toBe(
      [
        'Proposed inline-session-policy:',
        '{"p":1}',
        '',
        'Widened to fit 2,048 characters: first note',
        'Widened to fit 2,048 characters: second note',
        'Calls (3):',
        '  s3 GetObject ×3 [proxy+csm]: s3:GetObject on arn:aws:s3:::b/k',
        '  lambda CreateFunction ×1 [proxy]: lambda:CreateFunction on arn:aws:lambda:eu-west-1:*:function:f, iam:PassRole on arn:aws:iam::1:role/r (dependent)',
        '  x (unknown operation) ×1 [csm]: UNMAPPED: no route',
        '1 call(s) map to no IAM action and are not in the policy; add what they need by hand.',
        '4 further distinct call(s) were not recorded: the command made more than 10000.',
        'Warning: warning one',
        'Warning: warning two',
        'Not seen by a recording:',
        '  - gap one',
        '  - gap two',
        ''
      ].join('\n')
    )
  })

  it('says when there is no policy, and leaves out the counts that are zero', () => {
    const report = build([call({ grants: [], unmapped: 'none' })])
    expect(reportSummary({ ...report, unmapped: [], gaps: ['g'] })).toBe(
      [
        'No recorded call maps to an IAM action, so there is no policy to propose.',
        'Calls (1):',
        '  s3 GetObject ×1 [proxy]: UNMAPPED: none',
        'Not seen by a recording:',
        '  - g',
        ''
      ].join('\n')
    )
  })

  it('lists the gaps a recording cannot see', () => {
    expect(GAPS).toHaveLength(5)
    for (const gap of GAPS) {
      expect(gap).toMatch(/^[A-Z].{40,}\.$/)
      expect(reportSummary(build([]))).toContain(`  - ${gap}\n`)
    }
  })
})
