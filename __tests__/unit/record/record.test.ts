import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { RUNNER_WORDING } from '../../../src/action/wording.js'
import { policyDataLoaders } from '../../../src/policy/data.js'
import { Recording } from '../../../src/record/calls.js'
import { decodeDatagram } from '../../../src/record/csm.js'
import { decodeRequest, type RawRequest } from '../../../src/record/decode.js'
import { loadOperationMap } from '../../../src/record/operations.js'
import { buildReport, reportJson, reportSummary } from '../../../src/record/report.js'
import { synthesizePolicy } from '../../../src/record/synthesize.js'
import { catalogue } from '../../support/policies.js'

const map = loadOperationMap()

function auth(region: string, service: string): string {
  return `AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20260101/${region}/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'ab'.repeat(32)}`
}

function request(
  service: string,
  method: string,
  host: string,
  target: string,
  headers: Record<string, string> = {},
  body?: string
): RawRequest {
  return {
    method,
    host,
    target,
    headers: { authorization: auth('eu-west-1', service), host, ...headers },
    body: body === undefined ? undefined : Buffer.from(body)
  }
}

/** The grants a list of requests records, as `action resource` lines. */
function grantsOf(...requests: RawRequest[]) {
  const recording = new Recording(map, catalogue)
  for (const raw of requests) recording.add(decodeRequest(raw, map)!)
  return recording.calls().map(call => ({
    operation: `${call.service} ${call.operation}`,
    grants: call.grants.map(g => `${g.action} ${g.resource}${g.dependent ? ' (dependent)' : ''}`),
    unmapped: call.unmapped
  }))
}

