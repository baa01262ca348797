import { isPolicyArn, parseArn, partitionOf } from '../arn.js'
import { InputError } from '../errors.js'
import {
  type ActionStatement,
  compileActionList,
  hasWildcard,
  type IamCatalogue,
  type ManagedPolicyStatements
} from './catalogue.js'
import { explainStatements, type StatementExplanation } from './explain.js'
import {
  checkGrammar,
  type PolicyProblem,
  type PolicyStatement,
  splitArn,
  type StatementElement,
  statementLabel
} from './grammar.js'
import { MAX_INLINE_POLICY_CHARS, minifyInlinePolicy } from './inline-policy.js'

export type InlinePolicyInput = 'inline-session-policy' | 'inline-session-policy-file'

const MANAGED_INPUT = 'managed-session-policies'
const FORBID_INPUT = 'forbid-actions'

export interface SessionPolicyCheck {
  /** The inline policy, parsed (e.g. `JSON.parse` of what minifyInlinePolicy returned). */
  inline?: { document: unknown; input: InlinePolicyInput }
  /** Resolved policy ARNs, as resolveManagedPolicies returns them. */
  managedArns: readonly string[]
  /** The region's partition; resource and policy ARNs must be in it. */
  partition: string
  /** Patterns from parseForbidActions. */
  forbidActions: readonly string[]
}

/**
 * The data files, loaded only if a check needs them: the catalogue when there is an inline
 * policy or forbid-actions, the managed statements when forbid-actions meets an AWS managed
 * policy. Pass `loadIamCatalogue` and `loadManagedPolicyStatements` from src/data.ts.
 */
export interface PolicyData {
  catalogue: () => IamCatalogue
  managedStatements: () => ManagedPolicyStatements
}

export interface SessionPolicyReport {
  /** Each prefixed with the input it is about. */
  warnings: string[]
  /** Policy ARNs that forbid-actions could not look into (customer managed, or unknown). */
  notChecked: string[]
  /** Per statement of the inline policy; empty without one. */
  explanation: StatementExplanation[]
}

/** An InputError listing every problem found in one policy, also as data. */
export class PolicyCheckError extends InputError {
  constructor(
    input: string,
    readonly problems: PolicyProblem[]
  ) {
    const [first] = problems
    super(
      input,
      problems.length === 1
        ? describeProblem(first)
        : `has ${problems.length} problems:\n${problems.map(p => `- ${describeProblem(p)} ${p.fix}`).join('\n')}`,
      problems.length === 1 ? first.fix : undefined
    )
    this.name = 'PolicyCheckError'
  }
}

/** One forbidden grant: a statement that can allow some forbidden actions. */
export interface ForbiddenGrant {
  input: string
  /** `inline-session-policy`, or the managed policy's ARN. */
  policy: string
  statementIndex: number
  sid?: string
  /** The forbidden actions it allows, sorted. */
  actions: string[]
  /** A few of them to name in a message, at least one per pattern. */
  examples: string[]
  /** The forbid-actions patterns those actions fall under. */
  patterns: string[]
}

/**
 * Checks the session policies before any request: the inline policy's grammar, that every
 * action exists, that resource ARNs are well-formed and in the region's partition, and that
 * none of the session policies can allow a forbidden action. Throws an InputError (a
 * PolicyCheckError for problems inside the inline policy) naming the input, the statement and
 * the fix; returns the warnings.
 */
