// `npm run bench`: how much a step of this action costs a job, measured on the committed bundle.
// The main step runs as the runner runs it (a fresh `node dist/index.js` with INPUT_* variables
// and file commands) against the local STS endpoint, side by side with a bare `node -e ""`, so
// the figures say what the action adds over the node start-up every step pays anyway.
//
//   npm run bench [-- --runs N] [--warmup N] [--delay-ms MS] [--json]
import { spawn } from 'node:child_process'
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs'
import os from 'node:os'
import { join, relative } from 'node:path'
import { performance } from 'node:perf_hooks'
import { ROOT, inputVariable, parseFileCommand, readActionYml } from '../local-sts/runner.js'
import { startLocalGitHubOidc } from '../local-sts/github-oidc.js'
import { DEFAULT_USER, startLocalSts } from '../local-sts/server.js'

const USAGE = 'usage: npm run bench -- [--runs N] [--warmup N] [--delay-ms MS (0: none)] [--json]'

function parseArgs(argv) {
  const options = { runs: 20, warmup: 3, delayMs: 50, json: false }
  const numeric = { '--runs': 'runs', '--warmup': 'warmup', '--delay-ms': 'delayMs' }
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2)
    if (flag === '--json') options.json = true
    else if (flag === '--help' || flag === '-h') {
      console.log(USAGE)
      process.exit(0)
    } else if (flag in numeric) {
      const value = inline ?? argv[++i]
      if (value === undefined || !/^\d+$/.test(value)) usageError(`${flag} needs a whole number`)
      options[numeric[flag]] = Number(value)
    } else usageError(`unknown argument ${argv[i]}`)
  }
  if (options.runs < 1) usageError('--runs must be at least 1')
  return options
}

function usageError(message) {
  process.stderr.write(`${message}\n${USAGE}\n`)
  process.exit(2)
}

const options = parseArgs(process.argv.slice(2))
const action = readActionYml()
const MAIN = join(ROOT, action.runs.main)
const DIST = join(ROOT, 'dist')

