import { describe, expect, it } from '@jest/globals'
import { splitList } from '../../../src/settings/list-input.js'

describe('splitList', () => {
  it.each([
    ['', []],
    [' \n , ', []],
    ['a', ['a']],
    [' a , b\n c \n\n,d ', ['a', 'b', 'c', 'd']],
    ['a b\tc', ['a b\tc']]
  ])('splits %j into %j', (text, expected) => {
    expect(splitList(text)).toEqual(expected)
  })
})
