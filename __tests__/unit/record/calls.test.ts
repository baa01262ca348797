import { describe, expect, it } from '@jest/globals'
import { parseIamCatalogue } from '../../../src/policy/catalogue.js'
import { MAX_DISTINCT_CALLS, partitionOf, Recording } from '../../../src/record/calls.js'
import type { Observation } from '../../../src/record/decode.js'
import type { OperationMap } from '../../../src/record/operations.js'

const catalogue = parseIamCatalogue(
  [
    '# test',
    'svc:GetThing,PutThing,ListThings,TagThing,DescribeThing',
    'iam:PassRole,GetRole',
    'lambda:InvokeFunction'
  ].join('\n')
)

const THING = 'arn:${Partition}:svc:${Region}:${Account}:thing/${ThingName}'

const map: OperationMap = {
  origin: 'test',
  services: {
    svc: {
      i: 'svc',
      s: ['Svc'],
      a: {
        Retired: [],
        Move: ['GetThing', 'PutThing'],
        Tagged: ['TagThing', 'GetThing'],
        Untagged: ['GetThing', 'TagThing'],
        Ghost: ['NoSuchAction'],
        Lower: ['getthing']
      },
      d: {
        PutThing: ['iam:PassRole', 'svc:GetThing', 'nosuch:Action'],
        TagThing: ['svc:GetThing']
      },
      n: {
        GetThing: [THING],
        PutThing: [THING],
        TagThing: [
          'arn:${Partition}:svc:${Region}:${Account}:thing/${ThingName}/tag/${TagKey}',
          THING
        ],
        DescribeThing: ['arn:${Partition}:svc:${Region}:${Account}:thing/${ThingName}']
      }
    },
    bare: { i: 'svc', s: [] },
    lonely: { i: null, s: [] }
  }
}

function observation(fields: Partial<Observation> = {}): Observation {
  return {
    service: 'svc',
    region: 'eu-west-1',
    operation: 'GetThing',
    params: {},
    via: 'proxy',
    ...fields
  }
}

function record(...observations: Observation[]) {
  const recording = new Recording(map, catalogue)
  for (const o of observations) recording.add(o)
  return recording
}

/** The grants of the one call an observation records, as `action resource` lines. */
function grants(fields: Partial<Observation>): string[] {
  const [call] = record(observation(fields)).calls()
  return call.grants.map(g => `${g.action} ${g.resource}${g.dependent ? ' (dependent)' : ''}`)
}

