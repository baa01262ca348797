import { getCallerIdentity, type AssumedSession, type AwsCredentials } from '../aws/sts.js'
import { ActionError } from '../shared/errors.js'
import type { StsSettings } from '../settings/settings.js'
import { connect, type FlowDependencies } from './dependencies.js'

/**
 * Masking and the account checks, in one place: every flow passes each set of credentials and
 * each account it learns through here, in the order that keeps them out of the log.
 */

export function maskCredentials(
  credentials: Pick<AwsCredentials, 'accessKeyId' | 'secretAccessKey' | 'sessionToken'>,
  mask: (secret: string) => void
): void {
  mask(credentials.accessKeyId)
  mask(credentials.secretAccessKey)
  if (credentials.sessionToken) mask(credentials.sessionToken)
}

/** mask-aws-account-id: an account is masked as soon as it is known. */
export function maskAccount(
  account: string,
  settings: Pick<StsSettings, 'maskAccountId'>,
  deps: Pick<FlowDependencies, 'mask'>
): void {
  if (settings.maskAccountId) deps.mask(account)
}

/**
 * The account the session will be in: masked when asked (before the refusal, which names it),
 * then refused unless allowed-account-ids lists it. Nothing is exported after a refusal.
 */
export function acceptAccount(
  account: string,
  settings: Pick<StsSettings, 'maskAccountId' | 'allowedAccountIds'>,
  deps: Pick<FlowDependencies, 'mask'>
): void {
  maskAccount(account, settings, deps)
  if (settings.allowedAccountIds === undefined || settings.allowedAccountIds.includes(account))
    return
  throw new ActionError(
    `The role is in account ${account}, which is not in allowed-account-ids (${settings.allowedAccountIds.join(', ')}). ` +
      'Nothing was exported. Check role-to-assume, or add the account to allowed-account-ids.',
    'Account not allowed'
  )
}

/** What every flow does with the session STS returned, before anything is exported. */
export async function acceptSession(
  session: AssumedSession,
  settings: StsSettings,
  deps: FlowDependencies
): Promise<void> {
  maskCredentials(session.credentials, deps.mask)
  acceptAccount(session.account, settings, deps)
  if (settings.verifyCredentials) await verifySession(session, settings, deps)
}

/** The optional second request: the new credentials themselves must name the same session. */
async function verifySession(
  session: AssumedSession,
  settings: StsSettings,
  deps: FlowDependencies
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