const ROLE = 'arn:aws:iam::111122223333:role/deploy'
const PLAIN_INPUTS = {
  'role-to-assume': ROLE,
  'aws-region': 'us-east-1',
  'aws-access-key-id': DEFAULT_USER.accessKeyId,
  'aws-secret-access-key': DEFAULT_USER.secretAccessKey
}
const POLICY_INPUTS = {
  ...PLAIN_INPUTS,
  // Pretty-printed on purpose: a real workflow's YAML block is, and minifying it is part of a run.
  'inline-session-policy': JSON.stringify(
    {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::release-artifacts/*' }
      ]
    },
    null,
    2
  ),
  'managed-session-policies': 'ReadOnlyAccess'
}

// The `scoped-role` executable as npm installs it: package.json's `bin`.
const CLI = join(
  ROOT,
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).bin['scoped-role']
)
// The command line with the same role and policies, its source keys in the environment as a
// terminal would have them; its cache in the bench's own directory.
const CLI_SESSION = [
  '--role',
  ROLE,
  '--region',
  'us-east-1',
  '--policy',
  POLICY_INPUTS['inline-session-policy'],
  '--managed',
  'ReadOnlyAccess'
]
const CLI_ENV = {
  AWS_ACCESS_KEY_ID: DEFAULT_USER.accessKeyId,
  AWS_SECRET_ACCESS_KEY: DEFAULT_USER.secretAccessKey
}

const KINDS = [
  { id: 'bare', label: 'bare node -e ""', args: ['-e', ''] },
  { id: 'plain', label: 'action, no session policy', args: [MAIN], inputs: PLAIN_INPUTS },
  { id: 'policy', label: 'action, inline + ReadOnlyAccess', args: [MAIN], inputs: POLICY_INPUTS },
  {
    id: 'cliExec',
    label: 'scoped-role exec -- true, same policy',
    args: [CLI, 'exec', ...CLI_SESSION, '--', 'true'],
    env: CLI_ENV,
    sts: true
  },
  {
    id: 'cliCached',
    label: 'scoped-role credential-process, cached',
    args: [CLI, 'credential-process', ...CLI_SESSION],
    env: CLI_ENV,
    sts: true
  },
  {
    // The profile refresh: true writes, as a later step's SDK runs it; args are filled in once
    // the action has written it (see fillRefreshProfile).
    id: 'refreshCached',
    label: 'refresh: true profile, cached',
    args: [],
    sts: true
  }
]
/** The targets: what the command line may cost, against what. */
const BUDGETS = [
  { id: 'cliCached', of: 'bare', ratio: 1.6 },
  { id: 'refreshCached', of: 'bare', ratio: 1.6 },
  { id: 'cliExec', of: 'policy', ratio: 1 }
]
// The same two runs with every STS answer held back, in the same rounds as the rest, so the
// difference to the undelayed runs is paired rather than taken across two stretches of time.
const DELAYED_KINDS = KINDS.filter(kind => kind.inputs).map(kind => ({
  ...kind,
  id: `${kind.id}Delayed`,
  of: kind.id,
  delayMs: options.delayMs
}))
const ALL_KINDS = options.delayMs > 0 ? [...KINDS, ...DELAYED_KINDS] : KINDS

for (const file of [MAIN, CLI]) {
  if (!existsSync(file)) {
    process.stderr.write(`${relative(ROOT, file)} is missing: build it with npm run package.\n`)
    process.exit(1)
  }
}

const dir = mkdtempSync(join(os.tmpdir(), 'scoped-role-bench-'))

// Peak RSS: getrusage's ru_maxrss, read by a preload in the measured process at its 'exit'
// event, when nothing the run needed is still to be allocated. The same `--require` file goes
// into every process, bare node included, so whatever it costs (one tiny CommonJS file, about a
// millisecond and a few hundred KiB) is paid equally. CommonJS and `--require`, not `--import`:
// an ESM preload would start the ESM loader in the bare process too, which `node -e ""` never
// does on its own, and so hide part of what the action's ESM bundle costs. Polling /proc's
// VmHWM from here instead would miss a peak between polls and race the process's exit.
const PRELOAD = join(dir, 'peak-rss.cjs')
writeFileSync(
  PRELOAD,
  `'use strict'
process.on('exit', () => {
  require('node:fs').writeFileSync(process.env.BENCH_PEAK_RSS_FILE, String(process.resourceUsage().maxRSS))
})
`
)

/**
 * The environment the runner gives a step (file commands, every input with action.yml's
 * defaults) plus the preload. The parent's NODE_OPTIONS is left out on purpose: a loader from
 * the calling shell would run in the measured processes and skew them unevenly.
 */
function stepEnv(sts, run, inputs, extra = {}) {
  const files = {}
  for (const name of [
    'GITHUB_ENV',
    'GITHUB_OUTPUT',
    'GITHUB_STATE',
    'GITHUB_STEP_SUMMARY',
    'GITHUB_PATH'
  ]) {
    files[name] = join(dir, `${name.toLowerCase()}-${run}`)
    writeFileSync(files[name], '')
  }
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dir,
    NODE_OPTIONS: `--require=${PRELOAD}`,
    BENCH_PEAK_RSS_FILE: join(dir, `rss-${run}`),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-aws', 'credentials'),
    AWS_CONFIG_FILE: join(dir, 'no-aws', 'config'),
    AWS_ENDPOINT_URL_STS: sts.url,
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: dir,
    GITHUB_REPOSITORY: 'octo-org/octo-repo',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_ACTOR: 'octocat',
    RUNNER_TEMP: dir,
    XDG_CACHE_HOME: join(dir, 'cache'),
    ...extra,
    ...files
  }
  for (const [name, spec] of Object.entries(action.inputs)) {
    env[inputVariable(name)] = inputs[name] ?? spec.default ?? ''
  }
  return env
}

let runCounter = 0

/** One process, timed from spawn to the close of its pipes, as the runner waits for it. */
async function runOnce(sts, kind) {
  runCounter += 1
  // Bare node gets the action's environment too, so the two differ only in what they run.
  const env = stepEnv(sts, runCounter, kind.inputs ?? POLICY_INPUTS, kind.env)
  sts.setDelay(kind.delayMs ?? 0)
  const requestsBefore = sts.requests.length
  const started = performance.now()
  const { exitCode, stdout, stderr } = await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, kind.args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.setEncoding('utf8').on('data', chunk => (out += chunk))
    child.stderr.setEncoding('utf8').on('data', chunk => (err += chunk))
    child.on('error', reject)
    child.on('close', code => resolve({ exitCode: code, stdout: out, stderr: err }))
  })
  const wallMs = performance.now() - started
  sts.setDelay(0)
  const outputs = parseFileCommand(readFileSync(env.GITHUB_OUTPUT, 'utf8'))
  // A failing run would be measuring the error path: stop rather than report it.
  if (kind.fails ? exitCode !== 1 : exitCode !== 0 || (kind.inputs && !outputs.arn)) {
    throw new Error(
      `${kind.label} failed (exit ${exitCode}):\n${stdout.slice(-2000)}\n${stderr.slice(-2000)}`
    )
  }
  return {
    wallMs,
    peakRssKiB: Number(readFileSync(env.BENCH_PEAK_RSS_FILE, 'utf8')),
    stsRequests: sts.requests.length - requestsBefore
  }
}

