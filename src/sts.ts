import {
  AssumeRoleCommand,
  GetCallerIdentityCommand,
  STSClient,
  type AssumeRoleCommandInput
} from '@aws-sdk/client-sts'
import { accountOf } from './arn.js'
import type { AwsCredentials } from './credentials.js'
import { explainStsError } from './sts-errors.js'

export interface StsClientOptions {
  region: string
  endpoint?: string
  credentials: AwsCredentials
  userAgent?: string
}

/** The one place an STS client is built; callers pass it to the functions below. */
export function createStsClient(options: StsClientOptions): STSClient {
  return new STSClient({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    credentials: options.credentials,
    customUserAgent: options.userAgent,
    // A credentials step sits on every job's critical path: never wait on a dead connection.
    requestHandler: { connectionTimeout: 5000, requestTimeout: 30000, throwOnRequestTimeout: true }
  })
}

export interface AssumeRoleRequest {
  roleArn: string
  roleSessionName: string
  durationSeconds: number
  externalId?: string
  mfa?: { serialNumber: string; tokenCode: string }
  policy?: string
  policyArns: string[]
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
}

/**
 * Calls AssumeRole. The identity comes from the response itself (an assumed-role session's
 * caller identity is exactly its AssumedRoleUser), so no second request is needed to report it.
 */
export async function assumeRole(
  client: STSClient,
  request: AssumeRoleRequest,
  sourceArn?: string
): Promise<AssumedSession> {
  const input: AssumeRoleCommandInput = {
    RoleArn: request.roleArn,
    RoleSessionName: request.roleSessionName,
    DurationSeconds: request.durationSeconds,
    ExternalId: request.externalId,
    SerialNumber: request.mfa?.serialNumber,
    TokenCode: request.mfa?.tokenCode,
    Policy: request.policy,
    PolicyArns: request.policyArns.length > 0 ? request.policyArns.map(arn => ({ arn })) : undefined
  }
  let output
  try {
    output = await client.send(new AssumeRoleCommand(input))
  } catch (error) {
    throw explainStsError(error, { action: 'AssumeRole', roleArn: request.roleArn, sourceArn })
  }
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
    throw explainStsError(new Error('the AssumeRole response has no credentials'), {
      action: 'AssumeRole',
      roleArn: request.roleArn
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