describe('decoding requests of each protocol (golden)', () => {
  it('query: Action= in a form body (STS AssumeRole) names the role ARN', () => {
    const raw = request(
      'sts',
      'POST',
      'sts.eu-west-1.amazonaws.com',
      '/',
      { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      'Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Fdeploy&RoleSessionName=s'
    )
    expect(grantsOf(raw)).toEqual([
      {
        operation: 'sts AssumeRole',
        grants: ['sts:AssumeRole arn:aws:iam::111122223333:role/deploy'],
        unmapped: undefined
      }
    ])
  })

  it('query: Action= in the URL (IAM GetRole) names the role', () => {
    const raw = request(
      'iam',
      'GET',
      'iam.amazonaws.com',
      '/?Action=GetRole&RoleName=app&Version=2010-05-08'
    )
    expect(grantsOf(raw)[0].grants).toEqual(['iam:GetRole arn:aws:iam::*:role/app'])
  })

  it('JSON: X-Amz-Target (DynamoDB GetItem) names the table from the body', () => {
    const raw = request(
      'dynamodb',
      'POST',
      'dynamodb.eu-west-1.amazonaws.com',
      '/',
      { 'x-amz-target': 'DynamoDB_20120810.GetItem', 'content-type': 'application/x-amz-json-1.0' },
      JSON.stringify({ TableName: 'orders', Key: { id: { S: 'secret-value' } } })
    )
    const [call] = grantsOf(raw)
    expect(call.grants).toEqual(['dynamodb:GetItem arn:aws:dynamodb:eu-west-1:*:table/orders'])
    expect(JSON.stringify(call)).not.toContain('secret-value')
  })

  it('REST-XML: S3 path-style and virtual-hosted requests, renamed actions', () => {
    expect(
      grantsOf(
        request('s3', 'GET', 's3.eu-west-1.amazonaws.com', '/my-bucket/dir/a.txt'),
        request('s3', 'GET', 'my-bucket.s3.eu-west-1.amazonaws.com', '/?list-type=2&prefix=dir'),
        request('s3', 'HEAD', 'my-bucket.s3.amazonaws.com', '/dir/b.txt'),
        request('s3', 'PUT', 's3.amazonaws.com', '/my-bucket/dir/c.txt'),
        request('s3', 'PUT', 's3.amazonaws.com', '/my-bucket/dir/d.txt', {
          'x-amz-copy-source': '/other/e.txt'
        })
      )
    ).toEqual([
      {
        operation: 's3 CopyObject',
        grants: [
          's3:GetObject arn:aws:s3:::my-bucket/dir/d.txt',
          's3:PutObject arn:aws:s3:::my-bucket/dir/d.txt'
        ],
        unmapped: undefined
      },
      {
        operation: 's3 GetObject',
        grants: ['s3:GetObject arn:aws:s3:::my-bucket/dir/a.txt'],
        unmapped: undefined
      },
      {
        operation: 's3 HeadObject',
        grants: ['s3:GetObject arn:aws:s3:::my-bucket/dir/b.txt'],
        unmapped: undefined
      },
      {
        operation: 's3 ListObjectsV2',
        grants: ['s3:ListBucket arn:aws:s3:::my-bucket'],
        unmapped: undefined
      },
      {
        operation: 's3 PutObject',
        grants: ['s3:PutObject arn:aws:s3:::my-bucket/dir/c.txt'],
        unmapped: undefined
      }
    ])
  })

  it('REST-JSON: Lambda Invoke and CreateFunction (with its dependent iam:PassRole)', () => {
    const calls = grantsOf(
      request(
        'lambda',
        'POST',
        'lambda.eu-west-1.amazonaws.com',
        '/2015-03-31/functions/build/invocations'
      ),
      request(
        'lambda',
        'POST',
        'lambda.eu-west-1.amazonaws.com',
        '/2015-03-31/functions',
        { 'content-type': 'application/json' },
        JSON.stringify({ FunctionName: 'fn', Role: 'arn:aws:iam::1:role/r', Code: {} })
      )
    )
    expect(calls[0].grants).toContain(
      'lambda:CreateFunction arn:aws:lambda:eu-west-1:*:function:fn'
    )
    expect(calls[0].grants).toContain('iam:PassRole arn:aws:iam::1:role/r (dependent)')
    expect(calls[1].grants).toEqual([
      'lambda:InvokeFunction arn:aws:lambda:eu-west-1:*:function:build'
    ])
  })

  it('RPC v2 CBOR: the operation from /service/…/operation/… (CloudWatch GetMetricData)', () => {
    const raw = request(
      'monitoring',
      'POST',
      'monitoring.eu-west-1.amazonaws.com',
      '/service/GraniteServiceVersion20100801/operation/GetMetricData',
      { 'smithy-protocol': 'rpc-v2-cbor', 'content-type': 'application/cbor' },
      '\xbf\xff'
    )
    expect(grantsOf(raw)).toEqual([
      {
        operation: 'monitoring GetMetricData',
        grants: ['cloudwatch:GetMetricData *'],
        unmapped: undefined
      }
    ])
  })

  it('lists calls it cannot map, with the reason, and skips unsigned requests', () => {
    const calls = grantsOf(
      request('s3', 'PATCH', 's3.amazonaws.com', '/nothing/here?x'),
      request('tagging', 'POST', 'tagging.eu-west-1.amazonaws.com', '/', {
        'x-amz-target': 'X.NoSuchOperation'
      })
    )
    expect(calls.map(call => call.unmapped)).toEqual([
      'PATCH /nothing/here matches no known operation',
      'tag:NoSuchOperation is not in the IAM action catalogue'
    ])
    expect(
      decodeRequest({ method: 'GET', host: 'x', target: '/', headers: {} }, map)
    ).toBeUndefined()
  })

  it('never throws on hostile requests', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.string(),
        fc.string(),
        fc.uint8Array({ maxLength: 200 }),
        (target, authorization, amzTarget, body) => {
          const raw = {
            method: 'GET',
            host: 's3.amazonaws.com',
            target,
            headers: { authorization, 'x-amz-target': amzTarget || undefined },
            body
          }
          decodeRequest(raw, map)
          decodeRequest({ ...raw, headers: { authorization: auth('us-east-1', 's3') } }, map)
          decodeDatagram(body, map)
        }
      )
    )
  })
})

