// A local stand-in for AWS STS: speaks the real Query protocol (form-encoded POST, SigV4, XML
// answers) so the unmodified @aws-sdk/client-sts can be pointed at it in tests and the demo.
// Node built-ins only, so it runs without installing anything and cannot drift from the SDK's
// expectations through a third-party mock.
import http from 'node:http'
import crypto from 'node:crypto'
import { realpathSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { decodeJwt } from './github-oidc.js'

/**
 * A long-term IAM user the server accepts signatures from; its ARN's account is the caller's.
 * @typedef {{ accessKeyId: string, secretAccessKey: string, arn: string }} LocalStsUser
 * Trust for AssumeRoleWithWebIdentity, like the Federated statement of a trust policy; each field
 * left out matches anything: `issuer` (with or without https://), `audiences` (StringEquals on
 * `aud`), `subjects` (StringLike patterns for `sub`: `*` any run, `?` one character).
 * @typedef {{ issuer?: string, audiences?: string[], subjects?: string[] }} WebIdentityTrust
 * A role: `maxSessionDuration` default 3600; `requireMfa` denies AssumeRole without SerialNumber
 * and TokenCode; `externalId` must be sent exactly; `trustedPrincipals` (default any caller) are
 * ARNs, an account root ARN or bare account id trusting the whole account, an assumed-role caller
 * matching by its role ARN; a configured role without `webIdentity` cannot be assumed with a web
 * identity; `rejectClaims` answers IDPRejectedClaim once the token itself checked out.
 * @typedef {{ arn: string, maxSessionDuration?: number, requireMfa?: boolean, externalId?: string,
 *   trustedPrincipals?: string[], webIdentity?: WebIdentityTrust, rejectClaims?: boolean }} LocalStsRole
 * @typedef {{ ok: true, claims: Record<string, unknown> } | { ok: false, reason: string }} IdentityVerification
 * An OpenID Connect provider registered in the account. `verify` stands for STS fetching the
 * issuer's JWKS; reason 'expired' becomes ExpiredTokenException, any other InvalidIdentityToken.
 * @typedef {{ issuer: string, audiences: string[], verify: (jwt: string) => IdentityVerification }}
 *   LocalStsIdentityProvider
 * `port` default 0 (a free one; always on 127.0.0.1); `users` replace DEFAULT_USER; with `roles`
 * only those exist; `mfaCode` when set is the only code that passes (else any six digits);
 * `identityProviders` are the OIDC providers AssumeRoleWithWebIdentity accepts.
 * @typedef {{ port?: number, users?: LocalStsUser[], roles?: LocalStsRole[], mfaCode?: string,
 *   now?: () => Date, identityProviders?: LocalStsIdentityProvider[] }} LocalStsOptions
 * @typedef {{ action: string, params: Record<string, string>, accessKeyId?: string, signed: boolean,
 *   verified: boolean, headers: Record<string, string | string[] | undefined>, status: number,
 *   errorCode?: string }} RecordedRequest
 * @typedef {{ key: string, value: string }} SessionTag
 * @typedef {{ accessKeyId: string, secretAccessKey: string, sessionToken: string, expiration: Date,
 *   arn: string, assumedRoleId: string, roleArn: string, sourceArn: string, sessionName: string,
 *   durationSeconds: number, policy?: string, policyArns: string[], tags: SessionTag[],
 *   transitiveTagKeys: string[], sourceIdentity?: string, packedPolicySize: number,
 *   sessionTokenSize: number, webIdentity?: { subject: string, audience: string, provider: string },
 *   scope?: { scopedSessionId: string, count: number, policies: string[], description?: string,
 *   parentAccessKeyId: string } }} IssuedCredentials
 * @typedef {{ status: number, code?: string, message?: string } | { delayMs: number }
 *   | { drop: true } | { malformed: true } | { hang: true }} Fault
 *
 * Who signed a request: a configured long-term user, or a session this server issued.
 * @typedef {{ kind: 'user', user: LocalStsUser, account: string, partition: string }
 *   | { kind: 'session', issued: IssuedCredentials, account: string, partition: string }} Caller
 * @typedef {{ secretAccessKey: string, caller: Caller }} KeyEntry
 *
 * What an action handler gets; handlers return the inner XML of <ActionResult>.
 * @typedef {{ params: URLSearchParams, caller: Caller | undefined, now: Date }} ActionContext
 * @typedef {{ signed: boolean, regionalOnly?: boolean, handle: (ctx: ActionContext) => string }}
 *   ActionHandler
 *
 * What startLocalSts() resolves to (its type comes from the code, so it cannot drift).
 * @typedef {Awaited<ReturnType<typeof startLocalSts>>} LocalSts
 */

export const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/'
export const STS_VERSION = '2011-06-15'

// Not frozen: the SDK writes a `$source` marker onto the credentials object it is given, and
// tests naturally pass DEFAULT_USER straight in as `credentials`.
/** @type {LocalStsUser} */
export const DEFAULT_USER = {
  accessKeyId: 'AKIALOCALSTS0EXAMPLE',
  secretAccessKey: 'local/sts/secret/key/EXAMPLEKEY0000000000',
  arn: 'arn:aws:iam::111122223333:user/ci'
}

const DEFAULT_MAX_SESSION_DURATION = 3600
const CHAINED_MAX_DURATION = 3600
// The largest request body worth reading: a maximal AssumeRole is a few tens of kilobytes.
const MAX_BODY_BYTES = 1024 * 1024

// Real STS packs Policy, PolicyArns and tags into a binary blob with an unpublished limit. This
// server needs a deterministic stand-in that callers can reason about in tests:
//   percent = ceil((policyChars + 90 * policyArnCount + tagChars) * 100 / 2600)
// where policyChars is the Policy length as sent (whitespace counts, so minifying helps as it
// does with real STS) and tagChars is the sum of every tag's key and value lengths. Anything
// given yields at least 1%; nothing given yields 0. Over 100 is PackedPolicyTooLarge. A maximal
// 2048-character policy alone fits (79%); adding six ARNs does not.
export const PACKED_POLICY_BUDGET = 2600
export const PACKED_POLICY_ARN_COST = 90

/**
 * @param {number} policyChars
 * @param {number} arnCount
 * @param {number} tagChars
 * @param {boolean} anything whether any policy, ARN or tag was given (an empty tag value still counts)
 */
export function packedPolicyPercent(policyChars, arnCount, tagChars, anything) {
  if (!anything) return 0
  const units = policyChars + PACKED_POLICY_ARN_COST * arnCount + tagChars
  return Math.max(1, Math.ceil((units * 100) / PACKED_POLICY_BUDGET))
}

// An error that becomes an <ErrorResponse>; handlers throw it, the dispatcher renders it.
class StsError extends Error {
  /**
   * @param {number} status
   * @param {string} code
   * @param {string} message
   */
  constructor(status, code, message) {
    super(message)
    this.status = status
    this.code = code
  }
}

const validationError = (/** @type {string} */ message) =>
  new StsError(400, 'ValidationError', message)
const accessDenied = (/** @type {string} */ message) => new StsError(403, 'AccessDenied', message)
const invalidClientToken = () =>
  new StsError(
    403,
    'InvalidClientTokenId',
    'The security token included in the request is invalid.'
  )
const signatureMismatch = (/** @type {string} */ message) =>
  new StsError(403, 'SignatureDoesNotMatch', message)

/** @param {string} text */
export function escapeXml(text) {
  return String(text).replace(/[&<>"']/g, c => `&${XML_ENTITIES[c]};`)
}
/** @type {Record<string, string>} */
const XML_ENTITIES = { '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }

/**
 * @param {string} name
 * @param {string | number} value
 */
const element = (name, value) => `<${name}>${escapeXml(String(value))}</${name}>`

/**
 * @param {string} action
 * @param {string} resultXml
 * @param {string} requestId
 */
function successBody(action, resultXml, requestId) {
  return (
    `<${action}Response xmlns="${STS_NAMESPACE}">\n` +
    `  <${action}Result>${resultXml}</${action}Result>\n` +
    `  <ResponseMetadata>${element('RequestId', requestId)}</ResponseMetadata>\n` +
    `</${action}Response>\n`
  )
}

/**
 * @param {number} status
 * @param {string} code
 * @param {string} message
 * @param {string} requestId
 */
function errorBody(status, code, message, requestId) {
  const type = status >= 500 ? 'Receiver' : 'Sender'
  return (
    `<ErrorResponse xmlns="${STS_NAMESPACE}">\n` +
    `  <Error>${element('Type', type)}${element('Code', code)}${element('Message', message)}</Error>\n` +
    `  ${element('RequestId', requestId)}\n` +
    `</ErrorResponse>\n`
  )
}

// Expiration is second-granular on the wire; keep the recorded Date identical to what the SDK parses.
const isoSeconds = (/** @type {Date} */ date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z')

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
const SECRET_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

/**
 * @param {Uint8Array} bytes
 * @param {string} alphabet
 */
const mapBytes = (bytes, alphabet) => Array.from(bytes, b => alphabet[b % alphabet.length]).join('')
const randomChars = (/** @type {number} */ n, /** @type {string} */ alphabet) =>
  mapBytes(crypto.randomBytes(n), alphabet)
// Ids derived from a hash so the same role (or user) always gets the same unique id, as in IAM.
const stableId = (/** @type {string} */ prefix, /** @type {string} */ seed) =>
  prefix + mapBytes(crypto.createHash('sha256').update(seed).digest().subarray(0, 17), UPPER_ALNUM)

const ROLE_ARN =
  /^arn:([a-z][a-z0-9-]*):iam::(\d{12}):role\/((?:[\x21-\x7e]*\/)?)([\w+=,.@-]{1,64})$/
const POLICY_ARN = /^arn:([a-z][a-z0-9-]*):iam::(aws|\d{12}):policy\/([\x21-\x7e]+)$/
const PRINCIPAL_ARN = /^arn:([a-z][a-z0-9-]*):(?:iam|sts)::(\d{12}):/

/** @param {string} arn */
function accountOf(arn) {
  const match = PRINCIPAL_ARN.exec(arn)
  if (!match) throw new Error(`local-sts: not a principal ARN: ${arn}`)
  return { partition: match[1], account: match[2] }
}

// ---------------------------------------------------------------------------------------------
// Parameter constraints, reported the way STS reports them: every model violation at once, in
// one "N validation errors detected: ..." message.

class Violations {
  constructor() {
    /** @type {string[]} */
    this.list = []
  }
  /**
   * @param {string} field
   * @param {string | null | undefined} value undefined for a secret, which is left out of the message
   * @param {string} constraint
   */
  add(field, value, constraint) {
    const shown = value === undefined ? '' : value === null ? 'null ' : `'${value}' `
    this.list.push(`Value ${shown}at '${field}' failed to satisfy constraint: ${constraint}`)
  }
  /**
   * Length in code points, as the service counts characters.
   * @param {string} field
   * @param {string} value
   * @param {number} min
   * @param {number} max
   * @param {{ sensitive?: boolean }} [options]
   * @returns {boolean} whether it held
   */
  length(field, value, min, max, options = {}) {
    const length = [...value].length
    const shown = options.sensitive ? undefined : value
    if (length < min)
      this.add(field, shown, `Member must have length greater than or equal to ${min}`)
    else if (length > max)
      this.add(field, shown, `Member must have length less than or equal to ${max}`)
    else return true
    return false
  }
  /**
   * @param {string} field
   * @param {string} value
   * @param {RegExp} regex anchored
   * @param {string} shown the pattern as STS prints it
   */
  pattern(field, value, regex, shown) {
    if (regex.test(value)) return true
    this.add(field, value, `Member must satisfy regular expression pattern: ${shown}`)
    return false
  }
  /**
   * @param {string} field
   * @param {string} value
   * @param {number} min
   * @param {number} max
   * @returns {number | undefined} the integer when it held
   */
  integer(field, value, min, max) {
    if (!/^-?\d+$/.test(value)) {
      this.add(field, value, 'Member must be an integer')
      return undefined
    }
    const n = Number(value)
    if (n < min) this.add(field, value, `Member must have value greater than or equal to ${min}`)
    else if (n > max) this.add(field, value, `Member must have value less than or equal to ${max}`)
    else return n
    return undefined
  }
  throwIfAny() {
    const n = this.list.length
    if (n === 0) return
    throw validationError(
      `${n} validation error${n === 1 ? '' : 's'} detected: ${this.list.join('; ')}`
    )
  }
}

const P_SESSION_NAME = /^[\w+=,.@-]*$/
const P_EXTERNAL_ID = /^[\w+=,.@:/-]*$/
const P_SERIAL = /^[\w+=/:,.@-]*$/
const P_TOKEN_CODE = /^\d*$/
const P_POLICY = /^[\t\n\r\u0020-\u00ff]+$/
const P_TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u
const P_TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u

/**
 * List members on the wire are `Prefix.member.N[.suffix]`; N is 1-based and need not be dense.
 * @param {URLSearchParams} params
 * @param {string} prefix e.g. 'Tags.member.'
 * @returns {number[]} the indexes present, ascending
 */
function memberIndexes(params, prefix) {
  const indexes = new Set()
  for (const key of params.keys()) {
    if (!key.startsWith(prefix)) continue
    const match = /^(\d+)(?:\.|$)/.exec(key.slice(prefix.length))
    if (match) indexes.add(Number(match[1]))
  }
  return [...indexes].sort((a, b) => a - b)
}

/**
 * The subset of IAM grammar a session policy must satisfy to be accepted.
 * @param {string} text
 */
function checkPolicyDocument(text) {
  const malformed = (/** @type {string} */ message) =>
    new StsError(400, 'MalformedPolicyDocument', message)
  /** @type {unknown} */
  let doc
  try {
    doc = JSON.parse(text)
  } catch {
    throw malformed('Syntax errors in policy.')
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw malformed('Syntax errors in policy.')
  }
  const policy = /** @type {Record<string, unknown>} */ (doc)
  if (
    policy.Version !== undefined &&
    policy.Version !== '2012-10-17' &&
    policy.Version !== '2008-10-17'
  ) {
    throw malformed('The policy failed legacy parsing')
  }
  const statements = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement]
  if (policy.Statement === undefined || statements.length === 0) {
    throw malformed('Syntax errors in policy.')
  }
  for (const statement of statements) {
    if (statement === null || typeof statement !== 'object' || Array.isArray(statement)) {
      throw malformed('Syntax errors in policy.')
    }
    if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') {
      throw malformed('Syntax errors in policy.')
    }
    // A session policy only narrows the session itself; naming principals makes no sense there.
    if ('Principal' in statement || 'NotPrincipal' in statement) {
      throw malformed('Policy document should not specify a principal.')
    }
    if (!('Action' in statement) && !('NotAction' in statement)) {
      throw malformed('Policy statement must contain actions.')
    }
    if (!('Resource' in statement) && !('NotResource' in statement)) {
      throw malformed('Policy statement must contain resources.')
    }
  }
}

// ---------------------------------------------------------------------------------------------
// What the actions that mint sessions share: the same parameters checked by the same rules, the
// same packed-size accounting and the same credential rendering. One copy, so AssumeRole,
// AssumeRoleWithWebIdentity and GetScopedCredentials cannot drift apart.

/**
 * RoleArn, RoleSessionName and DurationSeconds (900-43200, default 3600).
 * @param {URLSearchParams} params
 * @param {Violations} v
 */
function readRoleParams(params, v) {
  const roleArn = params.get('RoleArn') ?? undefined
  if (roleArn === undefined) v.add('roleArn', null, 'Member must not be null')
  else v.length('roleArn', roleArn, 20, 2048)

  const sessionName = params.get('RoleSessionName') ?? undefined
  if (sessionName === undefined) v.add('roleSessionName', null, 'Member must not be null')
  else if (v.length('roleSessionName', sessionName, 2, 64)) {
    v.pattern('roleSessionName', sessionName, P_SESSION_NAME, '[\\w+=,.@-]*')
  }

  const durationText = params.get('DurationSeconds') ?? undefined
  const duration =
    durationText === undefined
      ? DEFAULT_MAX_SESSION_DURATION
      : v.integer('durationSeconds', durationText, 900, 43200)
  return { roleArn, sessionName, duration }
}

/**
 * @param {URLSearchParams} params
 * @param {Violations} v
 */
function readPolicy(params, v) {
  const policy = params.get('Policy') ?? undefined
  if (policy !== undefined && v.length('policy', policy, 1, 2048)) {
    v.pattern('policy', policy, P_POLICY, '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+')
  }
  return policy
}

/**
 * @param {URLSearchParams} params
 * @param {Violations} v
 * @returns {string[]} the well-formed ARNs, in wire order
 */
function readPolicyArns(params, v) {
  /** @type {string[]} */
  const policyArns = []
  const arnIndexes = memberIndexes(params, 'PolicyArns.member.')
  if (arnIndexes.length > 10) {
    v.add(
      'policyArns',
      `[${arnIndexes.map(i => params.get(`PolicyArns.member.${i}.arn`)).join(', ')}]`,
      'Member must have length less than or equal to 10'
    )
  }
  for (const i of arnIndexes) {
    const arn = params.get(`PolicyArns.member.${i}.arn`) ?? undefined
    const field = `policyArns.${i}.member.arn`
    if (arn === undefined) v.add(field, null, 'Member must not be null')
    else if (v.length(field, arn, 20, 2048)) {
      if (!POLICY_ARN.test(arn)) {
        v.add(
          field,
          arn,
          'Member must be a valid IAM policy ARN (arn:PARTITION:iam::(aws|ACCOUNT):policy/NAME)'
        )
      }
      policyArns.push(arn)
    }
  }
  return policyArns
}

/**
 * @param {URLSearchParams} params
 * @param {Violations} v
 * @returns {number | undefined} 0 when absent
 */
function readMinimumTokenSize(params, v) {
  const text = params.get('MinimumSessionTokenSize') ?? undefined
  return text === undefined ? 0 : v.integer('minimumSessionTokenSize', text, 0, 4096)
}

/**
 * Called once the length checks passed, so only the shape can be wrong.
 * @param {string} arn
 */
function parseRoleArn(arn) {
  const match = ROLE_ARN.exec(arn)
  if (!match) throw validationError('Request ARN is invalid')
  const [, partition, account, , roleName] = match
  return { partition, account, roleName }
}

/**
 * @param {{ policies: (string | undefined)[], arnCount: number, tags: SessionTag[] }} packed
 *   every inline policy the session carries (a scoped session carries its parent's too)
 * @returns {number} the percent, when it fits
 */
function packedPercentOrThrow({ policies, arnCount, tags }) {
  const present = policies.filter(p => p !== undefined)
  const policyChars = present.reduce((sum, p) => sum + [...p].length, 0)
  const tagChars = tags.reduce((sum, tag) => sum + [...tag.key].length + [...tag.value].length, 0)
  const anything = present.length > 0 || arnCount > 0 || tags.length > 0
  const percent = packedPolicyPercent(policyChars, arnCount, tagChars, anything)
  if (percent > 100) {
    throw new StsError(
      400,
      'PackedPolicyTooLarge',
      `Packed policy consumes ${percent}% of allotted space, please use smaller policy for this session.`
    )
  }
  return percent
}

/**
 * The token grows with what was packed into it, as real tokens do, and honours the minimum.
 * @param {number} percent
 * @param {number} minimumTokenSize
 */
function mintSessionToken(percent, minimumTokenSize) {
  let sessionToken = crypto.randomBytes(270 + 6 * percent).toString('base64')
  if (minimumTokenSize && sessionToken.length < minimumTokenSize) {
    const pad = crypto.randomBytes(
      Math.ceil(((minimumTokenSize - sessionToken.length) * 3) / 4) + 3
    )
    sessionToken = (sessionToken + pad.toString('base64').replace(/=/g, '')).slice(
      0,
      minimumTokenSize
    )
  }
  return sessionToken
}

const newAccessKeyId = () => 'ASIA' + randomChars(16, UPPER_ALNUM)
const newSecretAccessKey = () => randomChars(40, SECRET_ALPHABET)

/** @param {IssuedCredentials} c */
const credentialsXml = c =>
  '<Credentials>' +
  element('AccessKeyId', c.accessKeyId) +
  element('SecretAccessKey', c.secretAccessKey) +
  element('SessionToken', c.sessionToken) +
  element('Expiration', isoSeconds(c.expiration)) +
  '</Credentials>'

/** @param {IssuedCredentials} c */
const assumedRoleUserXml = c =>
  `<AssumedRoleUser>${element('AssumedRoleId', c.assumedRoleId)}${element('Arn', c.arn)}</AssumedRoleUser>`

/** @param {IssuedCredentials} c */
const tokenUsageXml = c =>
  element('SessionTokenUtilization', c.packedPolicySize) +
  element('SessionTokenSize', c.sessionTokenSize)

// IAM keys an OIDC provider by its URL without the scheme (token.actions.githubusercontent.com).
const providerHost = (/** @type {string} */ issuer) =>
  issuer.replace(/^https:\/\//i, '').replace(/\/+$/, '')

/**
 * StringLike semantics: `*` any run of characters, `?` exactly one, case-sensitive.
 * @param {string} pattern
 * @param {string} value
 */
function stringLike(pattern, value) {
  const source = [...pattern]
    .map(c => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
    .join('')
  return new RegExp(`^${source}$`, 'su').test(value)
}

const GLOBAL_ENDPOINT_HOST = 'sts.amazonaws.com'
/** @param {string | undefined} host the Host header, possibly with a port */
const isGlobalEndpoint = host =>
  String(host ?? '')
    .toLowerCase()
    .replace(/:\d+$/, '')
    .replace(/\.$/, '') === GLOBAL_ENDPOINT_HOST

// ---------------------------------------------------------------------------------------------
// SigV4 verification

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
function parseAuthorization(header) {
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

// ---------------------------------------------------------------------------------------------
// The server

/**
 * @param {LocalStsOptions} [options]
 */
export async function startLocalSts(options = {}) {
  const now = options.now ?? (() => new Date())
  const mfaCode = options.mfaCode
  /** @type {Map<string, LocalStsRole> | undefined} */
  const roles = options.roles ? new Map(options.roles.map(role => [role.arn, role])) : undefined

  /** @type {Map<string, KeyEntry>} */
  const keys = new Map()
  /** @param {LocalStsUser} user */
  const addUser = user => {
    const { partition, account } = accountOf(user.arn)
    keys.set(user.accessKeyId, {
      secretAccessKey: user.secretAccessKey,
      caller: { kind: 'user', user, account, partition }
    })
  }
  for (const user of options.users ?? [DEFAULT_USER]) addUser(user)
  /** @type {LocalStsIdentityProvider[]} */
  const identityProviders = [...(options.identityProviders ?? [])]

  /** @type {RecordedRequest[]} */
  const requests = []
  /** @type {IssuedCredentials[]} */
  const issued = []
  /** @type {Fault[]} */
  const faults = []
  let delayMs = 0
  let closed = false
  /** @type {Set<import('node:net').Socket>} */
  const sockets = new Set()
  /** @type {Set<NodeJS.Timeout>} */
  const timers = new Set()

  // A wait that close() can cancel, so a pending delay never keeps the process (or jest) alive.
  // A cancelled wait never resolves; its request was torn down with the socket anyway.
  const wait = (/** @type {number} */ ms) =>
    new Promise(resolve => {
      const timer = setTimeout(() => {
        timers.delete(timer)
        resolve(undefined)
      }, ms)
      timers.add(timer)
    })

  /**
   * @param {Caller} caller
   * @returns {string} the ARN STS names the caller by in messages and GetCallerIdentity
   */
  const callerArn = caller => (caller.kind === 'user' ? caller.user.arn : caller.issued.arn)

  /**
   * @param {http.IncomingMessage} req
   * @param {Buffer} body
   * @param {ParsedAuthorization | undefined} auth
   * @returns {Caller}
   */
  function authenticate(req, body, auth) {
    const header = req.headers.authorization
    if (header === undefined) {
      throw new StsError(
        403,
        'MissingAuthenticationToken',
        'Request is missing Authentication Token'
      )
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
    const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join(
      '\n'
    )
    let key = hmac(`AWS4${entry.secretAccessKey}`, auth.date)
    for (const part of [auth.region, auth.service, auth.terminator]) key = hmac(key, part)
    const expected = Buffer.from(
      crypto.createHmac('sha256', key).update(stringToSign).digest('hex')
    )
    const given = Buffer.from(auth.signature)
    if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) {
      throw signatureMismatch(
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.'
      )
    }
    return entry.caller
  }

  /**
   * Whether the role's trust allows this caller. For a session caller the trusted principal is
   * its role (with or without path), as in a trust policy; the account root trusts everyone there.
   * @param {LocalStsRole} role
   * @param {Caller} caller
   */
  function trusts(role, caller) {
    if (!role.trustedPrincipals) return true
    const { partition, account } = caller
    const candidates = [callerArn(caller), `arn:${partition}:iam::${account}:root`, account]
    if (caller.kind === 'session') {
      const roleMatch = ROLE_ARN.exec(caller.issued.roleArn)
      if (roleMatch) candidates.push(`arn:${partition}:iam::${account}:role/${roleMatch[4]}`)
      candidates.push(caller.issued.roleArn)
    }
    return candidates.some(candidate => role.trustedPrincipals?.includes(candidate))
  }

  /**
   * Makes a minted session's keys valid for signing later requests.
   * @param {IssuedCredentials} credentials
   * @param {string} account
   * @param {string} partition
   */
  function register(credentials, account, partition) {
    issued.push(credentials)
    keys.set(credentials.accessKeyId, {
      secretAccessKey: credentials.secretAccessKey,
      caller: { kind: 'session', issued: credentials, account, partition }
    })
  }

  /**
   * A role session, as AssumeRole and AssumeRoleWithWebIdentity both mint it.
   * @param {{ arn: string, session: string, seconds: number, at: Date, sourceArn: string,
   *   policy: string | undefined, policyArns: string[], tags: SessionTag[],
   *   transitiveTagKeys: string[], sourceIdentity: string | undefined, percent: number,
   *   minimumTokenSize: number, webIdentity?: IssuedCredentials['webIdentity'] }} spec
   */
  function mintRoleSession(spec) {
    const { partition, account, roleName } = parseRoleArn(spec.arn)
    const sessionToken = mintSessionToken(spec.percent, spec.minimumTokenSize)
    const startSeconds = Math.floor(spec.at.getTime() / 1000)
    /** @type {IssuedCredentials} */
    const credentials = {
      accessKeyId: newAccessKeyId(),
      secretAccessKey: newSecretAccessKey(),
      sessionToken,
      expiration: new Date((startSeconds + spec.seconds) * 1000),
      arn: `arn:${partition}:sts::${account}:assumed-role/${roleName}/${spec.session}`,
      assumedRoleId: `${stableId('AROA', spec.arn)}:${spec.session}`,
      roleArn: spec.arn,
      sourceArn: spec.sourceArn,
      sessionName: spec.session,
      durationSeconds: spec.seconds,
      policy: spec.policy,
      policyArns: spec.policyArns,
      tags: spec.tags,
      transitiveTagKeys: spec.transitiveTagKeys,
      sourceIdentity: spec.sourceIdentity,
      packedPolicySize: spec.percent,
      sessionTokenSize: Buffer.byteLength(sessionToken),
      ...(spec.webIdentity ? { webIdentity: spec.webIdentity } : {})
    }
    register(credentials, account, partition)
    return credentials
  }

  /** @type {ActionHandler['handle']} */
  function assumeRole({ params, caller, now: at }) {
    if (!caller) throw new Error('AssumeRole is a signed action')
    const get = (/** @type {string} */ name) => params.get(name) ?? undefined
    const v = new Violations()

    const { roleArn, sessionName, duration } = readRoleParams(params, v)
    const policy = readPolicy(params, v)
    const policyArns = readPolicyArns(params, v)

    /** @type {SessionTag[]} */
    const tags = []
    const tagIndexes = memberIndexes(params, 'Tags.member.')
    if (tagIndexes.length > 50) {
      v.add(
        'tags',
        `[${tagIndexes.length} tags]`,
        'Member must have length less than or equal to 50'
      )
    }
    for (const i of tagIndexes) {
      const key = get(`Tags.member.${i}.Key`)
      const value = get(`Tags.member.${i}.Value`)
      let ok = true
      if (key === undefined) {
        v.add(`tags.${i}.member.key`, null, 'Member must not be null')
        ok = false
      } else if (!v.length(`tags.${i}.member.key`, key, 1, 128)) ok = false
      else if (
        !v.pattern(`tags.${i}.member.key`, key, P_TAG_KEY, '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+')
      ) {
        ok = false
      }
      if (value === undefined) {
        v.add(`tags.${i}.member.value`, null, 'Member must not be null')
        ok = false
      } else if (!v.length(`tags.${i}.member.value`, value, 0, 256)) ok = false
      else if (
        !v.pattern(`tags.${i}.member.value`, value, P_TAG_VALUE, '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*')
      ) {
        ok = false
      }
      if (ok && key !== undefined && value !== undefined) tags.push({ key, value })
    }

    /** @type {string[]} */
    const transitiveTagKeys = []
    const transitiveIndexes = memberIndexes(params, 'TransitiveTagKeys.member.')
    if (transitiveIndexes.length > 50) {
      v.add(
        'transitiveTagKeys',
        `[${transitiveIndexes.length} keys]`,
        'Member must have length less than or equal to 50'
      )
    }
    for (const i of transitiveIndexes) {
      const key = get(`TransitiveTagKeys.member.${i}`) ?? ''
      const field = `transitiveTagKeys.${i}.member`
      if (
        v.length(field, key, 1, 128) &&
        v.pattern(field, key, P_TAG_KEY, '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+')
      ) {
        transitiveTagKeys.push(key)
      }
    }

    const externalId = get('ExternalId')
    if (externalId !== undefined && v.length('externalId', externalId, 2, 1224)) {
      v.pattern('externalId', externalId, P_EXTERNAL_ID, '[\\w+=,.@:\\/-]*')
    }
    const serialNumber = get('SerialNumber')
    if (serialNumber !== undefined && v.length('serialNumber', serialNumber, 9, 256)) {
      v.pattern('serialNumber', serialNumber, P_SERIAL, '[\\w+=/:,.@-]*')
    }
    const tokenCode = get('TokenCode')
    if (tokenCode !== undefined && v.length('tokenCode', tokenCode, 6, 6)) {
      v.pattern('tokenCode', tokenCode, P_TOKEN_CODE, '[\\d]*')
    }
    const sourceIdentity = get('SourceIdentity')
    // The pattern has no ':', so it also enforces the rule that a value may not start with 'aws:'.
    if (sourceIdentity !== undefined && v.length('sourceIdentity', sourceIdentity, 2, 64)) {
      v.pattern('sourceIdentity', sourceIdentity, P_SESSION_NAME, '[\\w+=,.@-]*')
    }
    const minimumTokenSize = readMinimumTokenSize(params, v)
    v.throwIfAny()
    // After throwIfAny these are known to be present and valid.
    const arn = /** @type {string} */ (roleArn)
    const session = /** @type {string} */ (sessionName)
    const seconds = /** @type {number} */ (duration)

    parseRoleArn(arn)
    if ((serialNumber === undefined) !== (tokenCode === undefined)) {
      throw validationError(
        'MultiFactorAuthentication failed, must provide both MFA serial number and one time pass code.'
      )
    }
    const seen = new Set()
    for (const { key } of tags) {
      if (seen.has(key.toLowerCase())) {
        throw validationError(
          'Duplicate tag keys found. Please note that Tag keys are case insensitive.'
        )
      }
      seen.add(key.toLowerCase())
    }
    for (const key of transitiveTagKeys) {
      if (!seen.has(key.toLowerCase())) {
        throw validationError(
          'The specified transitive tag key must be included in the requested tags.'
        )
      }
    }
    if (policy !== undefined) checkPolicyDocument(policy)

    const denied = () =>
      accessDenied(
        `User: ${callerArn(caller)} is not authorized to perform: sts:AssumeRole on resource: ${arn}`
      )
    /** @type {LocalStsRole} */
    const role = roles ? (roles.get(arn) ?? { arn: '', trustedPrincipals: [] }) : { arn }
    if (!role.arn || !trusts(role, caller)) throw denied()
    if (role.externalId !== undefined && externalId !== role.externalId) throw denied()
    if (role.requireMfa && serialNumber === undefined) throw denied()
    if (mfaCode !== undefined && tokenCode !== undefined && tokenCode !== mfaCode) {
      throw accessDenied('MultiFactorAuthentication failed with invalid MFA one time pass code.')
    }
    if (caller.kind === 'session' && seconds > CHAINED_MAX_DURATION) {
      throw validationError(
        'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.'
      )
    }
    if (seconds > (role.maxSessionDuration ?? DEFAULT_MAX_SESSION_DURATION)) {
      throw validationError(
        'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.'
      )
    }

    const percent = packedPercentOrThrow({ policies: [policy], arnCount: policyArns.length, tags })
    const credentials = mintRoleSession({
      arn,
      session,
      seconds,
      at,
      sourceArn: callerArn(caller),
      policy,
      policyArns,
      tags,
      transitiveTagKeys,
      sourceIdentity,
      percent,
      minimumTokenSize: /** @type {number} */ (minimumTokenSize)
    })
    return (
      assumedRoleUserXml(credentials) +
      credentialsXml(credentials) +
      element('PackedPolicySize', percent) +
      (sourceIdentity !== undefined ? element('SourceIdentity', sourceIdentity) : '') +
      tokenUsageXml(credentials)
    )
  }

  const invalidIdentityToken = (/** @type {string} */ message) =>
    new StsError(400, 'InvalidIdentityToken', message)

  /**
   * Checks a web identity token the way STS does before it looks at any role: it must parse,
   * come from a registered provider, carry that provider's signature, be unexpired by this
   * server's clock, and name one of the provider's registered audiences.
   * @param {string} jwt
   * @param {Date} at
   */
  function verifyWebIdentity(jwt, at) {
    const decoded = decodeJwt(jwt)
    if (!decoded) {
      throw invalidIdentityToken(
        'The web identity token is not a valid JWT: expected three base64url-encoded parts.'
      )
    }
    const issuer = decoded.payload.iss
    if (typeof issuer !== 'string' || issuer === '') {
      throw invalidIdentityToken('The web identity token has no issuer (iss) claim.')
    }
    const provider = identityProviders.find(p => providerHost(p.issuer) === providerHost(issuer))
    if (!provider) {
      throw invalidIdentityToken(`No OpenIDConnect provider found in your account for ${issuer}`)
    }
    const nowSeconds = Math.floor(at.getTime() / 1000)
    // Real STS runs the two numbers together ("date/time1700000000"); kept, since callers may
    // have learnt to parse exactly that.
    const expired = (/** @type {unknown} */ exp) =>
      new StsError(
        400,
        'ExpiredTokenException',
        `Token expired: current date/time ${nowSeconds} must be before the expiration date/time${String(exp)}`
      )
    const result = provider.verify(jwt)
    if (!result.ok) {
      if (result.reason === 'expired') throw expired(decoded.payload.exp)
      if (result.reason === 'signature') {
        throw invalidIdentityToken(
          'The signature of the web identity token could not be verified with the keys of its OpenID Connect provider.'
        )
      }
      throw invalidIdentityToken(`The web identity token was rejected (${result.reason}).`)
    }
    const claims = result.claims
    // The provider's own verifier may run on another clock, or not check expiry at all.
    if (typeof claims.exp !== 'number') {
      throw invalidIdentityToken('The web identity token has no expiration (exp) claim.')
    }
    if (nowSeconds >= claims.exp) throw expired(claims.exp)
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud]
    const audience = audiences.find(
      aud => typeof aud === 'string' && provider.audiences.includes(aud)
    )
    if (audience === undefined) throw invalidIdentityToken('Incorrect token audience')
    const subject = claims.sub
    if (typeof subject !== 'string' || subject === '') {
      throw invalidIdentityToken('The web identity token has no subject (sub) claim.')
    }
    return { issuer, audience: /** @type {string} */ (audience), subject }
  }

  /** @type {ActionHandler['handle']} */
  function assumeRoleWithWebIdentity({ params, now: at }) {
    const v = new Violations()
    const { roleArn, sessionName, duration } = readRoleParams(params, v)
    const token = params.get('WebIdentityToken') ?? undefined
    // The token is the credential: never echo it into a message that ends up in logs.
    if (token === undefined) v.add('webIdentityToken', null, 'Member must not be null')
    else v.length('webIdentityToken', token, 4, 20000, { sensitive: true })
    const providerId = params.get('ProviderId') ?? undefined
    if (providerId !== undefined) v.length('providerId', providerId, 4, 2048)
    const policy = readPolicy(params, v)
    const policyArns = readPolicyArns(params, v)
    const minimumTokenSize = readMinimumTokenSize(params, v)
    v.throwIfAny()
    const arn = /** @type {string} */ (roleArn)
    const session = /** @type {string} */ (sessionName)
    const seconds = /** @type {number} */ (duration)
    const { partition, account } = parseRoleArn(arn)
    if (policy !== undefined) checkPolicyDocument(policy)

    const { issuer, audience, subject } = verifyWebIdentity(/** @type {string} */ (token), at)

    // Without configured roles every role trusts every registered provider, as every role
    // trusts every caller for AssumeRole; with them, a role needs a webIdentity trust.
    /** @type {LocalStsRole | undefined} */
    const role = roles ? roles.get(arn) : { arn, webIdentity: {} }
    if (role?.rejectClaims) {
      throw new StsError(
        403,
        'IDPRejectedClaim',
        'Claims in the web identity token were rejected by the identity provider'
      )
    }
    const trust = role?.webIdentity
    const trusted =
      role !== undefined &&
      trust !== undefined &&
      (trust.issuer === undefined || providerHost(trust.issuer) === providerHost(issuer)) &&
      (trust.audiences === undefined || trust.audiences.includes(audience)) &&
      (trust.subjects === undefined || trust.subjects.some(p => stringLike(p, subject)))
    if (!role || !trusted) {
      throw accessDenied('Not authorized to perform sts:AssumeRoleWithWebIdentity')
    }
    if (seconds > (role.maxSessionDuration ?? DEFAULT_MAX_SESSION_DURATION)) {
      throw validationError(
        'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.'
      )
    }

    const provider = providerHost(issuer)
    const percent = packedPercentOrThrow({
      policies: [policy],
      arnCount: policyArns.length,
      tags: []
    })
    const credentials = mintRoleSession({
      arn,
      session,
      seconds,
      at,
      // What CloudTrail names as the principal of a web identity federation.
      sourceArn: `arn:${partition}:iam::${account}:oidc-provider/${provider}`,
      policy,
      policyArns,
      tags: [],
      transitiveTagKeys: [],
      sourceIdentity: undefined,
      percent,
      minimumTokenSize: /** @type {number} */ (minimumTokenSize),
      webIdentity: { subject, audience, provider }
    })
    return (
      credentialsXml(credentials) +
      element('SubjectFromWebIdentityToken', subject) +
      assumedRoleUserXml(credentials) +
      element('PackedPolicySize', percent) +
      element('Provider', provider) +
      element('Audience', audience) +
      tokenUsageXml(credentials)
    )
  }

  /** @type {ActionHandler['handle']} */
  function getScopedCredentials({ params, caller, now: at }) {
    if (!caller) throw new Error('GetScopedCredentials is a signed action')
    const v = new Violations()
    const policy = readPolicy(params, v)
    const durationText = params.get('DurationSeconds') ?? undefined
    const duration =
      durationText === undefined ? undefined : v.integer('durationSeconds', durationText, 1, 129600)
    const description = params.get('ScopedSessionDescription') ?? undefined
    if (description !== undefined) v.length('scopedSessionDescription', description, 0, 256)
    const minimumTokenSize = readMinimumTokenSize(params, v)
    v.throwIfAny()
    if (memberIndexes(params, 'PolicyArns.member.').length > 0) {
      throw validationError(
        'GetScopedCredentials does not accept PolicyArns; pass the permissions as an inline Policy.'
      )
    }
    if (policy === undefined && durationText === undefined) {
      throw validationError('At least one of Policy or DurationSeconds must be specified.')
    }
    if (policy !== undefined) checkPolicyDocument(policy)
    if (caller.kind !== 'session') {
      throw accessDenied(
        `User: ${callerArn(caller)} is not authorized to perform: sts:GetScopedCredentials. ` +
          'Scoped credentials can only be derived from temporary security credentials (an assumed-role or federated session), ' +
          'not from IAM user or root access keys; call GetSessionToken or AssumeRole first.'
      )
    }

    const parent = caller.issued
    const startSeconds = Math.floor(at.getTime() / 1000)
    const remaining = Math.floor(parent.expiration.getTime() / 1000) - startSeconds
    if (duration !== undefined && duration > remaining) {
      throw new StsError(
        400,
        // The wire code the STS model gives this error; the SDK names it ...Exception.
        'InsufficientSessionLifetime',
        `The requested DurationSeconds (${duration}) exceeds the remaining lifetime of the calling session (${remaining} seconds). ` +
          'Request a shorter duration, or omit DurationSeconds to inherit the session expiration.'
      )
    }

    // Every layer stays in the token, so each scope adds to the packed size of the one before.
    const scopePolicies = [...(parent.scope?.policies ?? [])]
    if (policy !== undefined) scopePolicies.push(policy)
    const count = (parent.scope?.count ?? 0) + 1
    const percent = packedPercentOrThrow({
      policies: [parent.policy, ...scopePolicies],
      arnCount: parent.policyArns.length,
      tags: parent.tags
    })
    const sessionToken = mintSessionToken(percent, /** @type {number} */ (minimumTokenSize))
    const expiration =
      duration === undefined ? parent.expiration : new Date((startSeconds + duration) * 1000)
    const scopedSessionId = 'SS' + randomChars(20, UPPER_ALNUM)
    /** @type {IssuedCredentials} */
    const credentials = {
      // The identity (ARN, role id, session name, source identity) is the caller's own.
      ...parent,
      accessKeyId: newAccessKeyId(),
      secretAccessKey: newSecretAccessKey(),
      sessionToken,
      expiration,
      durationSeconds: Math.round(expiration.getTime() / 1000) - startSeconds,
      packedPolicySize: percent,
      sessionTokenSize: Buffer.byteLength(sessionToken),
      scope: {
        scopedSessionId,
        count,
        policies: scopePolicies,
        description,
        parentAccessKeyId: parent.accessKeyId
      }
    }
    register(credentials, caller.account, caller.partition)
    return (
      credentialsXml(credentials) +
      `<SessionInfo>${element('ScopedSessionId', scopedSessionId)}${element('Arn', parent.arn)}</SessionInfo>` +
      tokenUsageXml(credentials) +
      element('ScopedPoliciesCount', count) +
      (parent.sourceIdentity !== undefined ? element('SourceIdentity', parent.sourceIdentity) : '')
    )
  }

  /** @type {ActionHandler['handle']} */
  function getCallerIdentity({ caller }) {
    if (!caller) throw new Error('GetCallerIdentity is a signed action')
    let userId
    if (caller.kind === 'session') userId = caller.issued.assumedRoleId
    else if (caller.user.arn.endsWith(':root')) userId = caller.account
    else userId = stableId('AIDA', caller.user.arn)
    return (
      element('Arn', callerArn(caller)) +
      element('UserId', userId) +
      element('Account', caller.account)
    )
  }

  // One entry per action. The token is AssumeRoleWithWebIdentity's credential, so it is unsigned.
  /** @type {Record<string, ActionHandler>} */
  const actions = {
    AssumeRole: { signed: true, handle: assumeRole },
    AssumeRoleWithWebIdentity: { signed: false, handle: assumeRoleWithWebIdentity },
    GetCallerIdentity: { signed: true, handle: getCallerIdentity },
    GetScopedCredentials: { signed: true, regionalOnly: true, handle: getScopedCredentials }
  }

  /**
   * @param {http.ServerResponse} res
   * @param {RecordedRequest} record
   * @param {number} status
   * @param {string} body
   * @param {string} requestId
   * @param {string} [errorCode]
   */
  function send(res, record, status, body, requestId, errorCode) {
    record.status = status
    if (errorCode !== undefined) record.errorCode = errorCode
    if (res.destroyed || res.writableEnded) return
    res.writeHead(status, {
      'content-type': 'text/xml',
      'content-length': Buffer.byteLength(body),
      'x-amzn-requestid': requestId,
      date: new Date().toUTCString()
    })
    res.end(body)
  }

  /**
   * @param {http.IncomingMessage} req
   * @param {http.ServerResponse} res
   * @param {Buffer} body
   */
  async function handle(req, res, body) {
    const requestId = crypto.randomUUID()
    const contentType = String(req.headers['content-type'] ?? '')
    const query = (req.url ?? '').includes('?')
      ? (req.url ?? '').slice((req.url ?? '').indexOf('?') + 1)
      : ''
    // Query APIs accept parameters in the query string too; the SDK always uses the body.
    const params = new URLSearchParams(query)
    if (/^application\/x-www-form-urlencoded\b/i.test(contentType)) {
      for (const [key, value] of new URLSearchParams(body.toString('utf8')))
        params.append(key, value)
    }
    const header = req.headers.authorization
    const auth = typeof header === 'string' ? parseAuthorization(header) : undefined

    /** @type {RecordedRequest} */
    const record = {
      action: params.get('Action') ?? '',
      params: Object.fromEntries(params),
      accessKeyId: auth?.accessKeyId,
      signed: header !== undefined,
      verified: false,
      headers: { ...req.headers },
      status: 0
    }
    requests.push(record)
    const fault = faults.shift()

    if (delayMs > 0) await wait(delayMs)
    if (fault) {
      if ('hang' in fault) return // the socket stays open until the client gives up or close()
      if ('drop' in fault) {
        req.socket.destroy()
        return
      }
      if ('malformed' in fault) {
        const action = record.action || 'Unknown'
        send(
          res,
          record,
          200,
          `<${action}Response xmlns="${STS_NAMESPACE}"><${action}Result><Credentials><AccessKey`,
          requestId
        )
        return
      }
      if ('delayMs' in fault) await wait(fault.delayMs)
      else {
        const status = fault.status
        const code = fault.code ?? defaultFaultCode(status)
        const message = fault.message ?? defaultFaultMessage(code)
        send(res, record, status, errorBody(status, code, message, requestId), requestId, code)
        return
      }
    }

    try {
      if (req.method !== 'POST' && req.method !== 'GET') {
        throw new StsError(405, 'MethodNotAllowed', `The HTTP method ${req.method} is not allowed.`)
      }
      const action = params.get('Action')
      const version = params.get('Version')
      if (!action) throw new StsError(400, 'MissingAction', 'Missing Action')
      if (!version)
        throw new StsError(
          400,
          'MissingParameter',
          'The request must contain the parameter Version'
        )
      const handler = Object.hasOwn(actions, action) ? actions[action] : undefined
      if (!handler || version !== STS_VERSION) {
        throw new StsError(
          400,
          'InvalidAction',
          `Could not find operation ${action} for version ${version}`
        )
      }
      if (handler.regionalOnly && isGlobalEndpoint(req.headers.host)) {
        throw new StsError(
          400,
          'InvalidAction',
          `${action} is not available on the global endpoint ${GLOBAL_ENDPOINT_HOST}; call a regional endpoint such as sts.us-east-1.amazonaws.com.`
        )
      }
      let caller
      if (handler.signed) {
        caller = authenticate(req, body, auth)
        record.verified = true
      }
      const result = handler.handle({ params, caller, now: now() })
      send(res, record, 200, successBody(action, result, requestId), requestId)
    } catch (error) {
      if (!(error instanceof StsError)) {
        // A bug in this server should look like an STS outage, not crash the test run.
        const message = error instanceof Error ? error.message : String(error)
        send(
          res,
          record,
          500,
          errorBody(500, 'InternalFailure', message, requestId),
          requestId,
          'InternalFailure'
        )
        return
      }
      send(
        res,
        record,
        error.status,
        errorBody(error.status, error.code, error.message, requestId),
        requestId,
        error.code
      )
    }
  }

  const server = http.createServer((req, res) => {
    /** @type {Buffer[]} */
    const chunks = []
    let size = 0
    req.on('data', chunk => {
      size += chunk.length
      if (size > MAX_BODY_BYTES) {
        req.socket.destroy()
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks)).catch(() => req.socket.destroy())
    })
  })
  server.on('connection', socket => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })

  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve(undefined)
    })
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0

  /** @type {Promise<void> | undefined} */
  let closing
  return {
    /** http://127.0.0.1:PORT */
    url: `http://127.0.0.1:${port}`,
    port,
    /** Every request in arrival order, rejected ones included. */
    requests,
    /** Every session minted: AssumeRole, AssumeRoleWithWebIdentity and GetScopedCredentials. */
    issued,
    /** Queue a fault for the next `times` requests (default 1); consumed one per request, in order. */
    injectFault(/** @type {Fault} */ fault, times = 1) {
      for (let i = 0; i < times; i++) faults.push(fault)
    },
    /** Delay every response by ms (0 turns it off). */
    setDelay(/** @type {number} */ ms) {
      delayMs = ms
    },
    addUser,
    addIdentityProvider(/** @type {LocalStsIdentityProvider} */ provider) {
      identityProviders.push(provider)
    },
    /** Clears requests, queued faults and the delay; issued credentials stay valid. */
    reset() {
      // In place, so arrays a test already holds stay the live ones.
      requests.length = 0
      faults.length = 0
      delayMs = 0
    },
    /** Stops listening and destroys open sockets, hung requests included. */
    close() {
      if (!closing) {
        closed = true
        closing = new Promise(resolve => {
          for (const timer of timers) clearTimeout(timer)
          timers.clear()
          server.close(() => resolve())
          // server.close() alone waits for keep-alive and hung connections to end by themselves.
          for (const socket of sockets) socket.destroy()
        })
      }
      return closing
    },
    get closed() {
      return closed
    }
  }
}

/** @param {number} status */
function defaultFaultCode(status) {
  if (status >= 500) return 'InternalFailure'
  if (status === 400) return 'Throttling'
  if (status === 403) return 'AccessDenied'
  return 'UnknownError'
}

/** @param {string} code */
function defaultFaultMessage(code) {
  if (code === 'Throttling') return 'Rate exceeded'
  if (code === 'InternalFailure') return 'An internal error has occurred. Please try again.'
  return `Injected fault: ${code}`
}

// ---------------------------------------------------------------------------------------------
// `node local-sts/server.js [--port N]`: for the demo and for poking at it by hand.

function isMain() {
  if (!process.argv[1]) return false
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))
  } catch {
    return false
  }
}

if (isMain()) {
  const args = process.argv.slice(2)
  let port = 0
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    const value =
      arg === '--port' ? args[++i] : arg.startsWith('--port=') ? arg.slice(7) : undefined
    if (value === undefined || !/^\d+$/.test(value) || Number(value) > 65535) {
      process.stderr.write(`usage: node local-sts/server.js [--port N]\n`)
      process.exit(2)
    }
    port = Number(value)
  }
  const sts = await startLocalSts({ port })
  process.stdout.write(
    JSON.stringify({
      url: sts.url,
      accessKeyId: DEFAULT_USER.accessKeyId,
      secretAccessKey: DEFAULT_USER.secretAccessKey
    }) + '\n'
  )
  const stop = () => {
    sts.close().then(() => process.exit(0))
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}
