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
import type { AwsCredentials } from './credentials.js'
import { ActionError } from './errors.js'
import { RetriesExhausted, withRetries, type RetryPolicy } from './retry.js'
import type { SessionTag } from './session-tags.js'
import { explainStsError, type StsCallContext } from './sts-errors.js'

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
}

/** A client with the retry policy its calls follow; the functions below take it. */
export interface Sts {
  client: STSClient
  retry: RetryPolicy
  log?: (line: string) => void
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
  return { client, retry: options.retry, log: options.log }
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
    throw explainStsError(error, context)
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
    roleArn: request.roleArn,
    sourceArn,
    request
  }
  const output = await send<AssumeRoleResponse>(
    sts,
    context,
    async () => new AssumeRoleCommand(input)
  )
  return toSession(output, context)
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
    ...toSession(output, context),
    webIdentity: {
      subject: output.SubjectFromWebIdentityToken,
      audience: output.Audience,
      provider: output.Provider
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
  output: Pick<
    AssumeRoleResponse,
    'Credentials' | 'AssumedRoleUser' | 'SessionTokenUtilization' | 'PackedPolicySize'
  >,
  context: StsCallContext
): AssumedSession {
  const user = output.AssumedRoleUser
  if (!user?.Arn || !user.AssumedRoleId) throw incomplete(context)
  return {
    credentials: requireCredentials(output.Credentials, context),
    arn: user.Arn,
    userId: user.AssumedRoleId,
    account: accountOf(user.Arn),
    utilization: output.SessionTokenUtilization ?? output.PackedPolicySize
  }
}

/** Every STS answer that grants a session carries these four; anything less is not usable. */
function requireCredentials(
  credentials: Credentials | undefined,
  context: StsCallContext
): Required<AwsCredentials> {
  if (
    !credentials?.AccessKeyId ||
    !credentials.SecretAccessKey ||
    !credentials.SessionToken ||
    !credentials.Expiration
  ) {
    throw incomplete(context)
  }
  return {
    accessKeyId: credentials.AccessKeyId,
    secretAccessKey: credentials.SecretAccessKey,
    sessionToken: credentials.SessionToken,
    expiration: credentials.Expiration
  }
}

function incomplete(context: StsCallContext): Error {
  return explainStsError(
    new Error(
      `the ${context.action} answer has no credentials; it may not come from STS (check sts-endpoint and any proxy)`
    ),
    context
  )
}

export async function getCallerIdentity(sts: Sts): Promise<Identity> {
  const output = await send<GetCallerIdentityResponse>(
    sts,
    { action: 'GetCallerIdentity' },
    async () => new GetCallerIdentityCommand({})
  )
  return { arn: output.Arn ?? '', userId: output.UserId ?? '', account: output.Account ?? '' }
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
  const context: StsCallContext = { action: 'GetScopedCredentials', request }
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
  const arn = output.SessionInfo?.Arn
  if (!arn) throw incomplete(context)
  return {
    credentials: requireCredentials(output.Credentials, context),
    arn,
    userId: '',
    account: accountOf(arn),
    utilization: output.SessionTokenUtilization,
    scopedSessionId: output.SessionInfo?.ScopedSessionId
  }
}
