import { ActionError } from '../shared/errors.js'
import type { FrontWording } from '../shared/front.js'
import { fromNetwork } from '../shared/log-text.js'
import { RetriesExhausted, classifyError, errorFacts, type ErrorFacts } from './retry.js'

export interface StsCallContext {
  action: 'AssumeRole' | 'AssumeRoleWithWebIdentity' | 'GetCallerIdentity' | 'GetScopedCredentials'
  roleArn?: string
  sourceArn?: string
  /** What was sent (never secrets): sizes for PackedPolicyTooLarge, durations for limits. */
  request?: {
    durationSeconds?: number
    policy?: string
    policyArns?: string[]
    tags?: Array<{ key: string; value: string }>
  }
  /** Where the request went, to name it when no connection could be made. */
  endpointUrl?: string
  /** The web identity token sent, to show its claims (never the token itself). */
  webIdentityToken?: () => string
  /** How the front's messages say to try again (the client's, see createStsClient). */
  wording: Pick<FrontWording, 'runAgain'>
}

/** An STS failure: the message says what happened, why, and what to change. */
export class StsError extends ActionError {
  constructor(
    message: string,
    title: string,
    readonly code: string,
    override readonly cause: unknown,
    readonly context: StsCallContext
  ) {
    super(message, title)
  }
}

type Explainer = (facts: ErrorFacts, context: StsCallContext) => string

const TRUST_POLICY_HELP =
  'If the trust policy requires MFA (aws:MultiFactorAuthPresent) or an external id (sts:ExternalId), set mfa-serial-number and mfa-token-code, or role-external-id.'

const EXPLAIN: Record<string, Explainer> = {
  AccessDenied: (facts, context) => {
    if (/MultiFactorAuthentication/i.test(facts.message)) {
      return 'The MFA code was wrong, expired or already used (a code is valid for about 30 seconds, and once). Re-run with the code the device shows now, and check mfa-serial-number names that device.'
    }
    if (context.action === 'AssumeRoleWithWebIdentity') return explainWebIdentityDenied(context)
    if (context.action === 'GetCallerIdentity') {
      return 'The credentials may not call sts:GetCallerIdentity.'
    }
    if (context.action === 'GetScopedCredentials') {
      return "The session in the environment may not call sts:GetScopedCredentials: allow that action in the role's identity policy."
    }
    const who = context.sourceArn ?? 'the source credentials'
    return (
      `The trust policy of ${context.roleArn ?? 'the role'} does not let ${who} assume it. Add a statement to the role's trust policy: ` +
      `{"Effect":"Allow","Principal":{"AWS":"${context.sourceArn ? principalOf(context.sourceArn) : 'arn:aws:iam::ACCOUNT:user/NAME'}"},"Action":"sts:AssumeRole"}; ` +
      `the source identity also needs an IAM policy allowing sts:AssumeRole on the role. ${TRUST_POLICY_HELP}`
    )
  },
  IDPRejectedClaim: (_facts, context) => explainWebIdentityDenied(context),
  InvalidIdentityToken: (facts, context) => {
    const claims = tokenClaims(context)
    if (/audience/i.test(facts.message)) {
      return `The token's audience (aud: ${claims.aud ?? '?'}) is not a client id of the account's IAM OIDC provider. Add it to the provider's audiences, or set the audience input to one the provider lists (usually sts.amazonaws.com).`
    }
    return `STS did not accept the token (issuer ${claims.iss ?? '?'}). Check that the account has an IAM OIDC identity provider for that issuer with audience ${claims.aud ?? 'sts.amazonaws.com'}.`
  },
  ExpiredTokenException: (_facts, context) =>
    context.action === 'AssumeRoleWithWebIdentity'
      ? 'The web identity token was refused as expired, also after fetching a new one. Check the runner clock; for web-identity-token-file, check that the token file is refreshed.'
      : 'The source credentials have expired.',
  ExpiredToken: () =>
    'The source credentials have expired. With role-chaining, the earlier session (see its AWS_CREDENTIAL_EXPIRATION) ran out: run the earlier step again before this one, or give it a longer role-duration-seconds.',
  MalformedPolicyDocument: facts =>
    `STS could not read the session policy (${facts.message}). Check inline-session-policy: Version, Statement, Effect, Action and Resource, and no Principal.`,
  PackedPolicyTooLarge: (facts, context) => explainPackedSize(facts, context),
  RegionDisabledException: () =>
    'STS is not activated in this region for the account. Activate it (IAM > Account settings > Security Token Service endpoints), or set aws-region to an active region.',
  InvalidClientTokenId: () =>
    'AWS does not know the source access key id: check aws-access-key-id (or AWS_ACCESS_KEY_ID), and that the key is active; for temporary keys, that aws-session-token belongs to them.',
  SignatureDoesNotMatch: () =>
    'The source secret key does not belong to the access key id: check aws-secret-access-key (or AWS_SECRET_ACCESS_KEY), e.g. for a trailing newline in the secret.',
  ValidationError: (facts, context) => {
    if (/MaxSessionDuration/i.test(facts.message)) {
      return `role-duration-seconds (${context.request?.durationSeconds ?? '?'}) is above the role's maximum session duration. Lower it, or raise the role's Maximum session duration in IAM.`
    }
    if (/role chaining/i.test(facts.message)) {
      return 'The source credentials are themselves a role session, and STS caps a chained session at 3600 seconds: set role-duration-seconds: 3600 or less.'
    }
    return 'STS refused a parameter; the message names it.'
  },
  InsufficientSessionLifetime: () =>
    'role-duration-seconds asks for more than the credentials being scoped have left. Give a shorter duration, or leave it empty to keep their expiry.',
  ProxyAuthenticationRequired: () =>
    'The proxy refused the credentials (HTTP 407 Proxy Authentication Required). Check the user name and password in http-proxy (or HTTPS_PROXY / HTTP_PROXY), with any special characters percent-encoded (@ as %40).',
  ProxyRefused: facts =>
    `The proxy would not open a connection to the STS endpoint (HTTP ${facts.status ?? '?'}). Check that it allows CONNECT to the endpoint's host and port, or set NO_PROXY for it and remove http-proxy.`,
  MissingAuthenticationToken: () =>
    'The request was not signed: the source credentials are missing (set aws-access-key-id and aws-secret-access-key, or run with OIDC).'
}

