/**
 * Budgets on the committed bundle: every byte of dist/ is read from disk, and its JavaScript
 * parsed, on every job that uses the action, so growth must be a decision rather than an
 * accident. Times are reported by `npm run bench`, never asserted: they depend on the machine.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { DEFAULT_USER, startLocalSts, type LocalSts } from '../local-sts/server.js'
import { Job, ROOT } from './e2e/harness.js'
import { underMutation } from './support/mutation.js'

const DIST = join(ROOT, 'dist')
const MAIN_BUDGET = 1_100_000
const ALL_JS_BUDGET = 1_700_000
const DATA_BUDGET = 800_000
const LAUNCHER_BUDGET = 24_000

interface DistFile {
  path: string
  bytes: number
}

function distFiles(folder = DIST): DistFile[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap(entry => {
    const path = join(folder, entry.name)
    return entry.isDirectory()
      ? distFiles(path)
      : [{ path: relative(DIST, path), bytes: statSync(path).size }]
  })
}

// The same split as scripts/bench.mjs: code, the data files the code reads, and the rest
// (licenses.txt, which only ships for the license terms, and package.json's "type": "module").
const isJavaScript = (path: string): boolean => /\.[cm]?js$/.test(path)
const isData = (path: string): boolean =>
  !isJavaScript(path) && !path.endsWith('.json') && !/(^|\/)licenses\.txt$/.test(path)

// The total and the files, largest first, travel with the verdict, so a failure shows where the
// bytes went.
function budgetCheck(files: DistFile[], budget: number) {
  const bytes = files.reduce((sum, file) => sum + file.bytes, 0)
  return {
    withinBudget: bytes <= budget,
    bytes,
    budget,
    files: [...files].sort((a, b) => b.bytes - a.bytes).map(file => `${file.path}: ${file.bytes}`)
  }
}

// Under `npm run mutate` dist/ is bundled from instrumented sources: its size says nothing.
;(underMutation ? describe.skip : describe)('size budgets of dist/', () => {
  const files = distFiles()

  it('dist/index.js stays within 1,100,000 bytes', () => {
    const main = files.find(file => file.path === 'index.js')
    expect(main).toBeDefined()
    expect(main!.bytes).toBeLessThanOrEqual(MAIN_BUDGET)
  })

  it('the launcher (dist/cli.cjs) stays within 24,000 bytes and loads node built-ins only', () => {
    // Every credential_process call of every AWS command pays for what it loads.
    const launcher = readFileSync(join(DIST, 'cli.cjs'), 'utf8')
    expect(launcher.length).toBeLessThanOrEqual(LAUNCHER_BUDGET)
    const required = [...launcher.matchAll(/require\("([^"]+)"\)/g)].map(match => match[1])
    expect(required.filter(name => !name.startsWith('node:'))).toEqual([])
    // One dynamic import, the command line's, reached only when the cache cannot answer.
    expect(launcher.match(/\bimport\(/g)).toHaveLength(1)
  })

  it('all JavaScript in dist/ stays within 1,700,000 bytes', () => {
    const js = files.filter(file => isJavaScript(file.path))
    expect(js.map(file => file.path)).toContain(join('cleanup', 'index.js'))
    expect(budgetCheck(js, ALL_JS_BUDGET)).toMatchObject({ withinBudget: true })
  })

  it('the data files in dist/ stay within 800,000 bytes together', () => {
    const data = files.filter(file => isData(file.path))
    expect(data.map(file => file.path)).toContain('aws-managed-policies.txt')
    expect(budgetCheck(data, DATA_BUDGET)).toMatchObject({ withinBudget: true })
  })

  it('ships no source maps', () => {
    expect(files.filter(file => file.path.endsWith('.map')).map(file => file.path)).toEqual([])
  })
})

describe('requests per run', () => {
  let sts: LocalSts
  beforeAll(async () => {
    sts = await startLocalSts()
  })
  afterAll(async () => sts.close())

  it('static keys with inline and managed session policies make exactly one STS request', async () => {
    const main = await new Job(sts).run({
      inputs: {
        'role-to-assume': 'arn:aws:iam::111122223333:role/deploy',
        'aws-region': 'us-east-1',
        'aws-access-key-id': DEFAULT_USER.accessKeyId,
        'aws-secret-access-key': DEFAULT_USER.secretAccessKey,
        'inline-session-policy': JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }]
        }),
        'managed-session-policies': 'ReadOnlyAccess'
      }
    })
    expect(main.errors).toEqual([])
    expect(main.exitCode).toBe(0)
    expect(sts.requests.map(request => request.action)).toEqual(['AssumeRole'])
    expect(sts.requests[0].params).toMatchObject({
      Policy: expect.stringContaining('s3:GetObject'),
      'PolicyArns.member.1.arn': 'arn:aws:iam::aws:policy/ReadOnlyAccess'
    })
  })
})
