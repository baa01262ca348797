import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { USER_AGENT } from '../../../src/flows/dependencies.js'
import { VERSION } from '../../../src/cli/version.js'
import { ROOT } from '../../e2e/harness.js'

describe('version', () => {
  it('is the one package.json states, and the one STS sees in the user agent', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
    expect(VERSION).toBe(pkg.version)
    expect(USER_AGENT).toBe(`scoped-role/${VERSION}`)
    expect(pkg.bin).toEqual({ 'scoped-role': 'dist/cli.cjs' })
    expect(readFileSync(join(ROOT, pkg.bin['scoped-role']), 'utf8')).toMatch(
      /^#!\/usr\/bin\/env node\n/
    )
  })
})
