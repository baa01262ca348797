import { compileActionList, type IamCatalogue } from './catalogue.js'
import { type ConditionEntry, type PolicyStatement, statementLabel } from './grammar.js'

/**
 * What each statement of the inline policy allows or denies, with its wildcards expanded over
 * the action catalogue, so a reviewer sees that `s3:*Object*` means 40 actions, or that a
 * NotAction statement means twenty thousand. Data first; the renderings are for the debug log
 * and the job summary.
 */

export interface ServiceActions {
  service: string
  count: number
  /** Whether the statement covers every known action of the service. */
  all: boolean
  actions: string[]
}

export interface StatementExplanation {
  index: number
  sid?: string
  /** `statement 2 (Sid "Deploy")`. */
  label: string
  effect: 'Allow' | 'Deny'
  actions: {
    notAction: boolean
    /** As written in the policy. */
    written: string[]
    /** Known actions covered (for NotAction: every known action not listed). */
    count: number
    byService: ServiceActions[]
  }
  resources: { notResource: boolean; values: string[] }
  conditions: ConditionEntry[]
}

export function explainStatements(
  statements: readonly PolicyStatement[],
  catalogue: IamCatalogue
): StatementExplanation[] {
  return statements.map(statement => {
    const covered = coveredActions(statement, catalogue)
    const groups: { service: string; actions: string[] }[] = []
    for (const action of covered) {
      const service = action.slice(0, action.indexOf(':'))
      const last = groups[groups.length - 1]
      if (last !== undefined && last.service === service) last.actions.push(action)
      else groups.push({ service, actions: [action] })
    }
    const byService: ServiceActions[] = groups.map(({ service, actions }) => ({
      service,
      count: actions.length,
      all: actions.length === catalogue.actionsOf(service).length,
      actions
    }))
    return {
      index: statement.index,
      sid: statement.sid,
      label: statementLabel(statement.index, statement.sid),
      effect: statement.effect,
      actions: {
        notAction: statement.notAction,
        written: statement.actions,
        count: covered.length,
        byService
      },
      resources: { notResource: statement.notResource, values: statement.resources },
      conditions: statement.conditions
    }
  })
}

function coveredActions(statement: PolicyStatement, catalogue: IamCatalogue): string[] {
  if (!statement.notAction) {
    const seen = new Set<string>()
    for (const pattern of statement.actions) {
      for (const action of catalogue.expand(pattern)) seen.add(action)
    }
    // Code-unit order keeps each service's actions together, as the grouping above needs.
    return [...seen].sort()
  }
  const listed = compileActionList(statement.actions)
  const covered: string[] = []
  for (const service of catalogue.services) {
    for (const action of catalogue.actionsOf(service)) if (!listed(action)) covered.push(action)
  }
  return covered
}

const LIST_ALL_UP_TO = 8
const SERVICES_SHOWN = 10
const ACTIONS_PER_SERVICE_SHOWN = 4

/** One line per statement element, for the debug log. */
export function renderExplanationText(explanation: readonly StatementExplanation[]): string {
  const lines: string[] = []
  for (const statement of explanation) {
    lines.push(`${statement.label}: ${statement.effect}`)
    lines.push(
      `  ${statement.actions.notAction ? 'every action except' : 'actions'}: ${statement.actions.written.join(', ')}`
    )
    lines.push(`    = ${summariseActions(statement)}`)
    lines.push(
      `  ${statement.resources.notResource ? 'every resource except' : 'resources'}: ${statement.resources.values.join(', ')}`
    )
    lines.push(
      `  conditions: ${statement.conditions.length === 0 ? 'none' : statement.conditions.map(renderCondition).join('; ')}`
    )
  }
  return lines.join('\n')
}

/** A compact table for the job summary. */
export function renderExplanationMarkdown(explanation: readonly StatementExplanation[]): string {
  const rows = explanation.map(statement => {
    const actions = `${statement.actions.notAction ? 'all except ' : ''}${statement.actions.written.map(code).join(', ')}<br>= ${escapeCell(summariseActions(statement))}`
    const resources = `${statement.resources.notResource ? 'all except ' : ''}${statement.resources.values.map(code).join(', ')}`
    const conditions =
      statement.conditions.length === 0
        ? '—'
        : statement.conditions.map(c => code(renderCondition(c))).join('<br>')
    return `| ${statement.index + 1}${statement.sid ? ` ${escapeCell(statement.sid)}` : ''} | ${statement.effect} | ${actions} | ${resources} | ${conditions} |`
  })
  return [
    '| Statement | Effect | Actions | Resources | Conditions |',
    '|---|---|---|---|---|',
    ...rows
  ].join('\n')
}

/** "3 actions: s3:GetObject, …", or per service when long: "1,204 actions in 3 services: ec2 (all 760), …". */
export function summariseActions(statement: StatementExplanation): string {
  const { count, byService } = statement.actions
  if (count === 0) return 'no known action'
  const noun = count === 1 ? 'action' : 'actions'
  if (count <= LIST_ALL_UP_TO) {
    return `${count} ${noun}: ${byService.flatMap(s => s.actions).join(', ')}`
  }
  const services = [...byService].sort(
    (a, b) => b.count - a.count || (a.service < b.service ? -1 : 1)
  )
  const shown = services.slice(0, SERVICES_SHOWN).map(s => {
    if (s.all) return `${s.service} (all ${s.count})`
    if (s.count <= ACTIONS_PER_SERVICE_SHOWN) return s.actions.join(', ')
    return `${s.service} (${s.count})`
  })
  const hidden = services.slice(SERVICES_SHOWN)
  const more =
    hidden.length > 0
      ? `, and ${hidden.length} more services (${hidden.reduce((n, s) => n + s.count, 0).toLocaleString('en-US')} actions)`
      : ''
  const serviceNoun = byService.length === 1 ? 'service' : 'services'
  return `${count.toLocaleString('en-US')} ${noun} in ${byService.length} ${serviceNoun}: ${shown.join(', ')}${more}`
}

function renderCondition(condition: ConditionEntry): string {
  const values = condition.values.map(v => JSON.stringify(v)).join(', ')
  return `${condition.operator} ${condition.key} ${condition.values.length > 1 ? `in [${values}]` : `= ${values}`}`
}

function code(text: string): string {
  return `\`${escapeCell(text).replace(/`/g, "'")}\``
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')
}
