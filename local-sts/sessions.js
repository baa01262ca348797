// What the actions that mint sessions share: the packed-size accounting, the keys and tokens,
// and the credentials as XML. One copy, so AssumeRole, AssumeRoleWithWebIdentity and
// GetScopedCredentials cannot drift apart.
import crypto from 'node:crypto'
import { StsError, element } from './wire.js'

/** @typedef {import('./types.js').IssuedCredentials} IssuedCredentials */
/** @typedef {import('./types.js').SessionTag} SessionTag */

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

// Expiration is second-granular on the wire; keep the recorded Date identical to what the SDK parses.
export const isoSeconds = (/** @type {Date} */ date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z')

export const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
const SECRET_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

/**
 * @param {Uint8Array} bytes
 * @param {string} alphabet
 */
const mapBytes = (bytes, alphabet) => Array.from(bytes, b => alphabet[b % alphabet.length]).join('')
export const randomChars = (/** @type {number} */ n, /** @type {string} */ alphabet) =>
  mapBytes(crypto.randomBytes(n), alphabet)
// Ids derived from a hash so the same role (or user) always gets the same unique id, as in IAM.
export const stableId = (/** @type {string} */ prefix, /** @type {string} */ seed) =>
  prefix + mapBytes(crypto.createHash('sha256').update(seed).digest().subarray(0, 17), UPPER_ALNUM)

/**
 * @param {{ policies: (string | undefined)[], arnCount: number, tags: SessionTag[] }} packed
 *   every inline policy the session carries (a scoped session carries its parent's too)
 * @returns {number} the percent, when it fits
 */
export function packedPercentOrThrow({ policies, arnCount, tags }) {
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
export function mintSessionToken(percent, minimumTokenSize) {
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

export const newAccessKeyId = () => 'ASIA' + randomChars(16, UPPER_ALNUM)
/**
 * Secrets as AWS issues them (base64 characters, so often with / or +), or, for tests of
 * special-characters-workaround, surely with both ('punctuated') or with neither ('plain').
 * @param {'random' | 'punctuated' | 'plain'} [style]
 */
export const newSecretAccessKey = (style = 'random') => {
  if (style === 'random') return randomChars(40, SECRET_ALPHABET)
  const plain = randomChars(40, SECRET_ALPHABET.slice(0, 62))
  return style === 'plain' ? plain : `${plain.slice(0, 19)}/${plain.slice(20, 39)}+`
}

/** @param {IssuedCredentials} c */
export const credentialsXml = c =>
  '<Credentials>' +
  element('AccessKeyId', c.accessKeyId) +
  element('SecretAccessKey', c.secretAccessKey) +
  element('SessionToken', c.sessionToken) +
  element('Expiration', isoSeconds(c.expiration)) +
  '</Credentials>'

/** @param {IssuedCredentials} c */
export const assumedRoleUserXml = c =>
  `<AssumedRoleUser>${element('AssumedRoleId', c.assumedRoleId)}${element('Arn', c.arn)}</AssumedRoleUser>`

/** @param {IssuedCredentials} c */
export const tokenUsageXml = c =>
  element('SessionTokenUtilization', c.packedPolicySize) +
  element('SessionTokenSize', c.sessionTokenSize)
