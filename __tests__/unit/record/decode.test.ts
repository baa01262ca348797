import { describe, expect, it } from '@jest/globals'
import {
  decodeRequest,
  matchTemplate,
  MAX_PARSED_BODY,
  type RawRequest
} from '../../../src/record/decode.js'
import type { OperationMap } from '../../../src/record/operations.js'

/** A map small enough to know by heart: each route says which branch of the decoder chose it. */
const map: OperationMap = {
  origin: 'test',
  services: {
    svc: {
      i: 'svc',
      s: ['Svc'],
      r: [
        ['PUT', '/things/{Id}', 'PutThing'],
        ['GET', '/things/{Id}', 'GetThing'],
        ['GET', '/special/{Id}', 'GetSpecialWithBoth', 'x-amz-a', 'x-amz-b'],
        ['GET', '/special/{Id}', 'GetSpecial']
      ]
    },
    s3: {
      i: 's3',
      s: ['S3'],
      r: [
        ['GET', '/{Bucket}/{Key+}', 'GetObject'],
        ['GET', '/{Bucket}', 'ListObjects']
      ]
    },
    bare: { i: 'bare', s: [] }
  }
}

function auth(region: string, service: string, date = '20260101'): string {
  return `AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/${date}/${region}/${service}/aws4_request, SignedHeaders=host, Signature=${'ab'.repeat(32)}`
}

/** A request signed for `svc` in eu-west-1 unless the fields say otherwise. */
function signed(fields: Partial<RawRequest> & { service?: string; body?: Uint8Array } = {}) {
  const { service = 'svc', ...rest } = fields
  return {
    method: 'GET',
    host: 'svc.eu-west-1.amazonaws.com',
    target: '/',
    ...rest,
    headers: { authorization: auth('eu-west-1', service), ...rest.headers }
  }
}

/** What a request signed for svc in eu-west-1 decodes to. */
const found = (operation: string, params: Record<string, string> = {}) => ({
  service: 'svc',
  region: 'eu-west-1',
  via: 'proxy',
  operation,
  params
})
const unknown = (reason: string) => ({
  service: 'svc',
  region: 'eu-west-1',
  via: 'proxy',
  params: {},
  unknown: reason
})

const FORM = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }
const text = (value: string) => Buffer.from(value, 'latin1')

describe('the credential scope', () => {
  it('names the service and region of a signed request, seen through the proxy', () => {
    expect(decodeRequest(signed({ target: '/things/t1' }), map)).toStrictEqual(
      found('GetThing', { Id: 't1' })
    )
  })

  it('reads one-character and 64-character region and service names', () => {
    const long = 'a'.repeat(64)
    for (const [region, service] of [
      ['x', 'y'],
      [long, long]
    ]) {
      expect(
        decodeRequest(signed({ headers: { authorization: auth(region, service) } }), map)
      ).toMatchObject({ region, service })
    }
  })

  it('accepts a scope whose access key part is empty', () => {
    const authorization = 'AWS4-HMAC-SHA256 Credential=/20260101/eu-west-1/svc/aws4_request'
    expect(decodeRequest(signed({ headers: { authorization } }), map)?.service).toBe('svc')
  })

  it.each([
    ['a region of 65 characters', auth('a'.repeat(65), 'svc')],
    ['a service of 65 characters', auth('eu-west-1', 'a'.repeat(65))],
    ['an upper-case region', auth('EU-WEST-1', 'svc')],
    ['an upper-case service', auth('eu-west-1', 'SVC')],
    ['an empty region', auth('', 'svc')],
    ['a date of 7 digits', auth('eu-west-1', 'svc', '2026010')],
    ['a date of 9 digits', auth('eu-west-1', 'svc', '202601011')],
    ['a date with a letter', auth('eu-west-1', 'svc', '2026010x')],
    ['a key with a space', 'Credential=AKIA EXAMPLE/20260101/eu-west-1/svc/aws4_request'],
    ['a key with a comma', 'Credential=AKIA,X/20260101/eu-west-1/svc/aws4_request'],
    ['no scope at all', 'Bearer token']
  ])('gives undefined for an Authorization header with %s', (_, authorization) => {
    expect(decodeRequest(signed({ headers: { authorization } }), map)).toBeUndefined()
  })

  it('gives undefined for an unsigned request', () => {
    expect(
      decodeRequest({ method: 'GET', host: 'h', target: '/things/t1', headers: {} }, map)
    ).toBeUndefined()
  })

  it('reads the scope of a presigned URL, and keeps its query fields as parameters', () => {
    const raw = {
      method: 'GET',
      host: 'svc.eu-west-1.amazonaws.com',
      target:
        '/things/t1?X-Amz-Credential=AKIA%2F20260101%2Fus-east-2%2Fsvc%2Faws4_request&X-Amz-Expires=60',
      headers: {}
    }
    expect(decodeRequest(raw, map)).toStrictEqual({
      service: 'svc',
      region: 'us-east-2',
      via: 'proxy',
      operation: 'GetThing',
      params: {
        Id: 't1',
        'X-Amz-Credential': 'AKIA/20260101/us-east-2/svc/aws4_request',
        'X-Amz-Expires': '60'
      }
    })
  })

  it.each([
    ['with another slash before it', 'a/AKIA/20260101/us-east-2/svc/aws4_request'],
    ['with more after it', 'AKIA/20260101/us-east-2/svc/aws4_request/x']
  ])('refuses a presigned scope %s', (_, credential) => {
    const raw = {
      method: 'GET',
      host: 'h',
      target: `/things/t1?X-Amz-Credential=${encodeURIComponent(credential)}`,
      headers: {}
    }
    expect(decodeRequest(raw, map)).toBeUndefined()
  })

  it('prefers the Authorization header to a presigned scope', () => {
    const raw = signed({
      target: '/?X-Amz-Credential=AKIA%2F20260101%2Fus-east-2%2Fbare%2Faws4_request'
    })
    expect(decodeRequest(raw, map)).toMatchObject({ service: 'svc', region: 'eu-west-1' })
  })
})

