import { MAX_INLINE_POLICY_CHARS } from '../policy/inline-policy.js'
import type { RecordedCall } from './calls.js'

export interface ProposedPolicy {
  /** Minified, as it would be sent; undefined when no call mapped to an action. */
  text?: string
  document?: PolicyDocument
  /** What was made wider than the calls needed to fit STS's limit, in plain words. */
  widened: string[]
}

interface PolicyDocument {
  Version: '2012-10-17'
  Statement: { Effect: 'Allow'; Action: string | string[]; Resource: string | string[] }[]
}

/** One way to make the policy shorter, applied only when the one before did not suffice. */
type Widening = (grants: Map<string, Set<string>>) => string | undefined

/**
 * The least-privilege policy of the calls: one statement per set of resources, listing every
 * action needed on exactly those. When its minified text would exceed STS's 2,048 characters,
 * it is made shorter step by step, each step saying what it widened: sibling resources collapse
 * to a pattern, then each action's resources to `*`, then actions of a service sharing a verb to
 * `prefix:Verb*`. If even that is too long, throws: a policy that does not fit is no proposal.
 */
export function synthesizePolicy(calls: readonly RecordedCall[]): ProposedPolicy {
  const grants = new Map<string, Set<string>>()
  for (const call of calls) {
    for (const grant of call.grants) {
      const resources = grants.get(grant.action) ?? new Set<string>()
      resources.add(grant.resource)
      grants.set(grant.action, resources)
    }
  }
  if (grants.size === 0) return { widened: [] }
  // Counted before the widenings merge actions into patterns.
  const needed = grants.size
  const widened: string[] = []
  for (const widen of [undefined, collapseSiblings, anyResource, verbPatterns]) {
    const note = widen?.(grants)
    if (note !== undefined) widened.push(note)
    const document = render(grants)
    const text = JSON.stringify(document)
    if (text.length <= MAX_INLINE_POLICY_CHARS) return { text, document, widened }
  }
  throw new Error(
    `the recorded calls need ${needed} distinct actions, more than a ${MAX_INLINE_POLICY_CHARS}-character session policy can list even with wildcards; record the step's commands separately.`
  )
}

function render(grants: ReadonlyMap<string, ReadonlySet<string>>): PolicyDocument {
  const byResources = new Map<string, string[]>()
  for (const [action, resources] of grants) {
    const list = resources.has('*') ? ['*'] : [...resources].sort()
    const key = JSON.stringify(list)
    byResources.set(key, [...(byResources.get(key) ?? []), action])
  }
  const Statement = [...byResources]
    .map(([key, actions]) => {
      const resources = JSON.parse(key) as string[]
      const sorted = [...new Set(actions)].sort()
      return {
        Effect: 'Allow' as const,
        Action: sorted.length === 1 ? sorted[0] : sorted,
        Resource: resources.length === 1 ? resources[0] : resources
      }
    })
    .sort((a, b) => String(a.Action).localeCompare(String(b.Action)))
  return { Version: '2012-10-17', Statement }
}

/** ARNs that differ in their last part only become `parent/*`. */
const collapseSiblings: Widening = grants => {
  const changed: string[] = []
  for (const [action, resources] of grants) {
    const byParent = new Map<string, string[]>()
    for (const arn of resources) {
      const cut = Math.max(arn.lastIndexOf('/'), arn.lastIndexOf(':'))
      // `*` has no separator: it is its own parent, as is any other such resource.
      const parent = cut < 0 ? arn : arn.slice(0, cut + 1)
      byParent.set(parent, [...(byParent.get(parent) ?? []), arn])
    }
    const next = new Set<string>()
    for (const [parent, arns] of byParent) {
      if (arns.length > 1) {
        next.add(`${parent}*`)
        changed.push(`${action} on ${parent}* (was ${arns.length} ARNs)`)
      } else next.add(arns[0])
    }
    grants.set(action, next)
  }
  return changed.length > 0 ? `resources collapsed to patterns: ${changed.join('; ')}` : undefined
}

const anyResource: Widening = grants => {
  const changed = [...grants].filter(([, resources]) => !resources.has('*')).map(([a]) => a)
  for (const action of changed) grants.set(action, new Set(['*']))
  return changed.length > 0 ? `resources widened to *: ${changed.join(', ')}` : undefined
}

const verbPatterns: Widening = grants => {
  const groups = new Map<string, string[]>()
  for (const action of grants.keys()) {
    const verb = /^([a-z0-9-]+:[A-Z][a-z]+)/.exec(action)?.[1] ?? action
    groups.set(verb, [...(groups.get(verb) ?? []), action])
  }
  const changed: string[] = []
  for (const [verb, actions] of groups) {
    if (actions.length < 2) continue
    for (const action of actions) grants.delete(action)
    grants.set(`${verb}*`, new Set(['*']))
    changed.push(`${verb}* for ${actions.join(', ')}`)
  }
  return changed.length > 0 ? `actions widened to patterns: ${changed.join('; ')}` : undefined
}