describe('mapping a call to IAM actions', () => {
  it('records a call with its action on the resource its parameters name', () => {
    expect(record(observation({ params: { ThingName: 't1' } })).calls()).toStrictEqual([
      {
        service: 'svc',
        operation: 'GetThing',
        region: 'eu-west-1',
        grants: [
          { action: 'svc:GetThing', resource: 'arn:aws:svc:eu-west-1:*:thing/t1', dependent: false }
        ],
        count: 1,
        via: ['proxy']
      }
    ])
  })

  it.each([
    [
      'the reason the decoder gave',
      { unknown: 'GET /x matches no known operation' },
      'GET /x matches no known operation'
    ],
    ['"unknown" when the decoder gave none', {}, 'unknown']
  ])('keeps a call of no known operation, with %s', (_, fields, unmapped) => {
    const [call] = record(observation({ operation: undefined, ...fields })).calls()
    expect(call).toStrictEqual({
      service: 'svc',
      operation: undefined,
      region: 'eu-west-1',
      grants: [],
      count: 1,
      via: ['proxy'],
      unmapped
    })
  })

  it.each([
    ['a service the map does not know', 'nosuch'],
    ['a service with no IAM prefix', 'lonely']
  ])('says when the call is of %s', (_, service) => {
    const [call] = record(observation({ service })).calls()
    expect(call.grants).toEqual([])
    expect(call.unmapped).toBe(`no IAM service is known for ${service}`)
  })

  it('says when the map knows the operation needs no action it can name', () => {
    const [call] = record(observation({ operation: 'Retired' })).calls()
    expect(call.unmapped).toBe('no IAM action is known for svc Retired')
    expect(call.grants).toEqual([])
  })

  it('says when an action the map names is not in the catalogue', () => {
    const [call] = record(observation({ operation: 'Ghost' })).calls()
    expect(call.unmapped).toBe('svc:NoSuchAction is not in the IAM action catalogue')
    expect(call.grants).toEqual([])
  })

  it('takes the operation’s own name as its action when the map renames nothing', () => {
    expect(grants({ service: 'bare', operation: 'ListThings' })).toEqual(['svc:ListThings *'])
    expect(grants({ operation: 'ListThings' })).toEqual(['svc:ListThings *'])
  })

  it('writes each action in the catalogue’s casing', () => {
    expect(grants({ operation: 'Lower', params: { ThingName: 't' } })).toEqual(['svc:GetThing *'])
  })

  it('grants every action an operation maps to, then their known dependent actions', () => {
    expect(
      grants({ operation: 'Move', params: { ThingName: 't', Role: 'arn:aws:iam::1:role/r' } })
    ).toEqual([
      'svc:GetThing arn:aws:svc:eu-west-1:*:thing/t',
      'svc:PutThing arn:aws:svc:eu-west-1:*:thing/t',
      'iam:PassRole arn:aws:iam::1:role/r (dependent)',
      'svc:GetThing * (dependent)'
    ])
  })

  it('grants a dependent action on * when no parameter is an ARN of its service', () => {
    expect(
      grants({ operation: 'PutThing', params: { ThingName: 't', Role: 'arn:aws:sts::1:role/r' } })
    ).toEqual([
      'svc:PutThing arn:aws:svc:eu-west-1:*:thing/t',
      'iam:PassRole * (dependent)',
      'svc:GetThing * (dependent)'
    ])
  })

  it.each([
    ['after', 'Tagged', ['svc:TagThing *', 'svc:GetThing *']],
    ['before', 'Untagged', ['svc:GetThing *', 'svc:TagThing *']]
  ])(
    'keeps an action needed itself %s it is needed as a dependent as its own grant',
    (_, operation, expected) => {
      expect(grants({ operation, params: {} })).toEqual(expected)
    }
  )
})

