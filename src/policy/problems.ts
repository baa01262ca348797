import { InputError } from '../shared/errors.js'
import { type PolicyProblem, statementLabel } from './grammar.js'

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

function describeProblem(problem: PolicyProblem): string {
  const where =
    problem.statementIndex === undefined
      ? ''
      : `${statementLabel(problem.statementIndex, problem.sid)} `
  return `${where}${problem.message}`
}
