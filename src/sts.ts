import {
  AssumeRoleCommand,
  AssumeRoleWithWebIdentityCommand,
  GetCallerIdentityCommand,
  STSClient,
  type AssumeRoleCommandInput,
  type AssumeRoleResponse
} from '@aws-sdk/client-sts'
import { accountOf } from './arn.js'
import type { AwsCredentials } from './credentials.js'
import type { SessionTag } from './session-tags.js'
import { explainStsError } from './sts-errors.js'

export interface StsClientOptions {
  region: string
  endpoint?: string
  /** None for AssumeRoleWithWebIdentity, which is sent unsigned. */
  credentials?: AwsCredentials
  userAgent?: string
}

/** The one place an STS client is built; callers pass it to the functions below. */
export function createStsClient(options: StsClientOptions): STSClient {
  return new STSClient({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    customUserAgent: options.userAgent,
    // A credentials step sits on every job's critical path: never wait on a dead connection.
    requestHandler: { connectionTimeout: 5000, requestTimeout: 30000, throwOnRequestTimeout: true }
  })
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
  /** For a web identity: who the token named, for whom, and who issued it. */
  webIdentity?: { subject?: string; audience?: string; provider?: string }
}

/** Calls AssumeRole with the source credentials the client was built with. */
export async function assumeRole(
  client: STSClient,
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
  let output
  try {
    output = await client.send(new AssumeRoleCommand(input))
  } catch (error) {
    throw explainStsError(error, { action: 'AssumeRole', roleArn: request.roleArn, sourceArn })
  }
  return toSession(output, 'AssumeRole', request.roleArn)
}

/** AssumeRoleWithWebIdentity, sent unsigned: the token is the credential. */
export async function assumeRoleWithWebIdentity(
  client: STSClient,
  request: RoleRequest,
  webIdentityToken: string
): Promise<AssumedSession> {
  let output
  try {
    output = await client.send(
      new AssumeRoleWithWebIdentityCommand({
        ...roleParameters(request),
        WebIdentityToken: webIdentityToken
      })
    )
  } catch (error) {
    throw explainStsError(error, { action: 'AssumeRoleWithWebIdentity', roleArn: request.roleArn })
  }
  return {
    ...toSession(output, 'AssumeRoleWithWebIdentity', request.roleArn),
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
  action: 'AssumeRole' | 'AssumeRoleWithWebIdentity',
  roleArn: string
): AssumedSession {
  const credentials = output.Credentials
  const user = output.AssumedRoleUser
  if (
    !credentials?.AccessKeyId ||
    !credentials.SecretAccessKey ||
    !credentials.SessionToken ||
    !credentials.Expiration ||
    !user?.Arn ||
    !user.AssumedRoleId
  ) {
    throw explainStsError(new Error(`the ${action} response has no credentials`), {
      action,
      roleArn
    })
  }
  return {
    credentials: {
      accessKeyId: credentials.AccessKeyId,
      secretAccessKey: credentials.SecretAccessKey,
      sessionToken: credentials.SessionToken,
      expiration: credentials.Expiration
    },
    arn: user.Arn,
    userId: user.AssumedRoleId,
    account: accountOf(user.Arn),
    utilization: output.SessionTokenUtilization ?? output.PackedPolicySize
  }
}

export async function getCallerIdentity(client: STSClient): Promise<Identity> {
  try {
    const output = await client.send(new GetCallerIdentityCommand({}))
    return { arn: output.Arn ?? '', userId: output.UserId ?? '', account: output.Account ?? '' }
  } catch (error) {
    throw explainStsError(error, { action: 'GetCallerIdentity' })
  }
}
