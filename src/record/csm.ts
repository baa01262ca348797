import type { Observation } from './decode.js'
import { serviceByMonitoringName, type OperationMap } from './operations.js'

/** A monitoring datagram is one small JSON object; anything longer is not one. */
export const MAX_DATAGRAM = 8 * 1024

/**
 * One client-side monitoring datagram (the JSON the AWS CLI, boto3 and some SDKs send when
 * AWS_CSM_ENABLED is set) → the call it reports. Only `ApiCall` entries count: an SDK also sends
 * one `ApiCallAttempt` per try, which would count retries as calls. A datagram names no resource.
 * Anything else (malformed, too long, another type) gives undefined.
 */
export function decodeDatagram(datagram: Uint8Array, map: OperationMap): Observation | undefined {
  if (datagram.length === 0 || datagram.length > MAX_DATAGRAM) return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(datagram).toString('utf8'))
  } catch {
    return undefined
  }
  if (parsed === null || typeof parsed !== 'object') return undefined
  const { Type, Service, Api, Region } = parsed as Record<string, unknown>
  if (Type !== 'ApiCall' || typeof Service !== 'string' || typeof Api !== 'string') return undefined
  if (!/^[A-Za-z0-9_ -]{1,64}$/.test(Service) || !/^[A-Za-z0-9_]{1,128}$/.test(Api)) {
    return undefined
  }
  const region = typeof Region === 'string' && /^[a-z0-9-]{1,64}$/.test(Region) ? Region : ''
  const service = serviceByMonitoringName(map, Service)
  return service === undefined
    ? {
        service: Service.toLowerCase(),
        region,
        params: {},
        via: 'csm',
        unknown: `no service known as ${Service}`
      }
    : { service, region, operation: Api, params: {}, via: 'csm' }
}
