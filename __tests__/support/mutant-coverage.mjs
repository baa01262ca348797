// Preloaded into the bundle a test spawns, only under `npm run mutate`: the bundle is then built
// from StrykerJS's instrumented sources and counts which mutants its code reached, in its own
// process. At exit it writes those counts where the test can add them to the test's own, so
// Stryker knows which end-to-end tests cover which mutants.
import { writeFileSync } from 'node:fs'

const file = process.env.SCOPED_ROLE_MUTANT_COVERAGE_FILE
if (file) {
  process.on('exit', () => {
    writeFileSync(file, JSON.stringify(globalThis.__stryker__?.mutantCoverage?.static ?? {}))
  })
}
