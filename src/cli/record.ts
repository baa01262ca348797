import { writeFileSync } from 'node:fs'
import { loadIamCatalogue, policyDataLoaders } from '../policy/data.js'
import { Recording } from '../record/calls.js'
import { listenForMonitoring } from '../record/monitor.js'
import { loadOperationMap } from '../record/operations.js'
import { buildReport, reportJson, reportSummary } from '../record/report.js'
import { runCommand } from './exec.js'
import { RECORD_FORMATS, UsageError, type ParsedArgs } from './options.js'
import { type Terminal, writeAll } from './terminal.js'
import { TERMINAL_WORDING } from './wording.js'

/**
 * `scoped-role record -- COMMAND`: runs the command with the credentials it would have anyway,
 * listening for the AWS calls it makes, then prints the session policy they need and a report
 * of each call. Exits with the command's status; a command that fails still gets its report,
 * since what it called before failing is what the step needs.
 */
export async function runRecord(
  args: ParsedArgs,
  env: Record<string, string | undefined>,
  terminal: Terminal
): Promise<number> {
  const format = (args.values.get('format') as string | undefined) ?? 'summary'
  if (!(RECORD_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(
      `--format '${format}' is not a format; write one of ${RECORD_FORMATS.join(', ')}.`,
      'record'
    )
  }
  const out = args.values.get('out') as string | undefined
  const map = loadOperationMap()
  const recording = new Recording(map, loadIamCatalogue())
  const monitor = await listenForMonitoring(recording, map)
  terminal.info(`listening for client-side monitoring on 127.0.0.1:${monitor.env.AWS_CSM_PORT}`)
  const childEnv: Record<string, string> = {}
  for (const [name, value] of Object.entries(env)) if (value !== undefined) childEnv[name] = value
  let status: number
  try {
    status = await runCommand(args.rest!, { ...childEnv, ...monitor.env }, terminal)
  } finally {
    await monitor.stop()
  }
  const report = buildReport(
    recording.calls(),
    policyDataLoaders,
    TERMINAL_WORDING,
    recording.overflow
  )
  if (out !== undefined && report.policy.document !== undefined) {
    writeFileSync(out, `${JSON.stringify(report.policy.document, null, 2)}\n`)
  }
  await writeAll(process.stdout, format === 'json' ? reportJson(report) : reportSummary(report))
  return status
}
