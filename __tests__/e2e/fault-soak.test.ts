/**
 * Fault soak: 200 runs of the bundled action against local endpoints that fail a random 30% of
 * requests transiently. Every run must either export working credentials or fail with one
 * classified error inside its budget, exporting nothing; the harness scans every log for leaks.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import { DEFAULT_USER, startLocalSts, type Fault, type LocalSts } from '../../local-sts/server.js'
import { note } from '../support/quiet.js'
import { Job, type StepResult } from './harness.js'
import { underMutation } from '../support/mutation.js'

// Fixed so a failing soak can be replayed run by run; change it to explore other sequences.
const SEED = 0x5eed5eed
const RUNS = 200
// Two cores: four action processes keep them busy while others wait on the endpoint or a backoff.
const LANES = 4
const FAULT_RATE = 0.3
const MAX_ATTEMPTS = 4
const BUDGET_MS = 5000
// Spawning node and loading the bundle is outside the action's budget, and four lanes share two
// cores with whatever else the machine runs: generous, so only a run stuck past its budget fails.
// How long a step takes is measured by `npm run bench`, not here.
const START_MARGIN_MS = 15_000

const ROLE = 'arn:aws:iam::111122223333:role/deploy'
const POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::soak-bucket/*' }]
})
const INPUTS = {
  'role-to-assume': ROLE,
  'aws-region': 'us-east-1',
  'aws-access-key-id': DEFAULT_USER.accessKeyId,
  'aws-secret-access-key': DEFAULT_USER.secretAccessKey,
  'inline-session-policy': POLICY,
  'retry-max-attempts': String(MAX_ATTEMPTS),
  'retry-max-seconds': String(BUDGET_MS / 1000),
  'request-timeout-seconds': '2'
}
const CREDENTIAL_VARIABLES = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']
const OUTPUTS = ['aws-account-id', 'arn', 'user-id', 'expiration']
// What src/aws/sts-errors.ts adds to a transient failure; anything else means it was misclassified.
const TRANSIENT_GUIDANCE = ['did not answer successfully', 'This is usually passing']

const TRANSIENT_FAULTS: Fault[] = [
  { status: 500 },
  { status: 503 },
  { status: 400, code: 'Throttling', message: 'Rate exceeded' },
  { drop: true },
  { malformed: true }
]
const PASS: Fault = { delayMs: 0 }

function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * Drawn for all runs up front, in run order, so which run meets which faults does not depend on
 * how the lanes happen to interleave.
 */
function planRuns(): Fault[][] {
  const random = mulberry32(SEED)
  return Array.from({ length: RUNS }, () =>
    Array.from({ length: MAX_ATTEMPTS }, () =>
      random() < FAULT_RATE
        ? TRANSIENT_FAULTS[Math.floor(random() * TRANSIENT_FAULTS.length)]
        : PASS
    )
  )
}

interface RunRecord {
  index: number
  plan: Fault[]
  result: StepResult
  requests: number
  /** Consumed slots that were faults: what the endpoint actually failed. */
  faultsServed: number
  problems: string[]
}

// One endpoint per lane: the fault queue is consumed per request, so a shared endpoint would hand
// one run's faults to whichever run asked next.
let lanes: LocalSts[] = []
beforeAll(async () => {
  lanes = await Promise.all(
    Array.from({ length: LANES }, () =>
      startLocalSts({ roles: [{ arn: ROLE, maxSessionDuration: 7200 }] })
    )
  )
})
afterAll(async () => {
  await Promise.all(lanes.map(sts => sts.close()))
})

function check(record: Omit<RunRecord, 'problems'>, sts: LocalSts): string[] {
  const { result, plan, requests } = record
  const problems: string[] = []
  const want = (ok: boolean, what: string): void => {
    if (!ok) problems.push(what)
  }
  const firstPass = plan.indexOf(PASS)
  const retryLines = result.stdout.split('\n').filter(line => line.startsWith('Attempt '))

  want(
    result.durationMs < BUDGET_MS + START_MARGIN_MS,
    `took ${result.durationMs} ms, over the ${BUDGET_MS} ms budget plus ${START_MARGIN_MS} ms`
  )
  want(requests <= MAX_ATTEMPTS, `sent ${requests} requests, more than ${MAX_ATTEMPTS}`)
  want(
    sts.requests.every(r => r.action === 'AssumeRole' && r.params.Policy === POLICY),
    `sent something other than AssumeRole with the session policy`
  )

  if (result.exitCode === 0) {
    want(result.errors.length === 0, `succeeded with errors: ${result.errors.join(' | ')}`)
    const issued = sts.issued[sts.issued.length - 1]
    want(
      result.env.AWS_ACCESS_KEY_ID === issued?.accessKeyId &&
        result.env.AWS_SECRET_ACCESS_KEY === issued?.secretAccessKey &&
        result.env.AWS_SESSION_TOKEN === issued?.sessionToken,
      `exported ${CREDENTIAL_VARIABLES.filter(n => n in result.env).join(', ') || 'nothing'}, not the credentials just issued`
    )
    want(
      OUTPUTS.every(name => (result.outputs[name] ?? '') !== ''),
      `outputs missing: ${OUTPUTS.filter(name => !result.outputs[name]).join(', ')}`
    )
    want(
      retryLines.length === requests - 1,
      `${retryLines.length} retry lines for ${requests} requests`
    )
    want(
      firstPass !== -1 && requests === firstPass + 1,
      `succeeded after ${requests} requests, but the first passing slot was ${firstPass + 1}`
    )
  } else {
    want(result.exitCode === 1, `exit code ${result.exitCode}`)
    want(
      Object.keys(result.env).length === 0,
      `failed but exported ${Object.keys(result.env).join(', ')}`
    )
    want(
      Object.keys(result.outputs).length === 0,
      `failed but set outputs ${Object.keys(result.outputs).join(', ')}`
    )
    want(result.errors.length === 1, `${result.errors.length} errors: ${result.errors.join(' | ')}`)
    const error = result.errors[0] ?? ''
    want(
      TRANSIENT_GUIDANCE.some(phrase => error.includes(phrase)),
      `unclassified error: ${error}`
    )
    // Only a run whose every slot was a fault may fail: the queue covers all its attempts.
    want(
      firstPass === -1 && requests === MAX_ATTEMPTS,
      `failed after ${requests} requests though slot ${firstPass + 1} would have passed: ${error}`
    )
  }
  return problems
}

