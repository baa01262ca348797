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

describe('readPolicyJson: values', () => {
  it.each([
    ['{}', {}],
    ['{ }', {}],
    ['[ ]', []],
    ['[0, 9, -0, -12, 3.25, 1e3, 2E+2, 5e-1, 10.5E1]', [0, 9, -0, -12, 3.25, 1000, 200, 0.5, 105]],
    ['[1e10, 2E+12, 25e-11]', [1e10, 2e12, 25e-11]],
    ['[true, false, null]', [true, false, null]],
    ['"\\"\\\\\\/\\b\\f\\n\\r\\t"', '"\\/\b\f\n\r\t'],
    ['"\\u0041\\u00e9\\u00E9\\u00411"', 'AééA1'],
    ['"a b"', 'a b'],
    ['{\t"a"\r\n:\n1 ,"b" :[ 2 ] }', { a: 1, b: [2] }],
    ['\uFEFF [1]', [1]]
  ])('reads %j', (source, value) => {
    expect(readPolicyJson(source)).toEqual(value)
  })

  it(`reads ${MAX_POLICY_DEPTH} levels of objects and arrays, and refuses one more`, () => {
    const objects = (n: number) => `${'{"a":'.repeat(n - 1)}{}${'}'.repeat(n - 1)}`
    expect(() => readPolicyJson(objects(MAX_POLICY_DEPTH))).not.toThrow()
    expect(problemOf(objects(MAX_POLICY_DEPTH + 1)).message).toBe(
      `nesting deeper than ${MAX_POLICY_DEPTH} levels at line 1, column ${5 * MAX_POLICY_DEPTH + 1} (no IAM policy is nested that deep)`
    )
    const mixed = `${'[{"a":'.repeat(MAX_POLICY_DEPTH / 2)}1${'}]'.repeat(MAX_POLICY_DEPTH / 2)}`
    expect(() => readPolicyJson(mixed)).not.toThrow()
    expect(problemOf(`[${mixed}]`).message).toBe(
      `nesting deeper than ${MAX_POLICY_DEPTH} levels at line 1, column ${1 + 6 * (MAX_POLICY_DEPTH / 2 - 1) + 2} (no IAM policy is nested that deep)`
    )
  })

  it('defines each key as JSON.parse does: enumerable, writable, configurable', () => {
    const read = readPolicyJson('{"a": 1}') as object
    expect(Object.getOwnPropertyDescriptor(read, 'a')).toEqual(
      Object.getOwnPropertyDescriptor(JSON.parse('{"a": 1}'), 'a')
    )
  })
})

