import * as core from '@actions/core'
import { spawn } from 'node:child_process'
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, isAbsolute, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const RECORDING = 'recording'
const FOLDER_PREFIX = 'scoped-role-record-'
/** Where the proposed policy is left for the job's later steps and artifacts. */
export const RECORDED_POLICY_FILE = 'scoped-role-recorded-policy.json'
const START_MS = 15_000
const STOP_MS = 30_000

interface RecordingState {
  pid: number
  dir: string
  variables: string[]
}

/**
 * record: true, in the main step: starts the recorder (this bundle's command line, `record
 * --serve`) as a detached loopback process and exports the environment that points later steps
 * at it. The recorder outlives this step and is stopped by the post step.
 */
export async function startRecording(): Promise<void> {
  const dir = mkdtempSync(join(process.env.RUNNER_TEMP || tmpdir(), FOLDER_PREFIX))
  const cli = join(dirname(fileURLToPath(import.meta.url)), 'cli.js')
  const child = spawn(process.execPath, [cli, 'record', '--serve', dir], {
    detached: true,
    stdio: 'ignore',
    env: process.env
  })
  child.unref()
  let failed: Error | undefined
  child.on('error', error => (failed = error))
  const envFile = join(dir, 'env.json')
  const started = Date.now()
  while (!existsSync(envFile)) {
    if (failed || child.exitCode !== null || Date.now() - started > START_MS) {
      child.kill()
      rmSync(dir, { recursive: true, force: true })
      throw new Error(failed?.message ?? 'it did not get ready')
    }
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  const variables = JSON.parse(readFileSync(envFile, 'utf8')) as Record<string, string>
  core.saveState(
    RECORDING,
    JSON.stringify({ pid: child.pid, dir, variables: Object.keys(variables) } as RecordingState)
  )
  for (const [name, value] of Object.entries(variables)) core.exportVariable(name, value)
  core.info(
    `Recording the AWS calls of the later steps through ${variables.HTTPS_PROXY}; the post step writes the policy they need into the job summary.`
  )
}

/**
 * record: true, in the post step: stops the recorder, puts the proposed policy and the report
 * into the job summary and RUNNER_TEMP/scoped-role-recorded-policy.json, and blanks the variables
 * the main step exported for it. Bounded: a recorder that does not finish in time is killed.
 */
export async function stopRecording(): Promise<void> {
  const saved = core.getState(RECORDING)
  if (saved === '') return
  const state = JSON.parse(saved) as RecordingState
  if (!isAbsolute(state.dir) || !basename(state.dir).startsWith(FOLDER_PREFIX)) return
  for (const name of state.variables) core.exportVariable(name, '')
  try {
    process.kill(state.pid, 'SIGTERM')
  } catch {
    // Gone already (the runner may end orphans first): there is nothing to report then.
  }
  const summaryFile = join(state.dir, 'summary.md')
  const started = Date.now()
  while (!existsSync(summaryFile) && Date.now() - started < STOP_MS) {
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  if (!existsSync(summaryFile)) {
    try {
      process.kill(state.pid, 'SIGKILL')
    } catch {
      // Already ended.
    }
    core.warning('The recorder did not report in time; no policy was proposed.')
    rmSync(state.dir, { recursive: true, force: true })
    return
  }
  const summary = readReport(summaryFile)
  const policyFile = join(state.dir, 'policy.json')
  let kept: string | undefined
  if (existsSync(policyFile)) {
    kept = join(process.env.RUNNER_TEMP || tmpdir(), RECORDED_POLICY_FILE)
    copyFileSync(policyFile, kept)
  }
  rmSync(state.dir, { recursive: true, force: true })
  core.info(summary)
  if (kept !== undefined) core.info(`The proposed policy is in ${kept}.`)
  await core.summary
    .addHeading('Recorded AWS calls', 2)
    .addRaw(
      'The session policy the recorded steps need (paste it into <code>inline-session-policy</code>), then the calls and what a recording cannot see:\n\n',
      true
    )
    .addCodeBlock(escapeHtml(summary), 'text')
    .write()
}

/**
 * A job summary takes at most 1 MiB per step, and the recorded names come from the commands the
 * later steps ran: read a bounded prefix and say where it was cut.
 */
const MAX_REPORT_BYTES = 512 * 1024

function readReport(file: string): string {
  const buffer = Buffer.alloc(MAX_REPORT_BYTES + 1)
  const descriptor = openSync(file, 'r')
  let length: number
  try {
    length = readSync(descriptor, buffer, 0, buffer.length, 0)
  } finally {
    closeSync(descriptor)
  }
  const text = buffer.subarray(0, Math.min(length, MAX_REPORT_BYTES)).toString('utf8')
  return length > MAX_REPORT_BYTES ? `${text}\n… (cut at ${MAX_REPORT_BYTES} bytes)\n` : text
}

/** addCodeBlock wraps the text in HTML as it is: a recorded resource name may hold `<`. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>]/g, char => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[char]!)
}
