import {
  AssumeRoleCommand,
  AssumeRoleWithWebIdentityCommand,
  GetCallerIdentityCommand,
  GetScopedCredentialsCommand,
  STSClient,
  type AssumeRoleCommandInput,
  type AssumeRoleResponse,
  type Credentials,
  type AssumeRoleWithWebIdentityResponse,
  type GetCallerIdentityResponse,
  type GetScopedCredentialsResponse
} from '@aws-sdk/client-sts'
import type { Agent as HttpAgent } from 'node:http'
import type { Agent as HttpsAgent } from 'node:https'
import { accountOf } from './arn.js'
import { ActionError } from '../shared/errors.js'
import { RetriesExhausted, withRetries, type RetryPolicy } from './retry.js'
import { fromNetwork } from '../shared/log-text.js'
import { explainStsError, type StsCallContext } from './sts-errors.js'
import type { FrontWording } from '../shared/front.js'

/** Credentials that sign a request: keys from the inputs, a source's, or a session's. */
export interface AwsCredentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
  expiration?: Date
}

export interface SessionTag {
  key: string
  value: string
}

export interface StsClientOptions {
  region: string
  endpoint?: string
  useFipsEndpoint?: boolean
  /** None for AssumeRoleWithWebIdentity, which is sent unsigned. */
  credentials?: AwsCredentials
  userAgent?: string
  retry: RetryPolicy
  /** Agents that go through a proxy, when one applies. */
  agents?: { httpAgent?: HttpAgent; httpsAgent?: HttpsAgent }
  /** One line per retry. */
  log?: (line: string) => void
  /** Registers the secrets of an answer before anything else is done with it. */
  mask?: (secret: string) => void
  /** The URL the requests go to, as resolved: named when it cannot be reached. */
  endpointUrl?: string
  /** How the front's messages say to try again. */
  wording: Pick<FrontWording, 'runAgain'>
}

/** A client with the retry policy its calls follow; the functions below take it. */
export interface Sts {
  client: STSClient
  retry: RetryPolicy
  log?: (line: string) => void
  mask?: (secret: string) => void
  endpointUrl?: string
  wording: Pick<FrontWording, 'runAgain'>
}

/** The one place an STS client is built. */
export function createStsClient(options: StsClientOptions): Sts {
  const client = new STSClient({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.useFipsEndpoint ? { useFipsEndpoint: true } : {}),
    // Regional always, whatever AWS_STS_REGIONAL_ENDPOINTS says: the global endpoint is a single
    // point of failure and does not serve GetScopedCredentials.
    useGlobalEndpoint: false,
    ...(options.credentials ? { credentials: options.credentials } : {}),
    customUserAgent: options.userAgent,
    // Retries are ours (withRetries): the SDK's would multiply with them.
    maxAttempts: 1,
    requestHandler: {
      connectionTimeout: Math.min(5000, options.retry.requestTimeoutMs),
      requestTimeout: options.retry.requestTimeoutMs,
      throwOnRequestTimeout: true,
      ...options.agents
    }
  })
  return {
    client,
    retry: options.retry,
    log: options.log,
    mask: options.mask,
    endpointUrl: options.endpointUrl,
    wording: options.wording
  }
}

/**
 * Sends one command under the retry policy, each attempt bounded by its own timeout (connection
 * and response together), so a hung connection fails after the request timeout, not the job's.
 */
async function send<T>(
  sts: Sts,
  context: StsCallContext,
  makeCommand: (
    refreshToken: boolean
  ) => Promise<AssumeRoleCommand | AssumeRoleWithWebIdentityCommand | GetCallerIdentityCommand>
): Promise<T> {
  try {
    return await withRetries(
      async ({ timeoutMs, refreshToken }) => {
        // One clock per attempt for everything in it: a fresh token, then the request.
        const controller = new AbortController()
        const timer = setTimeout(() => controller.abort(), timeoutMs)
        const timedOut = () =>
          Object.assign(new Error(`no answer within ${timeoutMs} ms`), { name: 'TimeoutError' })
        try {
          const command = await Promise.race([
            makeCommand(refreshToken),
            new Promise<never>((_, reject) =>
              controller.signal.addEventListener('abort', () => reject(timedOut()))
            )
          ])
          return (await sts.client.send(command as never, { abortSignal: controller.signal })) as T
        } catch (error) {
          if (controller.signal.aborted) throw timedOut()
          throw error
        } finally {
          clearTimeout(timer)
        }
      },
      sts.retry,
      { webIdentity: context.action === 'AssumeRoleWithWebIdentity', log: sts.log }
    )
  } catch (error) {
    // A fresh token that could not be had is already explained; it is not an STS answer.
    const cause = error instanceof RetriesExhausted ? error.lastError : error
    if (cause instanceof ActionError) throw cause
    throw explainStsError(error, { ...context, endpointUrl: sts.endpointUrl })
  }
}

/** What both AssumeRole and AssumeRoleWithWebIdentity take. */
export interface RoleRequest {
  roleArn: string
  roleSessionName: string
  durationSeconds: number
  policy?: string
  policyArns: string[]
}

