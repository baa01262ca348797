import { describe, expect, it } from '@jest/globals'
import { closestNames, editDistance } from '../../../src/shared/suggest.js'

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['abc', 'abc', 0],
    ['', 'abc', 3],
    ['abc', '', 3],
    ['abc', 'abd', 1], // substitution
    ['abc', 'abxc', 1], // insertion
    ['abxc', 'abc', 1], // deletion
    ['abcd', 'abdc', 1], // transposition of neighbours: one edit
    ['ab', 'ba', 1],
    ['abcdef', 'badcfe', 3],
    ['kitten', 'sitting', 3],
    ['ca', 'abc', 3] // optimal string alignment, not full Damerau: no edit of a transposed pair
  ])('%s → %s is %d', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance)
    expect(editDistance(b, a)).toBe(distance)
  })

  it('gives up with limit + 1 once every alignment is over the limit', () => {
    expect(editDistance('abcdef', 'uvwxyz', 2)).toBe(3)
    expect(editDistance('a', 'abcdef', 2)).toBe(3) // the lengths alone tell
    expect(editDistance('abcdef', 'abcdeg', 1)).toBe(1) // within the limit: the distance
    expect(editDistance('abc', 'abd', 1)).toBe(1)
    expect(editDistance('abc', 'xyz', 3)).toBe(3)
    expect(editDistance('abc', 'xyz', 2)).toBe(3)
  })

  it('stops at the first row over the limit, before reading the rest', () => {
    // Row 2 is already over 1 everywhere; a row past it would hold the trailing match.
    expect(editDistance('xyabcdefgh', 'zwabcdefgh', 1)).toBe(2)
    expect(editDistance('xyabcdefgh', 'zwabcdefgh')).toBe(2)
  })
})

describe('closestNames', () => {
  const names = ['ReadOnlyAccess', 'ViewOnlyAccess', 'PowerUserAccess', 'AdministratorAccess']

  it('ignores case and keeps the candidate as written', () => {
    // 'ViewOnlyAccess' is four edits away, within the 14 characters' four.
    expect(closestNames('readonlyaccess', names)).toEqual(['ReadOnlyAccess', 'ViewOnlyAccess'])
    expect(closestNames('READONLYACCESS', names, 1)).toEqual(['ReadOnlyAccess'])
  })

  it('allows one edit per three characters, at least one', () => {
    expect(closestNames('s4', ['s3', 'q'])).toEqual(['s3'])
    expect(closestNames('q', ['s3', 'x', 'xy'])).toEqual(['x'])
    // 'abcdef': two edits allowed, three are not.
    expect(closestNames('abcdef', ['abcdxy', 'abcxyz'])).toEqual(['abcdxy'])
    expect(closestNames('abcde', ['abcxy'])).toEqual([]) // 5 characters: one edit
  })

  it('orders by distance, then by length, and keeps at most max', () => {
    const candidates = ['abcdefgh1', 'abcdefgxy', 'abcdefghi', 'abcdefg']
    expect(closestNames('abcdefgh', candidates)).toEqual(['abcdefg', 'abcdefgh1', 'abcdefghi'])
    expect(closestNames('abcdefgh', candidates, 2)).toEqual(['abcdefg', 'abcdefgh1'])
    expect(closestNames('abcdefgh', ['abcdefgxy', 'abcdefgh1'])).toEqual(['abcdefgh1', 'abcdefgxy'])
  })

  it('finds nothing far away', () => {
    expect(closestNames('zzzzzz', names)).toEqual([])
  })
})
