import { getCallerIdentity, getScopedCredentials } from '../aws/sts.js'
import type { SessionPolicy } from '../policy/session-policy.js'
import { ActionError, InputError } from '../shared/errors.js'
import type { ScopeSettings } from '../settings/settings.js'
import type { SourceChoice } from '../sources/choose.js'
import { boundedChain, loadSourceCredentials } from '../sources/credentials.js'
import { connect, type FlowDependencies, type FlowResult } from './dependencies.js'
import { acceptSession, maskAccount, maskCredentials } from './session.js'

/**
 * mode: scope. Narrows the temporary credentials already in the environment (typically exported
 * by an earlier step of this action) with GetScopedCredentials: same identity, a scope-down
 * policy, optionally a shorter life. What STS would refuse is refused here first.
 */
export async function scopeCredentialsInEnvironment(
  settings: ScopeSettings,
  policy: SessionPolicy,
  deps: FlowDependencies
): Promise<FlowResult> {
  const source: SourceChoice = {
    kind: 'environment',
    reason: 'mode: scope narrows the credentials already in the environment',
    label: 'temporary credentials already in the environment (GetScopedCredentials)'
  }
  const credentials = await loadSourceCredentials(
    undefined,
    boundedChain(deps.credentialChain, settings.retry.budgetMs),
    deps.wording
  )
  maskCredentials(credentials, deps.mask)
  if (!credentials.sessionToken) {
    throw new ActionError(
      'mode: scope needs temporary credentials (a role session with a session token), but the environment holds long-term IAM user keys. ' +
        'Assume a role first (this action with mode: assume, e.g. through GitHub OIDC), or get a session with GetSessionToken.',
      'Scoping needs temporary credentials'
    )
  }
  const { duration } = settings
  const expiration = sourceExpiration(credentials.expiration, deps.env)
  const remaining = expiration && {
    at: expiration,
    seconds: Math.floor((expiration.getTime() - Date.now()) / 1000)
  }
  if (duration !== 'inherit' && remaining !== undefined && duration > remaining.seconds) {
    throw new InputError(
      'role-duration-seconds',
      `is ${duration}, but the credentials being scoped expire in ${remaining.seconds} s (at ${remaining.at.toISOString()}).`,
      `Write ${Math.max(1, remaining.seconds - 60)} or less, or leave it empty to keep their expiry.`
    )
  }
  deps.info(`Source credentials: ${source.label}, because ${source.reason}.`)
  deps.info(
    `Scoping the session in the environment${duration !== 'inherit' ? ` to ${duration} s` : ''}` +
      (remaining !== undefined
        ? ` (it expires in ${Math.floor(remaining.seconds / 60)} minutes)`
        : '') +
      '.'
  )
  const request = {
    policy: policy.inline,
    durationSeconds: duration === 'inherit' ? undefined : duration,
    description: settings.scopedSessionDescription
  }
  deps.debug(`GetScopedCredentials request: ${JSON.stringify(request)}`)
  const sts = connect(settings, deps, credentials)
  // The account shows in STS's own messages (an AccessDenied names the caller's ARN); to mask
  // it before any could print, learn it first, at the cost of one request only when asked.
  if (settings.maskAccountId) maskAccount((await getCallerIdentity(sts)).account, settings, deps)
  const session = await getScopedCredentials(sts, request)
  await acceptSession(session, settings, deps)
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
