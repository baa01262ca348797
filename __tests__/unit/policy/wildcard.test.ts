import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { loadIamCatalogue } from '../../../src/policy/data.js'
import { compileActionList } from '../../../src/policy/catalogue.js'
import {
  MAX_ACTION_PATTERN_LENGTH,
  collapseStars,
  compileWildcard
} from '../../../src/policy/wildcard.js'

/** The textbook definition, by dynamic programming over both strings: slow, obviously right. */
function reference(pattern: string, name: string): boolean {
  const p = pattern.toLowerCase()
  const n = name.toLowerCase()
  let row = Array.from({ length: n.length + 1 }, (_, j) => j === 0)
  for (let i = 1; i <= p.length; i++) {
    const next = [p[i - 1] === '*' && row[0]]
    for (let j = 1; j <= n.length; j++) {
      next[j] =
        p[i - 1] === '*'
          ? row[j] || next[j - 1]
          : row[j - 1] && (p[i - 1] === '?' || p[i - 1] === n[j - 1])
    }
    row = next
  }
  return row[n.length]
}

const alphabet = fc.constantFrom('a', 'b', 'A', '*', '?', ':')
const text = fc.constantFrom('a', 'b', 'B', ':')

describe('compileWildcard', () => {
  it('agrees with the reference matcher on short random patterns and names', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: alphabet, maxLength: 10 }),
        fc.string({ unit: text, maxLength: 12 }),
        (pattern, name) => {
          expect(compileWildcard(pattern)(name)).toBe(reference(pattern, name))
        }
      ),
      { numRuns: 5000 }
    )
  })

  it('matches IAM actions as IAM does', () => {
    expect(compileWildcard('s3:Get*')('s3:GetObject')).toBe(true)
    expect(compileWildcard('S3:get*object')('s3:GetObject')).toBe(true)
    expect(compileWildcard('s3:?etObject')('s3:GetObject')).toBe(true)
    expect(compileWildcard('s3:?etObject')('s3:etObject')).toBe(false)
    expect(compileWildcard('*')('')).toBe(true)
    expect(compileWildcard('a*b*a')('aba')).toBe(true)
    expect(compileWildcard('a*b*a')('ab')).toBe(false)
  })

  it('collapses runs of stars', () => {
    expect(collapseStars('s3:********Z')).toBe('s3:*Z')
    expect(compileWildcard(`s3:${'*'.repeat(500)}Z`)('s3:AZ')).toBe(true)
  })

  it('refuses a pattern longer than any action', () => {
    expect(() => compileWildcard('a'.repeat(MAX_ACTION_PATTERN_LENGTH + 1))).toThrow(RangeError)
  })

  // Bound the work, not the clock: each adversarial pattern is matched against every known
  // action, and the whole set must finish far inside the test timeout (a backtracking matcher
  // needed minutes for a single one of them).
  it('matches adversarial patterns against the whole catalogue without blowing up', () => {
    const catalogue = loadIamCatalogue()
    const actions = catalogue.services.flatMap(service => catalogue.actionsOf(service))
    const adversarial = fc.sample(
      fc
        .array(fc.constantFrom('*', '?', 'a', 'e', 's', 'Z'), { minLength: 20, maxLength: 120 })
        .map(parts => `*:${parts.join('')}Z`),
      { numRuns: 30, seed: 42 }
    )
    adversarial.push(
      `s3:${'*'.repeat(12)}Z`,
      `*:${'*a'.repeat(60)}`,
      `*:${'?'.repeat(100)}x`,
      `*:*${'e?'.repeat(40)}*`
    )
    const started = Date.now()
    for (const pattern of adversarial) {
      const matches = compileActionList([pattern])
      for (const action of actions) matches(action)
    }
    // Generous, for a shared machine: a backtracking matcher needs minutes for one pattern.
    expect(Date.now() - started).toBeLessThan(20000)
    expect(actions.length).toBeGreaterThan(10000)
  }, 60000)
})

describe('compileWildcard, exactly', () => {
  it.each([
    // A run of `?` needs as many characters left after what the stars before it consumed.
    ['*b*??*', 'aaba', false],
    ['*b*??*', 'aabaa', true],
    // A segment opening with `?` fits when its first literal is one character in.
    ['*?b*', 'ab', true],
    ['a*?b*', 'aab', true],
    // A middle segment may not overlap the tail, even where the name holds its text once.
    ['*b*b', 'ab', false],
    ['*b*b', 'bb', true]
  ])('%j matches %j: %j', (pattern, name, matches) => {
    expect(compileWildcard(pattern)(name)).toBe(matches)
    expect(reference(pattern, name)).toBe(matches)
  })

  it('takes a pattern of exactly the limit once its stars are collapsed, and refuses one more', () => {
    const longest = `s3:${'a'.repeat(MAX_ACTION_PATTERN_LENGTH - 4)}**`
    expect(compileWildcard(longest)(`s3:${'A'.repeat(MAX_ACTION_PATTERN_LENGTH - 4)}Z`)).toBe(true)
    const over = 'a'.repeat(MAX_ACTION_PATTERN_LENGTH + 1)
    expect(() => compileWildcard(over)).toThrow(
      new RangeError('an action pattern may be at most 128 characters')
    )
    expect(() => compileWildcard(over)).toThrow(RangeError)
  })
})
