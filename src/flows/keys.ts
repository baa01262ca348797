import { getCallerIdentity } from '../aws/sts.js'
import type { KeysSettings } from '../settings/settings.js'
import { connect, type FlowDependencies, type FlowResult } from './dependencies.js'
import { acceptAccount } from './session.js'

/**
 * Keys without role-to-assume, as aws-actions/configure-aws-credentials takes them: the keys
 * are the session. GetCallerIdentity is signed with these keys (never with whatever the
 * environment holds), so the account checked is theirs, and nothing is exported before it is.
 */
export async function checkKeys(
  settings: KeysSettings,
  deps: FlowDependencies
): Promise<FlowResult> {
  const { keys } = settings
  deps.info(
    'Source credentials: static keys from the inputs, because role-to-assume is empty; they are checked and exported as they are.'
  )
  const identity = await getCallerIdentity(connect(settings, deps, keys))
  acceptAccount(identity.account, settings, deps)
  deps.info(`The keys are ${identity.arn}.`)
  return {
    session: { ...identity, credentials: keys },
    source: {
      kind: 'keys',
      keys,
      reason: 'aws-access-key-id is set and role-to-assume is empty',
      label: 'static keys from the inputs (GetCallerIdentity)'
    }
  }
}
