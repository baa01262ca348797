/**
 * Runs the bundled action the way the runner does: a `node` process per step with INPUT_*
 * variables (action.yml defaults applied), the file commands GITHUB_ENV / GITHUB_OUTPUT /
 * GITHUB_STATE / GITHUB_STEP_SUMMARY, and STATE_* for the post step. Every run's whole log is
 * scanned for every secret the local endpoint knows or issued.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parse } from 'yaml'
import { DEFAULT_USER, type LocalSts, type LocalStsUser } from '../../local-sts/server.js'

export const ROOT = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../..')
const GUARD = pathToFileURL(join(ROOT, '__tests__/support/loopback-guard.mjs')).href

interface ActionYml {
  inputs: Record<string, { default?: string; required?: boolean; description: string }>
  outputs: Record<string, { description: string }>
  runs: { using: string; main: string; post: string }
}
export const actionYml = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as ActionYml

export interface StepResult {
  exitCode: number | null
  stdout: string
  stderr: string
  /** Variables exported through GITHUB_ENV, last value wins. */
  env: Record<string, string>
  outputs: Record<string, string>
  state: Record<string, string>
  summary: string
  /** Lines the runner would print as errors (`::error …::message`). */
  errors: string[]
  warnings: string[]
  durationMs: number
}

export interface StepOptions {
  inputs?: Record<string, string>
  /** Extra environment, e.g. ambient AWS_* credentials or an earlier step's exports. */
  env?: Record<string, string | undefined>
  /** Main step unless `post`; the post step gets STATE_* from `state`. */
  step?: 'main' | 'post'
  state?: Record<string, string>
  /** Secrets beyond the ones the endpoint knows (e.g. an OIDC token) to scan the log for. */
  secrets?: string[]
  debug?: boolean
}

export class Job {
  readonly dir = mkdtempSync(join(tmpdir(), 'scoped-role-e2e-'))
  private step = 0

  /** `users`: the long-term keys the endpoint knows besides DEFAULT_USER, scanned for too. */
  constructor(
    private readonly sts: LocalSts,
    private readonly users: LocalStsUser[] = []
  ) {}

  /** Writes a file into the job's workspace (GITHUB_WORKSPACE) and returns its relative path. */
  writeWorkspaceFile(name: string, text: string): string {
    writeFileSync(join(this.dir, name), text)
    return name
  }

  /** Runs one step of the bundled action and returns what the runner would have seen. */
  async run(options: StepOptions = {}): Promise<StepResult> {
    this.step += 1
    const files = {
      GITHUB_ENV: join(this.dir, `env-${this.step}`),
      GITHUB_OUTPUT: join(this.dir, `output-${this.step}`),
      GITHUB_STATE: join(this.dir, `state-${this.step}`),
      GITHUB_STEP_SUMMARY: join(this.dir, `summary-${this.step}`),
      GITHUB_PATH: join(this.dir, `path-${this.step}`)
    }
    for (const file of Object.values(files)) writeFileSync(file, '')

    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: this.dir,
      NODE_OPTIONS: `--import=${GUARD}`,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SHARED_CREDENTIALS_FILE: join(this.dir, 'no-aws', 'credentials'),
      AWS_CONFIG_FILE: join(this.dir, 'no-aws', 'config'),
      AWS_ENDPOINT_URL_STS: this.sts.url,
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: this.dir,
      GITHUB_REPOSITORY: 'octo-org/octo-repo',
      GITHUB_RUN_ID: '4242',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_ACTOR: 'dependabot[bot]',
      RUNNER_TEMP: this.dir,
      ...files
    }
    if (options.debug ?? true) env.RUNNER_DEBUG = '1'
    for (const [name, spec] of Object.entries(actionYml.inputs)) {
      const value = options.inputs?.[name] ?? spec.default ?? ''
      env[inputVariable(name)] = value
    }
    for (const [name, value] of Object.entries(options.inputs ?? {})) {
      env[inputVariable(name)] = value // also undeclared (misspelt) inputs, as the runner passes them
    }
    for (const [name, value] of Object.entries(options.state ?? {})) env[`STATE_${name}`] = value
    for (const [name, value] of Object.entries(options.env ?? {})) {
      if (value === undefined) delete env[name]
      else env[name] = value
    }

