import { describe, expect, it, jest } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import * as realFs from 'node:fs'
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve, sep } from 'node:path'
import { FileRefused, readBoundedTextFile } from '../../../src/shared/bounded-file.js'
import { recordingDescriptors } from '../../support/descriptors.js'

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

  it('counts a sibling folder whose name starts like a root as outside, and / as holding all', () => {
    const base = realpathSync(mkdtempSync(join(tmpdir(), 'scoped-role-siblings-')))
    mkdirSync(join(base, 'ab'))
    mkdirSync(join(base, 'abc'))
    writeFileSync(join(base, 'abc', 'secret'), 'z')
    const link = join(dir, 'link-sibling')
    symlinkSync(join(base, 'abc', 'secret'), link)
    expect(refusal(link, { maxBytes: 10, roots: [join(base, 'ab')] })).toBe(
      `is a symbolic link to ${join(base, 'abc', 'secret')}, outside the workspace and RUNNER_TEMP`
    )
    expect(readBoundedTextFile(link, { maxBytes: 10, roots: [sep] }).text).toBe('z')
  })

  it('reads a file that is not a link whatever the roots', () => {
    const path = file('plain', 'y')
    expect(readBoundedTextFile(path, { maxBytes: 10, roots: [join(dir, 'nowhere')] }).text).toBe(
      'y'
    )
  })

  it('says why a socket or a path through a file cannot be opened', async () => {
    const socket = join(dir, 'socket')
    const server = createServer()
    await new Promise<void>(done => server.listen(socket, done))
    try {
      expect(refusal(socket, { maxBytes: 10 })).toBe('ENXIO')
    } finally {
      await new Promise(done => server.close(done))
    }
    expect(refusal(join(file('not-a-folder', 'x'), 'child'), { maxBytes: 10 })).toBe('ENOTDIR')
  })

  it('reads a file whose size says nothing in full, and refuses it past maxBytes', () => {
    // Files under /proc report a size of 0: only the reading itself finds their length.
    const whole = readFileSync('/proc/version', 'utf8')
    expect(readBoundedTextFile('/proc/version', { maxBytes: whole.length }).text).toBe(whole)
    expect(refusal('/proc/version', { maxBytes: whole.length - 1 })).toBe(
      `grew past ${whole.length - 1} bytes while being read`
    )
  })

  it('closes the file it opened, whether it reads it or refuses it', async () => {
    const { opened, closed, fs } = recordingDescriptors()
    const bounded = await boundedFileWith(fs)
    expect(bounded.readBoundedTextFile(file('closed', 'abc'), { maxBytes: 3 }).text).toBe('abc')
    expect(() => bounded.readBoundedTextFile(file('closed-big', 'abcd'), { maxBytes: 3 })).toThrow(
      'is 4 bytes; at most 3 are read'
    )
    expect(opened).toHaveLength(2)
    expect(closed).toEqual(opened)
  })

  it('says EACCES when the file may not be read', async () => {
    // Root reads any file whatever its mode, so the refusal comes from a stand-in open.
    const bounded = await boundedFileWith({
      openSync: () => {
        throw Object.assign(new Error('EACCES: permission denied, open'), { code: 'EACCES' })
      }
    })
    const path = file('locked', 'x')
    expect(() => bounded.readBoundedTextFile(path, { maxBytes: 10 })).toThrow(
      `${path}: EACCES, permission denied`
    )
  })
})

/** bounded-file.js loaded afresh with some of node:fs replaced. */
async function boundedFileWith(
  fs: Partial<typeof realFs>
): Promise<typeof import('../../../src/shared/bounded-file.js')> {
  jest.resetModules()
  jest.unstable_mockModule('node:fs', () => ({ ...realFs, default: realFs, ...fs }))
  try {
    return await import('../../../src/shared/bounded-file.js')
  } finally {
    jest.resetModules()
  }
}
