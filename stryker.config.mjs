// `npm run mutate`: StrykerJS mutates src/ and runs the unit and the end-to-end tests against
// each mutant (see CONTRIBUTING.md, "Mutation testing"). Slow: not part of .ci/run.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  testRunnerNodeArgs: ['--experimental-vm-modules', '--no-warnings'],
  jest: {
    projectType: 'custom',
    configFile: 'jest.config.js',
    // The end-to-end tests import no source file (they spawn dist/), so "related tests" would
    // leave them out; per-test coverage picks the tests instead, e2e ones included.
    enableFindRelatedTests: false
  },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  mutate: ['src/**/*.ts'],
  // dist/ is bundled from the instrumented sources inside the sandbox, so a spawned step runs
  // the mutants too; the build records its stamp there, so the tests' set-up does not rebuild.
  buildCommand: 'node scripts/mutation-build.mjs',
  symlinkNodeModules: false,
  coverageAnalysis: 'perTest',
  incremental: true,
  incrementalFile: 'mutation/stryker-incremental.json',
  // Two cores, shared: one test process at a time.
  concurrency: 1,
  // Steps are processes that wait on retries and deadlines by design: room for the slow ones.
  timeoutMS: 30000,
  // The first run of the whole suite takes about 3 min on a quiet machine; Stryker's default
  // bound (5 min) gives up on a busy one.
  dryRunTimeoutMinutes: 20,
  timeoutFactor: 2,
  reporters: ['json', 'progress', 'clear-text'],
  jsonReporter: { fileName: 'mutation/report.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  ignorePatterns: ['dist', 'coverage', 'mutation', '.stryker-tmp', '.dist-stamp.json'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always'
}
