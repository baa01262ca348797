import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { INPUT_NAMES } from '../src/settings/input-names.js'
import { renderReference, withReference } from '../scripts/docs.mjs'
import { ROOT, actionYml } from './e2e/harness.js'
import { underMutation } from './support/mutation.js'

describe('action.yml', () => {
  it('declares exactly the inputs the action reads', () => {
    expect(Object.keys(actionYml.inputs)).toEqual([...INPUT_NAMES])
  })

  // Compares the file's text, which a mutation run instruments.
  ;(underMutation ? it.skip : it)(
    'is what src/settings/input-names.ts was generated from (npm run input-names)',
    () => {
      const check = spawnSync(process.execPath, ['scripts/input-names.mjs', '--check'], {
        cwd: ROOT,
        encoding: 'utf8'
      })
      expect(check.stderr).toBe('')
      expect(check.status).toBe(0)
    }
  )

  it('runs on node24 with a post step', () => {
    expect(actionYml.runs).toEqual({
      using: 'node24',
      main: 'dist/index.js',
      post: 'dist/cleanup/index.js',
      // The job-wide switch workflows written for aws-actions/configure-aws-credentials use.
      'post-if': "always() && env.AWS_SKIP_CLEANUP_STEP != 'true'"
    })
  })

  // Reads the source text, which a mutation run instruments.
  ;(underMutation ? it.skip : it)('declares every output the action sets', () => {
    const sources = ['export.ts', 'main.ts'].map(f =>
      readFileSync(join(ROOT, 'src', 'action', f), 'utf8')
    )
    const set = new Set(
      sources.flatMap(s => [...s.matchAll(/setOutput\('([a-z-]+)'/g)].map(m => m[1]))
    )
    expect([...set].sort()).toEqual(Object.keys(actionYml.outputs).sort())
  })
})

describe('README', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')

  it('holds the inputs and outputs reference npm run docs generates from action.yml', async () => {
    expect(withReference(readme, await renderReference(actionYml, ROOT))).toBe(readme)
    for (const name of [...Object.keys(actionYml.inputs), ...Object.keys(actionYml.outputs)]) {
      expect(readme).toContain(`- \`${name}\``)
    }
  })

  it('starts with what the action does and a complete workflow', () => {
    const firstScreen = readme.split('\n').slice(0, 40).join('\n')
    expect(firstScreen).toContain('session policy')
    expect(firstScreen).toMatch(/```yaml\nname: [\s\S]*uses: scoped-role\/scoped-role@v0[\s\S]*```/)
  })

  it('tells a newcomer the commands .ci/run uses', () => {
    const run = readFileSync(join(ROOT, '.ci/run'), 'utf8')
    const ci = readFileSync(join(ROOT, 'scripts/ci.sh'), 'utf8')
    expect(readme).toContain('npm ci && npm test')
    expect(run).toMatch(/^bash scripts\/ci\.sh$/m)
    expect(ci).toMatch(/^step "install \(npm ci\)" npm ci\b/m)
    expect(ci).toMatch(/^step "tests \(npm test\)" npm test$/m)
    expect(readme).toContain('npm run demo')
  })
})
