import { isRoleArn, parseArn, roleArnFor } from '../aws/arn.js'
import {
  defaultCredentialChain,
  loadSourceCredentials,
  type AwsCredentials,
  type CredentialChain
} from '../sources/credentials.js'
import { FileRefused } from '../shared/bounded-file.js'
import { ActionError, InputError } from '../shared/errors.js'
import { fromNetwork } from '../shared/log-text.js'
import type { SessionPolicy } from '../policy/session-policy.js'
import { stsEndpointUrl } from '../aws/proxy.js'
import { withDeadline } from '../aws/retry.js'
import { StsError, explainStsError } from '../aws/sts-errors.js'
import type { Settings } from '../settings/settings.js'
import { chooseSource, type SourceChoice } from '../sources/choose.js'
import {
  assumeRole,
  assumeRoleWithWebIdentity,
  createStsClient,
  getCallerIdentity,
  getScopedCredentials,
  type AssumedSession,
  type RoleRequest,
  type Sts,
  type StsClientOptions
} from '../aws/sts.js'

export const USER_AGENT = 'scoped-role/0.1.0'

/** What the flow needs from its front end (the action's runner today, a terminal later). */
export interface AssumeDependencies {
  env: Record<string, string | undefined>
  /** Registers a secret so no later line shows it; called before anything else sees the value. */
  mask: (secret: string) => void
  info: (line: string) => void
  warn: (line: string) => void
  debug: (line: string) => void
  /** A GitHub OIDC ID token for the audience. */
  requestIdToken: (audience: string) => Promise<string>
  readFile: (path: string) => string
  credentialChain?: CredentialChain
  /** HTTP agents that go through a proxy, when one applies to the STS endpoint. */
  proxyAgents?: (settings: Settings) => StsClientOptions['agents']
}

export interface AssumeResult {
  session: AssumedSession
  source: SourceChoice
}

/**
 * Chooses the source credentials, assumes the role with the session policy, and checks the
 * result. The new credentials are masked the moment STS returns them.
 */
export async function assumeRoleWithSessionPolicy(
  settings: Settings,
  policy: SessionPolicy,
  deps: AssumeDependencies
): Promise<AssumeResult> {
  const role = settings.role
  if (role === undefined) {
    throw new InputError(
      'role-to-assume',
      'is required.',
      'Write the role ARN, e.g. arn:aws:iam::123456789012:role/deploy.'
    )
  }
  const source = chooseSource(settings, deps.env)
  const webIdentity = source.kind === 'oidc' || source.kind === 'web-identity-file'
  if (webIdentity && !('arn' in role)) {
    throw new InputError(
      'role-to-assume',
      `is the bare name '${role.name}', but with a web identity there are no source credentials to look up the account.`,
      'Write the full ARN, e.g. arn:aws:iam::123456789012:role/NAME.'
    )
  }
  if ('arn' in role) checkAllowedAccount(parseArn(role.arn)!.account, settings)
  deps.info(`Source credentials: ${source.label}, because ${source.reason}.`)

  const request = (roleArn: string): RoleRequest => ({
    roleArn,
    roleSessionName: settings.roleSessionName,
    durationSeconds: settings.durationSeconds,
    policy: policy.inline,
    policyArns: policy.managedArns
  })
  let session: AssumedSession
  if (webIdentity) {
    for (const name of settings.assumeRoleOnlyInputs) {
      deps.warn(
        `${name} is not sent: AssumeRoleWithWebIdentity does not take it (session tags come from the token; external ids, MFA and source identities are AssumeRole only).`
      )
    }
    const token = await webIdentityToken(source, settings, deps)
    const roleArn = (role as { arn: string }).arn
    logPlan(roleArn, settings, deps)
    deps.debug(`AssumeRoleWithWebIdentity request: ${JSON.stringify(request(roleArn))}`)
    // After a refresh, later retries must send the new token, not the refused first one.
    let current = token
    session = await assumeRoleWithWebIdentity(
      connect(settings, deps),
      request(roleArn),
      async fresh => (fresh ? (current = await webIdentityToken(source, settings, deps)) : current)
    )
  } else {
    const credentials = await loadSourceCredentials(
      source.kind === 'keys' ? settings.sourceKeys : undefined,
      boundedChain(settings, deps)
    )
    // Key inputs were masked as they were read; the environment's may never have been.
    if (source.kind === 'environment') maskCredentials(credentials, deps.mask)
    const client = connect(settings, deps, credentials)
    let roleArn: string
    let sourceArn: string | undefined
    if ('arn' in role) {
      roleArn = role.arn
    } else {
      // A bare role name is completed with the source account, which only STS can tell.
      const caller = await getCallerIdentity(client)
      sourceArn = caller.arn
      if (settings.maskAccountId) deps.mask(caller.account)
      roleArn = roleArnFor(settings.partition, caller.account, role.name)
      checkAllowedAccount(caller.account, settings)
    }
    logPlan(roleArn, settings, deps)
    const assumeRequest = {
      ...request(roleArn),
      externalId: settings.externalId,
      mfa: settings.mfa,
      tags: settings.tags,
      transitiveTagKeys: settings.transitiveTagKeys,
      sourceIdentity: settings.sourceIdentity
    }
    deps.debug(`AssumeRole request: ${JSON.stringify(withoutSecrets(assumeRequest))}`)
    try {
      session = await assumeRole(client, assumeRequest, sourceArn)
    } catch (error) {
      throw await withSourcePrincipal(error, client, sourceArn, settings.maskAccountId, deps.mask)
    }
  }
  maskCredentials(session.credentials, deps.mask)
  // Before the allowed-account check, whose refusal names the account.
  if (settings.maskAccountId) deps.mask(session.account)
  checkAllowedAccount(session.account, settings)
  if (settings.verifyCredentials) await verifySession(session, settings, deps)
  return { session, source }
}

