import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { stepDeadline } from '../../../src/shared/deadline.js'
import { ActionError } from '../../../src/shared/errors.js'

/** Settles `promise` into a value or an error, without waiting for it. */
function watch<T>(promise: Promise<T>): { state: () => 'pending' | 'resolved' | 'rejected' } {
  let state: 'pending' | 'resolved' | 'rejected' = 'pending'
  promise.then(
    () => (state = 'resolved'),
    () => (state = 'rejected')
  )
  return { state: () => state }
}

describe('stepDeadline', () => {
  // Modern fake timers move only when the test moves them, a fixed amount each time.
  beforeEach(() => {
    jest.useFakeTimers()
  })
  afterEach(() => {
    jest.useRealTimers()
  })

  const never = () => new Promise<never>(() => undefined)

  it('without action-timeout-s, passes the work through and sets no timer', async () => {
    const deadline = stepDeadline(undefined, 0)
    const work = Promise.resolve('done')
    expect(deadline.race(work)).toBe(work)
    expect(jest.getTimerCount()).toBe(0)
    deadline.disarm()
  })

  it('rejects at the deadline, counted from the start of the step', async () => {
    const deadline = stepDeadline(10, 4000)
    const raced = deadline.race(never())
    const watched = watch(raced)
    await jest.advanceTimersByTimeAsync(5999)
    expect(watched.state()).toBe('pending')
    await jest.advanceTimersByTimeAsync(1)
    expect(watched.state()).toBe('rejected')
    await expect(raced).rejects.toBeInstanceOf(ActionError)
    await expect(raced).rejects.toMatchObject({
      title: 'Step timed out',
      message:
        'The step did not finish within action-timeout-s (10 s) and was stopped; nothing was exported. The log above shows the request it was waiting for. Raise action-timeout-s, or check sts-endpoint, the proxy settings and the network.'
    })
  })

  it('rejects at once when the step already ran past it', async () => {
    const raced = watch(stepDeadline(1, 5000).race(never()))
    await jest.advanceTimersByTimeAsync(0)
    expect(raced.state()).toBe('rejected')
  })

  it('gives the work when it finishes first, and disarm() clears the timer', async () => {
    const deadline = stepDeadline(10, 0)
    await expect(deadline.race(Promise.resolve('done'))).resolves.toBe('done')
    expect(jest.getTimerCount()).toBe(1)
    deadline.disarm()
    expect(jest.getTimerCount()).toBe(0)
  })
})
