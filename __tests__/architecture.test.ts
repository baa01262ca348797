import { describe, expect, it } from '@jest/globals'
import { readFileSync, readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import { ROOT } from './e2e/harness.js'

/** The modules that talk to the runner; everything else must be usable by another front end. */
const EDGE = ['cleanup.ts', 'export.ts', 'inputs.ts', 'main.ts', 'state.ts', 'summary.ts']

function sources(dir = join(ROOT, 'src')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry =>
    entry.isDirectory()
      ? sources(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : []
  )
}

describe('module boundaries', () => {
  it('keeps @actions/core at the edge: policy, credentials and STS do not import it', () => {
    const importers = sources()
      .filter(file => /from '@actions\/core'/.test(readFileSync(file, 'utf8')))
      .map(file => relative(join(ROOT, 'src'), file))
    expect(importers.sort()).toEqual(EDGE)
  })

  it('keeps the terminal front (src/cli/) off the runner: no @actions/core, no runner edge module', () => {
    const cli = join(ROOT, 'src', 'cli')
    const offenders = sources(cli).filter(file => {
      const text = readFileSync(file, 'utf8')
      const edgeImport = EDGE.some(edge =>
        new RegExp(`from '\\.\\./${edge.replace('.ts', '')}\\.js'`).test(text)
      )
      return /['"]@actions\/core['"]/.test(text) || edgeImport
    })
    expect(offenders.map(file => relative(cli, file))).toEqual([])
    expect(sources(cli).length).toBeGreaterThan(0)
  })

  it('reads inputs in one place only', () => {
    const readers = sources()
      .filter(file =>
        /getInput\(|getBooleanInput\(|getMultilineInput\(/.test(readFileSync(file, 'utf8'))
      )
      .map(file => relative(join(ROOT, 'src'), file))
    expect(readers).toEqual(['inputs.ts'])
  })
})
