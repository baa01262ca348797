import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve, sep } from 'node:path'
import { FileRefused, readBoundedTextFile } from '../../../src/shared/bounded-file.js'

const dir = realpathSync(mkdtempSync(join(tmpdir(), 'scoped-role-bounded-')))
const file = (name: string, content: string | Buffer): string => {
  const path = join(dir, name)
  writeFileSync(path, content)
  return path
}
const refusal = (path: string, options: { maxBytes: number; roots?: string[] }): string => {
  try {
    readBoundedTextFile(path, options)
  } catch (error) {
    expect(error).toBeInstanceOf(FileRefused)
    // Named in full: a relative name resolved against the working folder.
    const named = resolve(path)
    expect((error as FileRefused).path).toBe(named)
    expect((error as Error).message).toBe(`${named}: ${(error as FileRefused).reason}`)
    return (error as FileRefused).reason
  }
  throw new Error(`${path} was read`)
}

describe('readBoundedTextFile', () => {
  it('reads a regular file up to maxBytes, without a byte-order mark', () => {
    const path = file('ok.json', '\ufeff{"a":1}')
    expect(readBoundedTextFile(path, { maxBytes: 10 })).toEqual({
      realPath: path,
      text: '{"a":1}'
    })
    expect(readBoundedTextFile(file('exact', 'abcd'), { maxBytes: 4 }).text).toBe('abcd')
  })

  it('refuses a file over maxBytes, saying how big it is', () => {
    expect(refusal(file('big', 'abcde'), { maxBytes: 4 })).toBe('is 5 bytes; at most 4 are read')
  })

  it('refuses what is not UTF-8', () => {
    expect(refusal(file('latin1', Buffer.from([0x61, 0xe9, 0x62])), { maxBytes: 10 })).toBe(
      'is not UTF-8 text'
    )
  })

  it('names what a path that is not a regular file is', () => {
    mkdirSync(join(dir, 'folder'))
    expect(refusal(join(dir, 'folder'), { maxBytes: 10 })).toBe(
      'is a directory, not a regular file'
    )
    expect(refusal('/dev/null', { maxBytes: 10 })).toBe('is a device, not a regular file')
    const fifo = join(dir, 'fifo')
    execFileSync('mkfifo', [fifo])
    expect(refusal(fifo, { maxBytes: 10 })).toBe('is a named pipe (FIFO), not a regular file')
  })

  it('says why a path cannot be opened', () => {
    expect(refusal(join(dir, 'missing'), { maxBytes: 10 })).toBe('ENOENT, no such file')
    symlinkSync(join(dir, 'loop-b'), join(dir, 'loop-a'))
    symlinkSync(join(dir, 'loop-a'), join(dir, 'loop-b'))
    expect(refusal(join(dir, 'loop-a'), { maxBytes: 10 })).toBe('ELOOP, a symbolic link loop')
    expect(refusal('no-such-file-here', { maxBytes: 10 })).toBe('ENOENT, no such file')
  })

  it('follows a symlink only to a place inside the roots, when roots are given', () => {
    const outside = realpathSync(mkdtempSync(join(tmpdir(), 'scoped-role-outside-')))
    writeFileSync(join(outside, 'secret'), 'x')
    const link = join(dir, 'link-out')
    symlinkSync(join(outside, 'secret'), link)
    expect(refusal(link, { maxBytes: 10, roots: [dir] })).toBe(
      `is a symbolic link to ${join(outside, 'secret')}, outside the workspace and RUNNER_TEMP`
    )
    expect(readBoundedTextFile(link, { maxBytes: 10 }).text).toBe('x')
    expect(readBoundedTextFile(link, { maxBytes: 10, roots: [dir, outside] }).text).toBe('x')
    expect(readBoundedTextFile(link, { maxBytes: 10, roots: [`${outside}${sep}`] }).text).toBe('x')
    // A root that does not exist holds nothing; a sibling folder whose name starts the same is
    // not inside.
    expect(refusal(link, { maxBytes: 10, roots: [join(dir, 'nowhere')] })).toContain('outside')
    expect(refusal(link, { maxBytes: 10, roots: [outside.slice(0, -1)] })).toContain('outside')
    // The file itself given as the root.
    expect(readBoundedTextFile(link, { maxBytes: 10, roots: [join(outside, 'secret')] }).text).toBe(
      'x'
    )
  })

  it('reads a file that is not a link whatever the roots', () => {
    const path = file('plain', 'y')
    expect(readBoundedTextFile(path, { maxBytes: 10, roots: [join(dir, 'nowhere')] }).text).toBe(
      'y'
    )
  })
})
