import { describe, expect, it } from '@jest/globals'
import { lineAndColumn, statementSpans } from '../../../src/cli/json-position.js'

/** The text of each statement span, as a message would point at it. */
const statements = (text: string): string[] =>
  statementSpans(text).map(span => text.slice(span.start, span.end))

describe('statementSpans', () => {
  it('finds each element of a Statement array, whatever comes before it', () => {
    const first = '{ "Effect": "Allow", "Action": ["s3:Get*"], "Resource": "*" }'
    const second =
      '{"Effect":"Deny","Action":"iam:*","Resource":"*","Condition":{"Bool":{"aws:x":true}}}'
    const text = `{\n  "Version": "2012-10-17",\n  "Id": "a \\"quoted\\" ] } , name",\n  "Other": [1, {"Statement": []}, null],\n  "Statement": [\n    ${first},\n    ${second}\n  ]\n}\n`
    expect(statements(text)).toEqual([first, second])
  })

  it('takes one statement object as one span', () => {
    const statement = '{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}'
    expect(statements(`{"Statement":${statement},"Version":"2012-10-17"}`)).toEqual([statement])
  })

  it('skips strings holding brackets, braces, commas and escapes', () => {
    const statement = '{"Sid":"[{,\\\\\\"}]","Effect":"Allow"}'
    expect(JSON.parse(statement).Sid).toBe('[{,\\"}]')
    expect(statements(`{"Statement":[${statement}]}`)).toEqual([statement])
  })

  it('finds nothing without a Statement, or with one that is neither object nor array', () => {
    expect(statementSpans('{"Version":"2012-10-17"}')).toEqual([])
    expect(statementSpans('{"Statement":"Allow"}')).toEqual([])
    expect(statementSpans('{"Statement":[]}')).toEqual([])
    expect(statementSpans('{"Statement":[ \n ]}')).toEqual([])
  })

  it('finds nothing in a document that is a lone value, reading no further than its end', () => {
    for (const text of ['true', ' 42', 'null\n', '"Statement"'])
      expect(statementSpans(text)).toEqual([])
  })

  it('takes elements with or without spaces around the commas', () => {
    const text = '{"Statement":[ {"Sid":"a"} ,{"Sid":"b"},\n\t{"Sid":"c"} ]}'
    expect(statements(text)).toEqual(['{"Sid":"a"}', '{"Sid":"b"}', '{"Sid":"c"}'])
  })
})

describe('lineAndColumn', () => {
  it('counts lines and columns from 1', () => {
    const text = 'ab\ncd\n\nef'
    expect(lineAndColumn(text, 0)).toEqual({ line: 1, column: 1 })
    expect(lineAndColumn(text, 1)).toEqual({ line: 1, column: 2 })
    expect(lineAndColumn(text, 3)).toEqual({ line: 2, column: 1 })
    expect(lineAndColumn(text, 7)).toEqual({ line: 4, column: 1 })
    expect(lineAndColumn(text, text.indexOf('f'))).toEqual({ line: 4, column: 2 })
  })
})