/** Connection failures that say where the request could not go, not that STS is busy. */
const CONNECT_FAILURES: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused (nothing listens there)',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name could not be resolved (DNS did not answer)',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable'
}

/** Turns an SDK or network error into one message: what happened (code, message, request id), why, what to do. */
export function explainStsError(error: unknown, context: StsCallContext): StsError {
  const { wording } = context
  const retries = error instanceof RetriesExhausted ? error : undefined
  const cause = retries?.lastError ?? error
  const facts = errorFacts(cause)
  const code = normalizeCode(facts.code)
  // Not an STS error body (a proxy's or firewall's page, a wrong sts-endpoint): say what is known.
  const unknown = code === 'Unknown' || code === 'UnknownError' || code === 'UnexpectedResponse'
  // Code, message and request id are the answer's text: whoever shaped it chose them.
  const shownCode = fromNetwork(code, 80)
  const message = unknown
    ? `HTTP ${facts.status ?? '?'} with an answer that is not an STS error`
    : fromNetwork(facts.message.replace(/\s+/g, ' ').trim())
  const what = `${context.action} failed: ${unknown ? 'UnexpectedResponse' : shownCode}: ${message}${facts.requestId ? ` (request id ${fromNetwork(facts.requestId, 80)})` : ''}.`
  let advice = EXPLAIN[code]?.({ ...facts, message: fromNetwork(facts.message) }, context)
  if (advice === undefined && code in CONNECT_FAILURES) {
    advice = `Could not connect to ${context.endpointUrl ?? 'the STS endpoint'}: ${CONNECT_FAILURES[code]}. Check sts-endpoint (or AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL), the network and the proxy settings.`
  }
  if (advice === undefined && classifyError(cause, false) === 'transient') {
    advice =
      retries && retries.reason !== 'final'
        ? `STS did not answer successfully in ${retries.attempts} attempt${retries.attempts === 1 ? '' : 's'} over ${(retries.elapsedMs / 1000).toFixed(1)} s; this is usually passing throttling or an outage. ${wording.runAgain}; if it repeats, raise retry-max-attempts or retry-max-seconds, or check sts-endpoint and the proxy settings.`
        : `This is usually passing: ${wording.runAgain.charAt(0).toLowerCase()}${wording.runAgain.slice(1)}.`
  }
  if (advice === undefined && unknown) {
    advice =
      'Check sts-endpoint / AWS_ENDPOINT_URL_STS and any proxy: the answer did not come from STS.'
  }
  const title = `${context.action} failed: ${unknown ? 'UnexpectedResponse' : shownCode}`
  return new StsError(advice ? `${what} ${advice}` : what, title, code, cause, context)
}

