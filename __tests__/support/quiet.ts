/**
 * Keeping the test log short and free of secrets: @actions/core writes workflow commands
 * (`::add-mask::TOKEN`, `::debug::…`) straight to stdout when a test calls it in-process, and a
 * masked token is still a token in a log that no runner masks. Notes for the reader go to stderr
 * as plain lines, without the stack trace jest adds to console output.
 */

/** Runs `action` while holding back the workflow commands it writes to stdout; returns them too. */
export async function withoutWorkflowCommands<T>(
  action: () => Promise<T>
): Promise<{ value: T; commands: string[] }> {
  const commands: string[] = []
  const write = process.stdout.write.bind(process.stdout)
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')
    const kept = text
      .split(/(?<=\n)/)
      .filter(line => !(line.startsWith('::') && commands.push(line.trimEnd())))
      .join('')
    return kept === '' ? true : write(kept, ...(rest as []))
  }) as typeof process.stdout.write
  try {
    return { value: await action(), commands }
  } finally {
    process.stdout.write = write
  }
}

/** One line for the reader of the test log (a figure or progress), without a stack trace. */
export function note(text: string): void {
  process.stderr.write(`${text}\n`)
}