// Steps that must fail within a bound: how far past it each one ends, from spawn to exit. The
// tests only check these against generous limits (a busy runner must not fail them); the
// figures are here.
const BOUNDS = [
  {
    id: 'deadline',
    label: 'STS hangs; action-timeout-s: 2',
    boundMs: 2000,
    fault: { hang: true },
    inputs: { ...PLAIN_INPUTS, 'action-timeout-s': '2' }
  },
  {
    id: 'budget',
    label: 'STS answers 500; retry-max-seconds: 2',
    boundMs: 2000,
    fault: { status: 500 },
    inputs: { ...PLAIN_INPUTS, 'retry-max-attempts': '20', 'retry-max-seconds': '2' }
  },
  {
    id: 'requestTimeout',
    label: 'STS hangs; 2 attempts of request-timeout-seconds: 1',
    boundMs: 2000,
    fault: { hang: true },
    inputs: {
      ...PLAIN_INPUTS,
      'retry-max-attempts': '2',
      'retry-max-seconds': '25',
      'request-timeout-seconds': '1'
    }
  }
]
const BOUND_RUNS = 3

async function measureBounds(sts) {
  const results = {}
  for (const bound of BOUNDS) {
    const overshoot = []
    for (let run = 0; run < BOUND_RUNS; run++) {
      sts.reset()
      sts.injectFault(bound.fault, 50)
      const sample = await runOnce(sts, { ...bound, args: [MAIN], fails: true })
      overshoot.push(sample.wallMs - bound.boundMs)
    }
    sts.reset()
    results[bound.id] = {
      overshootMs: { median: percentile(overshoot, 50), max: Math.max(...overshoot) }
    }
  }
  return results
}

/**
 * Every kind once per round, the order rotating, so noise and drift fall on all kinds alike;
 * samples[kind][i] all come from round i, which lets a difference be taken within a round.
 */
async function loop(sts, kinds, rounds, warmup) {
  const samples = Object.fromEntries(kinds.map(kind => [kind.id, []]))
  for (let round = 0; round < warmup + rounds; round++) {
    for (let k = 0; k < kinds.length; k++) {
      const kind = kinds[(round + k) % kinds.length]
      const sample = await runOnce(sts, kind)
      if (round >= warmup) samples[kind.id].push(sample)
    }
  }
  return samples
}

/** Nearest-rank percentile, so every reported figure is one that was actually measured. */
function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]
}

function summarize(samples) {
  const wall = samples.map(s => s.wallMs)
  const rss = samples.map(s => s.peakRssKiB)
  const requests = samples.map(s => s.stsRequests)
  return {
    wallMs: { median: percentile(wall, 50), p90: percentile(wall, 90), min: Math.min(...wall) },
    peakRssKiB: { median: percentile(rss, 50), max: Math.max(...rss) },
    stsRequestsPerRun: { min: Math.min(...requests), max: Math.max(...requests) },
    samples
  }
}

