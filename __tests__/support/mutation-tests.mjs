// Under `npm run mutate` only (a no-op otherwise). Stryker runs each mutant's tests as one jest
// run filtered by test name, and jest still loads every test file to find those names: most of
// a mutant's time. During Stryker's initial run (no active mutant yet) this records which file
// each test is in, so the sequencer (sequencer.mjs) hands jest only the files that hold a
// mutant's tests.
import { appendFileSync } from 'node:fs'
import { beforeEach, expect } from '@jest/globals'
import { MUTATION_TEST_FILES } from './mutation-files.mjs'

if (globalThis.__stryker__ !== undefined && !process.env.__STRYKER_ACTIVE_MUTANT__) {
  beforeEach(() => {
    const { currentTestName, testPath } = expect.getState()
    if (currentTestName && testPath)
      appendFileSync(MUTATION_TEST_FILES, `${JSON.stringify([currentTestName, testPath])}\n`)
  })
}
