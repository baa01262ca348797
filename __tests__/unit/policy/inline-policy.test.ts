import { describe, expect, it } from '@jest/globals'
import { minifyInlinePolicy } from '../../../src/policy/inline-policy.js'
import { errorOf } from '../../support/inputs.js'

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
