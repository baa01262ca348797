import { closestNames } from '../shared/suggest.js'
import { collapseStars, MAX_ACTION_PATTERN_LENGTH } from './wildcard.js'

/**
 * The IAM policy grammar as it applies to a session policy, checked locally so a mistake fails
 * the step with a precise message instead of STS's bare "MalformedPolicyDocument" (or, worse,
 * being accepted and silently granting nothing). Pure: no catalogue, no partition; those checks
 * are in names.ts.
 */

export interface PolicyProblem {
  /** Position in the Statement list, from 0; absent for a problem with the document itself. */
  statementIndex?: number
  sid?: string
  message: string
  fix: string
}

export interface PolicyWarning {
  statementIndex?: number
  sid?: string
  message: string
}

export interface ConditionEntry {
  /** As written, e.g. `ForAnyValue:StringLikeIfExists`. */
  operator: string
  key: string
  values: Array<string | number | boolean>
}

/** A statement that passed the grammar, with every list-or-string element made a list. */
export interface PolicyStatement {
  index: number
  sid?: string
  effect: 'Allow' | 'Deny'
  notAction: boolean
  actions: string[]
  notResource: boolean
  resources: string[]
  conditions: ConditionEntry[]
}

export interface GrammarResult {
  problems: PolicyProblem[]
  warnings: PolicyWarning[]
  /** The well-formed statements; complete only when there are no problems. */
  statements: PolicyStatement[]
  /**
   * Every well-formed Action/NotAction and Resource/NotResource list, also of statements with
   * other problems, so names and ARNs can be checked in the same run and all be reported at once.
   */
  elements: StatementElement[]
}

export interface StatementElement {
  statementIndex: number
  sid?: string
  key: 'Action' | 'NotAction' | 'Resource' | 'NotResource'
  values: string[]
}

export const POLICY_VERSIONS = ['2012-10-17', '2008-10-17'] as const

const DOCUMENT_KEYS = ['Version', 'Id', 'Statement']
const STATEMENT_KEYS = [
  'Sid',
  'Effect',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition'
]

/** The condition operator families; each takes `IfExists` (except Null) and a set prefix. */
export const CONDITION_OPERATORS = [
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
  'NumericEquals',
  'NumericNotEquals',
  'NumericLessThan',
  'NumericLessThanEquals',
  'NumericGreaterThan',
  'NumericGreaterThanEquals',
  'DateEquals',
  'DateNotEquals',
  'DateLessThan',
  'DateLessThanEquals',
  'DateGreaterThan',
  'DateGreaterThanEquals',
  'Bool',
  'BinaryEquals',
  'IpAddress',
  'NotIpAddress',
  'ArnEquals',
  'ArnLike',
  'ArnNotEquals',
  'ArnNotLike',
  'Null'
] as const

const SET_PREFIXES = ['ForAllValues', 'ForAnyValue']
const SERVICE_PART = /^[A-Za-z0-9*?-]+$/
const ACTION_PART = /^[A-Za-z0-9_*?-]+$/
const PARTITION_PART = /^(aws(-[a-z]+)*|[a-z*?-]*[*?][a-z*?-]*)$/

const EXAMPLE_STATEMENT =
  '{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::my-bucket/*"}'

export function checkGrammar(document: unknown): GrammarResult {
  const problems: PolicyProblem[] = []
  const warnings: PolicyWarning[] = []
  const statements: PolicyStatement[] = []
  const elements: StatementElement[] = []

  if (!isObject(document)) {
    problems.push({
      message: 'is not a JSON object.',
      fix: `Write {"Version":"2012-10-17","Statement":[${EXAMPLE_STATEMENT}]}.`
    })
    return { problems, warnings, statements, elements }
  }

  for (const key of Object.keys(document)) {
    if (DOCUMENT_KEYS.includes(key)) continue
    problems.push({
      message: `has an unknown top-level key "${key}"; a policy has only ${DOCUMENT_KEYS.map(k => `"${k}"`).join(', ')}.`,
      fix: keyFix(key, DOCUMENT_KEYS)
    })
  }

  checkVersion(document, problems, warnings)
  if ('Id' in document && typeof document.Id !== 'string') {
    problems.push({ message: '"Id" is not a string.', fix: 'Write a string, or remove "Id".' })
  }

  const list = statementList(document, problems)
  const sids = new Map<string, number>()
  list.forEach((raw, index) => {
    const statement = checkStatement(raw, index, sids, problems, elements)
    if (statement !== undefined) {
      statements.push(statement)
      warnAboutBreadth(statement, warnings)
    }
  })

  if (document.Version === '2008-10-17' && JSON.stringify(document).includes('${')) {
    warnings.push({
      message:
        'uses Version "2008-10-17", where policy variables such as ${aws:username} are not replaced but read literally.'
    })
  }
  return { problems, warnings, statements, elements }
}

