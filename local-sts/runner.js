// Runs one step of the bundled action the way the GitHub runner does: a `node` process with
// INPUT_* variables (action.yml defaults applied), the file commands GITHUB_ENV / GITHUB_OUTPUT /
// GITHUB_STATE / GITHUB_STEP_SUMMARY, and STATE_* for a post step. Shared by the end-to-end tests
// and `npm run demo`, so both exercise the action exactly as a workflow would.
import { spawn } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

export const ROOT = fileURLToPath(new URL('..', import.meta.url))

/**
 * @typedef {{ inputs: Record<string, { default?: string, required?: boolean, description: string }>,
 *   outputs: Record<string, { description: string }>,
 *   runs: { using: string, main: string, post: string } }} ActionYml
 * What one step left behind: exit code, both streams, the variables exported through GITHUB_ENV
 * (last value wins), outputs, state and job summary.
 * @typedef {Awaited<ReturnType<typeof runStep>>} StepRun
 */

/** @returns {ActionYml} */
export function readActionYml() {
  return parse(readFileSync(join(ROOT, 'action.yml'), 'utf8'))
}

/** The runner's name for an input's variable: upper-cased, spaces to underscores, hyphens kept. */
export function inputVariable(/** @type {string} */ name) {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
}

let stepCounter = 0

/**
 * `dir`: where the file-command files are created; `env`: the whole process environment besides
 * INPUT_*, STATE_* and the file commands (undefined removes a variable).
 * @param {{ dir: string, step?: 'main' | 'post', inputs?: Record<string, string>,
 *   state?: Record<string, string>, env: Record<string, string | undefined> }} options
 */
export async function runStep(options) {
  const action = readActionYml()
  stepCounter += 1
  const id = `${process.pid}-${stepCounter}`
  const files = {
    GITHUB_ENV: join(options.dir, `env-${id}`),
    GITHUB_OUTPUT: join(options.dir, `output-${id}`),
    GITHUB_STATE: join(options.dir, `state-${id}`),
    GITHUB_STEP_SUMMARY: join(options.dir, `summary-${id}`),
    GITHUB_PATH: join(options.dir, `path-${id}`)
  }
  for (const file of Object.values(files)) writeFileSync(file, '')

  /** @type {Record<string, string>} */
  const env = { ...files }
  // The runner starts the action with Node 24 (runs.using: node24). Run here on an older Node,
  // the AWS SDK warns about its own future Node support on every step: noise, not the action's.
  if (Number(process.versions.node.split('.')[0]) < 22) {
    env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'
  }
  for (const [name, spec] of Object.entries(action.inputs)) {
    env[inputVariable(name)] = options.inputs?.[name] ?? spec.default ?? ''
  }
  // Undeclared (misspelt) inputs reach the action too: the runner only warns about them.
  for (const [name, value] of Object.entries(options.inputs ?? {})) env[inputVariable(name)] = value
  for (const [name, value] of Object.entries(options.state ?? {})) env[`STATE_${name}`] = value
  for (const [name, value] of Object.entries(options.env)) {
    if (value === undefined) delete env[name]
    else env[name] = value
  }

  const script = join(ROOT, options.step === 'post' ? action.runs.post : action.runs.main)
  const started = Date.now()
  const { exitCode, stdout, stderr } = await runNode(script, env)
  return {
    exitCode,
    stdout,
    stderr,
    env: parseFileCommand(readFileSync(files.GITHUB_ENV, 'utf8')),
    outputs: parseFileCommand(readFileSync(files.GITHUB_OUTPUT, 'utf8')),
    state: parseFileCommand(readFileSync(files.GITHUB_STATE, 'utf8')),
    summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
    durationMs: Date.now() - started
  }
}

/** @returns {Promise<{ exitCode: number | null, stdout: string, stderr: string }>} */
function runNode(/** @type {string} */ script, /** @type {Record<string, string>} */ env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', chunk => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', chunk => (stderr += chunk))
    child.on('error', reject)
    child.on('close', exitCode => resolve({ exitCode, stdout, stderr }))
  })
}

/** Reads `name=value` and `name<<DELIMITER … DELIMITER` entries, as the runner does. */
export function parseFileCommand(/** @type {string} */ text) {
  /** @type {Record<string, string>} */
  const values = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[i])
    if (heredoc !== null) {
      const [, name, delimiter] = heredoc
      const body = []
      for (i += 1; i < lines.length && lines[i] !== delimiter; i++) body.push(lines[i])
      values[name] = body.join('\n')
    } else if (lines[i].includes('=')) {
      const line = lines[i]
      values[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1)
    }
  }
  return values
}

/** What the runner shows of a log: `::add-mask::` values replaced by `***`, mask and debug lines hidden. */
export function maskLog(/** @type {string} */ log) {
  const secrets = [...log.matchAll(/^::add-mask::(.+)$/gm)].map(m => m[1])
  secrets.sort((a, b) => b.length - a.length)
  return log
    .split('\n')
    .filter(line => !line.startsWith('::add-mask::') && !line.startsWith('::debug::'))
    .map(line => secrets.reduce((text, secret) => text.split(secret).join('***'), line))
    .join('\n')
}
