// SigV4: the request signature checked the way STS checks it, against the keys this server
// knows (configured users and the sessions it minted).
import crypto from 'node:crypto'
import { StsError, invalidClientToken, signatureMismatch } from './wire.js'

/** @typedef {import('node:http').IncomingMessage} IncomingMessage */
/** @typedef {import('./types.js').Caller} Caller */
/** @typedef {import('./types.js').KeyEntry} KeyEntry */

// RFC 3986 encoding as SigV4 wants it: encodeURIComponent leaves !'()* alone, SigV4 does not.
const escapeUri = (/** @type {string} */ s) =>
  encodeURIComponent(s).replace(/[!'()*]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)

const sha256Hex = (/** @type {string | Buffer} */ data) =>
  crypto.createHash('sha256').update(data).digest('hex')
const hmac = (/** @type {crypto.BinaryLike} */ key, /** @type {string} */ data) =>
  crypto.createHmac('sha256', key).update(data, 'utf8').digest()

/**
 * The SDK escapes the already-encoded wire path once more (non-S3 services double-encode), after
 * dropping empty, '.' and '..' segments.
 * @param {string} path
 */
function canonicalPath(path) {
  /** @type {string[]} */
  const segments = []
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue
    if (segment === '..') segments.pop()
    else segments.push(segment)
  }
  const trailing = segments.length > 0 && path.endsWith('/') ? '/' : ''
  const normalized = `${path.startsWith('/') ? '/' : ''}${segments.join('/')}${trailing}`
  return escapeUri(normalized).replace(/%2F/g, '/')
}

/** @param {string} query the raw query string, without '?' */
function canonicalQuery(query) {
  if (query === '') return ''
  const decode = (/** @type {string} */ s) => {
    try {
      return decodeURIComponent(s)
    } catch {
      return s
    }
  }
  return query
    .split('&')
    .filter(pair => pair !== '')
    .map(pair => {
      const eq = pair.indexOf('=')
      const key = eq < 0 ? pair : pair.slice(0, eq)
      const value = eq < 0 ? '' : pair.slice(eq + 1)
      return [escapeUri(decode(key)), escapeUri(decode(value))]
    })
    .filter(([key]) => key.toLowerCase() !== 'x-amz-signature')
    .sort(([k1, v1], [k2, v2]) => (k1 < k2 ? -1 : k1 > k2 ? 1 : v1 < v2 ? -1 : v1 > v2 ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join('&')
}

/**
 * Header values as they arrived (rawHeaders), because Node's merged req.headers drops or joins
 * some duplicates differently from how a signer saw them.
 * @param {string[]} rawHeaders
 */
function headerValues(rawHeaders) {
  /** @type {Map<string, string[]>} */
  const values = new Map()
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toLowerCase()
    const list = values.get(name) ?? []
    list.push(
      rawHeaders[i + 1]
        .replace(/[\r\n]/g, ' ')
        .replace(/[ \t]+/g, ' ')
        .trim()
    )
    values.set(name, list)
  }
  return values
}

/**
 * @typedef {{ accessKeyId: string, date: string, region: string, service: string,
 *   terminator: string, signedHeaders: string[], signature: string }} ParsedAuthorization
 * @param {string} header
 * @returns {ParsedAuthorization | undefined}
 */
export function parseAuthorization(header) {
  const match = /^AWS4-HMAC-SHA256\s+(.*)$/s.exec(header.trim())
  if (!match) return undefined
  /** @type {Record<string, string>} */
  const parts = {}
  for (const part of match[1].split(',')) {
    const eq = part.indexOf('=')
    if (eq > 0) parts[part.slice(0, eq).trim()] = part.slice(eq + 1).trim()
  }
  const { Credential: credential, SignedHeaders: signedHeaders, Signature: signature } = parts
  if (!credential || !signedHeaders || !signature) return undefined
  const scope = credential.split('/')
  if (scope.length !== 5) return undefined
  const [accessKeyId, date, region, service, terminator] = scope
  return {
    accessKeyId,
    date,
    region,
    service,
    terminator,
    signedHeaders: signedHeaders.split(';').map(h => h.toLowerCase()),
    signature: signature.toLowerCase()
  }
}

/**
 * Who signed the request: the signature is checked against the secret of the key it names, a
 * session's key only together with its token and before it expires.
 * @param {IncomingMessage} req
 * @param {Buffer} body
 * @param {ParsedAuthorization | undefined} auth
 * @param {Map<string, KeyEntry>} keys
 * @param {() => Date} now
 * @returns {Caller}
 */
export function authenticate(req, body, auth, keys, now) {
  const header = req.headers.authorization
  if (header === undefined) {
    throw new StsError(403, 'MissingAuthenticationToken', 'Request is missing Authentication Token')
  }
  if (!auth) {
    throw new StsError(
      400,
      'IncompleteSignature',
      `Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters. Authorization=${header}`
    )
  }
  const amzDate = req.headers['x-amz-date']
  if (typeof amzDate !== 'string' || !/^\d{8}T\d{6}Z$/.test(amzDate)) {
    throw new StsError(
      400,
      'IncompleteSignature',
      "Authorization header requires existence of a valid 'X-Amz-Date' header."
    )
  }
  if (auth.service !== 'sts') {
    throw signatureMismatch("Credential should be scoped to correct service: 'sts'. ")
  }
  if (auth.terminator !== 'aws4_request') {
    throw signatureMismatch(
      `Credential should be scoped with a valid terminator: 'aws4_request', not '${auth.terminator}'. `
    )
  }
  if (auth.date !== amzDate.slice(0, 8)) {
    throw signatureMismatch(
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.date}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`
    )
  }
  if (!auth.signedHeaders.includes('host')) {
    throw signatureMismatch("'Host' must be a 'SignedHeader' in the AWS Authorization.")
  }

  const entry = keys.get(auth.accessKeyId)
  if (!entry) throw invalidClientToken()
  const token = req.headers['x-amz-security-token']
  if (entry.caller.kind === 'session') {
    // Temporary keys are only valid together with the token they were issued with.
    if (token !== entry.caller.issued.sessionToken) throw invalidClientToken()
    if (now().getTime() >= entry.caller.issued.expiration.getTime()) {
      throw new StsError(
        400,
        'ExpiredToken',
        'The security token included in the request is expired'
      )
    }
  } else if (token !== undefined) {
    // Long-term keys never come with a token; AWS rejects the pair rather than ignoring it.
    throw invalidClientToken()
  }

  verifySignature(req, body, auth, entry.secretAccessKey)
  return entry.caller
}

/**
 * Whether the request's signature is the one its claimed key's secret makes: the canonical
 * request rebuilt from what arrived (method, path, query, signed headers, payload hash). For any
 * service; the fakes of other services than STS use it too.
 * @param {IncomingMessage} req
 * @param {Buffer} body
 * @param {ParsedAuthorization} auth
 * @param {string} secretAccessKey
 */
export function verifySignature(req, body, auth, secretAccessKey) {
  const amzDate = String(req.headers['x-amz-date'])
  const bodyHash = sha256Hex(body)
  const claimedHash = req.headers['x-amz-content-sha256']
  if (
    typeof claimedHash === 'string' &&
    claimedHash !== 'UNSIGNED-PAYLOAD' &&
    claimedHash !== bodyHash
  ) {
    // Otherwise a signed hash of a different body would vouch for whatever body was sent.
    throw signatureMismatch(
      "The provided 'x-amz-content-sha256' header does not match what was computed."
    )
  }
  const payloadHash = typeof claimedHash === 'string' ? claimedHash : bodyHash

  const values = headerValues(req.rawHeaders)
  const signedHeaders = [...new Set(auth.signedHeaders)].sort()
  const url = req.url ?? '/'
  const q = url.indexOf('?')
  const canonicalRequest = [
    req.method,
    canonicalPath(q < 0 ? url : url.slice(0, q)),
    canonicalQuery(q < 0 ? '' : url.slice(q + 1)),
    ...signedHeaders.map(name => `${name}:${(values.get(name) ?? []).join(',')}`),
    '',
    signedHeaders.join(';'),
    payloadHash
  ].join('\n')
  const scope = `${auth.date}/${auth.region}/${auth.service}/${auth.terminator}`
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n')
  let key = hmac(`AWS4${secretAccessKey}`, auth.date)
  for (const part of [auth.region, auth.service, auth.terminator]) key = hmac(key, part)
  const expected = Buffer.from(crypto.createHmac('sha256', key).update(stringToSign).digest('hex'))
  const given = Buffer.from(auth.signature)
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) {
    throw signatureMismatch(
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.'
    )
  }
}