export function checkSessionPolicy(
  check: SessionPolicyCheck,
  data: PolicyData
): SessionPolicyReport {
  const warnings: string[] = []
  const notChecked: string[] = []
  let catalogue: IamCatalogue | undefined
  const getCatalogue = (): IamCatalogue => (catalogue ??= data.catalogue())

  let inlineStatements: PolicyStatement[] = []
  if (check.inline !== undefined) {
    const { document, input } = check.inline
    // The same size and character rules as when the policy is sent, whatever called this.
    const minified = minifyInlinePolicy(JSON.stringify(document) ?? 'undefined', input)
    const grammar = checkGrammar(document)
    const problems = [...grammar.problems]
    for (const element of grammar.elements) {
      if (element.key === 'Action' || element.key === 'NotAction') {
        problems.push(...checkActionsExist(element, getCatalogue()))
      } else {
        problems.push(...checkResourcePartition(element, check.partition))
      }
    }
    if (problems.length > 0) {
      // Stable: within a statement, grammar first, then names and ARNs.
      problems.sort((a, b) => (a.statementIndex ?? -1) - (b.statementIndex ?? -1))
      throw new PolicyCheckError(input, problems)
    }
    inlineStatements = grammar.statements
    for (const warning of grammar.warnings) {
      warnings.push(
        `${input}: ${warning.statementIndex === undefined ? `the policy ${warning.message}` : warning.message}`
      )
    }
    const arnChars = check.managedArns.reduce((sum, arn) => sum + arn.length, 0)
    if (check.managedArns.length > 0 && minified.length + arnChars > MAX_INLINE_POLICY_CHARS) {
      warnings.push(
        `${input}: the inline policy (${minified.length} characters) and the managed policy ARNs (${arnChars}) together exceed ${MAX_INLINE_POLICY_CHARS} characters, which the IAM documentation gives as the limit for session policies' plaintext. If STS answers PackedPolicyTooLarge, shorten the inline policy or drop a managed policy.`
      )
    }
  }

  for (const arn of check.managedArns) checkManagedArn(arn, check.partition)

  if (check.forbidActions.length > 0) {
    if (check.inline === undefined && check.managedArns.length === 0) {
      throw new InputError(
        FORBID_INPUT,
        'is set, but there is no session policy, so nothing keeps the session from doing all the role can.',
        'Add inline-session-policy (or managed-session-policies) listing what the step needs, or remove forbid-actions.'
      )
    }
    const policies: BoundPolicy[] = []
    if (check.inline !== undefined) {
      policies.push({
        input: check.inline.input,
        policy: check.inline.input,
        statements: inlineStatements.map(toActionStatement)
      })
    }
    let managed: ManagedPolicyStatements | undefined
    for (const arn of check.managedArns) {
      const parsed = parseArn(arn)!
      if (parsed.account !== 'aws') {
        notChecked.push(arn)
        warnings.push(
          `${FORBID_INPUT}: ${arn} is a customer managed policy, which cannot be read offline, so it was not checked; it may allow forbidden actions.`
        )
        continue
      }
      managed ??= data.managedStatements()
      const statements = managed.statementsOf(parsed.resource.slice('policy/'.length))
      if (statements === undefined) {
        notChecked.push(arn)
        warnings.push(
          `${FORBID_INPUT}: ${arn} is not among the AWS managed policies this version knows (${managed.origin}), so it was not checked; it may allow forbidden actions.`
        )
        continue
      }
      policies.push({ input: MANAGED_INPUT, policy: arn, statements })
    }
    const grants = findForbiddenGrants(policies, check.forbidActions, getCatalogue())
    if (grants.length > 0) throw forbiddenError(grants)
  }

  const explanation =
    check.inline !== undefined ? explainStatements(inlineStatements, getCatalogue()) : []
  return { warnings, notChecked, explanation }
}

/** A session policy as forbid-actions sees it. */
export interface BoundPolicy {
  input: string
  policy: string
  statements: ActionStatement[]
}

/**
 * Which statements let the session perform a forbidden action.
 *
 * A session can do no more than its session policies allow together, so this bounds the
 * session from above without knowing the role's own policies. The rule, over every action of
 * the catalogue that a forbidden pattern matches:
 *
 *   allowed(action) = some statement with Effect Allow, in any of the session policies (inline
 *                     or managed), matches the action (Action matches it, or NotAction does not)
 *                     AND no Deny statement in any of them that is unconditional (no Condition,
 *                     Resource includes "*") matches it.
 *
 * Conditions and resources of Allow statements are taken as "may match": a conditional Allow
 * still may allow. A Deny with a Condition, a NotResource or a narrower Resource may not apply
 * to a request, so it cannot be counted on to remove the action.
 */
