import { describe, expect, it } from '@jest/globals'
import { readFileSync, readdirSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { ROOT } from './e2e/harness.js'

const SRC = join(ROOT, 'src')

/**
 * The layout is the architecture: entry files at the top, one folder per front (the runner's
 * `action/`, the terminal's `cli/`), and a core that every front shares. A front may use
 * the core; the core never uses a front, so a second front needs no change to it.
 */
const FRONTS = ['action', 'cli']
const CORE = ['settings', 'sources', 'flows', 'policy', 'record', 'aws', 'shared']
/** Build shims, not code the fronts or the core call. */
const OTHER = ['bundle']
/** Each entry file and the one front it starts. */
const ENTRIES: Record<string, string> = {
  'index.ts': 'action',
  'post.ts': 'action',
  'cli.ts': 'cli'
}

function sources(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry =>
    entry.isDirectory()
      ? sources(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : []
  )
}

/** The top folder of src/ a file is in, or '' for an entry file. */
function folderOf(file: string): string {
  const parts = relative(SRC, file).split('/')
  return parts.length === 1 ? '' : parts[0]
}

/** Every module a file imports: packages by name, relative imports as absolute paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  return [...text.matchAll(/(?:\bfrom|\bimport\(?)\s*'([^']+)'/g)].map(([, spec]) =>
    spec.startsWith('.') ? resolve(dirname(file), spec) : spec
  )
}

/**
 * The modules a file loads when it runs: `import type` and type-only names are erased by the
 * build, so they do not count. Relative imports as absolute paths without the extension.
 */
function runtimeImportsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  const specs = [
    ...[...text.matchAll(/^(?:import|export)\s+(?!type\s)(?:[^;]*?\s+from\s+)?'([^']+)'/gm)],
    ...[...text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)]
  ].map(([, spec]) => spec)
  return specs.map(spec =>
    spec.startsWith('.') ? resolve(dirname(file), spec).replace(/\.js$/, '') : spec
  )
}

const files = sources()

describe('module boundaries', () => {
  it('has only entry files at the top and known folders below', () => {
    const top = files.filter(file => folderOf(file) === '').map(file => relative(SRC, file))
    expect(top.every(name => name in ENTRIES)).toBe(true)
    const folders = new Set(files.map(folderOf).filter(folder => folder !== ''))
    for (const folder of folders) expect([...FRONTS, ...CORE, ...OTHER]).toContain(folder)
  })

  it('keeps @actions/core in the runner edge (src/action/)', () => {
    const importers = files.filter(file =>
      importsOf(file).some(spec => spec === '@actions/core' || spec.startsWith('@actions/core/'))
    )
    expect(importers.length).toBeGreaterThan(0)
    for (const file of importers) expect(relative(SRC, file)).toMatch(/^action\//)
  })

  it('keeps the core free of the fronts', () => {
    const offending = files
      .filter(file => CORE.includes(folderOf(file)))
      .flatMap(file =>
        importsOf(file)
          .filter(spec => spec.startsWith(SRC) && FRONTS.includes(folderOf(spec)))
          .map(spec => `${relative(SRC, file)} imports ${relative(SRC, spec)}`)
      )
    expect(offending).toEqual([])
  })

  it('lets each entry file import only its own front', () => {
    for (const file of files.filter(file => folderOf(file) === '')) {
      const front = ENTRIES[relative(SRC, file)]
      for (const spec of importsOf(file)) {
        expect(spec.startsWith(SRC) ? folderOf(spec) : spec).toBe(front)
      }
    }
  })

  it('keeps each front off the other: src/cli/ never imports src/action/ or @actions/core', () => {
    const crossing = files
      .filter(file => FRONTS.includes(folderOf(file)))
      .flatMap(file =>
        importsOf(file)
          .filter(spec => spec.startsWith(SRC) && FRONTS.includes(folderOf(spec)))
          .filter(spec => folderOf(spec) !== folderOf(file))
          .map(spec => `${relative(SRC, file)} imports ${relative(SRC, spec)}`)
      )
    expect(crossing).toEqual([])
    const cli = files.filter(file => folderOf(file) === 'cli')
    expect(cli.length).toBeGreaterThan(0)
    expect(cli.filter(file => importsOf(file).some(spec => spec.startsWith('@actions/')))).toEqual(
      []
    )
  })

  it('lets the launcher load node built-ins and the shared cache lookup only', () => {
    // Every credential_process call pays for what the launcher loads before it answers.
    const launcher = join(SRC, 'cli', 'launcher', 'index.ts')
    const lookup = join(SRC, 'cli', 'cached-answer')
    for (const spec of runtimeImportsOf(launcher)) {
      expect(spec.startsWith('node:') || spec === lookup).toBe(true)
    }
    // And what the lookup itself loads, all the way down, is ours or node's: no package.
    const seen = new Set<string>()
    const visit = (file: string): void => {
      if (seen.has(file)) return
      seen.add(file)
      for (const spec of runtimeImportsOf(file)) {
        if (spec.startsWith(SRC)) visit(`${spec}.ts`)
        else expect(spec).toMatch(/^node:/)
      }
    }
    visit(launcher)
    const reached = [...seen].map(file => relative(SRC, file))
    expect(reached).toContain('cli/cached-answer.ts')
    expect(reached.filter(file => !/^(cli|aws|shared)\//.test(file))).toEqual([])
  })

  it('reads inputs in one place only', () => {
    const readers = files
      .filter(file =>
        /getInput\(|getBooleanInput\(|getMultilineInput\(/.test(readFileSync(file, 'utf8'))
      )
      .map(file => relative(SRC, file))
    expect(readers).toEqual(['action/inputs.ts'])
  })
})
