// Request parameters, checked the way STS reports them: every model violation at once, in one
// "N validation errors detected: ..." message; then the role ARN and the policy document.
import { StsError, validationError } from './wire.js'

/** AssumeRole* without DurationSeconds, and the most a role allows unless configured. */
export const DEFAULT_MAX_SESSION_DURATION = 3600

export const ROLE_ARN =
  /^arn:([a-z][a-z0-9-]*):iam::(\d{12}):role\/((?:[\x21-\x7e]*\/)?)([\w+=,.@-]{1,64})$/
const POLICY_ARN = /^arn:([a-z][a-z0-9-]*):iam::(aws|\d{12}):policy\/([\x21-\x7e]+)$/
const PRINCIPAL_ARN = /^arn:([a-z][a-z0-9-]*):(?:iam|sts)::(\d{12}):/

/** @param {string} arn */
export function accountOf(arn) {
  const match = PRINCIPAL_ARN.exec(arn)
  if (!match) throw new Error(`local-sts: not a principal ARN: ${arn}`)
  return { partition: match[1], account: match[2] }
}

export class Violations {
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

export const P_SESSION_NAME = /^[\w+=,.@-]*$/
export const P_EXTERNAL_ID = /^[\w+=,.@:/-]*$/
export const P_SERIAL = /^[\w+=/:,.@-]*$/
export const P_TOKEN_CODE = /^\d*$/
export const P_POLICY = /^[\t\n\r\u0020-\u00ff]+$/
export const P_TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u
export const P_TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u

/**
 * List members on the wire are `Prefix.member.N[.suffix]`; N is 1-based and need not be dense.
 * @param {URLSearchParams} params
 * @param {string} prefix e.g. 'Tags.member.'
 * @returns {number[]} the indexes present, ascending
 */
export function memberIndexes(params, prefix) {
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
export function checkPolicyDocument(text) {
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

// The parameters the actions that mint sessions share, read by one set of rules so AssumeRole,
// AssumeRoleWithWebIdentity and GetScopedCredentials cannot drift apart.

/**
 * RoleArn, RoleSessionName and DurationSeconds (900-43200, default 3600).
 * @param {URLSearchParams} params
 * @param {Violations} v
 */
export function readRoleParams(params, v) {
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
export function readPolicy(params, v) {
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
export function readPolicyArns(params, v) {
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
export function readMinimumTokenSize(params, v) {
  const text = params.get('MinimumSessionTokenSize') ?? undefined
  return text === undefined ? 0 : v.integer('minimumSessionTokenSize', text, 0, 4096)
}

/**
 * Called once the length checks passed, so only the shape can be wrong.
 * @param {string} arn
 */
export function parseRoleArn(arn) {
  const match = ROLE_ARN.exec(arn)
  if (!match) throw validationError('Request ARN is invalid')
  const [, partition, account, , roleName] = match
  return { partition, account, roleName }
}
