import { describe, expect, it } from '@jest/globals'
import {
  explainStatements,
  renderExplanationMarkdown,
  renderExplanationText,
  summariseActions
} from '../../../src/policy/explain.js'
import { parseIamCatalogue } from '../../../src/policy/catalogue.js'
import { checkGrammar } from '../../../src/policy/grammar.js'
import { allow, catalogue, deny, policy } from '../../support/policies.js'

describe('explain', () => {
  const document = policy(
    allow(['s3:Get*Object', 's3:ListBucket'], ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'], {
      Sid: 'Read',
      Condition: { StringEquals: { 'aws:RequestedRegion': ['eu-west-1', 'eu-west-2'] } }
    }),
    allow(['ec2:Describe*', 'logs:*']),
    { Effect: 'Deny', NotAction: 's3:*', Resource: '*' }
  )
  // Built inside each test, not when the file loads: mutation testing counts what runs outside a
  // test against every test.
  const report = {
    get explanation() {
      return explainStatements(checkGrammar(document).statements, catalogue)
    }
  }

  it('expands the actions of each statement, counted per service', () => {
    const [read, describe, notAction] = report.explanation
    expect(read.label).toBe('statement 1 (Sid "Read")')
    expect(read.actions.byService).toEqual([
      expect.objectContaining({
        service: 's3',
        actions: expect.arrayContaining(['s3:GetObject', 's3:ListBucket'])
      })
    ])
    expect(read.conditions).toEqual([
      { operator: 'StringEquals', key: 'aws:RequestedRegion', values: ['eu-west-1', 'eu-west-2'] }
    ])
    expect(describe.actions.byService.map(s => s.service)).toEqual(['ec2', 'logs'])
    expect(describe.actions.byService[1].all).toBe(true)
    expect(notAction.effect).toBe('Deny')
    expect(notAction.actions.count).toBe(catalogue.size - catalogue.actionsOf('s3').length)
  })

  it('summarises long lists per service', () => {
    expect(summariseActions(report.explanation[0])).toMatch(/^\d actions: s3:Get/)
    expect(summariseActions(report.explanation[1])).toMatch(
      /^\d+ actions in 2 services: ec2 \(\d+\), logs \(all \d+\)$/
    )
    expect(summariseActions(report.explanation[2])).toMatch(
      /in \d+ services: .*, and \d+ more services/
    )
  })

  it('renders text for the debug log and a markdown table for the job summary', () => {
    const text = renderExplanationText(report.explanation)
    expect(text).toContain('statement 1 (Sid "Read"): Allow')
    expect(text).toContain('StringEquals aws:RequestedRegion in ["eu-west-1", "eu-west-2"]')
    expect(text).toContain('every action except: s3:*')
    const markdown = renderExplanationMarkdown(report.explanation).split('\n')
    expect(markdown[0]).toBe('| Statement | Effect | Actions | Resources | Conditions |')
    expect(markdown).toHaveLength(2 + 3)
    expect(markdown[2]).toMatch(/^\| 1 Read \| Allow \| `s3:Get\*Object`/)
  })
})

