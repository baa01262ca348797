/**
 * The repository's own workflows and the workflows in the docs: valid for actionlint, third-party
 * actions pinned by commit, least permissions, the self-test's inputs declared by action.yml,
 * and the helpers the workflows run.
 */
import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'
import { workflowSources } from '../scripts/actionlint.mjs'
import { isDatedHeading, releaseNotes, sectionOf } from '../scripts/release-notes.mjs'
import { INPUT_NAMES } from '../src/settings/input-names.js'
import { ROOT } from './e2e/harness.js'

interface Step {
  uses?: string
  with?: Record<string, unknown>
  run?: string
}
interface Workflow {
  permissions?: Record<string, string> | string
  jobs: Record<string, { permissions?: Record<string, string>; steps: Step[] }>
}

/** `npm run lint:workflows` as a process (the linter is WebAssembly, loaded outside jest). */
function lintWorkflows(root: string): { sources: number; problems: string[] } {
  const run = spawnSync(process.execPath, [join(ROOT, 'scripts/actionlint.mjs'), root, '--json'], {
    encoding: 'utf8',
    timeout: 60_000
  })
  if (run.stdout === '') throw new Error(`actionlint did not run: ${run.stderr}`)
  return JSON.parse(run.stdout)
}

const files = workflowSources(ROOT).filter(s => s.file.startsWith('.github/'))
const workflows = new Map(files.map(s => [s.file, parse(s.text) as Workflow]))
const steps = (file: string) => Object.values(workflows.get(file)!.jobs).flatMap(j => j.steps)

describe('actionlint', () => {
  it('finds nothing wrong in .github/workflows/ nor in any workflow of the docs', () => {
    const { sources, problems } = lintWorkflows(ROOT)
    expect(problems).toEqual([])
    expect(files.map(f => f.file)).toEqual([
      '.github/workflows/ci.yml',
      '.github/workflows/codeql.yml',
      '.github/workflows/release.yml'
    ])
    expect(sources - files.length).toBeGreaterThanOrEqual(6)
  })

  it('does find a broken workflow, so the check above can fail', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scoped-role-actionlint-'))
    writeFileSync(
      join(dir, 'README.md'),
      '```yaml\non: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ steps.none.outputs.x }}\n        shel: bash\n```\n'
    )
    const { sources, problems } = lintWorkflows(dir)
    expect(sources).toBe(1)
    expect(problems).toEqual([
      expect.stringMatching(/^README\.md:7:23: property "none" is not defined/),
      expect.stringMatching(/^README\.md:8:9: unexpected key "shel"/)
    ])
  })
})

describe('workflows', () => {
  it('pin every third-party action by full commit SHA, with the version as a comment', () => {
    for (const { file, text } of files) {
      for (const line of text.split('\n').filter(l => /^\s*(-\s+)?uses:/.test(l))) {
        const ref = line.replace(/^\s*(-\s+)?uses:\s*/, '')
        if (ref.startsWith('./')) continue
        expect({ file, ref }).toEqual({
          file,
          ref: expect.stringMatching(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*$/)
        })
      }
    }
  })

  it('grant the token read access by default, and more only to the job that needs it', () => {
    for (const [file, workflow] of workflows) {
      expect({ file, permissions: workflow.permissions }).toEqual({
        file,
        permissions: { contents: 'read' }
      })
    }
    const writers = [...workflows].flatMap(([file, w]) =>
      Object.entries(w.jobs)
        .filter(([, job]) => Object.values(job.permissions ?? {}).includes('write'))
        .map(([name, job]) => [`${file}#${name}`, job.permissions])
    )
    expect(Object.fromEntries(writers)).toEqual({
      '.github/workflows/ci.yml#real-aws': { contents: 'read', 'id-token': 'write' },
      '.github/workflows/codeql.yml#analyze': { contents: 'read', 'security-events': 'write' },
      '.github/workflows/release.yml#release': {
        contents: 'write',
        'id-token': 'write',
        attestations: 'write'
      }
    })
  })

  it('run the same CI script as .ci/run', () => {
    expect(steps('.github/workflows/ci.yml').map(s => s.run)).toContain('bash scripts/ci.sh')
    expect(readFileSync(join(ROOT, '.ci/run'), 'utf8')).toMatch(/^bash scripts\/ci\.sh$/m)
  })

  it('give the action under test only inputs action.yml declares', () => {
    const local = steps('.github/workflows/ci.yml').filter(s => s.uses === './')
    expect(local.length).toBeGreaterThanOrEqual(4)
    for (const step of local) {
      for (const name of Object.keys(step.with ?? {})) expect(INPUT_NAMES).toContain(name)
    }
  })

  it('self-test on Linux, Windows and macOS', () => {
    const job = parse(readFileSync(join(ROOT, '.github/workflows/ci.yml'), 'utf8')).jobs[
      'self-test'
    ]
    expect(job.strategy.matrix.os).toEqual(['ubuntu-latest', 'windows-latest', 'macos-latest'])
  })

  it('have Dependabot update npm packages (grouped) and the pinned actions', () => {
    const config = parse(readFileSync(join(ROOT, '.github/dependabot.yml'), 'utf8'))
    const ecosystems = config.updates.map((u: { 'package-ecosystem': string }) => u)
    expect(ecosystems.map((u: { 'package-ecosystem': string }) => u['package-ecosystem'])).toEqual([
      'npm',
      'github-actions'
    ])
    expect(Object.keys(ecosystems[0].groups)).toEqual(['runtime', 'development'])
  })
})