/** How messages name a statement: `statement 2 (Sid "ReadBucket")`, counting from 1. */
export function statementLabel(index: number, sid?: string): string {
  return `statement ${index + 1}${sid ? ` (Sid "${sid}")` : ''}`
}

function checkVersion(
  document: Record<string, unknown>,
  problems: PolicyProblem[],
  warnings: PolicyWarning[]
): void {
  if (!('Version' in document)) {
    warnings.push({
      message:
        'has no "Version", so IAM reads it as "2008-10-17": policy variables such as ${aws:username} are not replaced. Add "Version": "2012-10-17".'
    })
    return
  }
  const version = document.Version
  if (typeof version !== 'string' || !(POLICY_VERSIONS as readonly string[]).includes(version)) {
    problems.push({
      message: `has "Version": ${JSON.stringify(version)}; IAM knows only "2012-10-17" and "2008-10-17".`,
      fix: 'Write "Version": "2012-10-17" (it is the policy language version, not a date of your choosing).'
    })
  }
}

function statementList(document: Record<string, unknown>, problems: PolicyProblem[]): unknown[] {
  if (!('Statement' in document)) {
    problems.push({
      message: 'has no "Statement".',
      fix: `Add "Statement": [${EXAMPLE_STATEMENT}].`
    })
    return []
  }
  const value = document.Statement
  if (isObject(value)) return [value]
  if (!Array.isArray(value)) {
    problems.push({
      message: '"Statement" is neither an object nor an array of objects.',
      fix: `Write "Statement": [${EXAMPLE_STATEMENT}].`
    })
    return []
  }
  if (value.length === 0) {
    problems.push({
      message: '"Statement" is empty; a session policy with no statement allows nothing.',
      fix: `Add at least one statement, such as ${EXAMPLE_STATEMENT}.`
    })
  }
  return value
}

function checkStatement(
  raw: unknown,
  index: number,
  sids: Map<string, number>,
  problems: PolicyProblem[],
  elements: StatementElement[]
): PolicyStatement | undefined {
  const sid = isObject(raw) && typeof raw.Sid === 'string' ? raw.Sid : undefined
  const before = problems.length
  const problem = (message: string, fix: string): void => {
    problems.push({ statementIndex: index, sid, message, fix })
  }

  if (!isObject(raw)) {
    problem(
      `is ${describe(raw)}, not an object.`,
      `Write a statement such as ${EXAMPLE_STATEMENT}.`
    )
    return undefined
  }

  for (const key of Object.keys(raw)) {
    if (STATEMENT_KEYS.includes(key)) continue
    if (key === 'Principal' || key === 'NotPrincipal') {
      problem(
        `has "${key}", which a session policy may not have: the principal is the session itself.`,
        `Remove "${key}".`
      )
      continue
    }
    problem(
      `has an unknown key "${key}"; a statement has only ${STATEMENT_KEYS.map(k => `"${k}"`).join(', ')}.`,
      keyFix(key, STATEMENT_KEYS)
    )
  }

  if ('Sid' in raw) checkSid(raw.Sid, index, sids, problem)

  const effect = raw.Effect
  if (effect === undefined) {
    problem('has no "Effect".', 'Add "Effect": "Allow" (or "Deny").')
  } else if (effect !== 'Allow' && effect !== 'Deny') {
    const cased =
      typeof effect === 'string' && ['allow', 'deny'].includes(effect.toLowerCase())
        ? ` (IAM is case-sensitive here: write "${effect[0].toUpperCase()}${effect.slice(1).toLowerCase()}")`
        : ''
    problem(
      `has "Effect": ${JSON.stringify(effect)}; it must be "Allow" or "Deny"${cased}.`,
      'Write "Effect": "Allow" or "Effect": "Deny".'
    )
  }

  const actions = exactlyOne(raw, 'Action', 'NotAction', problem)
  if (actions !== undefined) {
    const valid = actions.values.filter(action => checkActionFormat(action, actions.key, problem))
    elements.push({ statementIndex: index, sid, key: actions.key, values: valid })
  }
  const resources = exactlyOne(raw, 'Resource', 'NotResource', problem)
  if (resources !== undefined) {
    const valid = resources.values.filter(resource =>
      checkResourceFormat(resource, resources.key, problem)
    )
    elements.push({ statementIndex: index, sid, key: resources.key, values: valid })
  }
  const conditions = 'Condition' in raw ? checkCondition(raw.Condition, problem) : []

  if (problems.length > before || actions === undefined || resources === undefined) {
    return undefined
  }
  return {
    index,
    sid,
    effect: effect as 'Allow' | 'Deny',
    notAction: actions.key === 'NotAction',
    actions: actions.values,
    notResource: resources.key === 'NotResource',
    resources: resources.values,
    conditions
  }
}