describe('client-side monitoring datagrams (golden)', () => {
  const datagram = (fields: object) =>
    Buffer.from(JSON.stringify({ Version: 1, ClientId: '', ...fields }))

  it('counts ApiCall entries, not attempts, and names no resource', () => {
    const recording = new Recording(map, catalogue)
    for (const fields of [
      { Type: 'ApiCall', Service: 'STS', Api: 'GetCallerIdentity', Region: 'us-east-1' },
      { Type: 'ApiCallAttempt', Service: 'STS', Api: 'GetCallerIdentity', Region: 'us-east-1' },
      { Type: 'ApiCall', Service: 'DynamoDB', Api: 'ListTables', Region: 'us-east-1' },
      { Type: 'ApiCall', Service: 'DynamoDB', Api: 'ListTables', Region: 'us-east-1' }
    ]) {
      const observation = decodeDatagram(datagram(fields), map)
      if (observation) recording.add(observation)
    }
    expect(
      recording
        .calls()
        .map(c => [c.operation, c.count, c.grants.map(g => `${g.action} ${g.resource}`)])
    ).toEqual([
      ['ListTables', 2, ['dynamodb:ListTables *']],
      ['GetCallerIdentity', 1, ['sts:GetCallerIdentity *']]
    ])
    expect(
      decodeDatagram(Buffer.from('{"Type":"ApiCall","Service":"S3","Api":"a b"}'), map)
    ).toBeUndefined()
    expect(decodeDatagram(Buffer.alloc(9000, 0x20), map)).toBeUndefined()
  })

  it('a call the proxy saw is not listed again from monitoring', () => {
    const recording = new Recording(map, catalogue)
    recording.add(decodeRequest(request('s3', 'GET', 's3.amazonaws.com', '/b/k'), map)!)
    recording.add(
      decodeDatagram(
        datagram({ Type: 'ApiCall', Service: 'S3', Api: 'GetObject', Region: 'eu-west-1' }),
        map
      )!
    )
    expect(recording.calls()).toHaveLength(1)
  })
})

describe('policy synthesis', () => {
  it('groups actions by resources and passes the project’s own policy checks', () => {
    const recording = new Recording(map, catalogue)
    recording.add(decodeRequest(request('s3', 'GET', 's3.amazonaws.com', '/b/k1'), map)!)
    recording.add(decodeRequest(request('s3', 'PUT', 's3.amazonaws.com', '/b/k1'), map)!)
    const report = buildReport(recording.calls(), policyDataLoaders, RUNNER_WORDING)
    expect(report.policy.document).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: 'arn:aws:s3:::b/k1' }
      ]
    })
    expect(report.policy.widened).toEqual([])
    expect(reportSummary(report)).toContain(
      's3 GetObject ×1 [proxy]: s3:GetObject on arn:aws:s3:::b/k1'
    )
    expect(JSON.parse(reportJson(report)).gaps.length).toBeGreaterThan(0)
  })

  it('fits 2,048 characters by collapsing resources, then saying what it widened', () => {
    const recording = new Recording(map, catalogue)
    for (let i = 0; i < 80; i++) {
      recording.add(
        decodeRequest(
          request('s3', 'GET', 's3.amazonaws.com', `/bucket/deep/path/object-${i}.json`),
          map
        )!
      )
    }
    const policy = synthesizePolicy(recording.calls())
    expect(policy.text!.length).toBeLessThanOrEqual(2048)
    expect(policy.document!.Statement).toEqual([
      { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/deep/path/*' }
    ])
    expect(policy.widened[0]).toMatch(
      /s3:GetObject on arn:aws:s3:::bucket\/deep\/path\/\* \(was 80 ARNs\)/
    )
  })

  it('widens to action patterns when resources alone do not suffice, and refuses beyond', () => {
    const recording = new Recording(map, catalogue)
    const actions = catalogue
      .actionsOf('ec2')
      .filter(a => /^ec2:Describe/.test(a))
      .slice(0, 150)
    for (const action of actions) {
      recording.add({
        service: 'ec2',
        region: 'us-east-1',
        operation: action.slice(4),
        params: {},
        via: 'csm'
      })
    }
    const policy = synthesizePolicy(recording.calls())
    expect(policy.document!.Statement).toEqual([
      { Effect: 'Allow', Action: 'ec2:Describe*', Resource: '*' }
    ])
    expect(policy.widened.join()).toMatch(/ec2:Describe\* for/)
    // One action of each of 300 services: no verb is shared, nothing left to merge.
    const many = catalogue.services.slice(0, 300).map(prefix => ({
      service: prefix,
      region: 'us-east-1',
      count: 1,
      via: ['csm' as const],
      grants: [{ action: catalogue.actionsOf(prefix)[0], resource: '*', dependent: false }]
    }))
    expect(() => synthesizePolicy(many)).toThrow(/record the step's commands separately/)
  })
})

describe('the shipped operation map', () => {
  it('names only actions of the shipped IAM catalogue', () => {
    const missing = Object.values(map.services).flatMap(entry =>
      Object.values(entry.a ?? {})
        .flat()
        .map(name => `${entry.i}:${name}`)
        .filter(action => catalogue.canonical(action) !== action)
    )
    expect(missing).toEqual([])
    expect(map.origin).toMatch(/^aws-sdk \S+ models, @cloud-copilot\/iam-data \S+$/)
  })
})
