/**
 * End-to-end tests under `npm run mutate`. StrykerJS instruments the sources with every mutant
 * at once ("mutation switching"): the instrumented code turns a mutant on when
 * `globalThis.__stryker__.activeMutant` is its id, which the code reads at load from the
 * environment variable `__STRYKER_ACTIVE_MUTANT__` (the jest runner sets it before each mutant's
 * run). Stryker's build command bundles dist/ from the instrumented sources, so what a spawned
 * step needs is that variable, and a way to report back which mutants it reached. Outside a
 * mutation run both are absent and nothing here changes a step.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { ROOT } from '../../local-sts/runner.js'

const ACTIVE_MUTANT = '__STRYKER_ACTIVE_MUTANT__'
const PRELOAD = pathToFileURL(join(ROOT, '__tests__/support/mutant-coverage.mjs')).href

interface StrykerNamespace {
  currentTestId?: string
  mutantCoverage?: {
    static: Record<string, number>
    perTest: Record<string, Record<string, number>>
  }
}

const stryker = (): StrykerNamespace | undefined =>
  (globalThis as { __stryker__?: StrykerNamespace }).__stryker__

/**
 * Whether this is a mutation run. The few tests about the source text itself (a generated file,
 * the sources under @github/local-action, which resolves @actions/core by path and so misses the
 * sandbox's linked node_modules) do not apply to instrumented sources.
 */
export const underMutation = stryker() !== undefined

/** The environment a spawned step gets on top of its own: the active mutant and the coverage file. */
export function mutationEnv(coverageFile: string): Record<string, string> {
  if (stryker() === undefined) return {}
  const active = process.env[ACTIVE_MUTANT]
  return {
    ...(active !== undefined && { [ACTIVE_MUTANT]: active }),
    SCOPED_ROLE_MUTANT_COVERAGE_FILE: coverageFile
  }
}

/** The preload that writes the coverage file, for NODE_OPTIONS; none outside a mutation run. */
export function mutationPreload(): string {
  return stryker() === undefined ? '' : ` --import=${PRELOAD}`
}

/** Adds what the spawned step reached to the running test's coverage, as if it ran in-process. */
export function collectMutantCoverage(coverageFile: string): void {
  const ns = stryker()
  if (ns === undefined || !existsSync(coverageFile)) return
  const reached = JSON.parse(readFileSync(coverageFile, 'utf8')) as Record<string, number>
  rmSync(coverageFile, { force: true })
  const coverage = (ns.mutantCoverage ??= { static: {}, perTest: {} })
  const target =
    ns.currentTestId !== undefined ? (coverage.perTest[ns.currentTestId] ??= {}) : coverage.static
  for (const [id, count] of Object.entries(reached)) target[id] = (target[id] ?? 0) + count
}
