import { ActionError } from './errors.js'

/** action-timeout-s: the whole step races one timer, which nothing else waits on. */
export interface StepDeadline {
  /** The work, or the deadline's error the moment it passes (the work is then abandoned). */
  race<T>(work: Promise<T>): Promise<T>
  /** Called once the work is done, and on every way out: an error never waits for the timer. */
  disarm(): void
}

/** `elapsedMs`: how long the step has run already, so the deadline counts from its start. */
export function stepDeadline(seconds: number | undefined, elapsedMs: number): StepDeadline {
  if (seconds === undefined) return { race: work => work, disarm: () => undefined }
  let timer: NodeJS.Timeout | undefined
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new ActionError(
            `The step did not finish within action-timeout-s (${seconds} s) and was stopped; nothing was exported. ` +
              'The log above shows the request it was waiting for. Raise action-timeout-s, or check sts-endpoint, the proxy settings and the network.',
            'Step timed out'
          )
        ),
      Math.max(0, seconds * 1000 - elapsedMs)
    )
  })
  // Raced at once; this only keeps a rejection after disarm() from counting as unhandled.
  expired.catch(() => undefined)
  return {
    race: work => Promise.race([work, expired]),
    disarm: () => clearTimeout(timer)
  }
}
