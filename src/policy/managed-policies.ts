import { awsManagedPolicyArn, isPolicyArn, parseArn } from '../aws/arn.js'
import { InputError } from '../shared/errors.js'
import { closestNames } from '../shared/suggest.js'

const INPUT = 'managed-session-policies'
/** STS accepts at most this many `PolicyArns`. */
export const MAX_POLICY_ARNS = 10

/** The AWS managed policies known when this version was built: `path/Name` under `policy/`. */
export interface ManagedPolicyIndex {
  /** What the list was generated from, for messages about names it may not know yet. */
  origin: string
  /** Lower-cased path and name, and lower-cased bare name → the exact `path/Name`. */
  byPath: Map<string, string>
  byName: Map<string, string[]>
}

/**
 * Reads the list scripts/update-managed-policies.mjs writes, `path/Name` a line after a `#` line
 * naming the source. Of lines differing only in case, the last is the one a path finds. Both
 * maps are built at once (~3 ms), and only in a run whose entries need the list.
 */
export function parseManagedPolicyList(text: string): ManagedPolicyIndex {
  let origin = 'the built-in list'
  const byPath = new Map<string, string>()
  const byName = new Map<string, string[]>()
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) {
      origin = line.slice(1).trim()
      continue
    }
    if (line === '') continue
    byPath.set(line.toLowerCase(), line)
    const name = line.slice(line.lastIndexOf('/') + 1).toLowerCase()
    const lines = byName.get(name)
    if (lines === undefined) byName.set(name, [line])
    else lines.push(line)
  }
  return { origin, byPath, byName }
}

export interface ResolvedManagedPolicies {
  arns: string[]
  warnings: string[]
}

/**
 * Turns each entry of `managed-session-policies` into a policy ARN. A short name goes through the
 * list of AWS managed policies because hundreds of them live under a path
 * (`ViewOnlyAccess` is `job-function/ViewOnlyAccess`), which concatenation would get wrong.
 * The list is loaded only when an entry needs it.
 */
export function resolveManagedPolicies(
  entries: string[],
  partition: string,
  loadIndex: () => ManagedPolicyIndex
): ResolvedManagedPolicies {
  let index: ManagedPolicyIndex | undefined
  const getIndex = (): ManagedPolicyIndex => (index ??= loadIndex())
  const arns: string[] = []
  const warnings: string[] = []

  for (const entry of entries) {
    const arn = entry.startsWith('arn:')
      ? checkPolicyArn(entry, partition, getIndex, warnings)
      : awsManagedPolicyArn(partition, lookUpShortName(entry, getIndex()))
    if (!arns.includes(arn)) arns.push(arn)
  }
  if (arns.length > MAX_POLICY_ARNS) {
    throw new InputError(
      INPUT,
      `lists ${arns.length} policies; STS accepts at most ${MAX_POLICY_ARNS}.`,
      'Merge some of them into inline-session-policy, or split the work across two steps.'
    )
  }
  return { arns, warnings }
}

function lookUpShortName(entry: string, index: ManagedPolicyIndex): string {
  const key = entry.toLowerCase()
  const path = index.byPath.get(key)
  if (path !== undefined) return path
  const named = index.byName.get(key) ?? []
  if (named.length === 1) return named[0]
  if (named.length > 1) {
    throw new InputError(
      INPUT,
      `'${entry}' is the name of ${named.length} AWS managed policies under different paths.`,
      `Write one of: ${named.join(', ')}.`
    )
  }
  const shortNames = [...index.byPath.values()].map(p => p.slice(p.lastIndexOf('/') + 1))
  const nearby = closestNames(entry.slice(entry.lastIndexOf('/') + 1), shortNames)
  throw new InputError(
    INPUT,
    `'${entry}' is not an AWS managed policy (checked against ${index.origin}).`,
    nearby.length > 0
      ? `Did you mean ${nearby.map(n => `'${n}'`).join(', ')}? For a customer managed policy, write its full ARN.`
      : 'For a customer managed policy, write its full ARN (arn:aws:iam::123456789012:policy/Name).'
  )
}

function checkPolicyArn(
  entry: string,
  partition: string,
  getIndex: () => ManagedPolicyIndex,
  warnings: string[]
): string {
  if (!isPolicyArn(entry)) {
    throw new InputError(
      INPUT,
      `'${entry}' is not a policy ARN.`,
      'Write arn:aws:iam::aws:policy/NAME for an AWS managed policy, arn:aws:iam::123456789012:policy/NAME for your own, or just the AWS managed policy name.'
    )
  }
  const arn = parseArn(entry)!
  if (arn.partition !== partition) {
    throw new InputError(
      INPUT,
      `'${entry}' is in partition '${arn.partition}', but the region is in '${partition}'.`,
      `Write arn:${partition}:${entry.split(':').slice(2).join(':')}.`
    )
  }
  if (arn.account !== 'aws') return entry

  const index = getIndex()
  const pathAndName = arn.resource.slice('policy/'.length)
  if (index.byPath.has(pathAndName.toLowerCase())) return entry
  const name = pathAndName.slice(pathAndName.lastIndexOf('/') + 1)
  const elsewhere = index.byName.get(name.toLowerCase()) ?? []
  if (elsewhere.length > 0) {
    throw new InputError(
      INPUT,
      `'${entry}' does not exist: that AWS managed policy lives under a path.`,
      `Write ${elsewhere.map(p => awsManagedPolicyArn(partition, p)).join(' or ')}, or just '${elsewhere[0]}'.`
    )
  }
  warnings.push(
    `${INPUT}: '${entry}' is not in the list of AWS managed policies this version knows (${index.origin}); STS will refuse it if it does not exist.`
  )
  return entry
}
