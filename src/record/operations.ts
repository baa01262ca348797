import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'

/** One service as scripts/update-operation-map.mjs writes it (see there for the sources). */
export interface ServiceOperations {
  /** The IAM prefix; null when no IAM service matches the model. */
  i: string | null
  /** Service ids of the models, as client-side monitoring names services. */
  s: string[]
  /** REST routes, most specific first: [method, URI template, operation, ...required headers]. */
  r?: [string, string, string, ...string[]][]
  /** Operation → IAM actions where not just the operation's name; [] when none is known. */
  a?: Record<string, string[]>
  /** IAM action → dependent actions (`prefix:Action`). */
  d?: Record<string, string[]>
  /** IAM action → ARN formats of the resources it acts on. */
  n?: Record<string, string[]>
}

export interface OperationMap {
  readonly origin: string
  /** By signing name, the service of a SigV4 credential scope. */
  readonly services: Readonly<Record<string, ServiceOperations>>
}

/** The operation map shipped with this release (~180 KB gzipped), read when recording starts. */
export function loadOperationMap(): OperationMap {
  const text = gunzipSync(
    readFileSync(new URL('./data/operations.json.gz', import.meta.url))
  ).toString('utf8')
  return JSON.parse(text) as OperationMap
}

/** The signing name of a service as client-side monitoring names it (`DynamoDB`, `sts`, `S3`). */
export function serviceByMonitoringName(map: OperationMap, name: string): string | undefined {
  const key = squash(name)
  for (const [signing, entry] of Object.entries(map.services)) {
    if (squash(signing) === key || entry.s.some(id => squash(id) === key)) return signing
  }
  return undefined
}

function squash(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '')
}
