import { renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadIamCatalogue, policyDataLoaders } from '../policy/data.js'
import { loadOperationMap } from '../record/operations.js'
import { startRecorder } from '../record/recorder.js'
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
  const recorder = await startRecorder({
    env,
    map: loadOperationMap(),
    catalogue: loadIamCatalogue(),
    awsOverride: testUpstream(env)
  })
  terminal.info(
    `recording through ${recorder.proxyUrl} and client-side monitoring on 127.0.0.1:${recorder.childEnv.AWS_CSM_PORT}`
  )
  const childEnv: Record<string, string> = {}
  for (const [name, value] of Object.entries(env)) if (value !== undefined) childEnv[name] = value
  let status: number
  try {
    status = await runCommand(args.rest!, { ...childEnv, ...recorder.childEnv }, terminal)
  } finally {
    await recorder.stop()
  }
  const { recording } = recorder
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

/** A recorder serving later steps ends by itself after this, should nobody stop it. */
const MAX_SERVE_MS = 24 * 60 * 60 * 1000

/**
 * `record --serve DIR`: the action's recorder, started detached by the main step. Writes the
 * environment later processes need to DIR/env.json, records until SIGTERM (the post step) or
 * a day has passed, then writes DIR/report.json, DIR/summary.md and DIR/policy.json (each
 * renamed into place whole, so a reader never sees half a file).
 */
export async function serveRecording(
  args: ParsedArgs,
  env: Record<string, string | undefined>
): Promise<number> {
  const dir = args.values.get('serve') as string
  const recorder = await startRecorder({
    env,
    map: loadOperationMap(),
    catalogue: loadIamCatalogue(),
    awsOverride: testUpstream(env)
  })
  const stopped = new Promise<void>(resolve => {
    const timer = setTimeout(resolve, MAX_SERVE_MS)
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
      process.once(signal, () => {
        clearTimeout(timer)
        resolve()
      })
    }
  })
  writeWhole(join(dir, 'env.json'), JSON.stringify(recorder.childEnv))
  await stopped
  await recorder.stop()
  const { recording } = recorder
  let report
  try {
    report = buildReport(recording.calls(), policyDataLoaders, TERMINAL_WORDING, recording.overflow)
  } catch (error) {
    writeWhole(join(dir, 'summary.md'), `No policy proposed: ${(error as Error).message}\n`)
    return 1
  }
  if (report.policy.document !== undefined) {
    writeWhole(join(dir, 'policy.json'), `${JSON.stringify(report.policy.document, null, 2)}\n`)
  }
  writeWhole(join(dir, 'summary.md'), reportSummary(report))
  writeWhole(join(dir, 'report.json'), reportJson(report))
  return 0
}

function writeWhole(path: string, text: string): void {
  writeFileSync(`${path}.part`, text, { mode: 0o600 })
  renameSync(`${path}.part`, path)
}

/**
 * For the project's own tests: AWS hosts answered by loopback fakes. Only a loopback address
 * is accepted, so the variable can never send a recorded request anywhere else.
 */
export const TEST_UPSTREAM_VARIABLE = 'SCOPED_ROLE_RECORD_TEST_UPSTREAM'

function testUpstream(
  env: Record<string, string | undefined>
): { host: string; port: number } | undefined {
  const value = env[TEST_UPSTREAM_VARIABLE]
  if (value === undefined || value === '') return undefined
  const match = /^http:\/\/127\.0\.0\.1:(\d{1,5})\/?$/.exec(value)
  if (match === null) {
    throw new UsageError(
      `${TEST_UPSTREAM_VARIABLE} must be http://127.0.0.1:PORT (it is for tests); unset it.`,
      'record'
    )
  }
  return { host: '127.0.0.1', port: Number(match[1]) }
}