/**
 * An AccessDenied on AssumeRole is fixed in the role's trust policy, which needs the caller's ARN;
 * it costs one more request, made only on this failure path.
 */
async function withSourcePrincipal(
  error: unknown,
  sts: Sts,
  sourceArn: string | undefined,
  maskAccount: boolean,
  mask: (secret: string) => void
): Promise<unknown> {
  if (!(error instanceof StsError) || error.code !== 'AccessDenied' || sourceArn !== undefined)
    return error
  // A wrong MFA code is not a trust-policy problem.
  if (/MultiFactorAuthentication/i.test(error.message)) return error
  const caller = await getCallerIdentity(sts).catch(() => undefined)
  if (caller === undefined) return error
  if (maskAccount) mask(caller.account)
  return explainStsError(error.cause, { ...error.context, sourceArn: caller.arn })
}

/**
 * The SDK's default chain may call instance or container metadata, SSO, or STS itself: bound it
 * by the step's retry budget like every other wait.
 */
function boundedChain(settings: Settings, deps: AssumeDependencies): CredentialChain {
  const chain = deps.credentialChain
  return () =>
    withDeadline(
      chain ? chain() : defaultCredentialChain(),
      settings.retry.budgetMs,
      `no credentials within retry-max-seconds (${settings.retry.budgetMs / 1000} s)`
    )
}

/** A client for these settings: endpoint, FIPS, proxy, retry policy; signed when credentials are given. */
function connect(settings: Settings, deps: AssumeDependencies, credentials?: AwsCredentials): Sts {
  return createStsClient({
    region: settings.region,
    endpoint: settings.stsEndpoint,
    useFipsEndpoint: settings.useFipsEndpoint,
    credentials,
    userAgent: USER_AGENT,
    retry: settings.retry,
    agents: deps.proxyAgents?.(settings),
    log: deps.info,
    mask: deps.mask,
    endpointUrl: stsEndpointUrl(settings, deps.env)
  })
}

/**
 * mode: scope. Narrows the temporary credentials already in the environment (typically exported
 * by an earlier step of this action) with GetScopedCredentials: same identity, a scope-down
 * policy, optionally a shorter life. What STS would refuse is refused here first.
 */
export async function scopeCredentialsInEnvironment(
  settings: Settings,
  policy: SessionPolicy,
  deps: AssumeDependencies
): Promise<AssumeResult> {
  const source: SourceChoice = {
    kind: 'environment',
    reason: 'mode: scope narrows the credentials already in the environment',
    label: 'temporary credentials already in the environment (GetScopedCredentials)'
  }
  const credentials = await loadSourceCredentials(undefined, boundedChain(settings, deps))
  maskCredentials(credentials, deps.mask)
  if (!credentials.sessionToken) {
    throw new ActionError(
      'mode: scope needs temporary credentials (a role session with a session token), but the environment holds long-term IAM user keys. ' +
        'Assume a role first (this action with mode: assume, e.g. through GitHub OIDC), or get a session with GetSessionToken.',
      'Scoping needs temporary credentials'
    )
  }
  const expiration = sourceExpiration(credentials.expiration, deps.env)
  const remaining = expiration ? Math.floor((expiration.getTime() - Date.now()) / 1000) : undefined
  if (settings.durationGiven && remaining !== undefined && settings.durationSeconds > remaining) {
    throw new InputError(
      'role-duration-seconds',
      `is ${settings.durationSeconds}, but the credentials being scoped expire in ${remaining} s (at ${expiration!.toISOString()}).`,
      `Write ${Math.max(1, remaining - 60)} or less, or leave it empty to keep their expiry.`
    )
  }
  deps.info(`Source credentials: ${source.label}, because ${source.reason}.`)
  deps.info(
    `Scoping the session in the environment${settings.durationGiven ? ` to ${settings.durationSeconds} s` : ''}` +
      (remaining !== undefined ? ` (it expires in ${Math.floor(remaining / 60)} minutes)` : '') +
      '.'
  )
  const request = {
    policy: policy.inline,
    durationSeconds: settings.durationGiven ? settings.durationSeconds : undefined,
    description: settings.scopedSessionDescription
  }
  deps.debug(`GetScopedCredentials request: ${JSON.stringify(request)}`)
  const sts = connect(settings, deps, credentials)
  // The account shows in STS's own messages (an AccessDenied names the caller's ARN); to mask
  // it before any could print, learn it first, at the cost of one request only when asked.
  if (settings.maskAccountId) deps.mask((await getCallerIdentity(sts)).account)
  const session = await getScopedCredentials(sts, request)
  maskCredentials(session.credentials, deps.mask)
  if (settings.maskAccountId) deps.mask(session.account)
  checkAllowedAccount(session.account, settings)
  if (settings.verifyCredentials) await verifySession(session, settings, deps)
  return { session, source }
}

