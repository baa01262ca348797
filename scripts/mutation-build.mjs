// Stryker's build command (stryker.config.mjs): bundles dist/ from the instrumented sources in
// the sandbox, so the end-to-end tests' spawned steps run the mutants. Stryker links
// node_modules into the sandbox only after the build, so the build links it first (and Stryker
// is told not to).
import { execFileSync } from 'node:child_process'
import { existsSync, symlinkSync } from 'node:fs'
import { dirname, join } from 'node:path'

const sandbox = process.cwd()
let project = dirname(sandbox)
while (!existsSync(join(project, 'node_modules')) && dirname(project) !== project)
  project = dirname(project)
if (!existsSync(join(sandbox, 'node_modules')))
  symlinkSync(join(project, 'node_modules'), join(sandbox, 'node_modules'), 'junction')
execFileSync(process.execPath, [join(sandbox, 'scripts', 'package.mjs')], { stdio: 'inherit' })
