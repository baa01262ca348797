import * as realFs from 'node:fs'

/** openSync and closeSync that work as usual and record each descriptor, to prove none leaks. */
export function recordingDescriptors(): {
  opened: number[]
  closed: number[]
  fs: Pick<typeof realFs, 'openSync' | 'closeSync'>
} {
  const opened: number[] = []
  const closed: number[] = []
  const openSync = ((...args: Parameters<typeof realFs.openSync>) => {
    const descriptor = realFs.openSync(...args)
    opened.push(descriptor)
    return descriptor
  }) as typeof realFs.openSync
  const closeSync = (descriptor: number): void => {
    closed.push(descriptor)
    realFs.closeSync(descriptor)
  }
  return { opened, closed, fs: { openSync, closeSync } }
}
