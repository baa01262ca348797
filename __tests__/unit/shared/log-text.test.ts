import { describe, expect, it } from '@jest/globals'
import { MAX_NETWORK_TEXT, fromNetwork } from '../../../src/shared/log-text.js'

describe('fromNetwork', () => {
  it.each([
    ['a\nb', 'a\\u000ab'],
    ['\u0000', '\\u0000'],
    ['\u001f', '\\u001f'],
    ['\u007f', '\\u007f'],
    ['\u009f', '\\u009f'],
    ['\u2028\u2029', '\\u2028\\u2029'],
    ['\r\n::add-mask::x', '\\u000d\\u000a::add-mask::x']
  ])('shows control character(s) in %j as escapes', (value, shown) => {
    expect(fromNetwork(value)).toBe(shown)
  })

  it('keeps printable text, non-breaking spaces and other Unicode as it is', () => {
    expect(fromNetwork(' ~\u00a0é€ a::b')).toBe(' ~\u00a0é€ a::b')
  })

  it('bounds the text after escaping, and marks the cut', () => {
    expect(MAX_NETWORK_TEXT).toBe(500)
    expect(fromNetwork('a'.repeat(500))).toBe('a'.repeat(500))
    expect(fromNetwork('a'.repeat(501))).toBe(`${'a'.repeat(500)}…`)
    expect(fromNetwork('abcdef', 6)).toBe('abcdef')
    expect(fromNetwork('abcdefg', 6)).toBe('abcdef…')
    expect(fromNetwork('\n\n', 8)).toBe('\\u000a\\u…')
  })

  it('never starts with what the runner reads as a command', () => {
    expect(fromNetwork('::stop-commands::x')).toBe(' ::stop-commands::x')
    expect(fromNetwork('##[group]x')).toBe(' ##[group]x')
    expect(fromNetwork(':x')).toBe(':x')
    expect(fromNetwork('#[x')).toBe('#[x')
  })

  it('takes any value', () => {
    expect(fromNetwork(42)).toBe('42')
    expect(fromNetwork(undefined)).toBe('undefined')
  })
})