export interface AssumeRoleRequest extends RoleRequest {
  externalId?: string
  mfa?: { serialNumber: string; tokenCode: string }
  tags?: SessionTag[]
  transitiveTagKeys?: string[]
  sourceIdentity?: string
}

export interface Identity {
  arn: string
  userId: string
  account: string
}

export interface AssumedSession extends Identity {
  credentials: Required<AwsCredentials>
  /** Percent of the packed-policy space the session policies and tags use, when STS reports it. */
  utilization?: number
  /** mode: scope: the scoped session's id (the identity stays the caller's). */
  scopedSessionId?: string
  /** For a web identity: who the token named, for whom, and who issued it. */
  webIdentity?: { subject?: string; audience?: string; provider?: string }
}

/** Calls AssumeRole with the source credentials the client was built with. */
export async function assumeRole(
  sts: Sts,
  request: AssumeRoleRequest,
  sourceArn?: string
): Promise<AssumedSession> {
  const input: AssumeRoleCommandInput = {
    ...roleParameters(request),
    ExternalId: request.externalId,
    SerialNumber: request.mfa?.serialNumber,
    TokenCode: request.mfa?.tokenCode,
    Tags: request.tags?.length
      ? request.tags.map(t => ({ Key: t.key, Value: t.value }))
      : undefined,
    TransitiveTagKeys: request.transitiveTagKeys?.length ? request.transitiveTagKeys : undefined,
    SourceIdentity: request.sourceIdentity
  }
  const context: StsCallContext = {
    action: 'AssumeRole',
    wording: sts.wording,
    roleArn: request.roleArn,
    sourceArn,
    request
  }
  const output = await send<AssumeRoleResponse>(
    sts,
    context,
    async () => new AssumeRoleCommand(input)
  )
  return toSession(sts, output, context)
}

/**
 * AssumeRoleWithWebIdentity, sent unsigned: the token is the credential. `token(true)` must
 * fetch a fresh one: STS may refuse a token as expired or invalid once, and a new one can pass.
 */
export async function assumeRoleWithWebIdentity(
  sts: Sts,
  request: RoleRequest,
  token: (fresh: boolean) => Promise<string>
): Promise<AssumedSession> {
  let lastToken = ''
  const context: StsCallContext = {
    action: 'AssumeRoleWithWebIdentity',
    wording: sts.wording,
    roleArn: request.roleArn,
    request,
    webIdentityToken: () => lastToken
  }
  const output = await send<AssumeRoleWithWebIdentityResponse>(sts, context, async fresh => {
    lastToken = await token(fresh)
    return new AssumeRoleWithWebIdentityCommand({
      ...roleParameters(request),
      WebIdentityToken: lastToken
    })
  })
  return {
    ...toSession(sts, output, context),
    webIdentity: {
      subject: shown(output.SubjectFromWebIdentityToken),
      audience: shown(output.Audience),
      provider: shown(output.Provider)
    }
  }
}

function roleParameters(request: RoleRequest) {
  return {
    RoleArn: request.roleArn,
    RoleSessionName: request.roleSessionName,
    DurationSeconds: request.durationSeconds,
    Policy: request.policy,
    PolicyArns: request.policyArns.length > 0 ? request.policyArns.map(arn => ({ arn })) : undefined
  }
}

/**
 * The identity comes from the response itself (an assumed-role session's caller identity is
 * exactly its AssumedRoleUser), so no second request is needed to report it.
 */
function toSession(
  sts: Sts,
  output: Pick<
    AssumeRoleResponse,
    'Credentials' | 'AssumedRoleUser' | 'SessionTokenUtilization' | 'PackedPolicySize'
  >,
  context: StsCallContext
): AssumedSession {
  const credentials = requireCredentials(output.Credentials, context, sts.mask)
  const user = output.AssumedRoleUser
  if (!user?.Arn || !user.AssumedRoleId) throw incomplete(context)
  const arn = checkShape(user.Arn, SHAPES.sessionArn, 'Arn', context)
  return {
    credentials,
    arn,
    userId: checkShape(user.AssumedRoleId, SHAPES.assumedRoleId, 'AssumedRoleId', context),
    account: accountOf(arn),
    utilization: checkUtilization(
      output.SessionTokenUtilization ?? output.PackedPolicySize,
      context
    )
  }
}

/**
 * What each identifier of an answer looks like. An answer may come from a plain-http endpoint
 * or through an intercepting proxy: a value of another shape (a line break, a space, markup) is
 * refused here, before it could reach the log, the outputs or the exported variables.
 */