function distFiles() {
  const files = []
  const walk = folder => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name)
      if (entry.isDirectory()) walk(path)
      else files.push({ path: relative(ROOT, path), bytes: statSync(path).size })
    }
  }
  walk(DIST)
  files.sort((a, b) => a.path.localeCompare(b.path))
  for (const file of files) file.kind = fileKind(file.path)
  const totals = { js: 0, data: 0, licenses: 0, json: 0, all: 0 }
  for (const file of files) {
    totals[file.kind] += file.bytes
    totals.all += file.bytes
  }
  return { files, totals }
}

// The same split as __tests__/budgets.test.ts: what loads as code, what the code reads as data,
// and what only ships for the license terms.
function fileKind(path) {
  if (/\.[cm]?js$/.test(path)) return 'js'
  if (path.endsWith('.json')) return 'json'
  if (/(^|\/)licenses\.txt$/.test(path)) return 'licenses'
  return 'data'
}

function machine() {
  const cpus = os.cpus()
  return {
    node: process.version,
    v8: process.versions.v8,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    availableParallelism: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    loadAverage: os.loadavg().map(n => Math.round(n * 100) / 100)
  }
}

const oidc = await startLocalGitHubOidc()
const sts = await startLocalSts({ identityProviders: [oidc.provider('sts.amazonaws.com')] })

/**
 * Runs the main step with refresh: true (GitHub OIDC, the same policies) and points the
 * refreshCached kind at the credential_process of the profile it wrote, whose cache the main
 * step has filled.
 */
async function fillRefreshProfile() {
  const kind = KINDS.find(k => k.id === 'refreshCached')
  const oidcEnv = {
    ACTIONS_ID_TOKEN_REQUEST_URL: oidc.requestUrl,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: oidc.requestToken
  }
  const inputs = { ...POLICY_INPUTS, refresh: 'true', 'aws-profile': 'bench' }
  delete inputs['aws-access-key-id']
  delete inputs['aws-secret-access-key']
  await runOnce(sts, {
    id: 'fillRefresh',
    label: 'action, refresh: true',
    args: [MAIN],
    inputs,
    env: oidcEnv
  })
  const config = readFileSync(join(dir, 'no-aws', 'config'), 'utf8')
  const line = /^credential_process = (.*)$/m.exec(config)?.[1]
  if (line === undefined) throw new Error('the refresh: true run wrote no credential_process')
  // POSIX quoting as written (single quotes only around paths that need them).
  const argv = [...line.matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)].map(m =>
    m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : m[2]
  )
  kind.args = argv.slice(1)
  kind.env = oidcEnv
}

let report
try {
  const started = performance.now()
  // The cached kinds measure the cache's answer: fill them first.
  await runOnce(sts, { ...KINDS.find(kind => kind.id === 'cliCached'), id: 'fill' })
  await fillRefreshProfile()
  const samples = await loop(sts, ALL_KINDS, options.runs, options.warmup)

  const results = Object.fromEntries(KINDS.map(kind => [kind.id, summarize(samples[kind.id])]))
  const bare = results.bare
  for (const result of Object.values(results)) {
    result.ratioToBare = {
      wall: result.wallMs.median / bare.wallMs.median,
      peakRss: result.peakRssKiB.median / bare.peakRssKiB.median
    }
  }
  const delayed = {}
  for (const kind of ALL_KINDS.filter(k => k.delayMs)) {
    const result = summarize(samples[kind.id])
    const undelayed = samples[kind.of]
    result.addedMs = percentile(
      samples[kind.id].map((sample, round) => sample.wallMs - undelayed[round].wallMs),
      50
    )
    result.injectedMs = kind.delayMs * result.stsRequestsPerRun.max
    delayed[kind.of] = result
  }
  const budgets = BUDGETS.map(budget => {
    const ratio = results[budget.id].wallMs.median / results[budget.of].wallMs.median
    return { ...budget, measured: ratio, within: ratio <= budget.ratio }
  })
  const bounds = await measureBounds(sts)
  report = {
    machine: machine(),
    budgets,
    options: { runs: options.runs, warmup: options.warmup, delayMs: options.delayMs },
    results,
    delayed,
    bounds,
    dist: distFiles(),
    benchSeconds: Math.round((performance.now() - started) / 100) / 10
  }
} finally {
  await sts.close()
  await oidc.close()
  rmSync(dir, { recursive: true, force: true })
}

