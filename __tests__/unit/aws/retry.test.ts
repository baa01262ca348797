import { describe, expect, it } from '@jest/globals'
import {
  RetriesExhausted,
  classifyError,
  errorFacts,
  withDeadline,
  withRetries,
  type RetryClock
} from '../../../src/aws/retry.js'

const stsError = (code: string, status: number) =>
  Object.assign(new Error(`${code} happened`), {
    name: code,
    Code: code,
    $metadata: { httpStatusCode: status }
  })
const networkError = (code: string) => Object.assign(new Error(`connect ${code}`), { code })

/** More clock reads than any retry loop here needs: past it the loop has stopped ending. */
const MAX_READS = 1000

/**
 * A clock whose sleeps only move time forward, so tests are instant and exact. Its reads are
 * counted: a loop that stopped sleeping (or stopped counting attempts) would spin on microtasks
 * forever, where jest's timeout never fires, so the clock fails the test instead.
 */
function fakeClock(random = 1): RetryClock & { sleeps: number[]; time: number } {
  let reads = 0
  const clock = {
    time: 0,
    sleeps: [] as number[],
    now: () => {
      reads += 1
      if (reads > MAX_READS) throw new Error(`the retry loop read the clock ${reads} times`)
      return clock.time
    },
    sleep: async (ms: number) => {
      clock.sleeps.push(ms)
      clock.time += ms
    },
    random: () => random
  }
  return clock
}

describe('classifyError', () => {
  it.each([
    ['Throttling', 400, false, 'transient'],
    ['ThrottlingException', 400, false, 'transient'],
    ['InternalFailure', 500, false, 'transient'],
    ['ServiceUnavailable', 503, false, 'transient'],
    ['SomethingNew', 502, false, 'transient'],
    ['IDPCommunicationError', 400, true, 'transient'],
    ['ExpiredTokenException', 400, true, 'refresh-token'],
    ['InvalidIdentityToken', 400, true, 'refresh-token'],
    ['ExpiredTokenException', 400, false, 'final'],
    ['AccessDenied', 403, false, 'final'],
    ['ValidationError', 400, false, 'final'],
    ['MalformedPolicyDocument', 400, false, 'final'],
    ['PackedPolicyTooLarge', 400, false, 'final'],
    ['RegionDisabledException', 403, false, 'final'],
    ['SignatureDoesNotMatch', 403, false, 'final'],
    ['ExpiredToken', 400, false, 'final'],
    ['IDPRejectedClaim', 403, true, 'final']
  ])('%s (HTTP %d, web identity %s) is %s', (code, status, webIdentity, kind) => {
    expect(classifyError(stsError(code, status), webIdentity)).toBe(kind)
  })

  it.each(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE'])(
    'network error %s is transient',
    code => {
      expect(classifyError(networkError(code), false)).toBe('transient')
    }
  )

  it('treats a timeout and an unreadable 200 body as transient', () => {
    expect(
      classifyError(Object.assign(new Error('no answer'), { name: 'TimeoutError' }), false)
    ).toBe('transient')
    expect(classifyError(new Error('XML parse error: missing closing tag'), false)).toBe(
      'transient'
    )
  })
})

describe('the fake clock', () => {
  it('fails a loop that never ends instead of letting it spin', () => {
    const clock = fakeClock()
    expect(() => {
      for (;;) clock.now()
    }).toThrow('the retry loop read the clock 1001 times')
  })
})