export function findForbiddenGrants(
  policies: readonly BoundPolicy[],
  forbidActions: readonly string[],
  catalogue: IamCatalogue
): ForbiddenGrant[] {
  const forbidden = new Map<string, string>()
  for (const pattern of forbidActions) {
    for (const action of catalogue.expand(pattern)) {
      if (!forbidden.has(action)) forbidden.set(action, pattern)
    }
  }
  const denies = policies.flatMap(p =>
    p.statements.filter(s => s.effect === 'Deny' && s.unconditional).map(statementMatcher)
  )
  const stillForbidden = [...forbidden.keys()].filter(
    action => !denies.some(denied => denied(action))
  )

  const grants: ForbiddenGrant[] = []
  for (const policy of policies) {
    for (const statement of policy.statements) {
      if (statement.effect !== 'Allow') continue
      const allows = statementMatcher(statement)
      const actions = stillForbidden.filter(allows)
      if (actions.length === 0) continue
      const patterns = [...new Set(actions.map(action => forbidden.get(action)!))]
      // The first action of each pattern before the rest, so `s3:GetObject` is not hidden
      // behind twenty `s3:Delete*` actions.
      const firsts = patterns.map(pattern => actions.find(a => forbidden.get(a) === pattern)!)
      const examples = [...firsts, ...actions.filter(a => !firsts.includes(a))]
        .slice(0, Math.max(ACTIONS_NAMED, firsts.length))
        .sort()
      grants.push({
        input: policy.input,
        policy: policy.policy,
        statementIndex: statement.index,
        sid: statement.sid,
        actions,
        examples,
        patterns
      })
    }
  }
  return grants
}

function statementMatcher(statement: ActionStatement): (action: string) => boolean {
  const listed = compileActionList(statement.patterns)
  return statement.notAction ? action => !listed(action) : listed
}

function toActionStatement(statement: PolicyStatement): ActionStatement {
  return {
    index: statement.index,
    sid: statement.sid,
    effect: statement.effect,
    notAction: statement.notAction,
    patterns: statement.actions,
    unconditional:
      statement.conditions.length === 0 &&
      !statement.notResource &&
      statement.resources.includes('*')
  }
}

const ACTIONS_NAMED = 5

/** forbid-actions found grants; they come along as data for a front that points at each one. */
export class ForbiddenActionsError extends InputError {
  constructor(
    readonly grants: ForbiddenGrant[],
    problem: string,
    fix: string
  ) {
    super(FORBID_INPUT, problem, fix)
    this.name = 'ForbiddenActionsError'
  }
}

function forbiddenError(grants: ForbiddenGrant[]): InputError {
  const described = grants.map(grant => {
    const shown = grant.examples.join(', ')
    const more =
      grant.actions.length > grant.examples.length
        ? ` and ${grant.actions.length - grant.examples.length} more`
        : ''
    const where = grant.policy === grant.input ? grant.input : `${grant.input} ${grant.policy}`
    return `${where} ${statementLabel(grant.statementIndex, grant.sid)} allows ${shown}${more} (forbidden by ${grant.patterns.join(', ')})`
  })
  const someManaged = grants.some(grant => grant.input === MANAGED_INPUT)
  return new ForbiddenActionsError(
    grants,
    `the session policies would let the session perform forbidden actions: ${described.join('; ')}.`,
    `Narrow the Action of ${grants.length === 1 ? 'that statement' : 'those statements'}${someManaged ? ', replace the managed policy with a narrower one' : ''}, or add to the inline policy a statement {"Effect":"Deny","Action":[…],"Resource":"*"} without a Condition (a Deny with a Condition or specific resources may not apply, so it does not count).`
  )
}

function checkActionsExist(element: StatementElement, catalogue: IamCatalogue): PolicyProblem[] {
  const problems: PolicyProblem[] = []
  const { key, statementIndex, sid } = element
  for (const action of element.values) {
    if (action === '*') continue
    const service = action.slice(0, action.indexOf(':'))
    if (catalogue.expand(action).length > 0) continue
    const suggestions = catalogue.suggest(action)
    const didYouMean =
      suggestions.length > 0 ? `Did you mean ${suggestions.map(s => `"${s}"`).join(', ')}? ` : ''
    const unknownService = !hasWildcard(service) && !catalogue.hasService(service)
    const message = unknownService
      ? `has "${action}" in "${key}", but "${service}" is not an IAM service prefix (checked against ${catalogue.origin}).`
      : hasWildcard(action)
        ? `has "${action}" in "${key}", which matches no IAM action (checked against ${catalogue.origin}).`
        : `has "${action}" in "${key}", which is not an IAM action (checked against ${catalogue.origin}); STS would accept it and it would grant nothing.`
    problems.push({
      statementIndex,
      sid,
      message,
      fix: `${didYouMean}If AWS added it after that catalogue, use a newer release of this action.`
    })
  }
  return problems
}