if (options.json) {
  console.log(JSON.stringify(report, null, 2))
} else {
  printReport(report)
}

function printReport(r) {
  const ms = n => n.toFixed(1)
  const mib = kib => (kib / 1024).toFixed(1)
  const ratio = n => `${n.toFixed(2)}×`
  const bytes = n => n.toLocaleString('en-US')
  const requests = ({ min, max }) => (min === max ? String(min) : `${min}–${max}`)
  const m = r.machine

  console.log(
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}; Node ${m.node} (V8 ${m.v8}); load ${m.loadAverage.join(' ')}`
  )
  console.log(
    `${r.options.runs} interleaved rounds after ${r.options.warmup} warm-up rounds; wall time from spawn to exit.\n`
  )
  table(
    ['process', 'median ms', 'p90 ms', 'min ms', '× bare', 'peak RSS MiB', '× bare', 'STS req/run'],
    KINDS.map(kind => {
      const x = r.results[kind.id]
      return [
        kind.label,
        ms(x.wallMs.median),
        ms(x.wallMs.p90),
        ms(x.wallMs.min),
        ratio(x.ratioToBare.wall),
        mib(x.peakRssKiB.median),
        ratio(x.ratioToBare.peakRss),
        kind.inputs || kind.sts ? requests(x.stsRequestsPerRun) : '-'
      ]
    })
  )

  console.log('\nTargets (median wall time):\n')
  table(
    ['process', 'against', 'measured', 'target', 'verdict'],
    r.budgets.map(b => [
      KINDS.find(kind => kind.id === b.id).label,
      KINDS.find(kind => kind.id === b.of).label,
      ratio(b.measured),
      `≤ ${ratio(b.ratio)}`,
      b.within ? 'within' : 'OVER'
    ])
  )

  const delayedIds = Object.keys(r.delayed)
  if (delayedIds.length > 0) {
    console.log(
      `\nThe same runs, in the same rounds, with every STS answer held back ${r.options.delayMs} ms` +
        ' (added: median of the differences within a round):\n'
    )
    table(
      ['process', 'median ms', 'p90 ms', 'added ms', 'held back ms', 'STS req/run'],
      delayedIds.map(id => {
        const x = r.delayed[id]
        return [
          KINDS.find(kind => kind.id === id).label,
          ms(x.wallMs.median),
          ms(x.wallMs.p90),
          ms(x.addedMs),
          `${x.injectedMs}`,
          requests(x.stsRequestsPerRun)
        ]
      })
    )
  }

  console.log(
    `\nSteps that fail at a bound, ${BOUND_RUNS} runs each: how long past the bound the process ends (node start included):\n`
  )
  table(
    ['failing step', 'bound ms', 'past it, median ms', 'max ms'],
    BOUNDS.map(bound => {
      const x = r.bounds[bound.id].overshootMs
      return [bound.label, String(bound.boundMs), ms(x.median), ms(x.max)]
    })
  )

  console.log('\ndist/ (bytes):\n')
  table(
    ['file', 'bytes', 'kind'],
    [
      ...r.dist.files.map(f => [f.path, bytes(f.bytes), f.kind]),
      ['all JavaScript', bytes(r.dist.totals.js), ''],
      ['data files', bytes(r.dist.totals.data), ''],
      ['licenses', bytes(r.dist.totals.licenses), ''],
      ['everything', bytes(r.dist.totals.all), '']
    ]
  )
  console.log(`\nBench took ${r.benchSeconds} s.`)
}

function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map(row => row[i].length)))
  // Text columns left, figures right, as a reader scans them.
  const cell = (text, i) =>
    i === 0 || header[i] === 'kind' ? text.padEnd(widths[i]) : text.padStart(widths[i])
  const line = cells => console.log(cells.join('  ').trimEnd())
  line(header.map(cell))
  line(widths.map(w => '-'.repeat(w)))
  for (const row of rows) line(row.map(cell))
}