    const script = join(ROOT, options.step === 'post' ? actionYml.runs.post : actionYml.runs.main)
    const started = Date.now()
    const { exitCode, stdout, stderr } = await runNode(script, env)
    const result: StepResult = {
      exitCode,
      stdout,
      stderr,
      env: parseFileCommand(readFileSync(files.GITHUB_ENV, 'utf8')),
      outputs: parseFileCommand(readFileSync(files.GITHUB_OUTPUT, 'utf8')),
      state: parseFileCommand(readFileSync(files.GITHUB_STATE, 'utf8')),
      summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
      errors: commandLines(stdout, 'error'),
      warnings: commandLines(stdout, 'warning'),
      durationMs: Date.now() - started
    }
    assertNoLeaks(result, [...this.knownSecrets(), ...(options.secrets ?? [])])
    return result
  }

  /** Main step, then the post step with the state the main step saved, as the runner chains them. */
  async runWithPost(options: StepOptions = {}): Promise<{ main: StepResult; post: StepResult }> {
    const main = await this.run(options)
    const post = await this.run({ ...options, step: 'post', state: main.state })
    return { main, post }
  }

  private knownSecrets(): string[] {
    const secrets: string[] = []
    for (const user of [DEFAULT_USER, ...this.users]) secrets.push(user.accessKeyId, user.secretAccessKey)
    for (const issued of this.sts.issued) {
      secrets.push(issued.accessKeyId, issued.secretAccessKey, issued.sessionToken)
    }
    return secrets
  }
}

export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
}

function runNode(
  script: string,
  env: Record<string, string>
): Promise<{ exitCode: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [script], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', chunk => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', chunk => (stderr += chunk))
    child.on('error', reject)
    child.on('close', exitCode => resolvePromise({ exitCode, stdout, stderr }))
  })
}

/** Reads `name=value` and `name<<DELIMITER … DELIMITER` entries, as the runner does. */
export function parseFileCommand(text: string): Record<string, string> {
  const values: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line)
    if (heredoc !== null) {
      const [, name, delimiter] = heredoc
      const body: string[] = []
      for (i += 1; i < lines.length && lines[i] !== delimiter; i++) body.push(lines[i])
      values[name] = body.join('\n')
    } else if (line.includes('=')) {
      values[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1)
    }
  }
  return values
}

function commandLines(stdout: string, command: string): string[] {
  return stdout
    .split('\n')
    .filter(line => line.startsWith(`::${command}`))
    .map(line => unescapeData(line.slice(line.indexOf('::', 2) + 2)))
}

function unescapeData(value: string): string {
  return value.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
}

/**
 * A secret may appear only on its own `::add-mask::` line, and that line must come before any
 * other mention; stderr, the job summary and the outputs must never hold one.
 */
export function findLeaks(result: StepResult, secrets: string[]): string[] {
  const leaks: string[] = []
  const stdoutLines = result.stdout.split('\n')
  for (const secret of new Set(secrets.filter(s => s.length >= 4))) {
    const maskLine = stdoutLines.findIndex(line => line === `::add-mask::${secret}`)
    stdoutLines.forEach((line, index) => {
      if (line.includes(secret) && line !== `::add-mask::${secret}`) {
        leaks.push(`stdout line ${index + 1} shows a secret${maskLine === -1 || maskLine > index ? ' that was never masked before it' : ''}: ${line.slice(0, 80)}`)
      }
    })
    if (result.stderr.includes(secret)) leaks.push(`stderr shows a secret`)
    if (result.summary.includes(secret)) leaks.push(`the job summary shows a secret`)
    for (const [name, value] of Object.entries(result.outputs)) {
      if (value.includes(secret)) leaks.push(`output ${name} holds a secret`)
    }
    for (const [name, value] of Object.entries(result.state)) {
      if (value.includes(secret)) leaks.push(`state ${name} holds a secret`)
    }
  }
  return leaks
}

function assertNoLeaks(result: StepResult, secrets: string[]): void {
  const leaks = findLeaks(result, secrets)
  if (leaks.length > 0) throw new Error(`secret leak in the step's log:\n${leaks.join('\n')}`)
}