function normalizeCode(code: string): string {
  // The SDK appends "Exception" to the errors it models; STS's documented codes do not have it.
  if (code === 'MalformedPolicyDocumentException') return 'MalformedPolicyDocument'
  if (code === 'PackedPolicyTooLargeException') return 'PackedPolicyTooLarge'
  if (code === 'IDPRejectedClaimException') return 'IDPRejectedClaim'
  if (code === 'InvalidIdentityTokenException') return 'InvalidIdentityToken'
  if (code === 'IDPCommunicationErrorException') return 'IDPCommunicationError'
  if (code === 'InsufficientSessionLifetimeException') return 'InsufficientSessionLifetime'
  return code
}

function explainWebIdentityDenied(context: StsCallContext): string {
  const claims = tokenClaims(context)
  const issuerHost = (claims.iss ?? 'token.actions.githubusercontent.com').replace(
    /^https:\/\//,
    ''
  )
  return (
    `The role's trust policy does not accept this token: sub ${claims.sub ?? '?'}, aud ${claims.aud ?? '?'}, iss ${claims.iss ?? '?'}. ` +
    `A trust policy statement that matches it: {"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::ACCOUNT:oidc-provider/${issuerHost}"},` +
    `"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"${issuerHost}:aud":"${claims.aud ?? 'sts.amazonaws.com'}"},` +
    `"StringLike":{"${issuerHost}:sub":"${claims.sub ?? 'repo:OWNER/REPO:*'}"}}}. ` +
    'Narrow the sub pattern to the branches or environments that may deploy.'
  )
}

/** The claims of a JWT, read without verifying: only to explain a refusal, never trusted. */
export function tokenClaims(context: StsCallContext): { sub?: string; aud?: string; iss?: string } {
  const token = context.webIdentityToken?.() ?? ''
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'))
    const aud = Array.isArray(payload.aud) ? payload.aud.join(',') : payload.aud
    return { sub: str(payload.sub), aud: str(aud), iss: str(payload.iss) }
  } catch {
    return {}
  }
}

// The claims come from the token issuer: shown, never trusted, never raw.
const str = (value: unknown): string | undefined =>
  typeof value === 'string' ? fromNetwork(value, 200) : undefined

function principalOf(sourceArn: string): string {
  // A session ARN (arn:aws:sts::A:assumed-role/ROLE/SESSION) is trusted through its role ARN.
  const session = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\//.exec(sourceArn)
  return session ? `arn:${session[1]}:iam::${session[2]}:role/${session[3]}` : sourceArn
}

function explainPackedSize(facts: ErrorFacts, context: StsCallContext): string {
  const percent = /(\d+)%/.exec(facts.message)?.[1]
  const request = context.request ?? {}
  const tagChars = (request.tags ?? []).reduce((n, t) => n + t.key.length + t.value.length, 0)
  const parts = [
    `the inline policy (${request.policy?.length ?? 0} characters)`,
    `${request.policyArns?.length ?? 0} managed policy ARNs`,
    `${request.tags?.length ?? 0} session tags (${tagChars} characters)`
  ]
  return (
    `The session policies and tags ${percent ? `use ${percent}% of` : 'overflow'} the packed space STS allows. What takes space: ${parts.join(', ')}. ` +
    'Cut, in this order: session tags (tag-session-with-github-context adds six), managed policy ARNs, then statements or ARNs of the inline policy (wildcards such as "s3:Get*" pack smaller).'
  )
}