// The soak is the longest suite: a line every quarter keeps the log from going silent.
let finished = 0
function progress(): void {
  finished += 1
  if (finished % (RUNS / 4) === 0 && finished < RUNS) note(`fault soak: ${finished}/${RUNS} runs`)
}

async function runLane(lane: number, plans: Fault[][], next: () => number | undefined) {
  const sts = lanes[lane]
  const job = new Job(sts)
  const records: RunRecord[] = []
  for (let index = next(); index !== undefined; index = next()) {
    const plan = plans[index]
    sts.reset()
    for (const fault of plan) sts.injectFault(fault)
    const result = await job.run({ inputs: INPUTS })
    const requests = sts.requests.length
    const faultsServed = plan.slice(0, requests).filter(fault => fault !== PASS).length
    const record = { index, plan, result, requests, faultsServed }
    records.push({ ...record, problems: check(record, sts) })
    progress()
  }
  return records
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}

function describeFault(fault: Fault): string {
  if ('status' in fault) return fault.code ? `${fault.status} ${fault.code}` : `${fault.status}`
  if ('drop' in fault) return 'drop'
  if ('malformed' in fault) return 'malformed'
  return 'pass'
}

// Not under `npm run mutate`: 200 runs in four racing lanes take minutes a mutant, and which run
// meets which fault depends on timing, so a kill could not be replayed. Each fault class it draws
// from has its own deterministic test (resilience.test.ts, hostile-sts.test.ts).
;(underMutation ? it.skip : it)(
  'every run under 30% transient faults either exports credentials or fails cleanly in budget',
  async () => {
    const plans = planRuns()
    let cursor = 0
    const next = () => (cursor < RUNS ? cursor++ : undefined)
    const started = Date.now()
    const records = (
      await Promise.all(Array.from({ length: LANES }, (_, lane) => runLane(lane, plans, next)))
    )
      .flat()
      .sort((a, b) => a.index - b.index)
    const wallMs = Date.now() - started

    const successes = records.filter(r => r.result.exitCode === 0)
    const failures = records.filter(r => r.result.exitCode !== 0)
    const attempts: Record<number, number> = {}
    for (const r of records) attempts[r.requests] = (attempts[r.requests] ?? 0) + 1
    const durations = records.map(r => r.result.durationMs).sort((a, b) => a - b)
    const totalRequests = records.reduce((n, r) => n + r.requests, 0)
    const faultsServed = records.reduce((n, r) => n + r.faultsServed, 0)
    const faultKinds: Record<string, number> = {}
    for (const r of records) {
      for (const fault of r.plan.slice(0, r.requests)) {
        if (fault !== PASS)
          faultKinds[describeFault(fault)] = (faultKinds[describeFault(fault)] ?? 0) + 1
      }
    }
    const classified = failures.filter(r =>
      TRANSIENT_GUIDANCE.some(phrase => r.result.errors[0]?.includes(phrase))
    )

    note(
      [
        `fault soak, seed 0x${SEED.toString(16)}: ${RUNS} runs in ${LANES} lanes, ${(wallMs / 1000).toFixed(1)} s`,
        `  successes ${successes.length}, failures ${failures.length} (classified ${classified.length})`,
        `  attempts per run: ${JSON.stringify(attempts)}`,
        `  duration ms: median ${percentile(durations, 50)}, p95 ${percentile(durations, 95)}, max ${durations[durations.length - 1]}`,
        `  requests ${totalRequests}, faults served ${faultsServed} (${((100 * faultsServed) / totalRequests).toFixed(1)}%): ${JSON.stringify(faultKinds)}`,
        ...failures.map(
          r =>
            `  run ${r.index} failed (${r.plan.map(describeFault).join(', ')}): ${r.result.errors[0] ?? r.result.stderr.slice(0, 200)}`
        )
      ].join('\n')
    )

    expect(records).toHaveLength(RUNS)
    expect(
      records
        .filter(r => r.problems.length > 0)
        .map(r => ({
          run: r.index,
          plan: r.plan.map(describeFault),
          problems: r.problems,
          stderr: r.result.stderr.slice(0, 500)
        }))
    ).toEqual([])
    expect(successes.length + classified.length).toBe(RUNS)
  },
  240_000
)