describe('explain, exactly', () => {
  const names = (prefix: string, n: number) =>
    Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`).join(',')
  // Twelve services: big (1,200 actions), s3, then ten small ones.
  const small = parseIamCatalogue(
    [
      '# test',
      `big:${names('Get', 1200)}`,
      's3:PutObject,GetObject,GetBucket,DeleteObject,ListBucket,ListAll',
      ...'abcdefghij'.split('').map((s, i) => `${s}:${names('Do', i + 1)}`)
    ].join('\n')
  )
  const explain = (...statements: unknown[]) =>
    explainStatements(checkGrammar(policy(...statements)).statements, small)
  const summary = (statement: unknown) => summariseActions(explain(statement)[0])

  it('explains a statement as data', () => {
    expect(
      explain(
        allow('s3:Get*', 'arn:aws:s3:::b/*'),
        deny(['s3:ListBucket', 'a:*', 's3:GetObject'], '*', {
          Sid: 'No',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } }
        })
      )
    ).toEqual([
      {
        index: 0,
        sid: undefined,
        label: 'statement 1',
        effect: 'Allow',
        actions: {
          notAction: false,
          written: ['s3:Get*'],
          count: 2,
          byService: [
            { service: 's3', count: 2, all: false, actions: ['s3:GetBucket', 's3:GetObject'] }
          ]
        },
        resources: { notResource: false, values: ['arn:aws:s3:::b/*'] },
        conditions: []
      },
      {
        index: 1,
        sid: 'No',
        label: 'statement 2 (Sid "No")',
        effect: 'Deny',
        actions: {
          notAction: false,
          written: ['s3:ListBucket', 'a:*', 's3:GetObject'],
          count: 3,
          byService: [
            { service: 'a', count: 1, all: true, actions: ['a:Do1'] },
            { service: 's3', count: 2, all: false, actions: ['s3:GetObject', 's3:ListBucket'] }
          ]
        },
        resources: { notResource: false, values: ['*'] },
        conditions: [{ operator: 'Bool', key: 'aws:SecureTransport', values: ['false'] }]
      }
    ])
  })

  it('counts every action a NotAction statement does not list, in catalogue order', () => {
    const [statement] = explain({
      Effect: 'Allow',
      NotAction: ['big:*', 's3:*', 'j:*', 'i:*', 'h:*', 'g:*', 'f:*', 'e:*', 'd:Do1'],
      NotResource: 'arn:aws:s3:::b'
    })
    expect(statement.actions.count).toBe(1 + 2 + 3 + 3)
    expect(statement.actions.byService.map(s => [s.service, s.count, s.all])).toEqual([
      ['a', 1, true],
      ['b', 2, true],
      ['c', 3, true],
      ['d', 3, false]
    ])
    expect(statement.actions.byService[3].actions).toEqual(['d:Do2', 'd:Do3', 'd:Do4'])
    expect(statement.resources).toEqual({ notResource: true, values: ['arn:aws:s3:::b'] })
  })

  it.each([
    ['nothing', 's3:Nothing*', 'no known action'],
    ['one action', 's3:GetObject', '1 action: s3:GetObject'],
    [
      'nine actions per service, naming those of a service with a few',
      ['s3:*', 'b:*', 'd:Do1', 'd:Do2'],
      '10 actions in 3 services: s3 (all 6), b (all 2), d:Do1, d:Do2'
    ],
    [
      'up to eight actions, each named',
      ['s3:*', 'b:*'],
      '8 actions: b:Do1, b:Do2, s3:DeleteObject, s3:GetBucket, s3:GetObject, s3:ListAll, s3:ListBucket, s3:PutObject'
    ],
    [
      'the services with most actions first, a few of their actions, or their count',
      ['s3:*', 'e:*', 'd:Do1', 'd:Do2', 'd:Do3', 'd:Do4', 'd:Do4', 'f:*', 'big:Get1?'],
      '31 actions in 5 services: big (10), f (all 6), s3 (all 6), e (all 5), d (all 4)'
    ],
    [
      'a service with five of its actions by their count',
      ['e:Do1', 'e:Do2', 'e:Do3', 'e:Do4', 'f:Do1', 'f:Do2', 'f:Do3', 'f:Do4', 'f:Do5'],
      '9 actions in 2 services: f (5), e:Do1, e:Do2, e:Do3, e:Do4'
    ],
    ['a service of one, by name', 'big:Get1?', '10 actions in 1 service: big (10)'],
    [
      'ten services, then how many more and their actions',
      '*',
      '1,261 actions in 12 services: big (all 1200), j (all 10), i (all 9), h (all 8), g (all 7), f (all 6), s3 (all 6), e (all 5), d (all 4), c (all 3), and 2 more services (3 actions)'
    ]
  ])('summarises %s', (_name, actions, text) => {
    expect(summary(allow(actions))).toBe(text)
  })

  it('names services of the same count in service order, whatever order they come in', () => {
    const [statement] = explain(allow(['s3:*', 'f:*', 'big:Get1?']))
    const reversed = {
      ...statement,
      actions: { ...statement.actions, byService: [...statement.actions.byService].reverse() }
    }
    expect(summariseActions(reversed)).toBe(
      '22 actions in 3 services: big (10), f (all 6), s3 (all 6)'
    )
  })

  it('renders each statement for the debug log', () => {
    const explanation = explain(
      allow(['s3:GetObject', 's3:PutObject'], 'arn:aws:s3:::b/*', {
        Sid: 'Read',
        Condition: {
          StringEquals: { 'aws:RequestedRegion': ['eu-west-1', 'eu-west-2'] },
          NumericLessThan: { 's3:max-keys': 10 }
        }
      }),
      { Effect: 'Deny', NotAction: 's3:*', NotResource: ['arn:aws:s3:::b', 'arn:aws:s3:::c'] }
    )
    expect(renderExplanationText(explanation)).toBe(
      [
        'statement 1 (Sid "Read"): Allow',
        '  actions: s3:GetObject, s3:PutObject',
        '    = 2 actions: s3:GetObject, s3:PutObject',
        '  resources: arn:aws:s3:::b/*',
        '  conditions: StringEquals aws:RequestedRegion in ["eu-west-1", "eu-west-2"]; NumericLessThan s3:max-keys = 10',
        'statement 2: Deny',
        '  every action except: s3:*',
        `    = ${summariseActions(explanation[1])}`,
        '  every resource except: arn:aws:s3:::b, arn:aws:s3:::c',
        '  conditions: none'
      ].join('\n')
    )
  })

  it('renders a table for the job summary, escaping what would break it', () => {
    const explanation = explain(
      allow(['s3:GetObject', 's3:PutObject'], ['arn:aws:s3:::b/a|b', 'arn:aws:s3:::b/`x`'], {
        Sid: 'Read',
        Condition: {
          StringLike: { 's3:prefix': ['a|b', 'c\nd'] },
          Bool: { 'aws:SecureTransport': 'true' }
        }
      }),
      { Effect: 'Deny', NotAction: 's3:*', NotResource: 'arn:aws:s3:::b' }
    )
    expect(renderExplanationMarkdown(explanation)).toBe(
      [
        '| Statement | Effect | Actions | Resources | Conditions |',
        '|---|---|---|---|---|',
        '| 1 Read | Allow | `s3:GetObject`, `s3:PutObject`<br>= 2 actions: s3:GetObject, s3:PutObject | `arn:aws:s3:::b/a\\|b`, `arn:aws:s3:::b/\'x\'` | `StringLike s3:prefix in ["a\\|b", "c\\nd"]`<br>`Bool aws:SecureTransport = "true"` |',
        `| 2 | Deny | all except \`s3:*\`<br>= ${summariseActions(explanation[1])} | all except \`arn:aws:s3:::b\` | — |`
      ].join('\n')
    )
  })

  it('escapes a line break inside a cell', () => {
    const [statement] = explain(allow('s3:GetObject'))
    const odd = {
      ...statement,
      sid: 'A|B',
      actions: { ...statement.actions, written: ['x\r\ny\nz'] }
    }
    expect(renderExplanationMarkdown([odd]).split('\n')[2]).toBe(
      '| 1 A\\|B | Allow | `x y z`<br>= 1 action: s3:GetObject | `*` | — |'
    )
  })
})