type Report = (message: string, fix: string) => void

function checkSid(sid: unknown, index: number, sids: Map<string, number>, problem: Report): void {
  if (typeof sid !== 'string') {
    problem(
      `has "Sid": ${JSON.stringify(sid)}, which is not a string.`,
      'Write a Sid such as "ReadArtifacts".'
    )
    return
  }
  if (!/^[A-Za-z0-9]*$/.test(sid)) {
    const cleaned = sid.replace(/[^A-Za-z0-9]/g, '')
    problem(
      `has "Sid": "${sid}"; a Sid may hold only ASCII letters and digits.`,
      cleaned !== ''
        ? `Write "Sid": "${cleaned}".`
        : 'Write a Sid such as "ReadArtifacts", or remove it.'
    )
    return
  }
  if (sid === '') return
  const first = sids.get(sid)
  if (first !== undefined) {
    problem(
      `has the same Sid as statement ${first + 1}; a Sid must be unique in the policy.`,
      `Rename one of them, e.g. "${sid}${index + 1}".`
    )
  } else {
    sids.set(sid, index)
  }
}

function exactlyOne<K extends 'Action' | 'Resource', N extends 'NotAction' | 'NotResource'>(
  raw: Record<string, unknown>,
  key: K,
  notKey: N,
  problem: Report
): { key: K | N; values: string[] } | undefined {
  const hasKey = key in raw
  const hasNot = notKey in raw
  if (hasKey && hasNot) {
    problem(
      `has both "${key}" and "${notKey}"; a statement takes exactly one of them.`,
      `Remove "${notKey}" or "${key}".`
    )
    return undefined
  }
  if (!hasKey && !hasNot) {
    const example =
      key === 'Action'
        ? '"Action": "s3:GetObject"'
        : '"Resource": "arn:aws:s3:::my-bucket/*" (or "*")'
    problem(`has neither "${key}" nor "${notKey}".`, `Add ${example}.`)
    return undefined
  }
  const used = hasKey ? key : notKey
  const value = raw[used]
  const values = typeof value === 'string' ? [value] : value
  if (!Array.isArray(values) || values.some(v => typeof v !== 'string')) {
    problem(
      `has "${used}": ${abbreviate(value)}; it must be a string or an array of strings.`,
      `Write "${used}": ["…", "…"].`
    )
    return undefined
  }
  if (values.length === 0) {
    problem(
      `has an empty "${used}" list.`,
      `List at least one ${key === 'Action' ? 'action' : 'resource'}, or remove the statement.`
    )
    return undefined
  }
  return { key: used, values: values as string[] }
}

/** Whether the action is `*` or service:Action; reports it if not. */
function checkActionFormat(action: string, key: string, problem: Report): boolean {
  if (action === '*') return true
  const colon = action.indexOf(':')
  const service = action.slice(0, colon)
  const name = action.slice(colon + 1)
  if (colon > 0 && SERVICE_PART.test(service) && ACTION_PART.test(name)) {
    if (collapseStars(action).length <= MAX_ACTION_PATTERN_LENGTH) return true
    problem(
      `has an action pattern of ${action.length} characters in "${key}"; no IAM action is longer than ${MAX_ACTION_PATTERN_LENGTH}.`,
      'Write the action name, or a shorter pattern such as "s3:Get*".'
    )
    return false
  }
  let fix = 'Write it as service:Action, e.g. "s3:GetObject" or "ec2:Describe*".'
  if (action.startsWith('arn:')) {
    fix = `That is an ARN: it belongs in "Resource". ${fix}`
  } else if (action.trim() !== action) {
    fix = `Remove the spaces: "${action.trim()}".`
  } else if (/^[a-z0-9-]+\.[A-Za-z*]+$/.test(action)) {
    fix = `Write "${action.replace('.', ':')}".`
  }
  problem(`has "${action}" in "${key}", which is not of the form service:Action.`, fix)
  return false
}