describe('readPolicyJson: the whole message of each mistake', () => {
  it.each([
    ['', 'the text is empty at line 1, column 1'],
    [' \n  ', 'the text is empty at line 2, column 3'],
    ['\uFEFF', 'the text is empty at line 1, column 1'],
    ['{} x', "unexpected 'x' after the end of the document at line 1, column 4"],
    ['{}\uFEFF', "unexpected '\uFEFF' after the end of the document at line 1, column 3"],
    ['[:]', "unexpected ':' at line 1, column 2 (expected a value)"],
    ['[/x]', "unexpected '/' at line 1, column 2 (expected a value)"],
    ['[x//]', "unexpected 'x' at line 1, column 2 (expected a value)"],
    ['[x/*]', "unexpected 'x' at line 1, column 2 (expected a value)"],
    ['[tru]', "unexpected 't' at line 1, column 2 (expected a value)"],
    ['[-]', "unexpected '-' at line 1, column 2 (expected a number)"],
    ['[01]', "unexpected '1' at line 1, column 3 (expected ',' or ']')"],
    ['[1.]', "unexpected '.' at line 1, column 3 (expected ',' or ']')"],
    ['[1 2]', "unexpected '2' at line 1, column 4 (expected ',' or ']')"],
    ['{"a":1 2}', "unexpected '2' at line 1, column 8 (expected ',' or '}')"],
    ['[1 "a"]', "a missing comma before '\"' at line 1, column 4"],
    ['[1 {}]', "a missing comma before '{' at line 1, column 4"],
    ['[1 []]', "a missing comma before '[' at line 1, column 4"],
    ['{"a":1 "b":2}', "a missing comma before '\"' at line 1, column 8"],
    [
      "[1 'a']",
      'a single quote at line 1, column 4 (JSON strings and keys take double quotes ("))'
    ],
    ['{{}}', "unexpected '{' at line 1, column 2 (expected a key in double quotes)"],
    ['{1:2}', "unexpected '1' at line 1, column 2 (expected a key in double quotes)"],
    ['{"a" "b"}', "unexpected '\"' at line 1, column 6 (expected ':' after the key \"a\")"],
    ['{"a" 1}', "unexpected '1' at line 1, column 6 (expected ':' after the key \"a\")"],
    ['{a: 1}', 'the unquoted key a at line 1, column 2 (write "a")'],
    ['{"a": 1, $x-y_2: 1}', 'the unquoted key $x-y_2 at line 1, column 10 (write "$x-y_2")'],
    ['{_a: 1}', 'the unquoted key _a at line 1, column 2 (write "_a")'],
    ['[1,]', "a trailing comma before ']' at line 1, column 3 (JSON allows none; remove it)"],
    [
      '{"a":1 ,\n }',
      "a trailing comma before '}' at line 1, column 8 (JSON allows none; remove it)"
    ],
    [
      '[1,',
      'the text ends too early (an unclosed bracket, brace or string?); expected a value at line 1, column 4'
    ],
    [
      '{',
      'the text ends too early (an unclosed bracket, brace or string?); expected a key in double quotes at line 1, column 2'
    ],
    [
      '{"a"',
      'the text ends too early (an unclosed bracket, brace or string?); expected \':\' after the key "a" at line 1, column 5'
    ],
    [
      '{"a":1',
      "the text ends too early (an unclosed bracket, brace or string?); expected ',' or '}' at line 1, column 7"
    ],
    ['[1 // one\n]', 'a comment at line 1, column 4 (JSON has no comments; remove it)'],
    ['[\n/* one */ 1]', 'a comment at line 2, column 1 (JSON has no comments; remove it)'],
    ['["abc', 'a string that is never closed at line 1, column 2'],
    [
      '["a\\x"]',
      "an invalid escape '\\x' in a string (write \\\\ for a backslash) at line 1, column 4"
    ],
    [
      '["a\\',
      "an invalid escape '\\' in a string (write \\\\ for a backslash) at line 1, column 4"
    ],
    [
      '["\\u12G4"]',
      "an invalid escape '\\u' in a string (write \\\\ for a backslash) at line 1, column 3"
    ],
    [
      '["\\u12"]',
      "an invalid escape '\\u' in a string (write \\\\ for a backslash) at line 1, column 3"
    ],
    ['["a\tb"]', 'a control character (U+0009) inside a string at line 1, column 4'],
    ['["\u001f"]', 'a control character (U+001F) inside a string at line 1, column 3'],
    ['["\u000b"]', 'a control character (U+000B) inside a string at line 1, column 3'],
    [
      '["a\nb"]',
      'a line break inside a string (a string must end on the line it starts; write \\n) at line 1, column 4'
    ],
    [
      '["a\rb"]',
      'a line break inside a string (a string must end on the line it starts; write \\n) at line 1, column 4'
    ],
    ['{\n  "a": 1,\n  "b": [x]\n}', "unexpected 'x' at line 3, column 9 (expected a value)"],
    ['\uFEFF{\n"a": x}', "unexpected 'x' at line 2, column 6 (expected a value)"],
    ['\uFEFF[x]', "unexpected 'x' at line 1, column 2 (expected a value)"]
  ])('%j', (source, message) => {
    expect(problemOf(source).message).toBe(message)
  })

  it('keeps the parts of the message apart', () => {
    const problem = problemOf('\n {"a": 1, "a": 2}')
    expect(problem).toMatchObject({
      name: 'JsonReadError',
      problem: 'the key "a" appears twice in one object (first at line 2)',
      line: 2,
      column: 11,
      detail:
        'JSON readers keep only one of the two, so what is checked could differ from what STS applies; merge them into one'
    })
    expect(problem.message).toBe(
      'the key "a" appears twice in one object (first at line 2) at line 2, column 11 (JSON readers keep only one of the two, so what is checked could differ from what STS applies; merge them into one)'
    )
    expect(problemOf('[').detail).toBeUndefined()
  })
})
