import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { INPUT_NAMES } from '../src/settings.js'
import { ROOT, actionYml } from './e2e/harness.js'

/** Rows of the first markdown table under a `## heading`: first cell → the other cells. */
function tableUnder(markdown: string, heading: string): Map<string, string[]> {
  const section = markdown.split(/^## /m).find(s => s.startsWith(`${heading}\n`))
  if (section === undefined) throw new Error(`README has no "## ${heading}" section`)
  const rows = new Map<string, string[]>()
  for (const line of section.split('\n')) {
    if (!line.startsWith('|') || /^\|\s*-/.test(line)) continue
    const cells = line
      .slice(1, -1)
      .split(' | ')
      .map(cell => cell.trim())
    const name = cells[0].replace(/`/g, '')
    if (name === 'input' || name === 'output' || name === 'variable') continue
    rows.set(name, cells.slice(1))
  }
  return rows
}

describe('action.yml', () => {
  it('declares exactly the inputs the action reads', () => {
    expect(Object.keys(actionYml.inputs).sort()).toEqual([...INPUT_NAMES].sort())
  })

  it('runs on node24 with a post step', () => {
    expect(actionYml.runs).toEqual({
      using: 'node24',
      main: 'dist/index.js',
      post: 'dist/cleanup/index.js'
    })
  })

  it('declares every output the action sets', () => {
    const sources = ['export.ts', 'main.ts'].map(f => readFileSync(join(ROOT, 'src', f), 'utf8'))
    const set = new Set(
      sources.flatMap(s => [...s.matchAll(/setOutput\('([a-z-]+)'/g)].map(m => m[1]))
    )
    expect([...set].sort()).toEqual(Object.keys(actionYml.outputs).sort())
  })
})

describe('README', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')

  it('lists every input with its action.yml default', () => {
    const rows = tableUnder(readme, 'Inputs')
    expect([...rows.keys()].sort()).toEqual(Object.keys(actionYml.inputs).sort())
    for (const [name, spec] of Object.entries(actionYml.inputs)) {
      const documented = rows.get(name)![0].replace(/`/g, '')
      expect({ name, default: documented }).toEqual({ name, default: spec.default ?? '' })
    }
  })

  it('lists every output', () => {
    expect([...tableUnder(readme, 'Outputs').keys()].sort()).toEqual(
      Object.keys(actionYml.outputs).sort()
    )
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
