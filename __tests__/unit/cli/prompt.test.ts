import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { EventEmitter } from 'node:events'
import { Interrupted, promptMfaCode } from '../../../src/cli/prompt.js'
import { InputError } from '../../../src/shared/errors.js'

const SERIAL = 'arn:aws:iam::111122223333:mfa/me'

/** A terminal's stdin: raw mode, pause and resume, and data typed into it. */
class FakeStdin extends EventEmitter {
  isTTY: boolean | undefined = true
  rawMode: boolean[] = []
  paused = true
  setRawMode(mode: boolean): this {
    this.rawMode.push(mode)
    return this
  }
  resume(): this {
    this.paused = false
    return this
  }
  pause(): this {
    this.paused = true
    return this
  }
  type(text: string): void {
    this.emit('data', Buffer.from(text, 'utf8'))
  }
}

let stdin: FakeStdin
let stderr: string

beforeEach(() => {
  stdin = new FakeStdin()
  stderr = ''
  jest.spyOn(process.stderr, 'write').mockImplementation(chunk => {
    stderr += String(chunk)
    return true
  })
})
afterEach(() => {
  jest.restoreAllMocks()
  jest.useRealTimers()
})

const ask = () => promptMfaCode(SERIAL, stdin as unknown as NodeJS.ReadStream)

describe('promptMfaCode', () => {
  it.each([
    ['not a terminal', { isTTY: undefined }],
    ['a terminal without raw mode', { setRawMode: undefined }]
  ])('says how to pass the code when stdin is %s', async (_, change) => {
    Object.assign(stdin, change)
    const error = await ask().catch((thrown: unknown) => thrown)
    expect(error).toBeInstanceOf(InputError)
    expect((error as Error).message).toBe(
      `mfa-token-code: is not given, and there is no terminal to ask for the code of ${SERIAL}. Pass --mfa-code with the 6-digit code the device shows now.`
    )
    expect(stderr).toBe('')
    expect(stdin.rawMode).toEqual([])
  })

  it('asks without echo, and gives back what was typed before Enter', async () => {
    const answer = ask()
    expect(stdin.rawMode).toEqual([true])
    expect(stderr).toBe(`MFA code for ${SERIAL}: `)
    expect(stdin.paused).toBe(false)
    stdin.type('123')
    stdin.type('456\rignored')
    await expect(answer).resolves.toBe('123456')
    expect(stdin.rawMode).toEqual([true, false])
    expect(stdin.paused).toBe(true)
    expect(stdin.listenerCount('data')).toBe(0)
    expect(stderr).toBe(`MFA code for ${SERIAL}: \n`)
  })

  it('ends at a newline too', async () => {
    const answer = ask()
    stdin.type('654321\n')
    await expect(answer).resolves.toBe('654321')
  })

  it('takes back a character for Backspace or Delete', async () => {
    const answer = ask()
    stdin.type('12x\u007f3y\b456\r')
    await expect(answer).resolves.toBe('123456')
  })

  it('takes back nothing from an empty answer', async () => {
    const answer = ask()
    stdin.type('\u007f1\r')
    await expect(answer).resolves.toBe('1')
  })

  it('keeps at most 64 characters', async () => {
    const answer = ask()
    stdin.type(`${'1'.repeat(63)}23\r`)
    await expect(answer).resolves.toBe(`${'1'.repeat(63)}2`)
  })

  it.each([
    ['Ctrl-C', '\u0003'],
    ['Ctrl-D', '\u0004']
  ])('stops at %s', async (_, key) => {
    const answer = ask()
    stdin.type(`12${key}34\r`)
    const error = await answer.catch((thrown: unknown) => thrown)
    expect(error).toBeInstanceOf(Interrupted)
    expect((error as Error).message).toBe('interrupted')
    expect((error as Error).name).toBe('Interrupted')
    expect(stdin.rawMode).toEqual([true, false])
    expect(stdin.listenerCount('data')).toBe(0)
  })

  it('gives up after five minutes', async () => {
    jest.useFakeTimers()
    const answer = ask()
    let settled = false
    answer.then(
      () => (settled = true),
      () => (settled = true)
    )
    jest.advanceTimersByTime(5 * 60_000 - 1)
    await Promise.resolve()
    expect(settled).toBe(false)
    jest.advanceTimersByTime(1)
    const error = await answer.catch((thrown: unknown) => thrown)
    expect(error).toBeInstanceOf(InputError)
    expect((error as Error).message).toBe(
      'mfa-token-code: was not typed within 5 minutes. Run the command again, or pass --mfa-code.'
    )
    expect(stdin.rawMode).toEqual([true, false])
    expect(stdin.listenerCount('data')).toBe(0)
  })

  it('stops the clock once answered', async () => {
    jest.useFakeTimers()
    const answer = ask()
    stdin.type('1\r')
    await expect(answer).resolves.toBe('1')
    expect(jest.getTimerCount()).toBe(0)
  })
})