const SHAPES = {
  sessionArn: /^arn:aws(-[a-z]+)*:sts::\d{12}:assumed-role\/[\w+=,.@-]{1,64}\/[\w+=,.@-]{2,64}$/,
  scopedArn:
    /^arn:aws(-[a-z]+)*:sts::\d{12}:(assumed-role|federated-user)\/[\w+=,.@-]{1,64}(\/[\w+=,.@-]{2,64})?$/,
  callerArn: /^arn:aws(-[a-z]+)*:(iam|sts)::\d{12}:[\w+=,.@/-]{1,512}$/,
  assumedRoleId: /^[A-Z0-9]{16,128}:[\w+=,.@-]{2,64}$/,
  userId: /^[\w+=,.@:-]{1,256}$/,
  account: /^\d{12}$/,
  scopedSessionId: /^[\w+=,.@:-]{1,128}$/,
  accessKeyId: /^[A-Z0-9]{16,128}$/,
  // Secrets: printable ASCII without spaces, as AWS issues them; never quoted in a message.
  secret: /^[\x21-\x7e]{1,16384}$/
}

function checkShape(value: string, shape: RegExp, field: string, context: StsCallContext): string {
  if (shape.test(value)) return value
  throw notFromSts(context, `'s ${field} '${fromNetwork(value, 120)}' is not of the form STS uses`)
}

function checkUtilization(value: number | undefined, context: StsCallContext): number | undefined {
  if (value === undefined || (Number.isFinite(value) && value >= 0 && value <= 1000)) return value
  throw notFromSts(context, "'s SessionTokenUtilization is not a percentage")
}

/** `what` follows "the ACTION answer". */
function notFromSts(context: StsCallContext, what: string): Error {
  return explainStsError(
    Object.assign(
      new Error(
        `the ${context.action} answer${what}; it may not come from STS (check sts-endpoint and any proxy)`
      ),
      { name: 'InvalidAnswer' }
    ),
    context
  )
}

/** Every STS answer that grants a session carries these four; anything less is not usable. */
function requireCredentials(
  credentials: Credentials | undefined,
  context: StsCallContext,
  mask?: (secret: string) => void
): Required<AwsCredentials> {
  if (
    !credentials?.AccessKeyId ||
    !credentials.SecretAccessKey ||
    !credentials.SessionToken ||
    !credentials.Expiration
  ) {
    throw incomplete(context)
  }
  // Masked first, before any line (even an error about the rest of the answer) is written.
  for (const secret of [
    credentials.AccessKeyId,
    credentials.SecretAccessKey,
    credentials.SessionToken
  ]) {
    if (SHAPES.secret.test(secret)) mask?.(secret)
  }
  if (
    !SHAPES.accessKeyId.test(credentials.AccessKeyId) ||
    !SHAPES.secret.test(credentials.SecretAccessKey) ||
    !SHAPES.secret.test(credentials.SessionToken) ||
    Number.isNaN(credentials.Expiration.getTime())
  ) {
    throw notFromSts(context, ' holds credentials not of the form AWS issues')
  }
  return {
    accessKeyId: credentials.AccessKeyId,
    secretAccessKey: credentials.SecretAccessKey,
    sessionToken: credentials.SessionToken,
    expiration: credentials.Expiration
  }
}

function incomplete(context: StsCallContext): Error {
  return notFromSts(context, ' has no credentials')
}

export async function getCallerIdentity(sts: Sts): Promise<Identity> {
  const output = await send<GetCallerIdentityResponse>(
    sts,
    { action: 'GetCallerIdentity', wording: sts.wording },
    async () => new GetCallerIdentityCommand({})
  )
  const context: StsCallContext = { action: 'GetCallerIdentity', wording: sts.wording }
  return {
    arn: checkShape(output.Arn ?? '', SHAPES.callerArn, 'Arn', context),
    userId: checkShape(output.UserId ?? '', SHAPES.userId, 'UserId', context),
    account: checkShape(output.Account ?? '', SHAPES.account, 'Account', context)
  }
}

export interface ScopeRequest {
  policy?: string
  /** Omitted: the scoped credentials keep the caller's expiration. */
  durationSeconds?: number
  description: string
}

/**
 * GetScopedCredentials: narrows the caller's own temporary credentials, keeping its identity.
 * The result's ARN is the caller's role session, so outputs name the same identity as before.
 */
export async function getScopedCredentials(
  sts: Sts,
  request: ScopeRequest
): Promise<AssumedSession> {
  const context: StsCallContext = {
    action: 'GetScopedCredentials',
    wording: sts.wording,
    request
  }
  const output = await send<GetScopedCredentialsResponse>(
    sts,
    context,
    async () =>
      new GetScopedCredentialsCommand({
        Policy: request.policy,
        DurationSeconds: request.durationSeconds,
        ScopedSessionDescription: request.description
      })
  )
  const credentials = requireCredentials(output.Credentials, context, sts.mask)
  const arn = output.SessionInfo?.Arn
  if (!arn) throw incomplete(context)
  const scopedSessionId = output.SessionInfo?.ScopedSessionId
  return {
    credentials,
    arn: checkShape(arn, SHAPES.scopedArn, 'Arn', context),
    userId: '',
    account: accountOf(arn),
    utilization: checkUtilization(output.SessionTokenUtilization, context),
    scopedSessionId:
      scopedSessionId === undefined
        ? undefined
        : checkShape(scopedSessionId, SHAPES.scopedSessionId, 'ScopedSessionId', context)
  }
}

const shown = (value: string | undefined): string | undefined =>
  value === undefined ? undefined : fromNetwork(value, 200)
