// Test order: unit suites first (seconds), then the end-to-end suites that spawn the bundle, and
// the slowest two last, so the log shows progress from the start instead of waiting on the
// slowest suite. Jest's own order (slowest first, from its timing cache) would do the opposite.
import TestSequencer from '@jest/test-sequencer'
import { existsSync, readFileSync } from 'node:fs'
import { MUTATION_TEST_FILES } from './mutation-files.mjs'

// The package is CommonJS: its class arrives as the default export's `default`.
const Sequencer = TestSequencer.default ?? TestSequencer

const LAST = ['edit-test-loop.test.ts', 'fault-soak.test.ts']

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
    return tests
      .filter(test => selected === undefined || selected.has(test.path))
      .sort((a, b) => rank(a.path) - rank(b.path) || a.path.localeCompare(b.path))
  }
}
