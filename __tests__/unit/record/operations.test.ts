import { describe, expect, it } from '@jest/globals'
import {
  loadOperationMap,
  serviceByMonitoringName,
  type OperationMap
} from '../../../src/record/operations.js'

describe('loadOperationMap', () => {
  it('reads the shipped map: its origin and the services by signing name', () => {
    const map = loadOperationMap()
    expect(map.origin).toMatch(/^aws-sdk \S+ models, @cloud-copilot\/iam-data \S+$/)
    expect(map.services.s3).toMatchObject({ i: 's3', s: ['S3', 'S3 Control'] })
    expect(map.services.monitoring.i).toBe('cloudwatch')
  })
})

describe('serviceByMonitoringName', () => {
  const map: OperationMap = {
    origin: 'test',
    services: {
      'execute-api': { i: 'execute-api', s: ['API Gateway', 'ApiGatewayV2'] },
      dynamodb: { i: 'dynamodb', s: ['DynamoDB'] },
      monitoring: { i: 'cloudwatch', s: [] }
    }
  }

  it.each([
    ['DynamoDB', 'dynamodb'],
    ['dynamodb', 'dynamodb'],
    ['Dynamo-DB', 'dynamodb'],
    ['API Gateway', 'execute-api'],
    ['api-gateway', 'execute-api'],
    ['APIGATEWAYV2', 'execute-api'],
    ['Execute API', 'execute-api'],
    ['Execute-API', 'execute-api'],
    ['MONITORING', 'monitoring'],
    ['m.o.n.i.t.o.r.i.n.g', 'monitoring']
  ])('finds %s as %s, ignoring case and punctuation', (name, signing) => {
    expect(serviceByMonitoringName(map, name)).toBe(signing)
  })

  it.each(['S3', 'Dynamo', 'executeapix', 'cloudwatch', ''])('knows no service as %j', name => {
    expect(serviceByMonitoringName(map, name)).toBeUndefined()
  })
})
