import { describe, expect, it } from '@jest/globals'
import { checkGrammar } from '../../../src/policy/grammar.js'
import { allow, policy } from '../../support/policies.js'

describe('checkGrammar', () => {
  it('is pure and returns the normalised statements', () => {
    const result = checkGrammar(
      policy(
        allow('s3:GetObject', 'arn:aws:s3:::b/*', {
          Sid: 'Read',
          Condition: { Bool: { 'aws:SecureTransport': 'true' } }
        })
      )
    )
    expect(result.problems).toEqual([])
    expect(result.statements).toEqual([
      {
        index: 0,
        sid: 'Read',
        effect: 'Allow',
        notAction: false,
        actions: ['s3:GetObject'],
        notResource: false,
        resources: ['arn:aws:s3:::b/*'],
        conditions: [{ operator: 'Bool', key: 'aws:SecureTransport', values: ['true'] }]
      }
    ])
  })

  it('refuses a document that is not an object', () => {
    expect(checkGrammar([]).problems[0].message).toMatch(/not a JSON object/)
  })
})