describe('X-Amz-Target (JSON protocols)', () => {
  const json = (target: string, body?: string) =>
    signed({
      method: 'POST',
      headers: { 'x-amz-target': target },
      body: body === undefined ? undefined : text(body)
    })

  it.each([
    ['Svc_20120810.GetItem', 'GetItem'],
    ['GetItem', 'GetItem'],
    ['a.b.Op_1', 'Op_1'],
    [`Svc.${'x'.repeat(128)}`, 'x'.repeat(128)]
  ])('names the operation of %s', (target, operation) => {
    expect(decodeRequest(json(target), map)).toStrictEqual(found(operation, {}))
  })

  it.each([
    ['empty', ''],
    ['with a dash in the operation', 'Svc.Get-Item'],
    ['with a space in the operation', 'Svc.Get Item'],
    ['ending in a dot', 'Svc.'],
    ['of 129 characters', 'x'.repeat(129)],
    ['of 129 characters after a dot', `Svc.${'x'.repeat(129)}`]
  ])('says an X-Amz-Target %s names no operation', (_, target) => {
    expect(decodeRequest(json(target, '{"TableName":"t"}'), map)).toStrictEqual(
      unknown('X-Amz-Target names no operation')
    )
  })

  it('keeps the top-level string fields of a JSON object body, bounded', () => {
    const body = JSON.stringify({
      TableName: 'orders',
      Limit: 5,
      Key: { id: { S: 'nested' } },
      Tags: ['a'],
      Empty: '',
      Long: 'x'.repeat(1025),
      Max: 'y'.repeat(1024),
      [`N${'n'.repeat(127)}`]: 'name of 128',
      [`N${'n'.repeat(128)}`]: 'name of 129'
    })
    expect(decodeRequest(json('Svc.Query', body), map)?.params).toStrictEqual({
      TableName: 'orders',
      Max: 'y'.repeat(1024),
      [`N${'n'.repeat(127)}`]: 'name of 128'
    })
  })

  it('reads UTF-8 in a JSON body', () => {
    const raw = signed({
      method: 'POST',
      headers: { 'x-amz-target': 'Svc.Query' },
      body: Buffer.from('{"TableName":"café"}', 'utf8')
    })
    expect(decodeRequest(raw, map)?.params).toStrictEqual({ TableName: 'café' })
  })

  it.each([
    ['an array', '["a"]'],
    ['a string', '"a"'],
    ['whitespace before the object', ' {"TableName":"t"}'],
    ['malformed JSON', '{"TableName":'],
    ['an empty body', '']
  ])('names no parameter from a body that is %s', (_, body) => {
    expect(decodeRequest(json('Svc.Query', body), map)?.params).toStrictEqual({})
  })

  it(`parses a body of ${MAX_PARSED_BODY} bytes, and none longer`, () => {
    const object = '{"TableName":"t"}'
    const fits = object + ' '.repeat(64 * 1024 - object.length)
    expect(decodeRequest(json('Svc.Query', fits), map)?.params).toStrictEqual({ TableName: 't' })
    expect(decodeRequest(json('Svc.Query', `${fits} `), map)).toStrictEqual(found('Query', {}))
  })
})

