import { describe, expect, it, jest } from '@jest/globals'
import * as realFs from 'node:fs'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { writePrivateFile } from '../../../src/shared/private-file.js'
import { recordingDescriptors } from '../../support/descriptors.js'

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

  it('closes the file it wrote', async () => {
    const { opened, closed, fs } = recordingDescriptors()
    const privateFile = await privateFileWith(fs)
    const file = join(dir(), 'secret')
    privateFile.writePrivateFile(file, 'text')
    expect(readFileSync(file, 'utf8')).toBe('text')
    expect(opened).toHaveLength(1)
    expect(closed).toEqual(opened)
  })

  it("throws the rename's error when the temporary file is already gone", async () => {
    // Another process cleaning the folder may remove it between the write and the rename.
    const privateFile = await privateFileWith({
      renameSync: (from: realFs.PathLike, to: realFs.PathLike) => {
        realFs.rmSync(from)
        realFs.renameSync(from, to)
      }
    })
    const folder = dir()
    expect(() => privateFile.writePrivateFile(join(folder, 'secret'), 'text')).toThrow(
      expect.objectContaining({ code: 'ENOENT', syscall: 'rename' })
    )
    expect(readdirSync(folder)).toEqual([])
  })
})

/** private-file.js loaded afresh with some of node:fs replaced. */
async function privateFileWith(
  fs: Partial<typeof realFs>
): Promise<typeof import('../../../src/shared/private-file.js')> {
  jest.resetModules()
  jest.unstable_mockModule('node:fs', () => ({ ...realFs, default: realFs, ...fs }))
  try {
    return await import('../../../src/shared/private-file.js')
  } finally {
    jest.resetModules()
  }
}
