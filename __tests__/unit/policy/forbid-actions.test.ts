import { describe, expect, it } from '@jest/globals'
import {
  ForbiddenActionsError,
  checkForbiddenActions,
  parseForbidActions
} from '../../../src/policy/forbid-actions.js'
import {
  type ActionStatement,
  type ManagedPolicyStatements,
  parseIamCatalogue
} from '../../../src/policy/catalogue.js'
import { checkGrammar } from '../../../src/policy/grammar.js'
import { errorOf } from '../../support/inputs.js'
import { allow, catalogue, deny, managed, policy } from '../../support/policies.js'

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
    const { grants, input, message, name } = thrown as ForbiddenActionsError
    expect(name).toBe('ForbiddenActionsError')
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

describe('forbid-actions against a small catalogue, exactly', () => {
  const small = parseIamCatalogue(
    '# test catalogue\n' +
      'iam:GetRole,PassRole,ListRoles,DeleteRole,CreateRole,PutRolePolicy,DeletePolicy\n' +
      's3:GetObject,PutObject,DeleteObject,DeleteBucket\n' +
      'sts:AssumeRole\n'
  )
  const load = () => small
  const never = (): never => {
    throw new Error('loaded')
  }
  const NOT_A_PATTERN_FIX =
    'Write service:Action patterns such as iam:*, sts:AssumeRole, s3:Delete* or *:Delete*, one per line or comma-separated.'

  describe('parseForbidActions', () => {
    it('trims entries and drops comments', () => {
      expect(parseForbidActions(' IAM:* ,\n# the risky ones\n  s3:Delete*\t', load)).toEqual([
        'IAM:*',
        's3:Delete*'
      ])
    })

    it('takes 100 patterns, and refuses 101 before loading the catalogue', () => {
      const patterns = (n: number) => Array.from({ length: n }, (_, i) => `iam:*${'*'.repeat(i)}`)
      expect(parseForbidActions(patterns(100).join('\n'), load)).toHaveLength(100)
      expect(errorOf(() => parseForbidActions(patterns(101).join(','), never)).message).toBe(
        'forbid-actions: lists 101 patterns; at most 100 are checked. Use wildcards such as iam:* or *:Delete* instead of listing actions one by one.'
      )
    })

    it.each([
      ['iam'],
      ['iam:'],
      [':Get*'],
      ['i*m:Get*'],
      ['iam:Get Role'],
      ['iam:Get/Role'],
      ['x iam:*']
    ])('refuses %j as not an action pattern', entry => {
      expect(errorOf(() => parseForbidActions(entry, load)).message).toBe(
        `forbid-actions: '${entry}' is not an action pattern. ${NOT_A_PATTERN_FIX}`
      )
    })

    it('shows at most 80 characters of an entry that is not a pattern', () => {
      const entry = `${'x'.repeat(79)}yz`
      expect(errorOf(() => parseForbidActions(entry, load)).message).toBe(
        `forbid-actions: '${'x'.repeat(79)}y' is not an action pattern. ${NOT_A_PATTERN_FIX}`
      )
    })

    it('refuses a pattern longer than 128 characters once its stars are collapsed', () => {
      const longest = `iam:${'A'.repeat(124)}`
      expect(errorOf(() => parseForbidActions(longest, load)).message).toMatch(
        /^forbid-actions: 'iam:A+' matches no IAM action/
      )
      expect(parseForbidActions(`iam:${'*'.repeat(200)}Role`, load)).toHaveLength(1)
      expect(errorOf(() => parseForbidActions(`${longest}A`, load)).message).toBe(
        'forbid-actions: has a pattern of 129 characters; no IAM action is longer than 128. Write a shorter pattern such as iam:* or s3:Delete*.'
      )
    })

    it('refuses an unknown service, suggesting the near ones', () => {
      expect(errorOf(() => parseForbidActions('iamm:PassRole', load)).message).toBe(
        "forbid-actions: 'iamm:PassRole': 'iamm' is not an IAM service prefix (checked against test catalogue). Did you mean 'iam:PassRole'?"
      )
      expect(errorOf(() => parseForbidActions('st:Foo', load)).message).toBe(
        "forbid-actions: 'st:Foo': 'st' is not an IAM service prefix (checked against test catalogue). Did you mean 's3', 'sts'?"
      )
      expect(errorOf(() => parseForbidActions('ec2:*', load)).message).toBe(
        "forbid-actions: 'ec2:*': 'ec2' is not an IAM service prefix (checked against test catalogue). Write the service prefix used in IAM policies, such as s3, ec2 or iam."
      )
    })

    it('refuses a pattern that matches nothing, suggesting the near ones', () => {
      expect(errorOf(() => parseForbidActions('iam:PasRole', load)).message).toBe(
        "forbid-actions: 'iam:PasRole' matches no IAM action (checked against test catalogue), so it would forbid nothing. Did you mean 'iam:PassRole'?"
      )
      expect(errorOf(() => parseForbidActions('iam:DeletRole', load)).message).toBe(
        "forbid-actions: 'iam:DeletRole' matches no IAM action (checked against test catalogue), so it would forbid nothing. Did you mean 'iam:DeleteRole', 'iam:GetRole'?"
      )
      expect(errorOf(() => parseForbidActions('*:Nothing*', load)).message).toBe(
        "forbid-actions: '*:Nothing*' matches no IAM action (checked against test catalogue), so it would forbid nothing. Check the spelling against the service authorization reference."
      )
    })
  })

  describe('checkForbiddenActions', () => {
    const INLINE = 'inline-session-policy'
    const managedFile: ManagedPolicyStatements = {
      origin: 'test managed',
      size: 2,
      statementsOf: name =>
        ({
          iamfull: [
            {
              index: 0,
              effect: 'Allow',
              notAction: false,
              patterns: ['iam:*'],
              unconditional: true
            }
          ],
          'job-function/readers': [
            {
              index: 0,
              effect: 'Allow',
              notAction: false,
              patterns: ['s3:Get*'],
              unconditional: true
            },
            { index: 1, effect: 'Deny', notAction: false, patterns: ['iam:*'], unconditional: true }
          ]
        })[name.toLowerCase()] as ActionStatement[] | undefined
    }
    const AWS = (name: string) => `arn:aws:iam::aws:policy/${name}`
    const CUSTOMER = 'arn:aws:iam::111122223333:policy/mine'
    const inline = (...statements: unknown[]) => ({
      input: INLINE,
      statements: checkGrammar(policy(...statements)).statements
    })
    const FIX_TAIL =
      'or add to the inline policy a statement {"Effect":"Deny","Action":[…],"Resource":"*"} without a Condition (a Deny with a Condition or specific resources may not apply, so it does not count).'
    const check = (
      policies: { inline?: ReturnType<typeof inline>; managedArns?: string[] },
      forbidActions: string[],
      managed: () => ManagedPolicyStatements = () => managedFile
    ) => checkForbiddenActions({ managedArns: [], ...policies, forbidActions }, small, managed)

    it('refuses forbid-actions without a session policy', () => {
      expect(errorOf(() => check({}, ['iam:*'])).message).toBe(
        'forbid-actions: is set, but there is no session policy, so nothing keeps the session from doing all the role can. Add inline-session-policy (or managed-session-policies) listing what the step needs, or remove forbid-actions.'
      )
    })

    it('passes what allows nothing forbidden, without reading the managed statements for a customer policy', () => {
      expect(
        check({ inline: inline(allow('s3:Get*')), managedArns: [CUSTOMER] }, ['iam:*'], never)
      ).toEqual({
        warnings: [
          `forbid-actions: ${CUSTOMER} is a customer managed policy, which cannot be read offline, so it was not checked; it may allow forbidden actions.`
        ],
        notChecked: [CUSTOMER]
      })
    })

    it('reads the managed statements once, and reports an AWS policy it does not know', () => {
      let loaded = 0
      const counting = () => {
        loaded++
        return managedFile
      }
      expect(
        check(
          { managedArns: [AWS('job-function/Readers'), AWS('Unknown')] },
          ['iam:PassRole'],
          counting
        )
      ).toEqual({
        warnings: [
          `forbid-actions: ${AWS('Unknown')} is not among the AWS managed policies this version knows (test managed), so it was not checked; it may allow forbidden actions.`
        ],
        notChecked: [AWS('Unknown')]
      })
      expect(loaded).toBe(1)
    })

    it('names the managed policy and the statement, and asks to replace the policy', () => {
      expect(
        errorOf(() => check({ managedArns: [AWS('IamFull')] }, ['iam:PassRole'])).message
      ).toBe(
        `forbid-actions: the session policies would let the session perform forbidden actions: managed-session-policies ${AWS('IamFull')} statement 1 allows iam:PassRole (forbidden by iam:PassRole). Narrow the Action of that statement, replace the managed policy with a narrower one, ${FIX_TAIL}`
      )
    })

    it('names five actions, the first of each pattern before the rest, and how many more', () => {
      const error = errorOf(() =>
        check({ inline: inline(allow('*', '*', { Sid: 'All' })) }, ['iam:*', 's3:GetObject'])
      ) as ForbiddenActionsError
      expect(error.message).toBe(
        `forbid-actions: the session policies would let the session perform forbidden actions: inline-session-policy statement 1 (Sid "All") allows iam:DeleteRole, iam:GetRole, iam:ListRoles, iam:PassRole, s3:GetObject and 3 more (forbidden by iam:*, s3:GetObject). Narrow the Action of that statement, ${FIX_TAIL}`
      )
      expect(error.grants[0].actions).toEqual([
        'iam:GetRole',
        'iam:PassRole',
        'iam:ListRoles',
        'iam:DeleteRole',
        'iam:CreateRole',
        'iam:PutRolePolicy',
        'iam:DeletePolicy',
        's3:GetObject'
      ])
    })

    it('names every pattern with one action each, also beyond five', () => {
      const patterns = [
        'iam:GetRole',
        'iam:PassRole',
        'iam:ListRoles',
        'iam:DeleteRole',
        'iam:CreateRole',
        's3:GetObject'
      ]
      const error = errorOf(() =>
        check({ inline: inline(allow('*')) }, patterns)
      ) as ForbiddenActionsError
      expect(error.grants[0].examples).toEqual([...patterns].sort())
      expect(error.message).toContain(`allows ${[...patterns].sort().join(', ')} (forbidden by`)
    })

    it('lists every statement that allows something forbidden, in order', () => {
      const error = errorOf(() =>
        check(
          {
            inline: inline(allow('iam:GetRole'), allow('s3:*'), allow('iam:PassRole')),
            managedArns: [AWS('IamFull')]
          },
          ['iam:GetRole', 'iam:PassRole']
        )
      ) as ForbiddenActionsError
      expect(error.grants.map(g => [g.policy, g.statementIndex, g.actions])).toEqual([
        [INLINE, 0, ['iam:GetRole']],
        [INLINE, 2, ['iam:PassRole']],
        [AWS('IamFull'), 0, ['iam:GetRole', 'iam:PassRole']]
      ])
      expect(error.fix).toBe(
        `Narrow the Action of those statements, replace the managed policy with a narrower one, ${FIX_TAIL}`
      )
      expect(error.message).toContain(
        'inline-session-policy statement 1 allows iam:GetRole (forbidden by iam:GetRole); inline-session-policy statement 3 allows iam:PassRole (forbidden by iam:PassRole); managed-session-policies'
      )
    })

    it('counts only an unconditional Deny on every resource as removing an action', () => {
      const grants = (...statements: unknown[]) => {
        try {
          check({ inline: inline(allow('iam:*'), ...statements) }, ['iam:GetRole', 'iam:PassRole'])
          return []
        } catch (error) {
          return (error as ForbiddenActionsError).grants[0].actions
        }
      }
      expect(grants(deny('iam:PassRole'))).toEqual(['iam:GetRole'])
      expect(
        grants(deny(['iam:GetRole', 'iam:PassRole'], ['arn:aws:iam::111122223333:role/x', '*']))
      ).toEqual([])
      expect(grants(deny('iam:PassRole', 'arn:aws:iam::111122223333:role/x'))).toEqual([
        'iam:GetRole',
        'iam:PassRole'
      ])
      expect(
        grants(
          deny('iam:PassRole', '*', { Condition: { Bool: { 'aws:SecureTransport': 'false' } } })
        )
      ).toEqual(['iam:GetRole', 'iam:PassRole'])
      expect(grants({ Effect: 'Deny', Action: 'iam:PassRole', NotResource: '*' })).toEqual([
        'iam:GetRole',
        'iam:PassRole'
      ])
      expect(grants({ Effect: 'Deny', NotAction: 'iam:GetRole', Resource: '*' })).toEqual([
        'iam:GetRole'
      ])
    })

    it('names an action under the first pattern that forbids it', () => {
      const error = errorOf(() =>
        check({ inline: inline(allow('iam:PassRole')) }, ['iam:*', 'iam:PassRole'])
      ) as ForbiddenActionsError
      expect(error.grants.map(g => [g.actions, g.patterns])).toEqual([
        [['iam:PassRole'], ['iam:*']]
      ])
      expect(error.message).toContain('allows iam:PassRole (forbidden by iam:*).')
    })

    it('reports only Allow statements, not a Deny that does not count', () => {
      const conditional = { Condition: { Bool: { 'aws:SecureTransport': 'false' } } }
      const error = errorOf(() =>
        check({ inline: inline(allow('iam:PassRole'), deny('iam:PassRole', '*', conditional)) }, [
          'iam:PassRole'
        ])
      ) as ForbiddenActionsError
      expect(error.grants.map(g => [g.statementIndex, g.actions])).toEqual([[0, ['iam:PassRole']]])
      expect(error.message).toBe(
        `forbid-actions: the session policies would let the session perform forbidden actions: inline-session-policy statement 1 allows iam:PassRole (forbidden by iam:PassRole). Narrow the Action of that statement, ${FIX_TAIL}`
      )
    })

    it('takes a Deny in a managed policy into account too', () => {
      expect(
        check({ inline: inline(allow('iam:*')), managedArns: [AWS('job-function/readers')] }, [
          'iam:*'
        ])
      ).toEqual({ warnings: [], notChecked: [] })
    })

    it('reads Allow with NotAction as every action not listed', () => {
      const statement = { Effect: 'Allow', NotAction: ['iam:*', 's3:Get*'], Resource: '*' }
      expect(check({ inline: inline(statement) }, ['iam:PassRole', 's3:GetObject'])).toEqual({
        warnings: [],
        notChecked: []
      })
      expect(
        (
          errorOf(() =>
            check({ inline: inline(statement) }, ['s3:Delete*', 'iam:PassRole'])
          ) as ForbiddenActionsError
        ).grants[0].actions
      ).toEqual(['s3:DeleteObject', 's3:DeleteBucket'])
    })
  })
})
