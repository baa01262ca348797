/**
 * Running the command line's modules in process: they read process.env and write to
 * process.stdout and process.stderr, as the terminal front is meant to.
 */
import { Terminal } from '../../src/cli/terminal.js'

/** Runs `action` with these variables set (undefined: unset), and puts the old ones back after. */
export async function withProcessEnv<T>(
  vars: Record<string, string | undefined>,
  action: () => Promise<T>
): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map(name => [name, process.env[name]]))
  const apply = (values: Record<string, string | undefined>): void => {
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
  }
  apply(vars)
  try {
    return await action()
  } finally {
    apply(saved)
  }
}

export interface Captured<T> {
  value: T
  stdout: string
  stderr: string
}

/** Runs `action` while keeping what it writes to stdout and stderr (which then show nothing). */
export async function captureStdio<T>(action: () => Promise<T>): Promise<Captured<T>> {
  const text = { stdout: '', stderr: '' }
  const streams = { stdout: process.stdout, stderr: process.stderr } as const
  const writes = { stdout: streams.stdout.write, stderr: streams.stderr.write }
  for (const name of ['stdout', 'stderr'] as const) {
    streams[name].write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      text[name] += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')
      const callback = rest.find(arg => typeof arg === 'function') as (() => void) | undefined
      callback?.()
      return true
    }) as typeof process.stdout.write
  }
  try {
    const value = await action()
    return { value, ...text }
  } finally {
    streams.stdout.write = writes.stdout
    streams.stderr.write = writes.stderr
  }
}

/** A Terminal writing to a string, for a test to read. */
export function recordingTerminal(verbose = false): { terminal: Terminal; text: () => string } {
  let text = ''
  const stream = {
    write: (chunk: string) => {
      text += chunk
      return true
    }
  } as unknown as NodeJS.WritableStream
  return { terminal: new Terminal(stream, verbose), text: () => text }
}