describe('the resources a call names', () => {
  it.each([
    ['cn-north-1', 'arn:aws-cn:svc:cn-north-1:*:thing/t'],
    ['us-gov-west-1', 'arn:aws-us-gov:svc:us-gov-west-1:*:thing/t'],
    ['', 'arn:aws:svc:*:*:thing/t']
  ])('fills partition and region from the region %j', (region, arn) => {
    expect(grants({ region, params: { ThingName: 't' } })).toEqual([`svc:GetThing ${arn}`])
  })

  it.each([
    ['ThingName', { ThingName: 't' }],
    ['its lower-cased name', { thingname: 't' }],
    ['its stem', { Thing: 't' }],
    ['the stem with Id', { ThingId: 't' }],
    ['a URL, by its last part', { ThingName: 'https://svc.example/1/t' }],
    ['an http URL, by its last part', { ThingName: 'http://svc.example/t' }],
    ['an ARN, by its last part', { ThingName: 'arn:aws:sns:eu-west-1:1:t' }],
    ['an unsafe value, then a safe one', { ThingName: 'a*', ThingId: 't' }]
  ])('fills ${ThingName} from %s', (_, params) => {
    expect(grants({ params })).toEqual(['svc:GetThing arn:aws:svc:eu-west-1:*:thing/t'])
  })

  it.each([
    ['a/b', 'a/b'],
    ['x:y', 'x:y'],
    ['xarn:a/b', 'xarn:a/b'],
    ['~!', '~!'],
    ['v'.repeat(512), 'v'.repeat(512)],
    ['x', 'x']
  ])('takes the value %s as it is', (value, filled) => {
    expect(grants({ params: { ThingName: value } })).toEqual([
      `svc:GetThing arn:aws:svc:eu-west-1:*:thing/${filled}`
    ])
  })

  it.each([
    ['a wildcard', 'a*'],
    ['a question mark', 'a?'],
    ['a quote', 'a"b'],
    ['a backslash', 'a\\b'],
    ['a space', 'a b'],
    ['a letter beyond ASCII', 'é'],
    ['nothing', ''],
    ['513 characters', 'v'.repeat(513)]
  ])('names no resource from a value with %s', (_, value) => {
    expect(grants({ params: { ThingName: value } })).toEqual(['svc:GetThing *'])
  })

  it('fills a variable that ends in Id from the same stem with Name', () => {
    const format = 'arn:${Partition}:svc:::identity/${IdentityId}'
    const local: OperationMap = {
      origin: 'test',
      services: { svc: { i: 'svc', s: [], n: { GetThing: [format] } } }
    }
    const recording = new Recording(local, catalogue)
    recording.add(observation({ params: { IdentityName: 'i' } }))
    recording.add(observation({ params: { IdentityId: 'j' }, operation: 'GetThing' }))
    expect(recording.calls().map(call => call.grants[0].resource)).toEqual([
      'arn:aws:svc:::identity/i',
      'arn:aws:svc:::identity/j'
    ])
  })

  it.each([
    ['BucketName', 'Bucket', 'b', 'b'],
    ['BucketName', 'BucketId', 'b', 'b'],
    ['ObjectName', 'Key', 'k', 'k'],
    ['RoleNameWithPath', 'RoleName', 'r', 'r'],
    ['UserNameWithPath', 'UserName', 'u', 'u'],
    ['GroupNameWithPath', 'GroupName', 'g', 'g'],
    ['QueueName', 'QueueUrl', 'https://sqs.eu-west-1.amazonaws.com/1/q', 'q'],
    ['TopicName', 'TopicArn', 'arn:aws:sns:eu-west-1:1:topic', 'topic'],
    ['StreamName', 'StreamARN', 'arn:aws:kinesis:eu-west-1:1:stream/s', 's']
  ])('fills ${%s} from the parameter %s', (variable, parameter, value, filled) => {
    const local: OperationMap = {
      origin: 'test',
      services: { svc: { i: 'svc', s: [], n: { GetThing: [`arn:x:svc:::\${${variable}}`] } } }
    }
    const recording = new Recording(local, catalogue)
    recording.add(observation({ params: { [parameter]: value } }))
    expect(recording.calls()[0].grants[0].resource).toBe(`arn:x:svc:::${filled}`)
  })

  it('takes the first format whose variables the parameters all fill', () => {
    expect(grants({ operation: 'TagThing', params: { ThingName: 't' } })).toEqual([
      'svc:TagThing arn:aws:svc:eu-west-1:*:thing/t',
      'svc:GetThing * (dependent)'
    ])
    expect(grants({ operation: 'TagThing', params: { ThingName: 't', TagKey: 'k' } })).toEqual([
      'svc:TagThing arn:aws:svc:eu-west-1:*:thing/t/tag/k',
      'svc:GetThing * (dependent)'
    ])
  })

  it.each([
    [
      'of the format’s type',
      'arn:aws:svc:us-east-1:1:thing/given',
      'arn:aws:svc:us-east-1:1:thing/given'
    ],
    ['of six parts', 'arn:aws:svc:us-east-1:1:thing', 'arn:aws:svc:us-east-1:1:thing'],
    ['of another type', 'arn:aws:svc:us-east-1:1:other/given', 'arn:aws:svc:eu-west-1:*:thing/t'],
    ['of five parts', 'arn:aws:svc:us-east-1:thing', 'arn:aws:svc:eu-west-1:*:thing/t'],
    [
      'of another service',
      'arn:aws:other:us-east-1:1:thing/given',
      'arn:aws:svc:eu-west-1:*:thing/t'
    ],
    [
      'not starting with arn',
      'urn:aws:svc:us-east-1:1:thing/given',
      'arn:aws:svc:eu-west-1:*:thing/t'
    ],
    ['with a wildcard', 'arn:aws:svc:us-east-1:1:thing/*', 'arn:aws:svc:eu-west-1:*:thing/t']
  ])('takes a parameter that is a whole ARN only when it is one %s', (_, arn, resource) => {
    expect(grants({ params: { Arn: arn, ThingName: 't' } })).toEqual([`svc:GetThing ${resource}`])
  })

  it('takes a whole ARN of the service for a format whose resource is a variable or short', () => {
    for (const format of ['arn:${Partition}:svc:::${ThingName}', 'arn:${Partition}:svc']) {
      const local: OperationMap = {
        origin: 'test',
        services: { svc: { i: 'svc', s: [], n: { GetThing: [format] } } }
      }
      const recording = new Recording(local, catalogue)
      recording.add(observation({ params: { Arn: 'arn:aws:svc:r:1:anything' } }))
      expect(recording.calls()[0].grants[0].resource).toBe('arn:aws:svc:r:1:anything')
    }
  })

  it('names * when no format can be filled', () => {
    expect(grants({ params: { Other: 'x' } })).toEqual(['svc:GetThing *'])
    expect(grants({ operation: 'DescribeThing', params: {} })).toEqual(['svc:DescribeThing *'])
  })
})

