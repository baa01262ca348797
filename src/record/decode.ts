import type { OperationMap } from './operations.js'

/** An HTTP request to an AWS host as the recorder saw it; headers with lower-case names. */
export interface RawRequest {
  method: string
  host: string
  /** Path and query, as on the request line. */
  target: string
  headers: Readonly<Record<string, string | undefined>>
  /** The start of the body (bounded by the caller); only resource-naming fields are kept. */
  body?: Uint8Array
}

/** What one request or monitoring datagram says: which call, and the names it acts on. */
export interface Observation {
  /** The signing name (the credential scope's service). */
  service: string
  region: string
  /** Undefined when the request matched no operation of the service. */
  operation?: string
  /** Request parameters that may name a resource (URI labels, query fields, top-level strings). */
  params: Readonly<Record<string, string>>
  via: 'proxy' | 'csm'
  /** Why the operation is unknown, for the report. */
  unknown?: string
}

/** Bodies beyond this are not parsed for resource names (their call is still recorded). */
export const MAX_PARSED_BODY = 64 * 1024
/** Longer parameter values name no resource worth a policy line. */
const MAX_PARAM_CHARS = 1024

const SCOPE = /Credential=[^/,\s]*\/\d{8}\/([a-z0-9-]{1,64})\/([a-z0-9-]{1,64})\/aws4_request/
const QUERY_SCOPE = /^[^/]*\/\d{8}\/([a-z0-9-]{1,64})\/([a-z0-9-]{1,64})\/aws4_request$/

/**
 * The call a SigV4-signed request makes: service and region from the credential scope, the
 * operation from X-Amz-Target (JSON protocols), the /service/…/operation/… path (RPC v2 CBOR),
 * Action= (query protocols) or the service's REST URI templates. Unsigned requests name no
 * service and give undefined. Never throws on hostile input.
 */
export function decodeRequest(request: RawRequest, map: OperationMap): Observation | undefined {
  const [path, query = ''] = splitTarget(request.target)
  const queryParams = parseForm(query)
  const scope =
    request.headers.authorization?.match(SCOPE) ??
    queryParams.get('X-Amz-Credential')?.match(QUERY_SCOPE)
  if (!scope) return undefined
  const [, region, service] = scope
  const base = { service, region, via: 'proxy' as const }
  const body = request.body && request.body.length <= MAX_PARSED_BODY ? request.body : undefined
  const contentType = request.headers['content-type']?.toLowerCase()

  const target = request.headers['x-amz-target']
  if (target !== undefined) {
    const operation = /(?:^|\.)([A-Za-z0-9_]{1,128})$/.exec(target)?.[1]
    return operation
      ? { ...base, operation, params: jsonParams(body) }
      : { ...base, params: {}, unknown: 'X-Amz-Target names no operation' }
  }
  const rpc = /^\/service\/[A-Za-z0-9_.-]{1,128}\/operation\/([A-Za-z0-9_]{1,128})$/.exec(path)
  if (rpc !== null) return { ...base, operation: rpc[1], params: {} }

  const form = contentType?.startsWith('application/x-www-form-urlencoded') && body
  const bodyParams = form ? parseForm(Buffer.from(body).toString('latin1')) : undefined
  const action = bodyParams?.get('Action') ?? queryParams.get('Action')
  if (action !== undefined) {
    const params = Object.fromEntries(
      [...queryParams, ...(bodyParams ?? [])].filter(([name]) => name !== 'Action')
    )
    return /^[A-Za-z0-9_]{1,128}$/.test(action)
      ? { ...base, operation: action, params: bounded(params) }
      : { ...base, params: {}, unknown: 'Action= names no operation' }
  }

  const routes = map.services[service]?.r
  if (routes === undefined) {
    return { ...base, params: {}, unknown: `no REST routes known for ${service}` }
  }
  const fullPath = service === 's3' ? withVirtualHostBucket(request.host, path) : path
  for (const [method, template, operation, ...headers] of routes) {
    if (method !== request.method.toUpperCase()) continue
    if (headers.some(name => request.headers[name] === undefined)) continue
    const labels = matchTemplate(template, fullPath, queryParams)
    if (labels !== undefined) {
      return {
        ...base,
        operation,
        params: bounded({ ...Object.fromEntries(queryParams), ...jsonParams(body), ...labels })
      }
    }
  }
  return { ...base, params: {}, unknown: `${request.method} ${path} matches no known operation` }
}

