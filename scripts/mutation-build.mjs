// Stryker's build command (stryker.config.mjs): bundles dist/ from the instrumented sources in
// the sandbox, so the end-to-end tests' spawned steps run the mutants. Stryker links
// node_modules into the sandbox only after the build, so the build links it first (and Stryker
// is told not to).
import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, symlinkSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { recordBuild } from './dist-state.mjs'

const sandbox = process.cwd()
let project = dirname(sandbox)
while (!existsSync(join(project, 'node_modules')) && dirname(project) !== project)
  project = dirname(project)
if (!existsSync(join(sandbox, 'node_modules')))
  symlinkSync(join(project, 'node_modules'), join(sandbox, 'node_modules'), 'junction')
execFileSync(process.execPath, [join(sandbox, 'scripts', 'package.mjs')], { stdio: 'inherit' })

// The instrumented sources name their data files through mutant switches, which ncc cannot
// follow, so it copies none: the bundle then reads them from dist/data/, where they go here.
for (const folder of ['src/policy/data', 'src/record/data']) {
  cpSync(join(sandbox, folder), join(sandbox, 'dist', 'data'), { recursive: true })
}
// The copies change dist/, so the stamp is written again: otherwise the tests' set-up would take
// dist/ for stale, rebuild it and drop the data files.
recordBuild(sandbox)
