import { describe, expect, it } from '@jest/globals'
import {
  ForbiddenActionsError,
  checkForbiddenActions,
  parseForbidActions
} from '../../../src/policy/forbid-actions.js'
import { checkGrammar } from '../../../src/policy/grammar.js'
import { errorOf } from '../../support/inputs.js'
import { allow, catalogue, managed, policy } from '../../support/policies.js'

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

describe('checkForbiddenActions', () => {
  it('throws the grants as data, for a front that points at each statement', () => {
    const { statements } = checkGrammar(
      policy(allow('s3:GetObject'), { Sid: 'Inspect', ...allow(['iam:GetRole', 'iam:ListRoles']) })
    )
    let thrown: unknown
    try {
      checkForbiddenActions(
        {
          inline: { input: 'inline-session-policy', statements },
          managedArns: [],
          forbidActions: ['iam:*']
        },
        catalogue,
        () => managed
      )
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(ForbiddenActionsError)
    const { grants, input, message } = thrown as ForbiddenActionsError
    expect(input).toBe('forbid-actions')
    expect(message).toMatch(/statement 2 \(Sid "Inspect"\) allows iam:GetRole, iam:ListRoles/)
    expect(grants).toEqual([
      {
        input: 'inline-session-policy',
        policy: 'inline-session-policy',
        statementIndex: 1,
        sid: 'Inspect',
        actions: ['iam:GetRole', 'iam:ListRoles'],
        examples: ['iam:GetRole', 'iam:ListRoles'],
        patterns: ['iam:*']
      }
    ])
  })
})