function checkResourcePartition(element: StatementElement, partition: string): PolicyProblem[] {
  const problems: PolicyProblem[] = []
  const { key, statementIndex, sid } = element
  for (const resource of element.values) {
    if (resource === '*') continue
    const fields = splitArn(resource)!
    const [, arnPartition, , region] = fields
    const literal = (text: string): boolean => !hasWildcard(text) && !text.includes('${')
    if (literal(arnPartition) && arnPartition !== partition) {
      problems.push({
        statementIndex,
        sid,
        message: `has "${resource}" in "${key}", in partition "${arnPartition}", but the region is in "${partition}".`,
        fix: `Write "arn:${partition}:${fields.slice(2).join(':')}".`
      })
    } else if (region !== '' && literal(region) && partitionOf(region) !== partition) {
      problems.push({
        statementIndex,
        sid,
        message: `has "${resource}" in "${key}", whose region ${region} is in partition "${partitionOf(region)}", but the session's region is in "${partition}".`,
        fix: `Use a region of the ${partition} partition, or "*".`
      })
    }
  }
  return problems
}

function checkManagedArn(arn: string, partition: string): void {
  if (!isPolicyArn(arn)) {
    throw new InputError(
      MANAGED_INPUT,
      `'${arn}' is not a policy ARN.`,
      'Write arn:aws:iam::aws:policy/NAME for an AWS managed policy, or arn:aws:iam::123456789012:policy/NAME for your own.'
    )
  }
  const parsed = parseArn(arn)!
  if (parsed.partition !== partition) {
    throw new InputError(
      MANAGED_INPUT,
      `'${arn}' is in partition '${parsed.partition}', but the region is in '${partition}'.`,
      `Write arn:${partition}:${arn.split(':').slice(2).join(':')}.`
    )
  }
}

function describeProblem(problem: PolicyProblem): string {
  const where =
    problem.statementIndex === undefined
      ? ''
      : `${statementLabel(problem.statementIndex, problem.sid)} `
  return `${where}${problem.message}`
}

const FORBID_PATTERN = /^(\*|[A-Za-z0-9-]+):[A-Za-z0-9_*?-]+$/

/**
 * Reads `forbid-actions`: patterns one per line or comma-separated, each `service:pattern` or
 * `*:pattern` with `*` and `?` wildcards. Each must match at least one known action: a
 * misspelt entry would otherwise forbid nothing while looking like a safeguard. The catalogue
 * is loaded only when the input is not empty.
 */
export function parseForbidActions(text: string, catalogue: () => IamCatalogue): string[] {
  const entries = [
    ...new Set(
      text
        .split(/[\n,]/)
        .map(entry => entry.trim())
        .filter(entry => entry !== '' && !entry.startsWith('#'))
    )
  ]
  if (entries.length === 0) return []
  const known = catalogue()
  for (const entry of entries) {
    if (!FORBID_PATTERN.test(entry)) {
      throw new InputError(
        FORBID_INPUT,
        `'${entry}' is not an action pattern.`,
        'Write service:Action patterns such as iam:*, sts:AssumeRole, s3:Delete* or *:Delete*, one per line or comma-separated.'
      )
    }
    const service = entry.slice(0, entry.indexOf(':'))
    if (service !== '*' && !known.hasService(service)) {
      const near = known.suggest(entry)
      throw new InputError(
        FORBID_INPUT,
        `'${entry}': '${service}' is not an IAM service prefix (checked against ${known.origin}).`,
        near.length > 0
          ? `Did you mean ${near.map(n => `'${n}'`).join(', ')}?`
          : 'Write the service prefix used in IAM policies, such as s3, ec2 or iam.'
      )
    }
    if (known.expand(entry).length === 0) {
      const near = known.suggest(entry)
      throw new InputError(
        FORBID_INPUT,
        `'${entry}' matches no IAM action (checked against ${known.origin}), so it would forbid nothing.`,
        near.length > 0
          ? `Did you mean ${near.map(n => `'${n}'`).join(', ')}?`
          : 'Check the spelling against the service authorization reference.'
      )
    }
  }
  return entries
}
