// Jest's node environment, plus one thing under `npm run mutate` (a no-op otherwise): a mutant
// is killed by its first failing test, so once one fails, the rest of that mutant's tests are
// skipped, describe blocks with their hooks included (jest-circus-with-bail.cjs skips whole
// files). Stryker's jest runner cannot ask jest to
// stop early, and without this a mutant that a unit test kills at once would still run every
// end-to-end test that reaches it: most of a mutation run's time.
// CommonJS, because Stryker's jest runner loads the environment with require().
const { TestEnvironment } = require('jest-environment-node')

const ACTIVE_MUTANT = '__STRYKER_ACTIVE_MUTANT__'
// Jest runs a mutant's test files one after another in this process (Stryker runs it in band),
// and loads each file's environment afresh: the process holds which mutant has failed.
const FAILED = Symbol.for('scoped-role.mutation.failed-mutant')

class MutationAwareEnvironment extends TestEnvironment {
  async handleTestEvent(event) {
    const mutant = process.env[ACTIVE_MUTANT]
    if (!mutant) return
    if (event.name === 'test_fn_failure' || event.name === 'hook_failure') {
      process[FAILED] = mutant
    } else if (process[FAILED] === mutant) {
      if (event.name === 'run_describe_start') event.describeBlock.mode = 'skip'
      else if (event.name === 'test_start') event.test.mode = 'skip'
    }
  }
}

/** Whether a test has failed already for the mutant this run tests (always false outside one). */
function activeMutantFailed() {
  const mutant = process.env[ACTIVE_MUTANT]
  return mutant !== undefined && mutant !== '' && process[FAILED] === mutant
}

module.exports = MutationAwareEnvironment
module.exports.activeMutantFailed = activeMutantFailed
