import { InputError } from '../shared/errors.js'

/** A person gets this long to type the code; every wait is bounded. */
const PROMPT_TIMEOUT_MS = 5 * 60_000

/** Ctrl-C at the prompt: the conventional status of an interrupted command. */
export class Interrupted extends Error {
  constructor() {
    super('interrupted')
    this.name = 'Interrupted'
  }
}

/**
 * Asks for the MFA code on the terminal without echoing it. Without a terminal there is no one
 * to ask, which is an error that says how to pass the code instead.
 */
export function promptMfaCode(
  serial: string,
  stdin: NodeJS.ReadStream = process.stdin
): Promise<string> {
  if (!stdin.isTTY || typeof stdin.setRawMode !== 'function') {
    return Promise.reject(
      new InputError(
        'mfa-token-code',
        `is not given, and there is no terminal to ask for the code of ${serial}.`,
        'Pass --mfa-code with the 6-digit code the device shows now.'
      )
    )
  }
  // No echo before the prompt shows: a code typed or pasted early must not appear either.
  stdin.setRawMode(true)
  process.stderr.write(`MFA code for ${serial}: `)
  return new Promise((resolve, reject) => {
    let typed = ''
    const finish = (error: Error | undefined): void => {
      clearTimeout(timer)
      stdin.off('data', onData)
      stdin.setRawMode(false)
      stdin.pause()
      process.stderr.write('\n')
      if (error) reject(error)
      else resolve(typed)
    }
    const onData = (chunk: Buffer): void => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') return finish(undefined)
        if (char === '\u0003' || char === '\u0004') return finish(new Interrupted())
        if (char === '\u007f' || char === '\b') typed = typed.slice(0, -1)
        else if (typed.length < 64) typed += char
      }
    }
    const timer = setTimeout(
      () =>
        finish(
          new InputError(
            'mfa-token-code',
            `was not typed within ${PROMPT_TIMEOUT_MS / 60_000} minutes.`,
            'Run the command again, or pass --mfa-code.'
          )
        ),
      PROMPT_TIMEOUT_MS
    )
    stdin.resume()
    stdin.on('data', onData)
  })
}