describe('the recording', () => {
  it('counts repeats of a call once, with every way it was seen', () => {
    const call = observation({ params: { ThingName: 't' } })
    const [recorded] = record(call, call, { ...call, via: 'csm' }, call).calls()
    expect(recorded.count).toBe(4)
    expect(recorded.via).toEqual(['proxy', 'csm'])
  })

  it('lists calls on other resources, and unknown calls of other reasons, apart', () => {
    const calls = record(
      observation({ params: { ThingName: 'a' } }),
      observation({ params: { ThingName: 'b' } }),
      observation({ operation: undefined, unknown: 'one' }),
      observation({ operation: undefined, unknown: 'two' })
    ).calls()
    expect(calls.map(call => call.grants[0]?.resource ?? call.unmapped)).toEqual([
      'one',
      'two',
      'arn:aws:svc:eu-west-1:*:thing/a',
      'arn:aws:svc:eu-west-1:*:thing/b'
    ])
  })

  it('does not list again from monitoring an operation the proxy saw', () => {
    const calls = record(
      observation({ via: 'csm', operation: 'ListThings' }),
      observation({ via: 'csm' }),
      observation({ params: { ThingName: 't' } })
    ).calls()
    expect(calls.map(call => [call.operation, call.via])).toEqual([
      ['GetThing', ['proxy']],
      ['ListThings', ['csm']]
    ])
  })

  it('keeps a call seen both ways under one key', () => {
    const calls = record(observation({ via: 'csm' }), observation()).calls()
    expect(calls.map(call => [call.operation, call.via, call.count])).toEqual([
      ['GetThing', ['csm', 'proxy'], 2]
    ])
  })

  it('sorts calls by service, then operation, an unknown operation first', () => {
    const calls = record(
      observation({ service: 'svc', operation: 'PutThing' }),
      observation({ service: 'bare', operation: 'ListThings' }),
      observation({ service: 'svc', operation: 'GetThing' }),
      observation({ service: 'svc', operation: undefined }),
      observation({ service: 'bare', operation: 'DescribeThing' })
    ).calls()
    expect(calls.map(call => `${call.service} ${call.operation}`)).toEqual([
      'bare DescribeThing',
      'bare ListThings',
      'svc undefined',
      'svc GetThing',
      'svc PutThing'
    ])
  })

  it(`keeps at most ${MAX_DISTINCT_CALLS} distinct calls, counts the rest, still counts repeats`, () => {
    const recording = new Recording(map, catalogue)
    for (let i = 0; i < 10_000; i++) {
      recording.add(observation({ params: { ThingName: `t${i}` } }))
    }
    expect(recording.overflow).toBe(0)
    recording.add(observation({ params: { ThingName: 'one-more' } }))
    recording.add(observation({ params: { ThingName: 't0' } }))
    expect(recording.overflow).toBe(1)
    const calls = recording.calls()
    expect(calls).toHaveLength(10_000)
    expect(calls.find(call => call.grants[0].resource.endsWith('/t0'))?.count).toBe(2)
  })
})

describe('partitionOf', () => {
  it.each([
    ['cn-north-1', 'aws-cn'],
    ['cn-northwest-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov'],
    ['us-east-1', 'aws'],
    ['eu-cn-1', 'aws'],
    ['eu-us-gov-1', 'aws'],
    ['', 'aws']
  ])('puts %j in %s', (region, partition) => {
    expect(partitionOf(region)).toBe(partition)
  })
})