describe('the RPC v2 path', () => {
  it.each([
    ['/service/Granite.Service-2010_08/operation/GetMetricData', 'GetMetricData'],
    [`/service/${'s'.repeat(128)}/operation/${'o'.repeat(128)}`, 'o'.repeat(128)],
    ['/service/S/operation/Op?x=1', 'Op']
  ])('names the operation of %s, and no parameter', (target, operation) => {
    expect(decodeRequest(signed({ method: 'POST', target }), map)).toStrictEqual(
      found(operation, {})
    )
  })

  it.each([
    '/x/service/S/operation/Op',
    '/service/S/operation/Op/x',
    '/service//operation/Op',
    '/service/S/operation/',
    '/service/S/operation/Op-1',
    '/service/S!/operation/Op',
    `/service/${'s'.repeat(129)}/operation/Op`,
    `/service/S/operation/${'o'.repeat(129)}`
  ])('does not take %s for an RPC path', target => {
    expect(decodeRequest(signed({ method: 'POST', target }), map)).toStrictEqual(
      unknown(`POST ${target} matches no known operation`)
    )
  })
})

describe('Action= (query protocols)', () => {
  const form = (body: string, target = '/', headers: Record<string, string> = FORM) =>
    signed({ method: 'POST', target, headers, body: text(body) })

  it('reads Action= and the other fields of a form body', () => {
    expect(
      decodeRequest(form('Action=GetRole&RoleName=app&Version=2010-05-08'), map)
    ).toStrictEqual(found('GetRole', { RoleName: 'app', Version: '2010-05-08' }))
  })

  it('reads a form body whatever the case of its content type', () => {
    const raw = form('Action=GetRole', '/', {
      'content-type': 'Application/X-WWW-Form-Urlencoded'
    })
    expect(decodeRequest(raw, map)?.operation).toBe('GetRole')
  })

  it.each([
    ['no content type', {}],
    ['another content type', { 'content-type': 'text/plain' }],
    [
      'a content type that only ends like a form',
      { 'content-type': 'text/plain; application/x-www-form-urlencoded' }
    ]
  ])('does not read a body with %s as a form', (_, headers) => {
    expect(decodeRequest(form('Action=GetRole', '/', headers), map)).toStrictEqual(
      unknown('POST / matches no known operation')
    )
  })

  it('reads Action= from the query when there is no body', () => {
    const raw = signed({ target: '/?Action=ListRoles&MaxItems=5', headers: FORM })
    expect(decodeRequest(raw, map)).toStrictEqual(found('ListRoles', { MaxItems: '5' }))
  })

  it('takes the body’s Action and fields over the query’s', () => {
    const raw = form('Action=GetRole&RoleName=body', '/?Action=ListRoles&RoleName=query&Marker=m')
    expect(decodeRequest(raw, map)).toMatchObject({
      operation: 'GetRole',
      params: { RoleName: 'body', Marker: 'm' }
    })
  })

  it('does not parse a form body longer than the bound, and reads the query alone', () => {
    const raw = form(`Action=GetRole&Pad=${'x'.repeat(MAX_PARSED_BODY)}`, '/?Action=ListRoles')
    expect(decodeRequest(raw, map)).toMatchObject({ operation: 'ListRoles', params: {} })
  })

  it('reads a form body as Latin-1 before percent-decoding it', () => {
    const raw = form('Action=GetRole&RoleName=caf\xe9&Path=%C3%A9')
    expect(decodeRequest(raw, map)?.params).toStrictEqual({ RoleName: 'café', Path: 'é' })
  })

  it.each([
    ['with a dash', 'Get-Role'],
    ['empty', ''],
    ['of 129 characters', 'x'.repeat(129)]
  ])('says an Action %s names no operation', (_, action) => {
    expect(decodeRequest(form(`Action=${action}&RoleName=app`), map)).toStrictEqual(
      unknown('Action= names no operation')
    )
  })

  it('takes an Action of 128 characters', () => {
    expect(decodeRequest(form(`Action=${'x'.repeat(128)}`), map)?.operation).toBe('x'.repeat(128))
  })

  it('keeps parameters with names up to 128 and values of 1 to 1,024 characters', () => {
    const fields = [
      `${'n'.repeat(128)}=name-128`,
      `${'n'.repeat(129)}=name-129`,
      'Empty=',
      `Max=${'v'.repeat(1024)}`,
      `Long=${'v'.repeat(1025)}`
    ]
    expect(decodeRequest(form(`Action=Op&${fields.join('&')}`), map)?.params).toStrictEqual({
      ['n'.repeat(128)]: 'name-128',
      Max: 'v'.repeat(1024)
    })
  })

  it('parses form fields: the first of a name wins, + is a space, = may be in a value', () => {
    const raw = form('Action=Op&A=1&A=2&B=x+y+z&C=k=v&D%3DE=f&G=%zz&%zz=h&&=blank-name&Flag')
    expect(decodeRequest(raw, map)?.params).toStrictEqual({
      A: '1',
      B: 'x y z',
      C: 'k=v',
      'D=E': 'f',
      '': 'blank-name'
    })
  })
})