/**
 * A resource is "*" or `arn:partition:service:region:account:resource`. Colons inside a policy
 * variable (`${aws:username}`) do not separate fields, and any field may hold wildcards.
 */
function checkResourceFormat(resource: string, key: string, problem: Report): boolean {
  if (resource === '*') return true
  const fields = splitArn(resource)
  const fix = `Write a full ARN, arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE, e.g. "arn:aws:s3:::my-bucket/*", or "*".`
  if (fields === undefined || fields.length < 6 || fields[0] !== 'arn') {
    problem(`has "${resource}" in "${key}", which is not an ARN.`, fix)
    return false
  }
  const [, partition, service, region, account] = fields
  const rest = fields.slice(5).join(':')
  let wrong: string | undefined
  if (!PARTITION_PART.test(partition) && !isVariable(partition)) {
    wrong = `partition "${partition}" is not aws, aws-cn, aws-us-gov or the like`
  } else if (!/^[a-z0-9*?-]+$/i.test(service) && !isVariable(service)) {
    wrong = `service "${service}" is not a service prefix`
  } else if (!isLiteralRegion(region)) {
    wrong = `region "${region}" is not a region name`
  } else if (!isLiteralAccount(account)) {
    wrong = `account "${account}" is not a 12-digit account ID`
  } else if (rest === '') {
    wrong = 'resource part (after the fifth colon) is empty'
  }
  if (wrong === undefined) return true
  problem(`has "${resource}" in "${key}", whose ${wrong}.`, fix)
  return false
}

/** Splits an ARN on colons outside `${…}`; undefined for an unclosed variable. */
export function splitArn(value: string): string[] | undefined {
  const fields: string[] = []
  let field = ''
  let depth = 0
  for (let i = 0; i < value.length; i++) {
    const char = value[i]
    if (char === '$' && value[i + 1] === '{') depth++
    else if (char === '}' && depth > 0) depth--
    if (char === ':' && depth === 0) {
      fields.push(field)
      field = ''
    } else {
      field += char
    }
  }
  if (depth !== 0) return undefined
  fields.push(field)
  return fields
}

function isVariable(text: string): boolean {
  return text.includes('${')
}

function isLiteralRegion(region: string): boolean {
  return (
    region === '' ||
    isVariable(region) ||
    /[*?]/.test(region) ||
    /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(region)
  )
}

function isLiteralAccount(account: string): boolean {
  return (
    account === '' ||
    account === 'aws' ||
    isVariable(account) ||
    (/^[\d*?]+$/.test(account) && (/[*?]/.test(account) || account.length === 12))
  )
}

function checkCondition(value: unknown, problem: Report): ConditionEntry[] {
  const example = '"Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}'
  if (!isObject(value)) {
    problem(
      `has "Condition": ${abbreviate(value)}; it must be an object of operators.`,
      `Write e.g. ${example}.`
    )
    return []
  }
  const entries: ConditionEntry[] = []
  for (const [operator, block] of Object.entries(value)) {
    const base = checkOperator(operator, problem)
    if (!isObject(block) || Object.keys(block).length === 0) {
      problem(
        `has condition operator "${operator}" with ${abbreviate(block)}; it must map condition keys to values.`,
        `Write e.g. ${example}.`
      )
      continue
    }
    for (const [key, raw] of Object.entries(block)) {
      if (!/^[A-Za-z0-9-]+:\S+$/.test(key)) {
        problem(
          `has condition key "${key}" under "${operator}", which is not of the form service:key.`,
          'Write a condition key such as "aws:RequestedRegion" or "s3:prefix".'
        )
        continue
      }
      const values = Array.isArray(raw) ? raw : [raw]
      const scalar = (v: unknown): v is string | number | boolean =>
        typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'
      if (values.length === 0 || !values.every(scalar)) {
        problem(
          `has ${abbreviate(raw)} as the value of "${key}" under "${operator}"; a condition value is a string, number or boolean, or a non-empty array of them.`,
          `Write e.g. "${key}": "value" or "${key}": ["value1", "value2"].`
        )
        continue
      }
      if (base !== undefined) checkConditionValues(operator, base, key, values, problem)
      entries.push({ operator, key, values })
    }
  }
  return entries
}

