import type { IamCatalogue } from '../policy/catalogue.js'
import type { Observation } from './decode.js'
import type { OperationMap } from './operations.js'

/** One grant a call needs: an IAM action on a resource (`*` when the call names none). */
export interface Grant {
  action: string
  resource: string
  /** Needed by the call's action rather than named by the call itself. */
  dependent: boolean
}

/** Calls of one operation on the same resources, as the report lists them. */
export interface RecordedCall {
  service: string
  /** Undefined when the request matched no operation. */
  operation?: string
  region: string
  grants: Grant[]
  count: number
  via: ('proxy' | 'csm')[]
  /** Why the call maps to no IAM action (then `grants` is empty). */
  unmapped?: string
}

/** Bounds the memory a command that makes (or fakes) endless distinct calls can take. */
export const MAX_DISTINCT_CALLS = 10_000

const ARN_VARIABLE = /\$\{([A-Za-z0-9]+)\}/g

/**
 * Parameter names that name the thing an ARN variable stands for, where the names differ beyond
 * a Name or Id suffix (`BucketName` finds `Bucket` by its stem).
 */
const ALIASES: Record<string, string[]> = {
  ObjectName: ['Key'],
  RoleNameWithPath: ['RoleName'],
  UserNameWithPath: ['UserName'],
  GroupNameWithPath: ['GroupName'],
  QueueName: ['QueueUrl'],
  TopicName: ['TopicArn'],
  StreamName: ['StreamARN']
}

/**
 * Collects observations and maps them to IAM actions and resources: the operation's actions
 * (from the shipped map; each checked against the IAM catalogue), their dependent actions, and
 * the resource ARNs the request's parameters name. Nothing is dropped: a call that maps to no
 * action is kept with the reason.
 */
export class Recording {
  private readonly byKey = new Map<string, RecordedCall>()
  /** Observations of new calls beyond MAX_DISTINCT_CALLS, not listed (the report says how many). */
  overflow = 0

  constructor(
    private readonly map: OperationMap,
    private readonly catalogue: IamCatalogue
  ) {}

  add(observation: Observation): void {
    const call = this.toCall(observation)
    const key = JSON.stringify([
      call.service,
      call.operation ?? call.unmapped,
      call.grants.map(g => `${g.action} ${g.resource}`)
    ])
    const seen = this.byKey.get(key)
    if (seen === undefined) {
      if (this.byKey.size >= MAX_DISTINCT_CALLS) {
        this.overflow++
        return
      }
      this.byKey.set(key, call)
      return
    }
    seen.count++
    if (!seen.via.includes(observation.via)) seen.via.push(observation.via)
  }

  /**
   * The calls, sorted. An operation seen through the proxy is not listed again from monitoring
   * datagrams: both report the same call, and only the proxy sees its resources.
   */
  calls(): RecordedCall[] {
    const proxied = new Set(
      [...this.byKey.values()]
        .filter(call => call.via.includes('proxy'))
        .map(call => `${call.service} ${call.operation}`)
    )
    return [...this.byKey.values()]
      .filter(
        call => call.via.includes('proxy') || !proxied.has(`${call.service} ${call.operation}`)
      )
      .sort(
        (a, b) =>
          a.service.localeCompare(b.service) || (a.operation ?? '').localeCompare(b.operation ?? '')
      )
  }