describe('REST routes', () => {
  it.each([
    ['a service the map does not know', 'nosuch'],
    ['a service without REST routes', 'bare']
  ])('says so for %s', (_, service) => {
    expect(decodeRequest(signed({ service, target: '/x' }), map)).toStrictEqual({
      service,
      region: 'eu-west-1',
      via: 'proxy',
      params: {},
      unknown: `no REST routes known for ${service}`
    })
  })

  it.each([
    ['GET', 'GetThing'],
    ['get', 'GetThing'],
    ['PUT', 'PutThing']
  ])('matches a %s request by its method', (method, operation) => {
    expect(decodeRequest(signed({ method, target: '/things/t1' }), map)?.operation).toBe(operation)
  })

  it.each([
    [{}, 'GetSpecial'],
    [{ 'x-amz-a': '1' }, 'GetSpecial'],
    [{ 'x-amz-a': '1', 'x-amz-b': '' }, 'GetSpecialWithBoth']
  ])('takes a route that needs headers only when all are present (%j)', (headers, operation) => {
    expect(decodeRequest(signed({ target: '/special/s1', headers }), map)?.operation).toBe(
      operation
    )
  })

  it('keeps query fields, then JSON body fields, then URI labels, each over the one before', () => {
    const raw = signed({
      method: 'PUT',
      target: '/things/t1?Id=query&Name=query&Extra=e&Long=' + 'x'.repeat(1025),
      body: text('{"Id":"json","Name":"json"}')
    })
    expect(decodeRequest(raw, map)?.params).toStrictEqual({ Id: 't1', Name: 'json', Extra: 'e' })
  })

  it.each([
    ['DELETE', '/things/t1?x=1', 'DELETE /things/t1'],
    ['get', '', 'get /'],
    ['GET', '?Id=1', 'GET /']
  ])('says what matched nothing: %s %s', (method, target, said) => {
    expect(decodeRequest(signed({ method, target }), map)).toStrictEqual(
      unknown(`${said} matches no known operation`)
    )
  })

  it.each([
    ['b.s3.amazonaws.com', '/k', { Bucket: 'b', Key: 'k' }],
    ['b.s3.amazonaws.com', '/', { Bucket: 'b' }],
    ['b.s3.amazonaws.com', '', { Bucket: 'b' }],
    ['B.S3.EU-WEST-1.AMAZONAWS.COM:443', '/k', { Bucket: 'b', Key: 'k' }],
    ['my.dotted.bucket.s3.eu-west-1.amazonaws.com', '/k', { Bucket: 'my.dotted.bucket', Key: 'k' }],
    ['b.s3-eu-west-1.amazonaws.com', '/k', { Bucket: 'b', Key: 'k' }],
    ['b.s3.dualstack.eu-west-1.amazonaws.com', '/k', { Bucket: 'b', Key: 'k' }],
    ['b.s3.cn-north-1.amazonaws.com.cn', '/k', { Bucket: 'b', Key: 'k' }],
    ['b.s3.eu-west-1.api.aws', '/k', { Bucket: 'b', Key: 'k' }],
    ['s3.eu-west-1.amazonaws.com', '/p/k', { Bucket: 'p', Key: 'k' }],
    ['s3.amazonaws.com', '/p', { Bucket: 'p' }],
    ['s3.example.s3.amazonaws.com', '/p/k', { Bucket: 'p', Key: 'k' }],
    ['b.s3.amazonaws.com.example', '/p/k', { Bucket: 'p', Key: 'k' }],
    ['b.s3.amazonaws.com:x', '/p/k', { Bucket: 'p', Key: 'k' }],
    ['b.nots3.amazonaws.com', '/p/k', { Bucket: 'p', Key: 'k' }],
    ['b.s3.amazonaws.org', '/p/k', { Bucket: 'p', Key: 'k' }],
    ['b.s3.amazonawsXcom', '/p/k', { Bucket: 'p', Key: 'k' }],
    ['b.s3.Xamazonaws.com', '/p/k', { Bucket: 'p', Key: 'k' }]
  ])('S3 on %s with path %j names %j', (host, target, params) => {
    expect(decodeRequest(signed({ service: 's3', host, target }), map)?.params).toStrictEqual(
      params
    )
  })

  it('takes the bucket from the host for S3 only', () => {
    const raw = signed({ host: 'things.s3.amazonaws.com', target: '/t1' })
    expect(decodeRequest(raw, map)?.unknown).toBe('GET /t1 matches no known operation')
  })
})

