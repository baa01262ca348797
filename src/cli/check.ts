import { isRegion, partitionOf } from '../aws/arn.js'
import { loadIamCatalogue, loadManagedPolicyIndex, policyDataLoaders } from '../policy/data.js'
import { ForbiddenActionsError, parseForbidActions } from '../policy/forbid-actions.js'
import { statementLabel } from '../policy/grammar.js'
import { resolveManagedPolicies } from '../policy/managed-policies.js'
import { PolicyCheckError } from '../policy/problems.js'
import { buildSessionPolicy } from '../policy/session-policy.js'
import { MAX_POLICY_FILE_BYTES } from '../settings/policy-file.js'
import { FileRefused, readBoundedTextFile } from '../shared/bounded-file.js'
import { InputError } from '../shared/errors.js'
import { lineAndColumn, statementSpans } from './json-position.js'
import { CHECK_FORMATS, UsageError, withFlagNames, type ParsedArgs } from './options.js'
import { writeAll } from './terminal.js'
import { TERMINAL_WORDING } from './wording.js'

export interface Finding {
  file: string
  line: number
  column: number
  severity: 'error' | 'warning'
  message: string
}

const INPUT = 'inline-session-policy-file'

/**
 * `scoped-role check`: the policy guard of the action, offline, on policy files. Exit status 0
 * when no file has an error (warnings are shown), 1 when one has, 2 for a usage error.
 */
export async function runCheck(args: ParsedArgs): Promise<number> {
  const format = (args.values.get('format') as string | undefined) ?? 'text'
  if (!(CHECK_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(
      `--format '${format}' is not a format; write one of ${CHECK_FORMATS.join(', ')}.`,
      'check'
    )
  }
  if (args.rest !== undefined) args.positional.push(...args.rest)
  if (args.positional.length === 0) {
    throw new UsageError(
      'name at least one policy file, e.g. scoped-role check policies/*.json.',
      'check'
    )
  }
  const region = args.values.get('region') as string | undefined
  if (region !== undefined && !isRegion(region)) {
    throw new UsageError(
      `--region '${region}' is not a region name; write e.g. us-east-1.`,
      'check'
    )
  }
  const partition = region === undefined ? 'aws' : partitionOf(region)
  const managed = (args.values.get('managed') as string[] | undefined) ?? []
  const forbid = ((args.values.get('forbid') as string[] | undefined) ?? []).join('\n')
  // The options are checked once, before any file: a bad pattern is a usage error, not a finding.
  try {
    parseForbidActions(forbid, loadIamCatalogue)
    resolveManagedPolicies(managed, partition, loadManagedPolicyIndex)
  } catch (error) {
    if (error instanceof InputError) throw new UsageError(withFlagNames(error.message), 'check')
    throw error
  }
  const findings: Finding[] = []
  for (const file of args.positional) {
    let text: string
    try {
      // A hook passes whatever the commit holds: a FIFO or a link to a device must not hang it.
      text = readBoundedTextFile(file, { maxBytes: MAX_POLICY_FILE_BYTES }).text
    } catch (error) {
      const reason =
        error instanceof FileRefused
          ? error.reason
          : ((error as NodeJS.ErrnoException).code ?? String(error))
      throw new UsageError(`cannot read '${file}' (${reason}).`, 'check')
    }
    findings.push(
      ...checkFile(file, text, {
        managed,
        forbid,
        partition
      })
    )
  }
  await writeAll(process.stdout, render(findings, format))
  return findings.some(finding => finding.severity === 'error') ? 1 : 0
}

export function checkFile(
  file: string,
  text: string,
  options: { managed: string[]; forbid: string; partition: string }
): Finding[] {
  const at = (offset: number, severity: Finding['severity'], message: string): Finding => ({
    file,
    ...lineAndColumn(text, offset),
    severity,
    message
  })
  const spans = (): ReturnType<typeof statementSpans> => {
    try {
      return statementSpans(text)
    } catch {
      return []
    }
  }
  /** The statement's start, or the first mention of a quoted value inside it. */
  const locate = (statementIndex: number | undefined, message: string): number => {
    const span = statementIndex === undefined ? undefined : spans()[statementIndex]
    if (span === undefined) return 0
    for (const quoted of message.match(/"(?:[^"\\]|\\.)*"/g) ?? []) {
      const found = text.slice(span.start, span.end).indexOf(quoted)
      if (found !== -1) return span.start + found
    }
    return span.start
  }
  try {
    const policy = buildSessionPolicy(
      {
        inline: { text, input: INPUT },
        managed: options.managed,
        partition: options.partition,
        forbidActions: options.forbid,
        // Every checked file is an inline policy, so there is always a session policy.
        requireSessionPolicy: false
      },
      policyDataLoaders,
      TERMINAL_WORDING
    )
    return policy.warnings.map(warning => {
      const message = withoutInput(warning)
      const statement = /\bstatement (\d+)\b/.exec(message)
      return at(
        locate(statement ? Number(statement[1]) - 1 : undefined, message),
        'warning',
        message
      )
    })
  } catch (error) {
    if (error instanceof PolicyCheckError) {
      return error.problems.map(problem => {
        const where =
          problem.statementIndex === undefined
            ? ''
            : `${statementLabel(problem.statementIndex, problem.sid)} `
        const message = `${where}${problem.message} ${problem.fix}`
        return at(locate(problem.statementIndex, problem.message), 'error', withFlagNames(message))
      })
    }
    if (error instanceof ForbiddenActionsError) {
      return error.grants.map(grant => {
        const inline = grant.input === INPUT
        const message =
          `${inline ? '' : `managed policy ${grant.policy} `}${statementLabel(grant.statementIndex, grant.sid)} allows ` +
          `${grant.examples.join(', ')}${grant.actions.length > grant.examples.length ? ` and ${grant.actions.length - grant.examples.length} more` : ''}` +
          ` (forbidden by ${grant.patterns.join(', ')}). Narrow its Action, or add an unconditional Deny of them on "*".`
        return at(
          inline ? locate(grant.statementIndex, grant.examples.map(a => `"${a}"`).join(' ')) : 0,
          'error',
          message
        )
      })
    }
    if (error instanceof InputError) {
      const message = withoutInput(error.message)
      const position = /at line (\d+), column (\d+)/.exec(message)
      const located = position
        ? { line: Number(position[1]), column: Number(position[2]) }
        : lineAndColumn(text, 0)
      return [{ file, ...located, severity: 'error', message: withFlagNames(message) }]
    }
    throw error
  }
}

/** The file:line:col says which file; the input's name would only repeat it. */
function withoutInput(message: string): string {
  return message.startsWith(`${INPUT}: `) ? message.slice(INPUT.length + 2) : message
}

export function render(findings: readonly Finding[], format: string): string {
  if (format === 'json') return `${JSON.stringify(findings, null, 2)}\n`
  if (format === 'github') {
    return findings
      .map(f => {
        const property = (value: string): string =>
          value
            .replace(/%/g, '%25')
            .replace(/\r/g, '%0D')
            .replace(/\n/g, '%0A')
            .replace(/:/g, '%3A')
            .replace(/,/g, '%2C')
        const data = f.message.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
        return `::${f.severity} file=${property(f.file)},line=${f.line},col=${f.column},title=${property('scoped-role check')}::${data}\n`
      })
      .join('')
  }
  return findings
    .map(f => `${f.file}:${f.line}:${f.column}: ${f.severity}: ${f.message.replace(/\n/g, ' ')}\n`)
    .join('')
}
