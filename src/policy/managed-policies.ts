import { awsManagedPolicyArn, isPolicyArn, parseArn } from '../arn.js'
import { InputError } from '../errors.js'
import { closestNames } from '../suggest.js'

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
  /**
   * What `byPath` and `byName` hold for `pathOrName` (any case), without building them: the
   * policy with that path and name, and those with that name under any path. An index from
   * parseManagedPolicyList has it.
   */
  lookUp?(pathOrName: string): PolicyLookUp
}

export interface PolicyLookUp {
  path?: string
  named: string[]
}

export function parseManagedPolicyList(text: string): ManagedPolicyIndex {
  return new PolicyList(text)
}

const NEWLINE = 10
const SLASH = 47

// A run resolves one or two names, so the list is searched as text; the maps of all 1,600
// policies are built only for a "did you mean", which needs every name anyway.
class PolicyList implements ManagedPolicyIndex {
  readonly origin: string
  private maps?: { byPath: Map<string, string>; byName: Map<string, string[]> }
  private lowerText?: string

  constructor(private readonly text: string) {
    let origin = 'the built-in list'
    for (let start = 0; start < text.length;) {
      const newline = text.indexOf('\n', start)
      const end = newline === -1 ? text.length : newline
      if (text.startsWith('#', start)) origin = text.slice(start + 1, end).trim()
      start = end + 1
    }
    this.origin = origin
  }

  get byPath(): Map<string, string> {
    return this.buildMaps().byPath
  }

  get byName(): Map<string, string[]> {
    return this.buildMaps().byName
  }

  lookUp(pathOrName: string): PolicyLookUp {
    const key = pathOrName.toLowerCase()
    const lower = (this.lowerText ??= this.text.toLowerCase())
    // Where lower-casing changes the length, offsets in the lower-cased text would not be
    // offsets in the list; a key spanning lines or empty would match what the maps never hold.
    if (this.maps || lower.length !== this.text.length || key === '' || key.includes('\n')) {
      return lookUpInMaps(this, pathOrName)
    }
    let path: string | undefined
    const named: string[] = []
    const bareName = !key.includes('/')
    for (let at = lower.indexOf(key); at !== -1; at = lower.indexOf(key, at + 1)) {
      const end = at + key.length
      if (end < lower.length && lower.charCodeAt(end) !== NEWLINE) continue
      const before = at === 0 ? NEWLINE : lower.charCodeAt(at - 1)
      if (before !== NEWLINE && (before !== SLASH || !bareName)) continue
      const start = before === NEWLINE ? at : lower.lastIndexOf('\n', at) + 1
      if (this.text.startsWith('#', start)) continue
      const line = this.text.slice(start, end)
      // As in the map, the last of lines differing only in case wins.
      if (before === NEWLINE) path = line
      if (bareName) named.push(line)
    }
    return { path, named }
  }

  private buildMaps(): { byPath: Map<string, string>; byName: Map<string, string[]> } {
    if (this.maps === undefined) {
      const byPath = new Map<string, string>()
      const byName = new Map<string, string[]>()
      for (const line of this.text.split('\n')) {
        if (line.startsWith('#') || line === '') continue
        byPath.set(line.toLowerCase(), line)
        const name = line.slice(line.lastIndexOf('/') + 1).toLowerCase()
        const lines = byName.get(name)
        if (lines === undefined) byName.set(name, [line])
        else lines.push(line)
      }
      this.maps = { byPath, byName }
    }
    return this.maps
  }
}

function lookUpInMaps(index: ManagedPolicyIndex, pathOrName: string): PolicyLookUp {
  const key = pathOrName.toLowerCase()
  return { path: index.byPath.get(key), named: index.byName.get(key) ?? [] }
}

function lookUp(index: ManagedPolicyIndex, pathOrName: string): PolicyLookUp {
  return index.lookUp?.(pathOrName) ?? lookUpInMaps(index, pathOrName)
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
  const { path, named } = lookUp(index, entry)
  if (path !== undefined) return path
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
  if (lookUp(index, pathAndName).path !== undefined) return entry
  const elsewhere = lookUp(index, pathAndName.slice(pathAndName.lastIndexOf('/') + 1)).named
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