/** The operator family of `ForAnyValue:StringLikeIfExists` (`StringLike`), or undefined if unknown. */
function checkOperator(operator: string, problem: Report): string | undefined {
  let rest = operator
  const colon = operator.indexOf(':')
  if (colon >= 0) {
    const prefix = operator.slice(0, colon)
    if (!SET_PREFIXES.some(p => p.toLowerCase() === prefix.toLowerCase())) {
      const near = closestNames(prefix, SET_PREFIXES, 1)
      problem(
        `has condition operator "${operator}", whose prefix "${prefix}" is neither ForAllValues nor ForAnyValue.`,
        near.length > 0
          ? `Did you mean "${near[0]}:${operator.slice(colon + 1)}"?`
          : 'Write ForAllValues: or ForAnyValue: before the operator.'
      )
      return undefined
    }
    rest = operator.slice(colon + 1)
  }
  // A bare `IfExists` leaves an empty family, unknown as it should be.
  const ifExists = rest.toLowerCase().endsWith('ifexists')
  const base = ifExists ? rest.slice(0, -'IfExists'.length) : rest
  const family = CONDITION_OPERATORS.find(o => o.toLowerCase() === base.toLowerCase())
  if (family === undefined) {
    const near = closestNames(base, CONDITION_OPERATORS)
    problem(
      `has an unknown condition operator "${operator}".`,
      near.length > 0
        ? `Did you mean ${near.map(n => `"${operator.slice(0, operator.length - rest.length)}${n}${ifExists ? 'IfExists' : ''}"`).join(', ')}?`
        : 'Use an operator such as StringEquals, StringLike, ArnLike, IpAddress, Bool or NumericLessThan.'
    )
    return undefined
  }
  if (family === 'Null' && ifExists) {
    problem(
      'has "NullIfExists"; Null already tests whether the key exists and takes no IfExists.',
      'Write "Null".'
    )
    return undefined
  }
  return family
}

function checkConditionValues(
  operator: string,
  family: string,
  key: string,
  values: Array<string | number | boolean>,
  problem: Report
): void {
  for (const value of values) {
    if (typeof value === 'string' && isVariable(value)) continue
    if (
      (family === 'Bool' || family === 'Null') &&
      !['true', 'false'].includes(String(value).toLowerCase())
    ) {
      problem(
        `has ${JSON.stringify(value)} for "${key}" under "${operator}", which takes only true or false.`,
        `Write "${key}": "true" or "${key}": "false".`
      )
      return
    }
    // true and false are refused too: their text is not a number.
    if (family.startsWith('Numeric') && !/^-?\d+(\.\d+)?$/.test(String(value))) {
      problem(
        `has ${JSON.stringify(value)} for "${key}" under "${operator}", which compares numbers.`,
        `Write a number, e.g. "${key}": "10".`
      )
      return
    }
  }
}

function warnAboutBreadth(statement: PolicyStatement, warnings: PolicyWarning[]): void {
  if (statement.effect !== 'Allow') return
  const at = { statementIndex: statement.index, sid: statement.sid }
  const label = statementLabel(statement.index, statement.sid)
  const everyAction = !statement.notAction && statement.actions.some(a => a === '*' || a === '*:*')
  const everyResource = !statement.notResource && statement.resources.includes('*')
  if (everyAction && everyResource && statement.conditions.length === 0) {
    warnings.push({
      ...at,
      message: `${label} allows every action on every resource with no condition, so the session policy narrows nothing: the session can do all the role can.`
    })
  }
  if (statement.notAction) {
    warnings.push({
      ...at,
      message: `${label} combines "Allow" with "NotAction": it allows every action of every service except those listed (${statement.actions.join(', ')}), including services added later. List the actions the step needs in "Action" instead.`
    })
  }
  if (statement.notResource) {
    warnings.push({
      ...at,
      message: `${label} combines "Allow" with "NotResource": it allows its actions on every resource except those listed.`
    })
  }
}

function keyFix(key: string, known: string[]): string {
  const near = closestNames(key, known, 1)
  return near.length > 0
    ? `Did you mean "${near[0]}"? (Keys are case-sensitive.)`
    : `Remove "${key}".`
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return `a ${typeof value}`
}

function abbreviate(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 60 ? `${text.slice(0, 57)}…` : text
}
