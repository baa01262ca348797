import { InputError } from '../shared/errors.js'
import type { Settings } from '../settings/settings.js'
import type { IamCatalogue, ManagedPolicyStatements } from './catalogue.js'
import type { StatementExplanation } from './explain.js'
import { checkSessionPolicy, parseForbidActions } from './guard.js'
import { minifyInlinePolicy } from './inline-policy.js'
import { type ManagedPolicyIndex, resolveManagedPolicies } from './managed-policies.js'

/** What narrows the session, as sent, and what the checks found out about it. */
export interface SessionPolicy {
  inline?: string
  managedArns: string[]
  warnings: string[]
  /** Policy ARNs forbid-actions could not look into (customer managed). */
  notChecked: string[]
  /** Per statement of the inline policy: what it allows or denies. */
  explanation: StatementExplanation[]
  forbidActions: string[]
}

/** The data files; each is read only when a check needs it. */
export interface PolicyDataLoaders {
  managedPolicyIndex: () => ManagedPolicyIndex
  catalogue: () => IamCatalogue
  managedStatements: () => ManagedPolicyStatements
}

/**
 * Resolves, minifies and checks the session policies before any request: names and ARNs,
 * size and characters, IAM grammar, that every action exists, and forbid-actions. A run without
 * a session policy (and without forbid-actions) reads none of the data files.
 */
export function buildSessionPolicy(
  settings: Pick<
    Settings,
    'inlinePolicy' | 'managedPolicies' | 'partition' | 'forbidActions' | 'requireSessionPolicy'
  >,
  data: PolicyDataLoaders
): SessionPolicy {
  const inline = settings.inlinePolicy
    ? minifyInlinePolicy(
        settings.inlinePolicy.text,
        settings.inlinePolicy.input,
        settings.inlinePolicy.file
      )
    : undefined
  const { arns, warnings } = resolveManagedPolicies(
    settings.managedPolicies,
    settings.partition,
    data.managedPolicyIndex
  )
  if (settings.requireSessionPolicy && inline === undefined && arns.length === 0) {
    throw new InputError(
      'require-session-policy',
      'is true, but no session policy is given, so the session would get all of the role’s permissions.',
      'Add inline-session-policy, inline-session-policy-file or managed-session-policies (e.g. managed-session-policies: ReadOnlyAccess).'
    )
  }
  let catalogue: IamCatalogue | undefined
  const getCatalogue = (): IamCatalogue => (catalogue ??= data.catalogue())
  const forbidActions = parseForbidActions(settings.forbidActions, getCatalogue)
  if (inline === undefined && arns.length === 0 && forbidActions.length === 0) {
    return { managedArns: [], warnings, notChecked: [], explanation: [], forbidActions }
  }
  const report = checkSessionPolicy(
    {
      inline:
        inline === undefined
          ? undefined
          : { document: JSON.parse(inline), input: settings.inlinePolicy!.input },
      managedArns: arns,
      partition: settings.partition,
      forbidActions
    },
    { catalogue: getCatalogue, managedStatements: data.managedStatements }
  )
  return {
    inline,
    managedArns: arns,
    warnings: [...warnings, ...report.warnings],
    notChecked: report.notChecked,
    explanation: report.explanation,
    forbidActions
  }
}

export function hasSessionPolicy(policy: SessionPolicy): boolean {
  return policy.inline !== undefined || policy.managedArns.length > 0
}
