import { describe, expect, it } from '@jest/globals'
import {
  explainStatements,
  renderExplanationMarkdown,
  renderExplanationText,
  summariseActions
} from '../../../src/policy/explain.js'
import { checkGrammar } from '../../../src/policy/grammar.js'
import { allow, catalogue, policy } from '../../support/policies.js'

describe('explain', () => {
  const document = policy(
    allow(['s3:Get*Object', 's3:ListBucket'], ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'], {
      Sid: 'Read',
      Condition: { StringEquals: { 'aws:RequestedRegion': ['eu-west-1', 'eu-west-2'] } }
    }),
    allow(['ec2:Describe*', 'logs:*']),
    { Effect: 'Deny', NotAction: 's3:*', Resource: '*' }
  )
  // Built inside each test, not when the file loads: mutation testing counts what runs outside a
  // test against every test.
  const report = {
    get explanation() {
      return explainStatements(checkGrammar(document).statements, catalogue)
    }
  }

  it('expands the actions of each statement, counted per service', () => {
    const [read, describe, notAction] = report.explanation
    expect(read.label).toBe('statement 1 (Sid "Read")')
    expect(read.actions.byService).toEqual([
      expect.objectContaining({
        service: 's3',
        actions: expect.arrayContaining(['s3:GetObject', 's3:ListBucket'])
      })
    ])
    expect(read.conditions).toEqual([
      { operator: 'StringEquals', key: 'aws:RequestedRegion', values: ['eu-west-1', 'eu-west-2'] }
    ])
    expect(describe.actions.byService.map(s => s.service)).toEqual(['ec2', 'logs'])
    expect(describe.actions.byService[1].all).toBe(true)
    expect(notAction.effect).toBe('Deny')
    expect(notAction.actions.count).toBe(catalogue.size - catalogue.actionsOf('s3').length)
  })

  it('summarises long lists per service', () => {
    expect(summariseActions(report.explanation[0])).toMatch(/^\d actions: s3:Get/)
    expect(summariseActions(report.explanation[1])).toMatch(
      /^\d+ actions in 2 services: ec2 \(\d+\), logs \(all \d+\)$/
    )
    expect(summariseActions(report.explanation[2])).toMatch(
      /in \d+ services: .*, and \d+ more services/
    )
  })

  it('renders text for the debug log and a markdown table for the job summary', () => {
    const text = renderExplanationText(report.explanation)
    expect(text).toContain('statement 1 (Sid "Read"): Allow')
    expect(text).toContain('StringEquals aws:RequestedRegion in ["eu-west-1", "eu-west-2"]')
    expect(text).toContain('every action except: s3:*')
    const markdown = renderExplanationMarkdown(report.explanation).split('\n')
    expect(markdown[0]).toBe('| Statement | Effect | Actions | Resources | Conditions |')
    expect(markdown).toHaveLength(2 + 3)
    expect(markdown[2]).toMatch(/^\| 1 Read \| Allow \| `s3:Get\*Object`/)
  })
})
