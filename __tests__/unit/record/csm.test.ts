import { describe, expect, it } from '@jest/globals'
import { decodeDatagram, MAX_DATAGRAM } from '../../../src/record/csm.js'
import type { OperationMap } from '../../../src/record/operations.js'

const map: OperationMap = {
  origin: 'test',
  services: {
    dynamodb: { i: 'dynamodb', s: ['DynamoDB'] },
    s3: { i: 's3', s: ['S3', 'S3 Control'] }
  }
}

const datagram = (fields: object) =>
  Buffer.from(JSON.stringify({ Version: 1, ClientId: '', ...fields }))
const call = (fields: object) =>
  datagram({ Type: 'ApiCall', Service: 'DynamoDB', Api: 'ListTables', ...fields })

describe('decodeDatagram', () => {
  it('reports an ApiCall as the service’s call, seen by monitoring, naming no resource', () => {
    expect(decodeDatagram(call({ Region: 'eu-west-1' }), map)).toStrictEqual({
      service: 'dynamodb',
      region: 'eu-west-1',
      operation: 'ListTables',
      params: {},
      via: 'csm'
    })
  })

  it('finds the service by any of its monitoring names', () => {
    expect(decodeDatagram(call({ Service: 'S3 Control', Api: 'GetBucket' }), map)).toMatchObject({
      service: 's3',
      operation: 'GetBucket'
    })
  })

  it('keeps a call of a service it does not know, with the reason', () => {
    expect(decodeDatagram(call({ Service: 'New Thing', Region: 'us-east-1' }), map)).toStrictEqual({
      service: 'new thing',
      region: 'us-east-1',
      params: {},
      via: 'csm',
      unknown: 'no service known as New Thing'
    })
  })

  it.each([
    ['missing', {}],
    ['not a string', { Region: 1 }],
    ['upper-case', { Region: 'EU-WEST-1' }],
    ['empty', { Region: '' }],
    ['of 65 characters', { Region: 'a'.repeat(65) }],
    ['with a space', { Region: 'eu west 1' }]
  ])('gives an empty region when the Region is %s', (_, fields) => {
    expect(decodeDatagram(call(fields), map)?.region).toBe('')
  })

  it('takes a Region of 64 characters', () => {
    expect(decodeDatagram(call({ Region: 'a'.repeat(64) }), map)?.region).toBe('a'.repeat(64))
  })

  it('takes a Service of 64 characters and an Api of 128', () => {
    const fields = { Service: 'S'.repeat(64), Api: 'A'.repeat(128) }
    expect(decodeDatagram(call(fields), map)).toMatchObject({ service: 's'.repeat(64) })
    expect(decodeDatagram(call({ Api: 'a_1'.repeat(42) + 'xx' }), map)?.operation).toBe(
      'a_1'.repeat(42) + 'xx'
    )
  })

  it.each([
    ['an attempt, not a call', call({ Type: 'ApiCallAttempt' })],
    ['no Type', datagram({ Service: 'DynamoDB', Api: 'ListTables' })],
    ['a Service that is not a string', call({ Service: 5 })],
    ['an Api that is not a string', call({ Api: ['ListTables'] })],
    ['an empty Service', call({ Service: '' })],
    ['a Service of 65 characters', call({ Service: 'S'.repeat(65) })],
    ['a Service with punctuation', call({ Service: 'Dynamo!DB' })],
    ['an empty Api', call({ Api: '' })],
    ['an Api of 129 characters', call({ Api: 'A'.repeat(129) })],
    ['an Api with a space', call({ Api: 'List Tables' })],
    ['an Api with a dash', call({ Api: 'List-Tables' })],
    ['JSON null', Buffer.from('null')],
    ['a JSON number', Buffer.from('5')],
    ['a JSON string', Buffer.from('"ApiCall"')],
    ['a JSON array', Buffer.from('[{"Type":"ApiCall","Service":"S3","Api":"GetObject"}]')],
    ['malformed JSON', Buffer.from('{"Type":')],
    ['nothing', Buffer.alloc(0)]
  ])('ignores a datagram that is %s', (_, bytes) => {
    expect(decodeDatagram(bytes, map)).toBeUndefined()
  })

  it(`reads a datagram of ${MAX_DATAGRAM} bytes, and none longer`, () => {
    const bytes = call({ Region: 'eu-west-1' })
    const fits = Buffer.concat([bytes, Buffer.alloc(8 * 1024 - bytes.length, 0x20)])
    expect(decodeDatagram(fits, map)?.operation).toBe('ListTables')
    expect(decodeDatagram(Buffer.concat([fits, Buffer.from(' ')]), map)).toBeUndefined()
  })

  it('reads a datagram as UTF-8', () => {
    const bytes = Buffer.from(
      '{"Type":"ApiCall","Service":"DynamoDB","Api":"ListTables","Note":"é"}',
      'utf8'
    )
    expect(decodeDatagram(bytes, map)?.operation).toBe('ListTables')
  })
})
