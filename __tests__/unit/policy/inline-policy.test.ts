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

describe('minifyInlinePolicy, exactly', () => {
  const EXAMPLE_FIX =
    'Write a policy such as {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::my-bucket/*"}]}.'

  it('names the file and points at the place of a JSON error in it', () => {
    const error = errorOf(() => minifyInlinePolicy('{\n  x', INPUT, 'policies/deploy.json'))
    expect(error.message).toBe(
      `${INPUT}: policies/deploy.json is not valid JSON: the unquoted key x at line 2, column 3 (write "x"). ${EXAMPLE_FIX}`
    )
    expect(error.location).toEqual({ file: 'policies/deploy.json', line: 2, column: 3 })
  })

  it('gives no place for a JSON error in the input itself', () => {
    const error = errorOf(() => minifyInlinePolicy('[', INPUT))
    expect(error.message).toBe(
      `${INPUT}: is not valid JSON: the text ends too early (an unclosed bracket, brace or string?); expected a value at line 1, column 2. ${EXAMPLE_FIX}`
    )
    expect(error.location).toBeUndefined()
  })

  it.each([['null'], ['[]'], ['"policy"'], ['7']])('refuses %s as not an object', text => {
    expect(errorOf(() => minifyInlinePolicy(text, INPUT)).message).toBe(
      `${INPUT}: must be a JSON object (a policy document). ${EXAMPLE_FIX}`
    )
  })

  it('refuses an object without a Statement', () => {
    expect(errorOf(() => minifyInlinePolicy('{"Version":"2012-10-17"}', INPUT)).message).toBe(
      `${INPUT}: has no "Statement". ${EXAMPLE_FIX}`
    )
  })

  it.each([
    ['{"Statement":"Ā"}', 'Ā', '0100', '{"Statement":"Ā"'],
    ['{"Statement":"abcdefghijklmnop😀"}', '😀', '1F600', 't":"abcdefghijklmnop😀'],
    ['{"Statement":"\\tÿ✓"}', '✓', '2713', '{"Statement":"\\tÿ✓"']
  ])(
    'refuses %j, naming the character, its code point and what is before it',
    (text, char, point, context) => {
      expect(errorOf(() => minifyInlinePolicy(text, INPUT)).message).toBe(
        `${INPUT}: contains '${char}' (U+${point}) near "${context}"; STS accepts only tab, line breaks and characters U+0020 to U+00FF in a session policy. Replace it with plain ASCII text.`
      )
    }
  )

  it('accepts 2048 characters after minifying, and refuses 2049', () => {
    const sized = (length: number) => {
      const text = `{"Statement":"${'x'.repeat(length - 16)}"}`
      expect(text).toHaveLength(length)
      return text
    }
    expect(minifyInlinePolicy(` ${sized(2048)} `, INPUT)).toEqual({
      text: sized(2048),
      document: { Statement: 'x'.repeat(2032) }
    })
    expect(errorOf(() => minifyInlinePolicy(sized(2049), INPUT)).message).toBe(
      `${INPUT}: is 2049 characters after minifying; STS accepts at most 2048. Merge statements, use wildcards such as "s3:Get*", or move part of it into managed-session-policies.`
    )
  })
})
