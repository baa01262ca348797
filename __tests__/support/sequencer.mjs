// Test order: unit suites first (seconds), then the end-to-end suites that spawn the bundle, and
// the slowest two last, so the log shows progress from the start instead of waiting on the
// slowest suite. Jest's own order (slowest first, from its timing cache) would do the opposite.
import TestSequencer from '@jest/test-sequencer'

// The package is CommonJS: its class arrives as the default export's `default`.
const Sequencer = TestSequencer.default ?? TestSequencer

const LAST = ['edit-test-loop.test.ts', 'fault-soak.test.ts']

function rank(path) {
  const name = path.replace(/\\/g, '/')
  const last = LAST.findIndex(file => name.endsWith(`/${file}`))
  if (last !== -1) return 2 + last
  return name.includes('/__tests__/e2e/') ? 1 : 0
}

export default class UnitsFirst extends Sequencer {
  sort(tests) {
    return [...tests].sort((a, b) => rank(a.path) - rank(b.path) || a.path.localeCompare(b.path))
  }
}
