import { parseArn, roleArnFor } from '../aws/arn.js'
import { StsError, explainStsError } from '../aws/sts-errors.js'
import {
  assumeRole,
  assumeRoleWithWebIdentity,
  getCallerIdentity,
  type AssumedSession,
  type Sts
} from '../aws/sts.js'
import type { SessionPolicy } from '../policy/session-policy.js'
import { InputError } from '../shared/errors.js'
import type { AssumeSettings } from '../settings/settings.js'
import { chooseSource, type SourceChoice } from '../sources/choose.js'
import { boundedChain, loadSourceCredentials } from '../sources/credentials.js'
import { webIdentityToken } from '../sources/web-identity.js'
import { connect, type FlowDependencies, type FlowResult } from './dependencies.js'
import { assumeFinal, hopRequest, logPlan, throughHops } from './hops.js'
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
): Promise<FlowResult<AssumedSession>> {
  const { role } = settings
  const source = chooseSource(settings.source, deps.env, deps.wording)
  let session: AssumedSession
  let hops: AssumedSession[] | undefined
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
    session = await withWebIdentity(
      settings.viaRoles[0] ?? role.arn,
      source,
      settings,
      policy,
      deps
    )
  } else {
    if ('arn' in role) acceptAccount(parseArn(role.arn)!.account, settings, deps)
    logSource(source, deps)
    session = await withCredentials(source, settings, policy, deps)
  }
  // With via-roles, role-to-assume is an ARN (checked with the inputs).
  if (settings.viaRoles.length > 0 && 'arn' in role) {
    ;({ session, hops } = await throughHops(session, role.arn, settings, policy, deps))
  }
  await acceptSession(session, settings, deps)
  return { session, source, ...(hops !== undefined && { hops }) }
}

function logSource(source: SourceChoice, deps: FlowDependencies): void {
  deps.info(`Source credentials: ${source.label}, because ${source.reason}.`)
}

/** AssumeRoleWithWebIdentity: unsigned, with the job's OIDC token or a token file. */
async function withWebIdentity(
  roleArn: string,
  source: WebIdentitySource,
  settings: AssumeSettings,
  policy: SessionPolicy,
  deps: FlowDependencies
): Promise<AssumedSession> {
  // With via-roles, the AssumeRole-only parameters go on the last hop, an AssumeRole.
  const last = settings.viaRoles.length === 0
  for (const name of last ? settings.assumeRoleOnlyInputs : []) {
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
  const {
    roleArn: arn,
    roleSessionName,
    durationSeconds,
    policy: inline,
    policyArns
  } = hopRequest(roleArn, settings, policy, last)
  const request = { roleArn: arn, roleSessionName, durationSeconds, policy: inline, policyArns }
  logPlan(request, settings, deps)
  deps.debug(`AssumeRoleWithWebIdentity request: ${JSON.stringify(request)}`)
  const client = connect(settings, deps)
  // After a refresh, later retries must send the new token, not the refused first one.
  const assume = (r: typeof request) =>
    assumeRoleWithWebIdentity(client, r, async fresh =>
      fresh ? (current = await token()) : current
    )
  return last ? assumeFinal(assume, request, settings, deps) : assume(request)
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
  const [firstHop] = settings.viaRoles
  let roleArn: string
  let sourceArn: string | undefined
  if (firstHop !== undefined) {
    roleArn = firstHop
  } else if ('arn' in role) {
    roleArn = role.arn
  } else {
    // A bare role name is completed with the source account, which only STS can tell.
    const caller = await getCallerIdentity(client)
    sourceArn = caller.arn
    acceptAccount(caller.account, settings, deps)
    roleArn = roleArnFor(settings.partition, caller.account, role.name)
  }
  const last = firstHop === undefined
  const request = hopRequest(roleArn, settings, policy, last)
  logPlan(request, settings, deps)
  deps.debug(`AssumeRole request: ${JSON.stringify(withoutSecrets(request))}`)
  try {
    return last
      ? await assumeFinal(r => assumeRole(client, r, sourceArn), request, settings, deps)
      : await assumeRole(client, request, sourceArn)
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
