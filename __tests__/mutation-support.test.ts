/**
 * The test-run plug-ins that keep `npm run mutate` affordable (see CONTRIBUTING.md, "Mutation
 * testing"): with a mutant active, its run stops at the first failing test, and the unit test
 * file that mirrors the mutant's source file runs first. Without one, jest runs as it always does.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROOT } from './e2e/harness.js'

const SUPPORT = join(ROOT, '__tests__', 'support')
const ACTIVE_MUTANT = '__STRYKER_ACTIVE_MUTANT__'

let project: string

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'scoped-role-mutation-support-'))
})
afterAll(() => rmSync(project, { recursive: true, force: true }))

function write(path: string, text: string): void {
  mkdirSync(join(project, path, '..'), { recursive: true })
  writeFileSync(join(project, path), text)
}

interface FileResult {
  name: string
  status: string
  assertionResults: { title: string; status: string }[]
}

/** Runs jest over the scratch project with the plug-ins, as a process, and returns its results. */
function runJest(env: Record<string, string>): FileResult[] {
  const inherited = { ...process.env }
  delete inherited[ACTIVE_MUTANT]
  const result = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'), '--json', '--rootDir', project],
    { cwd: project, env: { ...inherited, ...env }, encoding: 'utf8', timeout: 60_000 }
  )
  expect(result.error).toBeUndefined()
  const files = (JSON.parse(result.stdout) as { testResults: FileResult[] }).testResults
  return files.sort((a, b) => a.name.localeCompare(b.name))
}

describe('a mutant run stops at the first failing test', () => {
  beforeAll(() => {
    write(
      'jest.config.cjs',
      `module.exports = ${JSON.stringify({
        testEnvironment: join(SUPPORT, 'jest-environment.cjs'),
        testRunner: join(SUPPORT, 'jest-circus-with-bail.cjs'),
        testMatch: ['**/bail/*.test.cjs']
      })}`
    )
    write(
      'bail/a.test.cjs',
      `describe('first', () => {
        it('fails', () => { throw new Error('the mutant is killed here') })
        it('comes after the failure', () => {})
      })
      describe('second', () => {
        beforeAll(() => { throw new Error('a hook after the failure ran') })
        it('needs its hook', () => {})
      })`
    )
    write('bail/b.test.cjs', `throw new Error('a file after the failure was loaded')`)
  })

  it('skips the rest of the file, hooks included, and does not load the files after it', () => {
    const [a, b] = runJest({ [ACTIVE_MUTANT]: '7' })
    expect(a.assertionResults.map(test => [test.title, test.status])).toEqual([
      ['fails', 'failed'],
      ['comes after the failure', 'pending'],
      ['needs its hook', 'pending']
    ])
    expect(b.status).toBe('skipped')
    expect(b.assertionResults.map(test => test.status)).toEqual(['pending'])
  })

  it('changes nothing outside a mutant run', () => {
    const [a, b] = runJest({})
    expect(a.assertionResults.map(test => test.status)).toEqual(['failed', 'passed', 'failed'])
    expect(b.status).toBe('failed')
  })
})

describe('the sequencer under a mutant', () => {
  it("puts the unit test file that mirrors the mutant's source file first", async () => {
    write('src/aws/arn.ts', 'export const a = stryMutAct_9fa48("41") ? 1 : 2\n')
    write('src/policy/names.ts', 'export const b = stryMutAct_9fa48("42") ? 1 : 2\n')
    // A path TypeScript does not follow: the sequencer is plain JavaScript for jest to load.
    const sequencerPath = './support/sequencer.mjs'
    const { default: Sequencer } = (await import(sequencerPath)) as {
      default: new (options: object) => { sort(tests: object[]): { path: string }[] }
    }
    const config = { rootDir: project }
    const test = (path: string) => ({ path: join(project, path), context: { config } })
    const tests = [
      '__tests__/e2e/trust.test.ts',
      '__tests__/unit/aws/arn.test.ts',
      '__tests__/unit/policy/names.test.ts',
      '__tests__/unit/aws/sts.test.ts'
    ].map(test)
    const previous = process.env[ACTIVE_MUTANT]
    process.env[ACTIVE_MUTANT] = '42'
    try {
      const sorted = new Sequencer({}).sort(tests).map(t => t.path.slice(project.length + 1))
      expect(sorted).toEqual([
        '__tests__/unit/policy/names.test.ts',
        '__tests__/unit/aws/arn.test.ts',
        '__tests__/unit/aws/sts.test.ts',
        '__tests__/e2e/trust.test.ts'
      ])
    } finally {
      if (previous === undefined) delete process.env[ACTIVE_MUTANT]
      else process.env[ACTIVE_MUTANT] = previous
    }
  })
})
