import { describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { writePrivateFile } from '../../../src/shared/private-file.js'

describe('writePrivateFile', () => {
  const dir = () => mkdtempSync(join(tmpdir(), 'scoped-role-private-'))

  it('writes the whole text readable by its owner only, replacing what was there', () => {
    const folder = dir()
    const file = join(folder, 'secret')
    writeFileSync(file, 'old', { mode: 0o644 })
    writePrivateFile(file, 'new text')
    expect(readFileSync(file, 'utf8')).toBe('new text')
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(readdirSync(folder)).toEqual(['secret'])
  })

  it('leaves no temporary file behind when the rename fails', () => {
    const folder = dir()
    const target = join(folder, 'taken')
    mkdirSync(join(target, 'inside'), { recursive: true })
    expect(() => writePrivateFile(target, 'text')).toThrow()
    expect(readdirSync(folder)).toEqual(['taken'])
  })
})
