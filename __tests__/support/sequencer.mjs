// Test order: unit suites first (seconds), then the end-to-end suites that spawn the bundle, and
// the slowest two last, so the log shows progress from the start instead of waiting on the
// slowest suite. Jest's own order (slowest first, from its timing cache) would do the opposite.
import TestSequencer from '@jest/test-sequencer'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import { MUTATION_TEST_FILES } from './mutation-files.mjs'

// The package is CommonJS: its class arrives as the default export's `default`.
const Sequencer = TestSequencer.default ?? TestSequencer

const LAST = ['edit-test-loop.test.ts', 'fault-soak.test.ts']

/**
 * Under `npm run mutate`, with a mutant active: the unit test file that mirrors the source file
 * holding it (src/aws/arn.ts → __tests__/unit/aws/arn.test.ts), which goes first, as the likeliest
 * to kill it. The instrumented sources name each mutant's id in a call; they are read once per
 * process. A mutant's run stops at its first failing test (jest-circus-with-bail.cjs), so the
 * order decides its cost: most of all for a mutant in module-level code, which every test file
 * reaches.
 */
let mutantFiles
function mirrorOfActiveMutant(rootDir) {
  const active = process.env.__STRYKER_ACTIVE_MUTANT__
  if (!active) return undefined
  if (mutantFiles === undefined) {
    mutantFiles = new Map()
    const src = join(rootDir, 'src')
    for (const entry of readdirSync(src, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith('.ts')) continue
      const path = join(entry.parentPath, entry.name)
      const text = readFileSync(path, 'utf8')
      for (const [, id] of text.matchAll(/stryMutAct_\w+\("(\d+)"\)/g)) mutantFiles.set(id, path)
    }
  }
  const file = mutantFiles.get(active)
  if (file === undefined) return undefined
  const mirror = relative(join(rootDir, 'src'), file).replace(/\.ts$/, '.test.ts')
  return join(rootDir, '__tests__', 'unit', mirror)
}

function rank(path) {
  const name = path.replace(/\\/g, '/')
  const last = LAST.findIndex(file => name.endsWith(`/${file}`))
  if (last !== -1) return 2 + last
  return name.includes('/__tests__/e2e/') ? 1 : 0
}

/**
 * Under `npm run mutate`: the files holding a test the name pattern selects, from what
 * mutation-tests.mjs recorded in Stryker's initial run; undefined (every file) without either.
 */
function filesSelected(pattern) {
  if (!pattern || !existsSync(MUTATION_TEST_FILES)) return undefined
  const selects = new RegExp(pattern, 'i')
  const files = new Set()
  for (const line of readFileSync(MUTATION_TEST_FILES, 'utf8').split('\n')) {
    if (line === '') continue
    const [name, path] = JSON.parse(line)
    if (selects.test(name)) files.add(path)
  }
  return files.size > 0 ? files : undefined
}

export default class UnitsFirst extends Sequencer {
  constructor(options) {
    super(options)
    this.testNamePattern = options?.globalConfig?.testNamePattern
  }

  sort(tests) {
    const selected = filesSelected(this.testNamePattern)
    const mirror =
      tests.length > 0 ? mirrorOfActiveMutant(tests[0].context.config.rootDir) : undefined
    const order = path => (path === mirror ? -1 : rank(path))
    return tests
      .filter(test => selected === undefined || selected.has(test.path))
      .sort((a, b) => order(a.path) - order(b.path) || a.path.localeCompare(b.path))
  }
}
