// `npm run bench:adversarial`: the worst case of the policy check on patterns written to be slow
// (star and question-mark runs, many patterns, NotAction, forbid-actions over every service),
// each within STS's limits (2048 characters minified). Each runs the committed bundle in
// mode: check, as a pull-request workflow would, against a plain policy as the baseline; the
// figure is the slowest run and what it adds to the baseline.
//
//   npm run bench:adversarial [-- --runs N]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { ROOT, runStep } from '../local-sts/runner.js'

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 5
const policy = (...statements) => JSON.stringify({ Version: '2012-10-17', Statement: statements })

/** As many patterns as fit in 2048 characters minified. */
function fill(makePattern, key = 'Action') {
  const patterns = []
  for (let i = 0; ; i++) {
    const next = [...patterns, makePattern(i)]
    if (policy({ Effect: 'Allow', [key]: next, Resource: '*' }).length > 2048) break
    patterns.push(makePattern(i))
  }
  return patterns
}

// Patterns that still match real actions, so every stage of the check runs (names, explain,
// forbid-actions): the longest action names, spread out with stars and question marks.
const longest = gunzipSync(readFileSync(join(ROOT, 'src/policy/data/iam-actions.txt.gz')))
  .toString('utf8')
  .split('\n')
  .filter(line => !line.startsWith('#') && line.includes(':'))
  .flatMap(line => line.slice(line.indexOf(':') + 1).split(','))
  .sort((a, b) => b.length - a.length)
  .slice(0, 200)
const starry = i => `*:*${longest[i].slice(0, 62).split('').join('*')}*`.slice(0, 128)
const questions = i =>
  `*:${[...longest[i]].map((c, j) => (j % 2 ? '?' : c)).join('')}*`.replace(/^(.{127}).*$/, '$1*')
const alternating = i =>
  `*:*${[...longest[i + 50].slice(0, 40)].map((c, j) => (j % 4 === 3 ? '?' : c)).join('*')}*`.slice(
    0,
    128
  )
const everyVerb = i =>
  `*:*${'aeiourst'[i % 8]}*${'aeiourst'[(i * 3) % 8]}*${'aeiourst'[(i * 5) % 8]}*`

const CASES = [
  {
    id: 'baseline',
    inputs: {
      'inline-session-policy': policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' })
    }
  },
  {
    id: 'star-runs',
    inputs: {
      'inline-session-policy': policy({
        Effect: 'Allow',
        Action: [`s3:${'*'.repeat(1000)}Object`],
        Resource: '*'
      })
    }
  },
  {
    id: 'star-question',
    inputs: {
      'inline-session-policy': policy({ Effect: 'Allow', Action: fill(starry), Resource: '*' })
    }
  },
  {
    id: 'questions',
    inputs: {
      'inline-session-policy': policy({ Effect: 'Allow', Action: fill(questions), Resource: '*' })
    }
  },
  {
    id: 'not-action',
    inputs: {
      'inline-session-policy': policy({
        Effect: 'Allow',
        NotAction: fill(alternating, 'NotAction'),
        Resource: '*'
      })
    }
  },
  {
    id: 'forbid-100',
    inputs: {
      'inline-session-policy': policy({
        Effect: 'Allow',
        Action: fill(alternating),
        Resource: '*'
      }),
      'forbid-actions': Array.from({ length: 100 }, (_, i) => everyVerb(i)).join('\n')
    }
  }
]

const dir = mkdtempSync(join(os.tmpdir(), 'scoped-role-bench-'))
const env = {
  PATH: process.env.PATH,
  HOME: dir,
  GITHUB_WORKSPACE: dir,
  RUNNER_TEMP: dir,
  AWS_EC2_METADATA_DISABLED: 'true'
}
const results = []
const note = {}
try {
  for (const { id, inputs } of CASES) {
    const times = []
    let exitCode
    for (let i = 0; i < runs; i++) {
      const run = await runStep({
        dir,
        inputs: { mode: 'check', 'job-summary': 'false', ...inputs },
        env
      })
      times.push(run.durationMs)
      exitCode = run.exitCode
      if (run.exitCode !== 0 && i === 0)
        note[id] = (run.stdout.match(/^::error[^:]*::(.*)$/m)?.[1] ?? '').slice(0, 160)
    }
    times.sort((a, b) => a - b)
    results.push({
      id,
      median: times[Math.floor(times.length / 2)],
      max: times[times.length - 1],
      exitCode
    })
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
const baseline = results[0].median
console.log(
  `policy check, mode: check, ${runs} runs each (ms; "added" is the median over the baseline)`
)
for (const r of results) {
  console.log(
    `${r.id.padEnd(14)} median ${String(r.median).padStart(5)}  max ${String(r.max).padStart(5)}  added ${String(r.median - baseline).padStart(5)}  exit ${r.exitCode}`
  )
}
for (const [id, text] of Object.entries(note)) console.log(`${id}: ${text}`)
const worst = results.slice(1).reduce((a, b) => (b.max > a.max ? b : a))
console.log(
  `worst case: ${worst.id}, ${worst.max} ms for the whole step (${worst.median - baseline} ms over the baseline)`
)