  private toCall(observation: Observation): RecordedCall {
    const { service, operation, region } = observation
    const call = { service, operation, region, grants: [], count: 1, via: [observation.via] }
    const entry = this.map.services[service]
    if (operation === undefined) return { ...call, unmapped: observation.unknown ?? 'unknown' }
    if (entry === undefined || entry.i === null) {
      return { ...call, unmapped: `no IAM service is known for ${service}` }
    }
    const prefix = entry.i
    const names = entry.a?.[operation] ?? [operation]
    if (names.length === 0) {
      return { ...call, unmapped: `no IAM action is known for ${service} ${operation}` }
    }
    const grants: Grant[] = []
    for (const name of names) {
      const action = this.catalogue.canonical(`${prefix}:${name}`)
      if (action === undefined) {
        return { ...call, unmapped: `${prefix}:${name} is not in the IAM action catalogue` }
      }
      const partition = partitionOf(region)
      for (const resource of resourcesOf(entry.n?.[name] ?? [], observation, partition)) {
        grants.push({ action, resource, dependent: false })
      }
      for (const dependent of entry.d?.[name] ?? []) {
        const known = this.catalogue.canonical(dependent)
        if (known === undefined) continue
        // Its resource only when a parameter is an ARN of its service (the role a call passes).
        const service = known.split(':')[0]
        const named = fromArnParameter(`arn:*:${service}::*:*`, paramMap(observation))
        grants.push({ action: known, resource: named ?? '*', dependent: true })
      }
    }
    return { ...call, grants: dedupe(grants) }
  }
}

function dedupe(grants: Grant[]): Grant[] {
  const seen = new Map<string, Grant>()
  for (const grant of grants) {
    const key = `${grant.action} ${grant.resource}`
    if (!seen.has(key) || !grant.dependent) seen.set(key, grant)
  }
  return [...seen.values()]
}

export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn'
  if (region.startsWith('us-gov-')) return 'aws-us-gov'
  return 'aws'
}

/**
 * The resource ARNs a request names: the first ARN format of the action whose every variable
 * (beyond partition, region and account) a request parameter fills, or a parameter that is
 * itself an ARN of that format. `*` when none fits: the request names no resource we can see.
 */
function resourcesOf(formats: readonly string[], observation: Observation, partition: string) {
  const params = paramMap(observation)
  for (const format of formats) {
    const asArn = fromArnParameter(format, params)
    if (asArn !== undefined) return [asArn]
    let complete = true
    const arn = format.replace(ARN_VARIABLE, (_, variable: string) => {
      if (variable === 'Partition') return partition
      if (variable === 'Region') return observation.region || '*'
      if (variable === 'Account') return '*'
      const value = parameterFor(variable, params)
      if (value !== undefined) return value
      // An ARN with a variable left unfilled is not used, whatever it reads.
      complete = false
      return variable
    })
    if (complete) return [arn]
  }
  return ['*']
}

/** The parameters by lower-cased name. */
function paramMap(observation: Observation): Map<string, string> {
  return new Map(
    Object.entries(observation.params).map(([name, value]) => [name.toLowerCase(), value])
  )
}

function parameterFor(variable: string, params: ReadonlyMap<string, string>): string | undefined {
  const stem = variable.replace(/(Name|Id)$/, '')
  const names = [variable, stem, `${stem}Name`, `${stem}Id`, ...(ALIASES[variable] ?? [])]
  for (const name of names) {
    const value = params.get(name.toLowerCase())
    if (value === undefined) continue
    // A queue or topic given by URL or ARN: its last part is the name.
    const last = /^(?:https?:\/\/|arn:)/.test(value) ? value.replace(/^.*[/:]/, '') : value
    if (safeInArn(last)) return last
  }
  return undefined
}

/** A parameter holding a whole ARN of the format's service and resource type. */
function fromArnParameter(format: string, params: ReadonlyMap<string, string>) {
  const [, , service, , , resource = ''] = format.split(':')
  const type = resource.split(/[/:]/)[0]
  for (const value of params.values()) {
    const parts = value.split(':')
    if (parts.length < 6 || parts[0] !== 'arn' || parts[2] !== service) continue
    if (!type.startsWith('$') && type !== '*' && !parts.slice(5).join(':').startsWith(type))
      continue
    if (safeInArn(value)) return value
  }
  return undefined
}

/** Policy text allows these; a wildcard character in a name would widen the grant unseen. */
function safeInArn(value: string): boolean {
  return /^[\x21-\x7e]{1,512}$/.test(value) && !/[*?"\\]/.test(value)
}
