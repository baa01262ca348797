/**
 * Runs the bundled action the way the runner does: a `node` process per step with INPUT_*
 * variables (action.yml defaults applied), the file commands GITHUB_ENV / GITHUB_OUTPUT /
 * GITHUB_STATE / GITHUB_STEP_SUMMARY, and STATE_* for the post step. Every run's whole log is
 * scanned for every secret the local endpoint knows or issued.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { ROOT, readActionYml, runStep, type StepRun } from '../../local-sts/runner.js'
import { startLocalGitHubOidc, type LocalGitHubOidc } from '../../local-sts/github-oidc.js'
import {
  DEFAULT_USER,
  startLocalSts,
  type LocalSts,
  type LocalStsRole,
  type LocalStsUser
} from '../../local-sts/server.js'
import { collectMutantCoverage, mutationEnv, mutationPreload } from '../support/mutation.js'

export { ROOT }
export const actionYml = readActionYml()
const GUARD = pathToFileURL(join(ROOT, '__tests__/support/loopback-guard.mjs')).href

export interface StepResult extends StepRun {
  /** Lines the runner would print as errors (`::error …::message`). */
  errors: string[]
  warnings: string[]
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
  /**
   * `users`: long-term keys the endpoint knows besides DEFAULT_USER; `secrets`: more values to
   * scan every log for (e.g. the OIDC tokens issued so far).
   */
  constructor(
    private readonly sts: LocalSts,
    private readonly extra: { users?: LocalStsUser[]; secrets?: () => string[] } = {}
  ) {}

  /** Writes a file into the job's workspace (GITHUB_WORKSPACE) and returns its relative path. */
  writeWorkspaceFile(name: string, text: string): string {
    writeFileSync(join(this.dir, name), text)
    return name
  }

  /** Runs one step of the bundled action and returns what the runner would have seen. */
  async run(options: StepOptions = {}): Promise<StepResult> {
    const coverageFile = join(this.dir, `mutant-coverage-${++this.step}.json`)
    const env: Record<string, string | undefined> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: this.dir,
      NODE_OPTIONS: `--import=${GUARD}${mutationPreload()}`,
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
      ...((options.debug ?? true) ? { RUNNER_DEBUG: '1' } : {}),
      ...mutationEnv(coverageFile),
      ...options.env
    }
    const run = await runStep({
      dir: this.dir,
      step: options.step,
      inputs: options.inputs,
      state: options.state,
      env
    })
    collectMutantCoverage(coverageFile)
    const result: StepResult = {
      ...run,
      errors: commandLines(run.stdout, 'error'),
      warnings: commandLines(run.stdout, 'warning')
    }
    assertNoLeaks(result, [
      ...this.knownSecrets(),
      ...(this.extra.secrets?.() ?? []),
      ...(options.secrets ?? []),
      ...secretInputs(options.inputs ?? {})
    ])
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
    for (const user of [DEFAULT_USER, ...(this.extra.users ?? [])])
      secrets.push(user.accessKeyId, user.secretAccessKey)
    for (const issued of this.sts.issued) {
      secrets.push(issued.accessKeyId, issued.secretAccessKey, issued.sessionToken)
    }
    return secrets
  }
}

/** Every secret-like input: each may show only on its own ::add-mask:: line, or nowhere. */
export function secretInputs(inputs: Record<string, string>): string[] {
  const secrets = [
    'aws-access-key-id',
    'aws-secret-access-key',
    'aws-session-token',
    'mfa-token-code',
    'role-external-id'
  ].map(name => inputs[name] ?? '')
  const proxy = inputs['http-proxy']
  if (proxy) {
    try {
      const password = new URL(proxy.includes('://') ? proxy : `http://${proxy}`).password
      secrets.push(password)
      try {
        secrets.push(decodeURIComponent(password))
      } catch {
        // Not valid percent-encoding: the action refuses it, and the written form is scanned.
      }
    } catch {
      // Not a URL: scanned as a whole.
      secrets.push(proxy)
    }
  }
  return secrets.filter(secret => secret !== '')
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

const CREDENTIAL_OUTPUTS = new Set([
  'aws-access-key-id',
  'aws-secret-access-key',
  'aws-session-token'
])

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
        leaks.push(
          `stdout line ${index + 1} shows a secret${maskLine === -1 || maskLine > index ? ' that was never masked before it' : ''}: ${line.slice(0, 80)}`
        )
      }
    })
    if (result.stderr.includes(secret)) leaks.push(`stderr shows a secret`)
    if (result.summary.includes(secret)) leaks.push(`the job summary shows a secret`)
    for (const [name, value] of Object.entries(result.outputs)) {
      // output-credentials puts the (masked) credentials there on purpose; nothing else may.
      if (value.includes(secret) && !CREDENTIAL_OUTPUTS.has(name)) {
        leaks.push(`output ${name} holds a secret`)
      }
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

/** A local GitHub ID-token endpoint, an STS endpoint that trusts it, and the job's OIDC variables. */
export async function startOidcAndSts(roles?: LocalStsRole[]): Promise<{
  oidc: LocalGitHubOidc
  sts: LocalSts
  oidcEnv: Record<string, string>
  close(): Promise<void>
}> {
  const oidc = await startLocalGitHubOidc()
  const sts = await startLocalSts({
    identityProviders: [oidc.provider('sts.amazonaws.com')],
    roles
  })
  return {
    oidc,
    sts,
    oidcEnv: {
      ACTIONS_ID_TOKEN_REQUEST_URL: oidc.requestUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: oidc.requestToken
    },
    close: async () => {
      await sts.close()
      await oidc.close()
    }
  }
}

/** Lines of stdout that mention `value` before its `::add-mask::` line (all of them if it is never masked). */
export function mentionsBeforeMask(stdout: string, value: string): string[] {
  const lines = stdout.split('\n')
  const masked = lines.indexOf(`::add-mask::${value}`)
  return lines.filter((line, index) => line.includes(value) && (masked === -1 || index < masked))
}

/**
 * What is wrong with how `secret` was masked: its `::add-mask::` line must exist (a secret never
 * printed passes the leak scan without one) and come before the first line containing
 * `boundary`, the point from which the step could show it (a request logged, an error), and
 * before any mention of it. Empty when it was masked in time.
 */
export function maskProblems(stdout: string, secret: string, boundary: string): string[] {
  const lines = stdout.split('\n')
  // The command escapes its data as every workflow command does; the runner reads it back.
  const escaped = secret.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
  const masked = lines.indexOf(`::add-mask::${escaped}`)
  const from = lines.findIndex(line => line.includes(boundary))
  const shown = secret.length > 12 ? `${secret.slice(0, 6)}…` : secret
  const problems: string[] = []
  if (masked === -1) problems.push(`${shown} is never masked`)
  if (from === -1) problems.push(`no line contains '${boundary}'`)
  else if (masked > from) problems.push(`${shown} is masked after '${boundary}'`)
  for (const line of lines.filter((line, index) => line.includes(secret) && index < masked))
    problems.push(`mentioned before its mask: ${line.slice(0, 60)}`)
  return problems
}
