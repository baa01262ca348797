import { InputError } from '../shared/errors.js'
import type { FrontWording } from '../shared/front.js'
import type { IamCatalogue, ManagedPolicyStatements } from './catalogue.js'
import { explainStatements, type StatementExplanation } from './explain.js'
import { checkForbiddenActions, parseForbidActions } from './forbid-actions.js'
import { checkGrammar, type PolicyStatement } from './grammar.js'
import { MAX_INLINE_POLICY_CHARS, minifyInlinePolicy } from './inline-policy.js'
import { type ManagedPolicyIndex, resolveManagedPolicies } from './managed-policies.js'
import { checkNames } from './names.js'
import { PolicyCheckError } from './problems.js'

export type InlinePolicyInput = 'inline-session-policy' | 'inline-session-policy-file'

/** The inline session policy as written, and which input it came from. */
export interface InlinePolicySource {
  text: string
  input: InlinePolicyInput
  /** For the file input: its path relative to the workspace, for messages and annotations. */
  file?: string
}

/** The session-policy inputs, as settings hold them. */
export interface PolicyInputs {
  inline?: InlinePolicySource
  /** managed-session-policies entries: short names or ARNs. */
  managed: string[]
  /** forbid-actions as written. */
  forbidActions: string
  requireSessionPolicy: boolean
  /** The region's partition; resource and policy ARNs must be in it. */
  partition: string
}

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

/** The data files; each is read only when a check needs it (see data.ts). */
export interface PolicyDataLoaders {
  managedPolicyIndex: () => ManagedPolicyIndex
  catalogue: () => IamCatalogue
  managedStatements: () => ManagedPolicyStatements
}

/**
 * The one policy pipeline, run before any request; each step runs once, on what the one before
 * returned: read and minify the inline policy (size, characters) → resolve the managed policy
 * names and ARNs → IAM grammar → actions and resource ARNs against the catalogue and partition
 * → forbid-actions → explain. A run without a session policy (and without forbid-actions)
 * reads none of the data files.
 */
export function buildSessionPolicy(
  inputs: PolicyInputs,
  data: PolicyDataLoaders,
  wording: Pick<FrontWording, 'newerRelease'>
): SessionPolicy {
  const source = inputs.inline
  const inline = source && {
    input: source.input,
    ...minifyInlinePolicy(source.text, source.input, source.file)
  }
  const { arns, warnings } = resolveManagedPolicies(
    inputs.managed,
    inputs.partition,
    data.managedPolicyIndex
  )
  if (inputs.requireSessionPolicy && inline === undefined && arns.length === 0) {
    throw new InputError(
      'require-session-policy',
      'is true, but no session policy is given, so the session would get all of the role’s permissions.',
      'Add inline-session-policy, inline-session-policy-file or managed-session-policies (e.g. managed-session-policies: ReadOnlyAccess).'
    )
  }
  let catalogue: IamCatalogue | undefined
  const getCatalogue = (): IamCatalogue => (catalogue ??= data.catalogue())
  const forbidActions = parseForbidActions(inputs.forbidActions, getCatalogue)

  let statements: PolicyStatement[] = []
  if (inline !== undefined) {
    statements = checkStatements(
      inline.document,
      inline.input,
      inputs.partition,
      getCatalogue,
      warnings,
      wording
    )
    const arnChars = arns.reduce((sum, arn) => sum + arn.length, 0)
    // The inline text alone is at most MAX_INLINE_POLICY_CHARS (minifyInlinePolicy refuses more).
    if (inline.text.length + arnChars > MAX_INLINE_POLICY_CHARS) {
      warnings.push(
        `${inline.input}: the inline policy (${inline.text.length} characters) and the managed policy ARNs (${arnChars}) together exceed ${MAX_INLINE_POLICY_CHARS} characters, which the IAM documentation gives as the limit for session policies' plaintext. If STS answers PackedPolicyTooLarge, shorten the inline policy or drop a managed policy.`
      )
    }
  }
  let notChecked: string[] = []
  if (forbidActions.length > 0) {
    const report = checkForbiddenActions(
      {
        inline: inline && { input: inline.input, statements },
        managedArns: arns,
        forbidActions
      },
      getCatalogue(),
      data.managedStatements
    )
    warnings.push(...report.warnings)
    notChecked = report.notChecked
  }
  return {
    inline: inline?.text,
    managedArns: arns,
    warnings,
    notChecked,
    explanation: inline ? explainStatements(statements, getCatalogue()) : [],
    forbidActions
  }
}

/**
 * The grammar, then the names in every well-formed element (also of statements with grammar
 * problems), so one failed run lists every problem of the policy. Returns the statements and
 * adds the grammar's warnings, each prefixed with the input.
 */
function checkStatements(
  document: object,
  input: InlinePolicyInput,
  partition: string,
  catalogue: () => IamCatalogue,
  warnings: string[],
  wording: Pick<FrontWording, 'newerRelease'>
): PolicyStatement[] {
  const grammar = checkGrammar(document)
  const problems = [
    ...grammar.problems,
    ...checkNames(grammar.elements, partition, catalogue, wording)
  ]
  if (problems.length > 0) {
    // Stable: within a statement, grammar first, then names and ARNs.
    problems.sort((a, b) => (a.statementIndex ?? -1) - (b.statementIndex ?? -1))
    throw new PolicyCheckError(input, problems)
  }
  for (const warning of grammar.warnings) {
    warnings.push(
      `${input}: ${warning.statementIndex === undefined ? `the policy ${warning.message}` : warning.message}`
    )
  }
  return grammar.statements
}

export function hasSessionPolicy(policy: SessionPolicy): boolean {
  return policy.inline !== undefined || policy.managedArns.length > 0
}
