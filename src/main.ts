import * as core from '@actions/core'
import { readFileSync } from 'node:fs'
import { roleArnFor } from './arn.js'
import { loadSourceCredentials } from './credentials.js'
import { loadManagedPolicyIndex } from './data.js'
import { ActionError, InputError } from './errors.js'
import { exportSession, maskCredentials, setIdentityOutputs } from './export.js'
import { readInputs } from './inputs.js'
import {
  buildSessionPolicy,
  hasSessionPolicy,
  type SessionPolicy
} from './policy/session-policy.js'
import { parseSettings } from './settings.js'
import { assumeRole, createStsClient, getCallerIdentity, type AssumedSession } from './sts.js'

const USER_AGENT = 'scoped-role/0.1.0'

/**
 * inputs → session policy → source credentials → AssumeRole → mask → export → outputs.
 * Everything that can be checked locally is checked before the first request, and nothing is
 * exported until every check has passed.
 */
export async function run(): Promise<void> {
  try {
    const settings = parseSettings(readInputs(), process.env, path => readFileSync(path, 'utf8'))
    const policy = buildSessionPolicy(settings, loadManagedPolicyIndex)
    for (const warning of policy.warnings) core.warning(warning)

    const source = await loadSourceCredentials(settings.sourceKeys)
    // Key inputs were masked as they were read; ambient ones may never have been.
    if (source.origin === 'environment') maskCredentials(source.credentials)
    core.info(`Source credentials: ${describeOrigin(source.origin)}.`)

    const client = createStsClient({
      region: settings.region,
      endpoint: settings.stsEndpoint,
      credentials: source.credentials,
      userAgent: USER_AGENT
    })
    let roleArn: string
    let sourceArn: string | undefined
    if ('arn' in settings.role) {
      roleArn = settings.role.arn
    } else {
      // A bare role name is completed with the source account, which only STS can tell.
      const caller = await getCallerIdentity(client)
      sourceArn = caller.arn
      roleArn = roleArnFor(settings.partition, caller.account, settings.role.name)
    }

    core.info(
      `Assuming ${roleArn} as session '${settings.roleSessionName}' for ${settings.durationSeconds} s in ${settings.region}` +
        (settings.mfa ? ` with MFA device ${settings.mfa.serialNumber}` : '') +
        '.'
    )
    core.info(describePolicy(policy))
    const request = {
      roleArn,
      roleSessionName: settings.roleSessionName,
      durationSeconds: settings.durationSeconds,
      externalId: settings.externalId,
      mfa: settings.mfa,
      policy: policy.inline,
      policyArns: policy.managedArns
    }
    core.debug(`AssumeRole request: ${JSON.stringify(request)}`)
    const session = await assumeRole(client, request, sourceArn)
    maskCredentials(session.credentials)

    if (settings.verifyCredentials)
      await verifySession(session, settings.region, settings.stsEndpoint)

    exportSession(session, settings.region, settings.cleanupCredentials)
    setIdentityOutputs(session)
    core.info(
      `Assumed ${session.arn}; the credentials expire at ${session.credentials.expiration.toISOString()}` +
        (session.utilization !== undefined && hasSessionPolicy(policy)
          ? `; the session policies use ${session.utilization}% of the packed-policy space`
          : '') +
        '.'
    )
  } catch (error) {
    fail(error)
  }
}

/** The optional second request: the new credentials themselves must name the same session. */
async function verifySession(
  session: AssumedSession,
  region: string,
  endpoint: string | undefined
): Promise<void> {
  const client = createStsClient({
    region,
    endpoint,
    credentials: session.credentials,
    userAgent: USER_AGENT
  })
  const identity = await getCallerIdentity(client)
  if (identity.arn !== session.arn || identity.account !== session.account) {
    throw new ActionError(
      `verify-credentials: GetCallerIdentity with the new credentials answered ${identity.arn} (account ${identity.account}), ` +
        `but AssumeRole returned ${session.arn}. Nothing was exported. Check that sts-endpoint and AWS_ENDPOINT_URL_STS point at STS.`,
      'Credentials did not verify'
    )
  }
  core.info(`Verified: GetCallerIdentity with the new credentials answers ${identity.arn}.`)
}

function describeOrigin(origin: 'inputs' | 'environment'): string {
  return origin === 'inputs'
    ? 'the aws-access-key-id and aws-secret-access-key inputs'
    : 'the credentials already in the environment (SDK default chain)'
}

function describePolicy(policy: SessionPolicy): string {
  const parts: string[] = []
  if (policy.inline !== undefined)
    parts.push(`an inline policy of ${policy.inline.length} characters`)
  if (policy.managedArns.length > 0) parts.push(`managed policies ${policy.managedArns.join(', ')}`)
  return parts.length > 0
    ? `Session policy: ${parts.join(' and ')}.`
    : "Session policy: none, so the session gets all of the role's permissions."
}

function fail(error: unknown): void {
  if (error instanceof InputError) {
    core.error(error.message, { title: `Invalid input: ${error.input}` })
  } else if (error instanceof ActionError) {
    core.error(error.message, { title: error.title })
  } else {
    core.error(error instanceof Error ? error.message : String(error), {
      title: 'scoped-role failed'
    })
  }
  process.exitCode = core.ExitCode.Failure
}