/** When the credentials being scoped expire: as the chain reports it, or as an earlier step exported it. */
function sourceExpiration(
  fromChain: Date | undefined,
  env: Record<string, string | undefined>
): Date | undefined {
  if (fromChain !== undefined) return fromChain
  const exported = env.AWS_CREDENTIAL_EXPIRATION
    ? new Date(env.AWS_CREDENTIAL_EXPIRATION)
    : undefined
  return exported !== undefined && !Number.isNaN(exported.getTime()) ? exported : undefined
}

export function maskCredentials(
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
  mask: (secret: string) => void
): void {
  mask(credentials.accessKeyId)
  mask(credentials.secretAccessKey)
  if (credentials.sessionToken) mask(credentials.sessionToken)
}

async function webIdentityToken(
  source: SourceChoice,
  settings: Settings,
  deps: AssumeDependencies
): Promise<string> {
  if (source.kind === 'oidc') {
    try {
      // The token client retries on its own; the step's retry budget bounds it all the same.
      return await withDeadline(
        deps.requestIdToken(settings.audience),
        settings.retry.budgetMs,
        `no token within retry-max-seconds (${settings.retry.budgetMs / 1000} s)`
      )
    } catch (error) {
      throw new ActionError(
        `Could not get a GitHub OIDC token for audience '${settings.audience}': ${fromNetwork((error as Error).message.replace(/\s+/g, ' '))}`,
        'GitHub OIDC token request failed'
      )
    }
  }
  const path = settings.webIdentityTokenFile!
  let token: string
  try {
    token = deps.readFile(path).trim()
  } catch (error) {
    throw new InputError(
      'web-identity-token-file',
      `cannot read '${path}' (${error instanceof FileRefused ? error.reason : ((error as NodeJS.ErrnoException).code ?? String(error))}).`,
      'Give the path of the projected service account token, relative to the workspace or absolute.'
    )
  }
  if (token.length >= 4) deps.mask(token)
  if (token.length < 4 || token.length > 20000) {
    throw new InputError(
      'web-identity-token-file',
      `holds ${token.length} characters; a web identity token has 4 to 20000.`,
      'Point it at the token file itself.'
    )
  }
  return token
}

function logPlan(roleArn: string, settings: Settings, deps: AssumeDependencies): void {
  if (!isRoleArn(roleArn)) throw new InputError('role-to-assume', `'${roleArn}' is not a role ARN.`)
  deps.info(
    `Assuming ${roleArn} as session '${settings.roleSessionName}' for ${settings.durationSeconds} s in ${settings.region}` +
      (settings.mfa ? ` with MFA device ${settings.mfa.serialNumber}` : '') +
      '.'
  )
}

/** Fails before anything is exported when the session is in an account the workflow did not list. */
function checkAllowedAccount(account: string, settings: Settings): void {
  if (settings.allowedAccountIds === undefined || settings.allowedAccountIds.includes(account))
    return
  throw new ActionError(
    `The role is in account ${account}, which is not in allowed-account-ids (${settings.allowedAccountIds.join(', ')}). ` +
      'Nothing was exported. Check role-to-assume, or add the account to allowed-account-ids.',
    'Account not allowed'
  )
}

/** The optional second request: the new credentials themselves must name the same session. */
async function verifySession(
  session: AssumedSession,
  settings: Settings,
  deps: AssumeDependencies
): Promise<void> {
  const identity = await getCallerIdentity(connect(settings, deps, session.credentials))
  if (identity.arn !== session.arn || identity.account !== session.account) {
    throw new ActionError(
      `verify-credentials: GetCallerIdentity with the new credentials answered ${identity.arn} (account ${identity.account}), ` +
        `but STS returned ${session.arn}. Nothing was exported. Check that sts-endpoint and AWS_ENDPOINT_URL_STS point at STS.`,
      'Credentials did not verify'
    )
  }
  deps.info(`Verified: GetCallerIdentity with the new credentials answers ${identity.arn}.`)
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
