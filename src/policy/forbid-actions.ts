import { parseArn } from '../aws/arn.js'
import { InputError } from '../shared/errors.js'
import {
  type ActionStatement,
  compileActionList,
  type IamCatalogue,
  type ManagedPolicyStatements
} from './catalogue.js'
import { type PolicyStatement, statementLabel } from './grammar.js'
import { collapseStars, MAX_ACTION_PATTERN_LENGTH } from './wildcard.js'

const MANAGED_INPUT = 'managed-session-policies'
const FORBID_INPUT = 'forbid-actions'

/**
 * forbid-actions: what the session policies could allow is checked against the forbidden
 * patterns. Each pattern must name real actions (parseForbidActions, before anything else is
 * read); then every statement of the inline policy and of the AWS managed policies is bounded
 * from above (findForbiddenGrants). Customer managed policies cannot be read offline: they are
 * reported, not guessed at.
 */

export interface ForbidActionsCheck {
  /** The inline policy's statements, as the grammar check returned them. */
  inline?: { input: string; statements: readonly PolicyStatement[] }
  /** Resolved policy ARNs. */
  managedArns: readonly string[]
  /** Patterns from parseForbidActions, not empty. */
  forbidActions: readonly string[]
}

export interface ForbidActionsReport {
  warnings: string[]
  /** Policy ARNs that could not be looked into (customer managed, or unknown). */
  notChecked: string[]
}

/** Throws an InputError naming each statement that can allow a forbidden action. */
export function checkForbiddenActions(
  check: ForbidActionsCheck,
  catalogue: IamCatalogue,
  managedStatements: () => ManagedPolicyStatements
): ForbidActionsReport {
  const warnings: string[] = []
  const notChecked: string[] = []
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
      statements: check.inline.statements.map(toActionStatement)
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
    managed ??= managedStatements()
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
  const grants = findForbiddenGrants(policies, check.forbidActions, catalogue)
  if (grants.length > 0) throw forbiddenError(grants)
  return { warnings, notChecked }
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

function forbiddenError(grants: ForbiddenGrant[]): ForbiddenActionsError {
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

/** Each pattern is matched against every known action: bound the work a pull request can ask for. */
const MAX_FORBID_PATTERNS = 100

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
  if (entries.length > MAX_FORBID_PATTERNS) {
    throw new InputError(
      FORBID_INPUT,
      `lists ${entries.length} patterns; at most ${MAX_FORBID_PATTERNS} are checked.`,
      'Use wildcards such as iam:* or *:Delete* instead of listing actions one by one.'
    )
  }
  const known = catalogue()
  for (const entry of entries) {
    if (!FORBID_PATTERN.test(entry)) {
      throw new InputError(
        FORBID_INPUT,
        `'${entry.slice(0, 80)}' is not an action pattern.`,
        'Write service:Action patterns such as iam:*, sts:AssumeRole, s3:Delete* or *:Delete*, one per line or comma-separated.'
      )
    }
    if (collapseStars(entry).length > MAX_ACTION_PATTERN_LENGTH) {
      throw new InputError(
        FORBID_INPUT,
        `has a pattern of ${entry.length} characters; no IAM action is longer than ${MAX_ACTION_PATTERN_LENGTH}.`,
        'Write a shorter pattern such as iam:* or s3:Delete*.'
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
