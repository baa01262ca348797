/**
 * The edit–test loop: after an edit under src/, `npm test` must run the end-to-end tests against
 * the code as edited, not against the dist/ committed before the edit. Proven in a copy of the
 * repository, so the working tree is never touched: the copy's bundle starts current, a message
 * in its sources is changed, and jest run there (its own config and global setup) rebuilds
 * dist/ and sees the new text in the bundled action's log.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { distIsCurrent, distState } from '../../scripts/dist-state.mjs'
import { ROOT } from './harness.js'
import { underMutation } from '../support/mutation.js'

const MESSAGE = "is 'keys', but aws-access-key-id and aws-secret-access-key are not set."
const MARK = `edited-${process.pid}`
const PROBE = `
import { expect, it } from '@jest/globals'
import { startLocalSts } from '../../local-sts/server.js'
import { Job } from './harness.js'

it('runs the bundle as edited', async () => {
  const sts = await startLocalSts()
  try {
    const result = await new Job(sts).run({
      inputs: {
        'role-to-assume': 'arn:aws:iam::111122223333:role/deploy',
        'aws-region': 'eu-west-1',
        'force-source': 'keys'
      }
    })
    expect(result.exitCode).toBe(1)
    expect(result.errors.join('\\n')).toContain('${MARK}')
    expect(sts.requests).toEqual([])
  } finally {
    await sts.close()
  }
})
`

let copy: string
const realBefore = distState(ROOT)

beforeAll(() => {
  copy = mkdtempSync(join(tmpdir(), 'scoped-role-loop-'))
  cpSync(ROOT, copy, {
    recursive: true,
    filter: source => !/[\\/](node_modules|\.git|coverage)$/.test(source)
  })
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'junction')
})

afterAll(() => rmSync(copy, { recursive: true, force: true }))

// Not under `npm run mutate`: it is about the build, and its copy of the (instrumented) sources
// would run a mutant with no way to tell Stryker what it reached.
;(underMutation ? it.skip : it)(
  'npm test rebuilds dist/ after a source edit, so the end-to-end tests see the edit',
  () => {
    // Jest's global setup brought the working tree's bundle up to date, so the copy's is too.
    expect(distIsCurrent(copy)).toBe(true)

    const settings = join(copy, 'src', 'settings', 'cross-input.ts')
    const source = readFileSync(settings, 'utf8')
    expect(source).toContain(MESSAGE)
    writeFileSync(settings, source.replace(MESSAGE, MESSAGE.replace(/\.$/, ` (${MARK}).`)))
    expect(distIsCurrent(copy)).toBe(false)
    writeFileSync(join(copy, '__tests__', 'e2e', 'loop-probe.test.ts'), PROBE)

    const run = spawnSync(
      process.execPath,
      [
        '--experimental-vm-modules',
        '--no-warnings',
        join(copy, 'node_modules', 'jest', 'bin', 'jest.js'),
        '--ci',
        '__tests__/e2e/loop-probe.test.ts'
      ],
      { cwd: copy, encoding: 'utf8', timeout: 200_000 }
    )
    const log = `${run.stdout}\n${run.stderr}`
    expect({ status: run.status, log: run.status === 0 ? '' : log }).toEqual({ status: 0, log: '' })
    expect(log).toContain('rebuilding it (npm run package)')
    expect(log).toMatch(/Tests:\s+1 passed, 1 total/)
    expect(readFileSync(join(copy, 'dist', 'index.js'), 'utf8')).toContain(MARK)
    expect(distIsCurrent(copy)).toBe(true)

    // The working tree's bundle is as it was.
    expect(distState(ROOT)).toEqual(realBefore)
  },
  240_000
)