describe('withRetries', () => {
  const policy = {
    maxAttempts: 4,
    budgetMs: 10_000,
    requestTimeoutMs: 2_000,
    baseDelayMs: 100,
    maxDelayMs: 1_000
  }

  it('retries throttling with capped exponential backoff and full jitter, logging each retry', async () => {
    const clock = fakeClock(0.5)
    const log: string[] = []
    let calls = 0
    const result = await withRetries(
      async () => {
        calls += 1
        if (calls < 4) throw stsError('Throttling', 400)
        return 'ok'
      },
      policy,
      { clock, log: line => log.push(line) }
    )
    expect(result).toBe('ok')
    expect(clock.sleeps).toEqual([50, 100, 200])
    expect(log[0]).toBe('Attempt 1 of 4 failed: Throttling (HTTP 400); retrying in 0.05 s.')
  })

  it('never retries a final error', async () => {
    const clock = fakeClock()
    let calls = 0
    const failure = withRetries(
      async () => {
        calls += 1
        throw stsError('AccessDenied', 403)
      },
      policy,
      { clock }
    )
    await expect(failure).rejects.toMatchObject({ reason: 'final', attempts: 1 })
    expect(calls).toBe(1)
    expect(clock.sleeps).toEqual([])
  })

  it('stops after the last attempt without a trailing sleep', async () => {
    const clock = fakeClock()
    const failure = withRetries(
      async () => {
        throw stsError('InternalFailure', 500)
      },
      policy,
      { clock }
    )
    await expect(failure).rejects.toBeInstanceOf(RetriesExhausted)
    await expect(failure).rejects.toMatchObject({ reason: 'attempts', attempts: 4 })
    expect(clock.sleeps).toHaveLength(3)
  })

  it('never waits past the budget, and gives each attempt only what is left of it', async () => {
    const clock = fakeClock(1)
    const timeouts: number[] = []
    const failure = withRetries(
      async ({ timeoutMs }) => {
        timeouts.push(timeoutMs)
        clock.time += timeoutMs // the attempt hangs until its timeout
        throw Object.assign(new Error('no answer'), { name: 'TimeoutError' })
      },
      {
        maxAttempts: 10,
        budgetMs: 5_000,
        requestTimeoutMs: 2_000,
        baseDelayMs: 100,
        maxDelayMs: 1_000
      },
      { clock }
    )
    await expect(failure).rejects.toMatchObject({ reason: 'budget' })
    expect(clock.time).toBeLessThanOrEqual(5_000)
    expect(timeouts[0]).toBe(2_000)
    expect(Math.min(...timeouts)).toBeLessThan(2_000)
  })

  it('asks for a fresh web identity token once, at once', async () => {
    const clock = fakeClock()
    const refreshes: boolean[] = []
    const failure = withRetries(
      async ({ refreshToken }) => {
        refreshes.push(refreshToken)
        throw stsError('ExpiredTokenException', 400)
      },
      policy,
      { clock, webIdentity: true }
    )
    await expect(failure).rejects.toMatchObject({ reason: 'final', attempts: 2 })
    expect(refreshes).toEqual([false, true])
    expect(clock.sleeps).toEqual([])
  })
})

describe('withRetries and web identity tokens', () => {
  const policy = { maxAttempts: 1, budgetMs: 10_000, requestTimeoutMs: 2_000 }

  it('refreshes a refused token once even on the last attempt', async () => {
    const clock = fakeClock()
    let calls = 0
    const result = await withRetries(
      async ({ refreshToken }) => {
        calls += 1
        if (!refreshToken) throw stsError('InvalidIdentityToken', 400)
        return 'ok'
      },
      policy,
      { clock, webIdentity: true }
    )
    expect(result).toBe('ok')
    expect(calls).toBe(2)
  })

  it('does not refresh past the budget', async () => {
    const clock = fakeClock()
    const failure = withRetries(
      async () => {
        clock.time += 10_000
        throw stsError('ExpiredTokenException', 400)
      },
      policy,
      { clock, webIdentity: true }
    )
    await expect(failure).rejects.toMatchObject({ reason: 'budget', attempts: 1 })
  })
})

