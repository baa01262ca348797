import type { Settings } from '../settings.js'
import { minifyInlinePolicy } from './inline-policy.js'
import { type ManagedPolicyIndex, resolveManagedPolicies } from './managed-policies.js'

/** What narrows the session: the minified inline policy and the managed policy ARNs, as sent. */
export interface SessionPolicy {
  inline?: string
  managedArns: string[]
  warnings: string[]
}

export function buildSessionPolicy(
  settings: Pick<Settings, 'inlinePolicy' | 'managedPolicies' | 'partition'>,
  loadManagedPolicyIndex: () => ManagedPolicyIndex
): SessionPolicy {
  const inline = settings.inlinePolicy
    ? minifyInlinePolicy(settings.inlinePolicy.text, settings.inlinePolicy.input)
    : undefined
  const { arns, warnings } = resolveManagedPolicies(
    settings.managedPolicies,
    settings.partition,
    loadManagedPolicyIndex
  )
  return { inline, managedArns: arns, warnings }
}

export function hasSessionPolicy(policy: SessionPolicy): boolean {
  return policy.inline !== undefined || policy.managedArns.length > 0
}
