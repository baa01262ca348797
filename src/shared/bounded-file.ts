import {
  closeSync,
  constants,
  fstatSync,
  openSync,
  readSync,
  realpathSync,
  type Stats
} from 'node:fs'
import { resolve, sep } from 'node:path'

/**
 * Opens a file the workflow names, the way a file written by a stranger must be opened: a pull
 * request controls what `inline-session-policy-file` points at, and a device (/dev/zero), a
 * FIFO or a symlink to either would otherwise fill the memory or block the runner for good.
 * Only a regular file is read, at most `maxBytes` of it, and a symlink must end inside one of
 * the `roots` (the workspace and RUNNER_TEMP) when roots are given.
 */
export class FileRefused extends Error {
  constructor(
    readonly path: string,
    readonly reason: string
  ) {
    super(`${path}: ${reason}`)
    this.name = 'FileRefused'
  }
}

export interface BoundedRead {
  /** Absolute path the name resolved to, after following symlinks. */
  realPath: string
  /** The text, UTF-8, without a byte-order mark. */
  text: string
}

export function readBoundedTextFile(
  path: string,
  options: { maxBytes: number; roots?: readonly string[] }
): BoundedRead {
  const absolute = resolve(path)
  let real: string
  try {
    real = realpathSync(absolute)
  } catch (error) {
    throw new FileRefused(absolute, describeErrno(error))
  }
  if (real !== absolute && options.roots !== undefined) {
    const inside = options.roots.some(root => isInside(real, root))
    if (!inside) {
      throw new FileRefused(
        absolute,
        `is a symbolic link to ${real}, outside the workspace and RUNNER_TEMP`
      )
    }
  }
  let descriptor: number
  try {
    // Non-blocking, so opening a FIFO returns at once (and is then refused as not a file);
    // no-follow, so the path cannot be swapped for a link between the check and the open.
    descriptor = openSync(real, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW)
  } catch (error) {
    throw new FileRefused(absolute, describeErrno(error))
  }
  try {
    const stats = fstatSync(descriptor)
    if (!stats.isFile()) throw new FileRefused(absolute, `is ${kindOf(stats)}, not a regular file`)
    if (stats.size > options.maxBytes) {
      throw new FileRefused(
        absolute,
        `is ${stats.size} bytes; at most ${options.maxBytes} are read`
      )
    }
    const buffer = Buffer.alloc(options.maxBytes + 1)
    let length = 0
    for (;;) {
      const read = readSync(descriptor, buffer, length, buffer.length - length, null)
      if (read === 0) break
      length += read
      if (length > options.maxBytes) {
        throw new FileRefused(absolute, `grew past ${options.maxBytes} bytes while being read`)
      }
    }
    let text: string
    try {
      // The decoder drops a byte-order mark, which editors on Windows like to save.
      text = new TextDecoder('utf-8', { fatal: true }).decode(buffer.subarray(0, length))
    } catch {
      throw new FileRefused(absolute, 'is not UTF-8 text')
    }
    return { realPath: real, text }
  } finally {
    closeSync(descriptor)
  }
}

function isInside(path: string, root: string): boolean {
  let realRoot: string
  try {
    realRoot = realpathSync(root)
  } catch {
    return false
  }
  return path === realRoot || path.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep)
}

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory'
  if (stats.isFIFO()) return 'a named pipe (FIFO)'
  // Nothing else gets this far: open(2) refuses a socket (ENXIO) and, with O_NOFOLLOW, a
  // symbolic link (ELOOP), so an open descriptor that is neither is a character or block device.
  return 'a device'
}

function describeErrno(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'ENOENT') return 'ENOENT, no such file'
  if (code === 'EACCES') return 'EACCES, permission denied'
  if (code === 'ELOOP') return 'ELOOP, a symbolic link loop'
  return code ?? String(error)
}