describe('errorFacts', () => {
  const error = (message: string, fields: object) => Object.assign(new Error(message), fields)

  it.each([
    [
      'the code STS sent, its status and request id',
      error('m', {
        name: 'ThrottlingException',
        Code: 'Throttling',
        $metadata: { httpStatusCode: 400, requestId: 'r-1' }
      }),
      { code: 'Throttling', status: 400, message: 'm', requestId: 'r-1' }
    ],
    [
      'a network code',
      error('reset', { code: 'ECONNRESET', name: 'Other' }),
      { code: 'ECONNRESET', message: 'reset' }
    ],
    [
      'a Node code starting ERR_',
      error('closed', { code: 'ERR_STREAM_PREMATURE_CLOSE' }),
      { code: 'ERR_STREAM_PREMATURE_CLOSE', message: 'closed' }
    ],
    [
      'a code with a digit, as the name',
      error('m', { code: 'E1' }),
      { code: 'Error', message: 'm' }
    ],
    [
      'a lower-case code, as the name',
      error('m', { code: 'Econnreset', name: 'Odd' }),
      { code: 'Odd', message: 'm' }
    ],
    [
      'a code with text before E, as the name',
      error('m', { code: 'XECONNRESET', name: 'Odd' }),
      { code: 'Odd', message: 'm' }
    ],
    [
      'a code with ERR_ not at its start, as the name',
      error('m', { code: 'X_ERR_A', name: 'Odd' }),
      { code: 'Odd', message: 'm' }
    ],
    [
      'the name of an error',
      error('late', { name: 'TimeoutError' }),
      { code: 'TimeoutError', message: 'late' }
    ],
    ['a plain error', new Error('plain'), { code: 'Error', message: 'plain' }],
    [
      'a proxy that wants credentials',
      new Error('tunneling socket could not be established, statusCode=407'),
      {
        code: 'ProxyAuthenticationRequired',
        status: 407,
        message: 'tunneling socket could not be established, statusCode=407'
      }
    ],
    [
      'a proxy that refuses the tunnel',
      new Error('x tunneling socket could not be established, statusCode=502 y'),
      {
        code: 'ProxyRefused',
        status: 502,
        message: 'x tunneling socket could not be established, statusCode=502 y'
      }
    ],
    [
      'a page that is not XML, from the response status',
      error('XML parse error', { $response: { statusCode: 502 } }),
      { code: 'UnexpectedResponse', status: 502, message: 'XML parse error' }
    ],
    [
      'a 400 page that cannot be read',
      error('deserialization failed', { $metadata: { httpStatusCode: 400 } }),
      { code: 'UnexpectedResponse', status: 400, message: 'deserialization failed' }
    ],
    [
      'a body cut off under status 400',
      error('Deserialization error', { $metadata: { httpStatusCode: 399 } }),
      { code: 'MalformedResponse', status: 399, message: 'Deserialization error' }
    ],
    [
      'a body cut off without a status',
      new Error('XML parse error: end'),
      { code: 'MalformedResponse', message: 'XML parse error: end' }
    ],
    [
      'an unreadable answer under its own name',
      error('XML parse error', { name: 'Odd', $metadata: { httpStatusCode: 502 } }),
      { code: 'Odd', status: 502, message: 'XML parse error' }
    ],
    ['a string', 'boom', { code: 'Error', message: 'boom' }],
    ['nothing', undefined, { code: 'Error', message: 'undefined' }],
    ['null', null, { code: 'Error', message: 'null' }]
  ])('reads %s', (_, value, facts) => {
    expect(errorFacts(value)).toEqual(facts)
  })
})

describe('classifyError, by status and message', () => {
  const answer = (message: string, status?: number) =>
    Object.assign(new Error(message), { name: 'Odd', $metadata: { httpStatusCode: status } })

  it.each([
    ['Too many', 429, 'transient'],
    ['Gone', 499, 'final'],
    ['Broken', 500, 'transient'],
    ['socket hang up', undefined, 'transient'],
    ['Unexpected end of input', 399, 'transient'],
    ['Unexpected end of input', 400, 'final'],
    ['bad xml here', 200, 'transient'],
    ['Deserialization', undefined, 'transient'],
    ['no reason', undefined, 'final']
  ])('%s with status %s is %s', (message, status, kind) => {
    expect(classifyError(answer(message, status), false)).toBe(kind)
  })

  it.each(['ExpiredTokenException', 'InvalidIdentityToken', 'InvalidIdentityTokenException'])(
    '%s asks for a new token only for a web identity',
    code => {
      const refused = Object.assign(new Error('m'), {
        name: code,
        $metadata: { httpStatusCode: 400 }
      })
      expect([classifyError(refused, true), classifyError(refused, false)]).toEqual([
        'refresh-token',
        'final'
      ])
    }
  )
})

describe('RetriesExhausted', () => {
  it('carries the message of the last error and what ended the retries', () => {
    const last = new Error('Rate exceeded')
    const error = new RetriesExhausted(last, 3, 1200, 'budget')
    expect(error).toMatchObject({
      name: 'RetriesExhausted',
      message: 'Rate exceeded',
      lastError: last,
      attempts: 3,
      elapsedMs: 1200,
      reason: 'budget'
    })
  })
})

describe('withDeadline', () => {
  it('gives what the promise gives in time', async () => {
    await expect(withDeadline(Promise.resolve('ok'), 10_000, 'late')).resolves.toBe('ok')
  })

  it('passes on a rejection in time', async () => {
    const failure = new Error('no')
    await expect(withDeadline(Promise.reject(failure), 10_000, 'late')).rejects.toBe(failure)
  })

  it('rejects with a TimeoutError carrying the message when the wait is over', async () => {
    const error = await withDeadline(
      new Promise(() => undefined),
      20,
      'no token within 20 ms'
    ).catch((e: Error) => e)
    expect(error).toBeInstanceOf(Error)
    expect({ name: (error as Error).name, message: (error as Error).message }).toEqual({
      name: 'TimeoutError',
      message: 'no token within 20 ms'
    })
  })
})
