import { describe, expect, it } from '@jest/globals'
import { ActionError, InputError } from '../../../src/shared/errors.js'

describe('errors', () => {
  it('an input error names the input, the problem and the fix, in one line', () => {
    const error = new InputError('aws-region', 'is empty.', 'Write us-east-1.', { file: 'p.json' })
    expect(error.message).toBe('aws-region: is empty. Write us-east-1.')
    expect(error.name).toBe('InputError')
    expect(error.location).toEqual({ file: 'p.json' })
    expect(new InputError('aws-region', 'is empty.').message).toBe('aws-region: is empty.')
    expect(String(new InputError('mode', 'is odd.'))).toBe('InputError: mode: is odd.')
  })

  it('an action error keeps its annotation title', () => {
    const error = new ActionError('STS said no.', 'AssumeRole failed')
    expect([error.name, error.message, error.title]).toEqual([
      'ActionError',
      'STS said no.',
      'AssumeRole failed'
    ])
  })
})
