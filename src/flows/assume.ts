import { parseArn, roleArnFor } from '../aws/arn.js'
import { StsError, explainStsError } from '../aws/sts-errors.js'
import {
  assumeRole,
  assumeRoleWithWebIdentity,
  getCallerIdentity,
  type AssumedSession,
  type RoleRequest,
  type Sts
} from '../aws/sts.js'
import type { SessionPolicy } from '../policy/session-policy.js'
import { InputError } from '../shared/errors.js'
import type { AssumeSettings } from '../settings/settings.js'
import { chooseSource, type SourceChoice } from '../sources/choose.js'
import { boundedChain, loadSourceCredentials } from '../sources/credentials.js'
import { webIdentityToken } from '../sources/web-identity.js'
import { connect, type FlowDependencies, type FlowResult } from './dependencies.js'
import { acceptAccount, acceptSession, maskAccount, maskCredentials } from './session.js'

type WebIdentitySource = Extract<SourceChoice, { kind: 'oidc' | 'web-identity-file' }>
type CredentialSource = Extract<SourceChoice, { kind: 'keys' | 'environment' }>

/**
 * mode: assume. Chooses the source credentials, assumes the role with the session policy, and
 * checks the result. The new credentials are masked the moment STS returns them.
 */
export async function assumeRoleWithSessionPolicy(
  settings: AssumeSettings,
  policy: SessionPolicy,
  deps: FlowDependencies
): Promise<FlowResult> {
  const { role } = settings
  const source = chooseSource(settings.source, deps.env, deps.wording)
  let session: AssumedSession
  if (source.kind === 'oidc' || source.kind === 'web-identity-file') {
    if (!('arn' in role)) {
      throw new InputError(
        'role-to-assume',
        `is the bare name '${role.name}', but with a web identity there are no source credentials to look up the account.`,
        'Write the full ARN, e.g. arn:aws:iam::123456789012:role/NAME.'
      )
    }
    acceptAccount(parseArn(role.arn)!.account, settings, deps)
    logSource(source, deps)
    session = await withWebIdentity(role.arn, source, settings, policy, deps)
  } else {
    if ('arn' in role) acceptAccount(parseArn(role.arn)!.account, settings, deps)
    logSource(source, deps)
    session = await withCredentials(source, settings, policy, deps)
  }
  await acceptSession(session, settings, deps)
  return { session, source }
}

function logSource(source: SourceChoice, deps: FlowDependencies): void {
  deps.info(`Source credentials: ${source.label}, because ${source.reason}.`)
}

function roleRequest(
  roleArn: string,
  settings: AssumeSettings,
  policy: SessionPolicy
): RoleRequest {
  return {
    roleArn,
    roleSessionName: settings.roleSessionName,
    durationSeconds: settings.durationSeconds,
    policy: policy.inline,
    policyArns: policy.managedArns
  }
}

/** AssumeRoleWithWebIdentity: unsigned, with the job's OIDC token or a token file. */
async function withWebIdentity(
  roleArn: string,
  source: WebIdentitySource,
  settings: AssumeSettings,
  policy: SessionPolicy,
  deps: FlowDependencies
): Promise<AssumedSession> {
  for (const name of settings.assumeRoleOnlyInputs) {
    deps.warn(
      `${name} is not sent: AssumeRoleWithWebIdentity does not take it (session tags come from the token; external ids, MFA and source identities are AssumeRole only).`
    )
  }
  const token = () =>
    webIdentityToken(
      source,
      { audience: settings.audience, budgetMs: settings.retry.budgetMs },
      deps
    )
  let current = await token()
  const request = roleRequest(roleArn, settings, policy)
  logPlan(roleArn, settings, deps)
  deps.debug(`AssumeRoleWithWebIdentity request: ${JSON.stringify(request)}`)
  // After a refresh, later retries must send the new token, not the refused first one.
  return assumeRoleWithWebIdentity(connect(settings, deps), request, async fresh =>
    fresh ? (current = await token()) : current
  )
}

/** AssumeRole, signed with the key inputs or the environment's credentials. */
async function withCredentials(
  source: CredentialSource,
  settings: AssumeSettings,
  policy: SessionPolicy,
  deps: FlowDependencies
): Promise<AssumedSession> {
  const credentials = await loadSourceCredentials(
    source.kind === 'keys' ? source.keys : undefined,
    boundedChain(deps.credentialChain, settings.retry.budgetMs),
    deps.wording
  )
  // Key inputs were masked as they were read; the environment's may never have been.
  if (source.kind === 'environment') maskCredentials(credentials, deps.mask)
  const client = connect(settings, deps, credentials)
  const { role } = settings
  let roleArn: string
  let sourceArn: string | undefined
  if ('arn' in role) {
    roleArn = role.arn
  } else {
    // A bare role name is completed with the source account, which only STS can tell.
    const caller = await getCallerIdentity(client)
    sourceArn = caller.arn
    acceptAccount(caller.account, settings, deps)
    roleArn = roleArnFor(settings.partition, caller.account, role.name)
  }
  logPlan(roleArn, settings, deps)
  const request = {
    ...roleRequest(roleArn, settings, policy),
    externalId: settings.externalId,
    mfa: settings.mfa,
    tags: settings.tags,
    transitiveTagKeys: settings.transitiveTagKeys,
    sourceIdentity: settings.sourceIdentity
  }
  deps.debug(`AssumeRole request: ${JSON.stringify(withoutSecrets(request))}`)
  try {
    return await assumeRole(client, request, sourceArn)
  } catch (error) {
    throw await withSourcePrincipal(error, client, sourceArn, settings, deps)
  }
}

/**
 * An AccessDenied on AssumeRole is fixed in the role's trust policy, which needs the caller's ARN;
 * it costs one more request, made only on this failure path.
 */
async function withSourcePrincipal(
  error: unknown,
  sts: Sts,
  sourceArn: string | undefined,
  settings: AssumeSettings,
  deps: FlowDependencies
): Promise<unknown> {
  if (!(error instanceof StsError) || error.code !== 'AccessDenied' || sourceArn !== undefined)
    return error
  // A wrong MFA code is not a trust-policy problem.
  if (/MultiFactorAuthentication/i.test(error.message)) return error
  const caller = await getCallerIdentity(sts).catch(() => undefined)
  if (caller === undefined) return error
  maskAccount(caller.account, settings, deps)
  return explainStsError(error.cause, { ...error.context, sourceArn: caller.arn })
}

function logPlan(roleArn: string, settings: AssumeSettings, deps: FlowDependencies): void {
  deps.info(
    `Assuming ${roleArn} as session '${settings.roleSessionName}' for ${settings.durationSeconds} s in ${settings.region}` +
      (settings.mfa ? ` with MFA device ${settings.mfa.serialNumber}` : '') +
      '.'
  )
}

/**
 * The request as the debug log shows it: the MFA code is a credential and the external id a
 * shared secret with the role's owner, so neither is printed, even masked.
 */
function withoutSecrets<T extends { externalId?: string; mfa?: { serialNumber: string } }>(
  request: T
): T {
  return {
    ...request,
    ...(request.externalId !== undefined && { externalId: '(not shown)' }),
    ...(request.mfa !== undefined && {
      mfa: { serialNumber: request.mfa.serialNumber, tokenCode: '(not shown)' }
    })
  }
}
