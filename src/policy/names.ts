import { partitionOf } from '../aws/arn.js'
import type { FrontWording } from '../shared/front.js'
import { hasWildcard, type IamCatalogue } from './catalogue.js'
import { type PolicyProblem, splitArn, type StatementElement } from './grammar.js'

/**
 * The names a well-formed policy uses, checked against what exists: every action against the
 * IAM catalogue (STS accepts a misspelt action, which then grants nothing), every literal
 * resource ARN against the session's partition.
 */
export function checkNames(
  elements: readonly StatementElement[],
  partition: string,
  catalogue: () => IamCatalogue,
  wording: Pick<FrontWording, 'newerRelease'>
): PolicyProblem[] {
  return elements.flatMap(element =>
    element.key === 'Action' || element.key === 'NotAction'
      ? checkActionsExist(element, catalogue(), wording)
      : checkResourcePartition(element, partition)
  )
}

function checkActionsExist(
  element: StatementElement,
  catalogue: IamCatalogue,
  wording: Pick<FrontWording, 'newerRelease'>
): PolicyProblem[] {
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
      fix: `${didYouMean}If AWS added it after that catalogue, ${wording.newerRelease}.`
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