/** Bucket-named hosts (`bucket.s3.region.amazonaws.com`) carry the bucket the path leaves out. */
function withVirtualHostBucket(host: string, path: string): string {
  const name = host.toLowerCase().replace(/:\d+$/, '')
  const match = /^(.+?)\.s3(?:[.-][a-z0-9-]+)*\.(?:amazonaws\.com(?:\.cn)?|api\.aws)$/.exec(name)
  if (match === null || match[1].startsWith('s3.')) return path
  // `/bucket/` and `/bucket` match the same templates: empty segments count for nothing.
  return `/${match[1]}${path}`
}

function splitTarget(target: string): [string, string?] {
  const at = target.indexOf('?')
  return at < 0 ? [target || '/'] : [target.slice(0, at) || '/', target.slice(at + 1)]
}

function parseForm(text: string): Map<string, string> {
  const params = new Map<string, string>()
  for (const part of text.split('&')) {
    if (part === '') continue
    const eq = part.indexOf('=')
    const name = decode(eq < 0 ? part : part.slice(0, eq))
    const value = eq < 0 ? '' : decode(part.slice(eq + 1))
    if (name !== undefined && value !== undefined && !params.has(name)) params.set(name, value)
  }
  return params
}

function decode(text: string): string | undefined {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '))
  } catch {
    return undefined
  }
}

/** Top-level string fields of a JSON object body; nothing for any other body. */
function jsonParams(body: Uint8Array | undefined): Record<string, string> {
  // JSON text that begins with `{` parses to an object or not at all.
  if (body?.[0] !== 0x7b) return {}
  try {
    const parsed = JSON.parse(Buffer.from(body).toString('utf8')) as object
    return bounded(
      Object.fromEntries(
        Object.entries(parsed).filter((entry): entry is [string, string] => {
          return typeof entry[1] === 'string'
        })
      )
    )
  } catch {
    return {}
  }
}

function bounded(params: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(params).filter(
      ([name, value]) => name.length <= 128 && value.length > 0 && value.length <= MAX_PARAM_CHARS
    )
  )
}

/**
 * Matches a REST URI template (`/{Bucket}/{Key+}?uploads`) against a request path and query:
 * `{Label}` takes one non-empty segment, `{Label+}` the rest; each query name in the template
 * must be present (with its value, when the template gives one). Returns the labels' values.
 */
export function matchTemplate(
  template: string,
  path: string,
  query: ReadonlyMap<string, string>
): Record<string, string> | undefined {
  const [templatePath, templateQuery = ''] = splitTarget(template)
  for (const [name, value] of parseForm(templateQuery)) {
    if (!query.has(name) || (value !== '' && query.get(name) !== value)) return undefined
  }
  const want = templatePath.split('/').filter(Boolean)
  const have = path.split('/').filter(Boolean)
  const labels: Record<string, string> = {}
  for (let i = 0; i < want.length; i++) {
    const label = /^\{([A-Za-z0-9_]+)(\+?)\}$/.exec(want[i])
    if (label === null) {
      if (have[i] === undefined || decode(have[i]) !== want[i]) return undefined
      continue
    }
    if (label[2] === '+') {
      if (i !== want.length - 1 || have.length <= i) return undefined
      const rest = decode(have.slice(i).join('/'))
      if (rest === undefined) return undefined
      labels[label[1]] = rest
      return labels
    }
    // Segments are never empty (see the filter above), and neither is their decoding.
    const value = have[i] === undefined ? undefined : decode(have[i])
    if (value === undefined) return undefined
    labels[label[1]] = value
  }
  return have.length === want.length ? labels : undefined
}
