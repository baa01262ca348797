// The STS actions: AssumeRole, AssumeRoleWithWebIdentity, GetScopedCredentials and
// GetCallerIdentity, over the state of one server (its keys, roles, identity providers and the
// sessions it issued).
import { decodeJwt } from './github-oidc.js'
import {
  DEFAULT_MAX_SESSION_DURATION,
  ROLE_ARN,
  Violations,
  checkPolicyDocument,
  memberIndexes,
  P_EXTERNAL_ID,
  P_SERIAL,
  P_SESSION_NAME,
  P_TAG_KEY,
  P_TAG_VALUE,
  P_TOKEN_CODE,
  parseRoleArn,
  readMinimumTokenSize,
  readPolicy,
  readPolicyArns,
  readRoleParams
} from './params.js'
import {
  UPPER_ALNUM,
  assumedRoleUserXml,
  credentialsXml,
  mintSessionToken,
  newAccessKeyId,
  newSecretAccessKey,
  packedPercentOrThrow,
  randomChars,
  stableId,
  tokenUsageXml
} from './sessions.js'
import { StsError, accessDenied, element, validationError } from './wire.js'

/** @typedef {import('./types.js').ActionHandler} ActionHandler */
/** @typedef {import('./types.js').Caller} Caller */
/** @typedef {import('./types.js').IssuedCredentials} IssuedCredentials */
/** @typedef {import('./types.js').KeyEntry} KeyEntry */
/** @typedef {import('./types.js').LocalStsIdentityProvider} LocalStsIdentityProvider */
/** @typedef {import('./types.js').LocalStsRole} LocalStsRole */
/** @typedef {import('./types.js').SessionTag} SessionTag */

/** STS caps a session assumed with role credentials (role chaining) at one hour. */
const CHAINED_MAX_DURATION = 3600

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

/**
 * The action handlers of one server.
 * @param {{ keys: Map<string, KeyEntry>, roles: Map<string, LocalStsRole> | undefined,
 *   issued: IssuedCredentials[], identityProviders: LocalStsIdentityProvider[],
 *   mfaCode: string | undefined, nextSecretStyle: () => 'random' | 'punctuated' | 'plain',
 *   nextImpostor: () => { arn: string, account: string } | undefined }} state
 * @returns {Record<string, ActionHandler>}
 */
export function createActions({
  keys,
  roles,
  issued,
  identityProviders,
  mfaCode,
  nextSecretStyle,
  nextImpostor
}) {
  /**
   * @param {Caller} caller
   * @returns {string} the ARN STS names the caller by in messages and GetCallerIdentity
   */
  const callerArn = caller => (caller.kind === 'user' ? caller.user.arn : caller.issued.arn)

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
      secretAccessKey: newSecretAccessKey(nextSecretStyle()),
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
      secretAccessKey: newSecretAccessKey(nextSecretStyle()),
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
    const impostor = nextImpostor()
    if (impostor) {
      return (
        element('Arn', impostor.arn) +
        element('UserId', stableId('AIDA', impostor.arn)) +
        element('Account', impostor.account)
      )
    }
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
  return actions
}
