import { parseArn } from '../aws/arn.js'
import { getCallerIdentity, type Identity } from '../aws/sts.js'
import { hasSessionPolicy, type SessionPolicy } from '../policy/session-policy.js'
import type { AssumeSettings, RoleRef } from '../settings/settings.js'
import { boundedChain, loadSourceCredentials } from '../sources/credentials.js'
import { fromNetwork } from '../shared/log-text.js'
import { connect, type FlowDependencies, type FlowResult } from './dependencies.js'
import { maskAccount, maskCredentials } from './session.js'

/**
 * use-existing-credentials: keep the credentials already in the environment, but only when
 * they are a session of the requested role (an assumed-role ARN of that role) in an account
 * allowed-account-ids lists. Anything else, an error included, means: assume as usual.
 */
export async function reuseExistingCredentials(
  settings: AssumeSettings,
  policy: SessionPolicy,
  deps: FlowDependencies
): Promise<FlowResult | undefined> {
  const notReused = (why: string): undefined => {
    deps.info(`use-existing-credentials: not reused, because ${why}; assuming the role.`)
    return undefined
  }
  // Credentials found lying around carry no proof of the session policy this step asks for.
  if (hasSessionPolicy(policy)) return notReused('a session policy is given')
  let credentials
  try {
    credentials = await loadSourceCredentials(
      undefined,
      boundedChain(deps.credentialChain, settings.retry.budgetMs),
      deps.wording
    )
  } catch {
    return notReused('the environment holds no AWS credentials')
  }
  maskCredentials(credentials, deps.mask)
  let identity: Identity
  try {
    identity = await getCallerIdentity(connect(settings, deps, credentials))
  } catch (error) {
    return notReused(
      `GetCallerIdentity with them failed (${fromNetwork((error as Error).message, 200)})`
    )
  }
  maskAccount(identity.account, settings, deps)
  if (!isSessionOf(identity, settings.role, settings.partition)) {
    return notReused(`they are ${identity.arn}, not a session of ${describeRole(settings.role)}`)
  }
  if (
    settings.allowedAccountIds !== undefined &&
    !settings.allowedAccountIds.includes(identity.account)
  ) {
    return notReused(`their account ${identity.account} is not in allowed-account-ids`)
  }
  deps.info(
    `use-existing-credentials: the environment's credentials are ${identity.arn}, a session of ${describeRole(settings.role)}; kept as they are (nothing assumed or exported).`
  )
  return {
    session: { ...identity, credentials },
    source: {
      kind: 'environment',
      reason: 'use-existing-credentials found a session of the role there',
      label: 'credentials already in the environment (kept)'
    },
    reused: true
  }
}

/** arn:PARTITION:sts::ACCOUNT:assumed-role/NAME/SESSION for the role's name (a path is not in it) and account. */
export function isSessionOf(identity: Identity, role: RoleRef, partition: string): boolean {
  const match = /^arn:([\w-]+):sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/.exec(identity.arn)
  if (match === null || match[1] !== partition) return false
  if ('name' in role) return match[3] === role.name
  const arn = parseArn(role.arn)!
  return match[2] === arn.account && match[3] === arn.resource.split('/').pop()
}

const describeRole = (role: RoleRef): string => ('arn' in role ? role.arn : `role ${role.name}`)
