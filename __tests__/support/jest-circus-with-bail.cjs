// jest-circus, except under `npm run mutate` once a test has failed for the mutant being tested:
// then the test files after it are not even loaded (see jest-environment.cjs, which skips the
// rest of the file that failed). Loading a file means importing its module graph, seconds for
// the end-to-end ones, and a mutant only needs one failing test to count as killed.
// The name holds "jest-circus": Stryker's per-test coverage accepts only circus runners.
const circusModule = require('jest-circus/runner')
const circus = circusModule.default ?? circusModule
const { createEmptyTestResult } = require('@jest/test-result')
const { activeMutantFailed } = require('./jest-environment.cjs')

module.exports = async function jestCircusWithBail(
  globalConfig,
  config,
  environment,
  runtime,
  testPath,
  send
) {
  if (!activeMutantFailed())
    return circus(globalConfig, config, environment, runtime, testPath, send)
  // Jest fails a file that reports no test at all, so the file reports one skipped entry.
  const title = 'not run: an earlier test has killed this mutant'
  return {
    ...createEmptyTestResult(),
    testFilePath: testPath,
    numPendingTests: 1,
    skipped: true,
    testResults: [
      {
        ancestorTitles: [],
        duration: 0,
        failureDetails: [],
        failureMessages: [],
        fullName: title,
        invocations: 0,
        location: null,
        numPassingAsserts: 0,
        retryReasons: [],
        status: 'pending',
        title
      }
    ]
  }
}