describe('matchTemplate', () => {
  const none = new Map<string, string>()

  it.each([
    ['/{Bucket}/{Key+}', '/b/a/b%2Fc/d', { Bucket: 'b', Key: 'a/b/c/d' }],
    ['/{Bucket}/{Key+}', '/b/k', { Bucket: 'b', Key: 'k' }],
    ['/things/{Id}', '/th%69ngs/a%20b', { Id: 'a b' }],
    ['/things/{Id}', '//things//x//', { Id: 'x' }],
    ['/{Id}', '/a+b', { Id: 'a b' }],
    ['/', '/', {}],
    ['/{}', '/%7B%7D', {}],
    ['/{Bad-Label}', '/{Bad-Label}', {}]
  ])('matches %s against %s', (template, path, labels) => {
    expect(matchTemplate(template, path, none)).toStrictEqual(labels)
  })

  it.each([
    ['/{Bucket}/{Key+}', '/b', 'a greedy label with nothing left'],
    ['/{Key+}/x', '/a/x', 'a greedy label that is not last'],
    ['/{Bucket}', '/b/k', 'a path longer than the template'],
    ['/{Bucket}/k', '/b', 'a literal segment missing'],
    ['/things/{Id}', '/other/x', 'another literal segment'],
    ['/things/{Id}', '/things/%zz', 'a label that does not decode'],
    ['/{Key+}', '/a/%zz', 'a greedy label that does not decode'],
    ['/%zz/{Id}', '/%zz/x', 'a literal segment that does not decode'],
    ['/', '/x', 'a path where the template has none'],
    ['/{Bad-Label}', '/x', 'a malformed label, which is a literal']
  ])('refuses %s against %s (%s)', (template, path) => {
    expect(matchTemplate(template, path, none)).toBeUndefined()
  })

  it.each([
    [{ uploads: '' }, { Bucket: 'b' }],
    [{ uploads: 'x' }, { Bucket: 'b' }],
    [{}, undefined]
  ])('needs a bare query name of the template to be present (%j)', (query, labels) => {
    expect(matchTemplate('/{Bucket}?uploads', '/b', new Map(Object.entries(query)))).toStrictEqual(
      labels
    )
  })

  it.each([
    [{ 'list-type': '2' }, { Bucket: 'b' }],
    [{ 'list-type': '1' }, undefined],
    [{}, undefined]
  ])('needs a query field the template gives a value to have that value (%j)', (query, labels) => {
    expect(
      matchTemplate('/{Bucket}?list-type=2', '/b', new Map(Object.entries(query)))
    ).toStrictEqual(labels)
  })
})