describe('the expect-clean post step of the self-test', () => {
  const post = join(ROOT, '.github/actions/expect-clean/post.mjs')
  const dir = mkdtempSync(join(tmpdir(), 'scoped-role-clean-'))
  const credentials = join(dir, 'credentials')
  const run = (env: Record<string, string>) =>
    spawnSync(process.execPath, [post], {
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        INPUT_PROFILE: 'selftest',
        AWS_SHARED_CREDENTIALS_FILE: credentials,
        AWS_CONFIG_FILE: join(dir, 'config'),
        ...env
      }
    })

  it('passes when nothing is left, and fails on a credential variable or the profile', () => {
    writeFileSync(credentials, '[other]\r\nk = v\r\n')
    expect(run({ AWS_ACCESS_KEY_ID: '' }).status).toBe(0)
    const leftVariable = run({ AWS_SESSION_TOKEN: 'x' })
    expect(leftVariable.status).toBe(1)
    expect(leftVariable.stdout).toContain('AWS_SESSION_TOKEN is still set')
    writeFileSync(credentials, '[other]\r\nk = v\r\n[selftest]\r\nk = v\r\n')
    expect(run({}).stdout).toContain('still holds [selftest]')
  })
})

describe('release notes', () => {
  it('are the CHANGELOG section of the tag, without the link references', () => {
    const changelog =
      '# Changelog\n\n## [Unreleased]\n\n## [1.2.0] - 2026-01-02\n\n### Added\n\n- X.\n\n## [1.1.0] - 2025-12-01\n\n- Y.\n\n[1.2.0]: https://example.com/compare\n'
    expect(sectionOf(changelog, '1.2.0')).toBe('### Added\n\n- X.')
    expect(sectionOf(changelog, '1.1.0')).toBe('- Y.')
    expect(sectionOf(changelog, '1.3.0')).toBeUndefined()
  })

  it('exist for the version in package.json; another version, or no date, is refused', () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
    const changelog = readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8')
    expect(sectionOf(changelog, version)).toContain('### Added')
    const dated = changelog.split('\n').some(line => isDatedHeading(line, version))
    if (dated) expect(releaseNotes(`v${version}`)).toContain('### Added')
    else expect(() => releaseNotes(`v${version}`)).toThrow('has no release date')
    expect(() => releaseNotes('v99.0.0')).toThrow('package.json says')
    expect(() => releaseNotes('1.0')).toThrow('not a release tag')
    expect(isDatedHeading('## [1.2.0] - 2026-01-02', '1.2.0')).toBe(true)
    expect(isDatedHeading('## [1.2.0] - Unreleased', '1.2.0')).toBe(false)
  })
})
