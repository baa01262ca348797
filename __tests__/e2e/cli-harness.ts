/**
 * Runs the `scoped-role` executable (package.json's `bin`: the launcher dist/cli.cjs, which
 * answers from the credential cache or loads dist/cli.js) as a person or a script would: a
 * fresh `node` process with its own HOME, cache and config directories, source keys in the
 * environment and STS pointed at the local endpoint. Every run's output is scanned for every secret the
 * endpoint knows or issued: stderr may never hold one.
 */
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { DEFAULT_USER, type LocalSts } from '../../local-sts/server.js'
import { ROOT } from './harness.js'

export const CLI = join(
  ROOT,
  (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> })
    .bin['scoped-role']
)
const GUARD = pathToFileURL(join(ROOT, '__tests__/support/loopback-guard.mjs')).href

export interface CliRun {
  status: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

export interface CliOptions {
  env?: Record<string, string | undefined>
  cwd?: string
  input?: string
  /** Called with the child once it runs, e.g. to send it a signal. */
  started?: (child: import('node:child_process').ChildProcess) => void
}

export class Terminal {
  readonly home = mkdtempSync(join(tmpdir(), 'scoped-role-cli-'))

  constructor(private readonly sts: LocalSts) {
    mkdirSync(join(this.home, 'work'), { recursive: true })
  }

  /** The environment of a shell with the source user's keys and nothing else from this machine. */
  env(extra: Record<string, string | undefined> = {}): Record<string, string> {
    const env: Record<string, string | undefined> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: this.home,
      USER: 'octocat',
      NODE_OPTIONS: `--import=${GUARD}`,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SHARED_CREDENTIALS_FILE: join(this.home, 'no-aws', 'credentials'),
      AWS_CONFIG_FILE: join(this.home, 'no-aws', 'config'),
      AWS_ENDPOINT_URL_STS: this.sts.url,
      AWS_ACCESS_KEY_ID: DEFAULT_USER.accessKeyId,
      AWS_SECRET_ACCESS_KEY: DEFAULT_USER.secretAccessKey,
      XDG_CACHE_HOME: join(this.home, 'cache'),
      XDG_CONFIG_HOME: join(this.home, 'config'),
      ...extra
    }
    return Object.fromEntries(
      Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined)
    )
  }

  async run(args: readonly string[], options: CliOptions = {}): Promise<CliRun> {
    const result = await spawnCli([CLI, ...args], {
      ...options,
      cwd: options.cwd ?? join(this.home, 'work'),
      env: this.env(options.env)
    })
    this.assertNoLeaks(result.stderr)
    return result
  }

  secrets(): string[] {
    return [
      DEFAULT_USER.secretAccessKey,
      ...this.sts.issued.flatMap(issued => [issued.secretAccessKey, issued.sessionToken])
    ]
  }

  assertNoLeaks(stderr: string): void {
    const leaked = this.secrets().filter(secret => stderr.includes(secret))
    if (leaked.length > 0) throw new Error(`stderr shows ${leaked.length} secret(s):\n${stderr}`)
  }
}

export function spawnCli(
  argv: readonly string[],
  options: CliOptions & { env: Record<string, string>; cwd: string; command?: string }
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(options.command ?? process.execPath, argv, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['pipe', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', chunk => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', chunk => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }))
    child.stdin.end(options.input ?? '')
    options.started?.(child)
  })
}
