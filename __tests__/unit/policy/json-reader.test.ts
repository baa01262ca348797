import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { InputError } from '../../../src/shared/errors.js'
import { minifyInlinePolicy } from '../../../src/policy/inline-policy.js'
import { JsonReadError, MAX_POLICY_DEPTH, readPolicyJson } from '../../../src/policy/json-reader.js'

function problemOf(text: string): JsonReadError {
  try {
    readPolicyJson(text)
  } catch (error) {
    if (error instanceof JsonReadError) return error
    throw error
  }
  throw new Error('expected a JsonReadError')
}

/** Policy-shaped documents: statements with the usual keys, strings with escapes, conditions. */
const text = fc.string({ maxLength: 12 })
const stringOrList = fc.oneof(text, fc.array(text, { minLength: 1, maxLength: 3 }))
const statement = fc.record(
  {
    Sid: fc.stringMatching(/^[A-Za-z0-9]{0,8}$/),
    Effect: fc.constantFrom('Allow', 'Deny'),
    Action: stringOrList,
    Resource: stringOrList,
    Condition: fc.dictionary(
      text,
      fc.dictionary(text, fc.oneof(stringOrList, fc.integer(), fc.boolean()), { maxKeys: 2 }),
      { maxKeys: 2 }
    )
  },
  { requiredKeys: ['Effect', 'Action'] }
)
const policy = fc.record({
  Version: fc.constant('2012-10-17'),
  Statement: fc.array(statement, { minLength: 1, maxLength: 3 })
})

describe('readPolicyJson', () => {
  it('reads back every policy-shaped document as JSON.parse does, minified or pretty', () => {
    fc.assert(
      fc.property(policy, fc.constantFrom(0, 2, '\t'), (document, indent) => {
        const written = JSON.stringify(document, null, indent)
        expect(readPolicyJson(written)).toEqual(JSON.parse(written))
      }),
      { numRuns: 500 }
    )
  })

  it('turns any corruption into an input error, never a crash', () => {
    const corruption = fc.record({
      at: fc.nat(),
      remove: fc.nat({ max: 3 }),
      insert: fc.string({
        unit: fc.constantFrom(
          '{',
          '}',
          '[',
          ']',
          ',',
          '"',
          "'",
          ':',
          '/',
          '\\',
          'x',
          ' ',
          '\n',
          '\uFEFF'
        ),
        maxLength: 3
      })
    })
    fc.assert(
      fc.property(policy, corruption, (document, { at, remove, insert }) => {
        const written = JSON.stringify(document, null, 2)
        const cut = at % (written.length + 1)
        const corrupted = written.slice(0, cut) + insert + written.slice(cut + remove)
        try {
          minifyInlinePolicy(corrupted, 'inline-session-policy')
        } catch (error) {
          expect(error).toBeInstanceOf(InputError)
        }
      }),
      { numRuns: 2000 }
    )
  })

  it.each([
    ['{"Statement": [],}', "a trailing comma before '}' at line 1, column 17"],
    ['{\n  "Statement": [1, 2,\n  ]\n}', "a trailing comma before ']' at line 2, column 21"],
    ["{'Statement': []}", 'a single quote at line 1, column 2'],
    ['{\n  // read only\n  "Statement": []\n}', 'a comment at line 2, column 3'],
    ['{Statement: []}', 'the unquoted key Statement at line 1, column 2 (write "Statement")'],
    ['{"Statement": [] "Version": "2012-10-17"}', "a missing comma before '\"'"],
    ['{"Statement": [}', "unexpected '}' at line 1, column 16"],
    ['{"Statement": "a\nb"}', 'a line break inside a string'],
    ['{"Statement": [', 'the text ends too early']
  ])('names the cause of %j', (source, message) => {
    expect(problemOf(source).message).toContain(message)
  })

  it('refuses a duplicate key, naming it and both lines', () => {
    const source =
      '{\n  "Statement": {"Effect": "Deny", "Action": "*", "Resource": "*"},\n  "Statement": []\n}'
    const problem = problemOf(source)
    expect(problem.message).toContain(
      'the key "Statement" appears twice in one object (first at line 2)'
    )
    expect(problem.line).toBe(3)
  })

  it('refuses nesting deeper than a policy can be, without exhausting the stack', () => {
    expect(problemOf('['.repeat(100000)).message).toContain(
      `nesting deeper than ${MAX_POLICY_DEPTH} levels`
    )
    expect(() =>
      readPolicyJson(`${'['.repeat(MAX_POLICY_DEPTH)}${']'.repeat(MAX_POLICY_DEPTH)}`)
    ).not.toThrow()
  })

  it('skips a byte-order mark, and counts columns without it', () => {
    expect(readPolicyJson('\uFEFF{"Statement": []}')).toEqual({ Statement: [] })
    expect(problemOf('\uFEFF{,}').column).toBe(2)
  })

  it('keeps "__proto__" an ordinary key, as JSON.parse does', () => {
    const read = readPolicyJson('{"__proto__": {"x": 1}}') as Record<string, unknown>
    expect(Object.getPrototypeOf(read)).toBe(Object.prototype)
    expect(Object.keys(read)).toEqual(['__proto__'])
  })
})
