import { describe, expect, it } from '@jest/globals'
import { parseForbidActions } from '../../../src/policy/forbid-actions.js'
import { errorOf } from '../../support/inputs.js'
import { catalogue } from '../../support/policies.js'

describe('parseForbidActions', () => {
  const load = () => catalogue

  it('splits lines and commas, drops blanks and duplicates', () => {
    expect(
      parseForbidActions('iam:*, sts:AssumeRole\n\ns3:Delete*\n*:Delete*\niam:*', load)
    ).toEqual(['iam:*', 'sts:AssumeRole', 's3:Delete*', '*:Delete*'])
  })

  it('does not load the catalogue for an empty input', () => {
    expect(
      parseForbidActions(' \n', () => {
        throw new Error('loaded')
      })
    ).toEqual([])
  })

  it('refuses an entry that is not service:pattern', () => {
    const error = errorOf(() => parseForbidActions('iam', load))
    expect(error.input).toBe('forbid-actions')
    expect(error.message).toMatch(/'iam' is not an action pattern/)
  })

  it('refuses an unknown service prefix with suggestions', () => {
    expect(errorOf(() => parseForbidActions('iamm:*', load)).message).toMatch(
      /'iamm' is not an IAM service prefix.*Did you mean 'iam:\*'/
    )
  })

  it('refuses a pattern that matches no action, since it would forbid nothing', () => {
    expect(errorOf(() => parseForbidActions('sts:AssumeRol', load)).message).toMatch(
      /matches no IAM action.*'sts:AssumeRole'/
    )
  })
})
