// `npm run mutate:unit -- --mutate src/aws/arn.ts`: a quick look at one module's mutants
// against the unit tests alone (minutes, not hours), while writing those tests. Its score is
// not the project's: `npm run mutate` (stryker.config.mjs) runs the end-to-end tests too, and
// only its report is committed. This one writes to .stryker-unit/ and keeps no incremental file.
import base from './stryker.config.mjs'

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  ...base,
  jest: { ...base.jest, config: { testMatch: ['**/__tests__/unit/**/*.test.ts'] } },
  incremental: false,
  reporters: ['json', 'clear-text'],
  jsonReporter: { fileName: '.stryker-unit/report.json' },
  clearTextReporter: { ...base.clearTextReporter, reportMutants: true },
  ignorePatterns: [...base.ignorePatterns, '.stryker-unit'],
  tempDirName: '.stryker-unit/tmp'
}
