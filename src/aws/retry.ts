import { fromNetwork } from '../shared/log-text.js'

/**
 * One retry policy for every STS request (the SDK's own retries are off, so attempts never
 * multiply): retry only what can succeed on a second try, with capped exponential backoff and
 * full jitter, inside a total time budget that no wait outlives.
 */

export interface RetryPolicy {
  maxAttempts: number
  /** Total budget for all attempts and waits together. */
  budgetMs: number
  /** Per attempt: connection and response together. */
  requestTimeoutMs: number
  baseDelayMs?: number
  maxDelayMs?: number
}

/** transient: try again; refresh-token: try once more with a new web identity token; final: stop. */
export type ErrorClass = 'transient' | 'refresh-token' | 'final'

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'PriorRequestNotComplete',
  'SlowDown'
])
const TRANSIENT_CODES = new Set([
  'MalformedResponse',
  'IDPCommunicationError',
  'IDPCommunicationErrorException',
  'InternalFailure',
  'InternalError',
  'ServiceUnavailable',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'AbortError'
])
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'ECONNABORTED',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ERR_STREAM_PREMATURE_CLOSE'
])
const TOKEN_CODES = new Set([
  'ExpiredTokenException',
  'InvalidIdentityToken',
  'InvalidIdentityTokenException'
])

export interface ErrorFacts {
  code: string
  status?: number
  message: string
  requestId?: string
}

/** The parts of an SDK or network error that decide what to do with it. */
export function errorFacts(error: unknown): ErrorFacts {
  const e = (error ?? {}) as {
    Code?: string
    name?: string
    code?: string
    message?: string
    $metadata?: { httpStatusCode?: number; requestId?: string }
    $response?: { statusCode?: number }
  }
  // The SDK renames the errors it models (ExpiredTokenException stays, MalformedPolicyDocument
  // becomes MalformedPolicyDocumentException); Code is the code STS sent.
  const code =
    e.Code ??
    (e.code && /^E[A-Z_]+$|^ERR_/.test(e.code) ? e.code : undefined) ??
    (e.name && e.name !== 'Error' ? e.name : 'Error')
  // A proxy that refuses the CONNECT shows only in the tunnel's message (as ECONNRESET).
  const tunnel = /tunneling socket could not be established, statusCode=(\d+)/.exec(e.message ?? '')
  if (tunnel !== null) {
    const status = Number(tunnel[1])
    return {
      code: status === 407 ? 'ProxyAuthenticationRequired' : 'ProxyRefused',
      status,
      message: e.message ?? ''
    }
  }
  const status = e.$metadata?.httpStatusCode ?? e.$response?.statusCode
  // An answer that is not STS's XML has no code of its own: a cut-off body (MalformedResponse,
  // worth retrying) or a page from something in between, such as a proxy (UnexpectedResponse).
  const unreadable = code === 'Error' && /XML parse error|Deserializ/i.test(e.message ?? '')
  return {
    code: unreadable
      ? status !== undefined && status >= 400
        ? 'UnexpectedResponse'
        : 'MalformedResponse'
      : code,
    status,
    message: e.message ?? String(error),
    requestId: e.$metadata?.requestId
  }
}

export function classifyError(error: unknown, webIdentity: boolean): ErrorClass {
  const facts = errorFacts(error)
  if (webIdentity && TOKEN_CODES.has(facts.code)) return 'refresh-token'
  if (
    THROTTLING.has(facts.code) ||
    TRANSIENT_CODES.has(facts.code) ||
    NETWORK_CODES.has(facts.code)
  ) {
    return 'transient'
  }
  if (facts.status !== undefined && (facts.status >= 500 || facts.status === 429))
    return 'transient'
  // A 200 whose body is not STS's XML is a proxy or a connection cut mid-answer, not a verdict.
  if (
    /XML|Deserializ|Unexpected end|socket hang up/i.test(facts.message) &&
    (facts.status ?? 200) < 400
  ) {
    return 'transient'
  }
  return 'final'
}

export interface RetryClock {
  now: () => number
  sleep: (ms: number) => Promise<void>
  random: () => number
}

export const realClock: RetryClock = {
  now: () => Date.now(),
  sleep: ms => new Promise(resolve => setTimeout(resolve, ms)),
  random: Math.random
}

export interface AttemptContext {
  attempt: number
  /** How long this attempt may take: the per-request timeout, or what is left of the budget. */
  timeoutMs: number
  /** Set on the attempt after a web identity token was refused as expired or invalid. */
  refreshToken: boolean
}

export class RetriesExhausted extends Error {
  constructor(
    readonly lastError: unknown,
    readonly attempts: number,
    readonly elapsedMs: number,
    readonly reason: 'final' | 'attempts' | 'budget'
  ) {
    super(errorFacts(lastError).message)
    this.name = 'RetriesExhausted'
  }
}

/**
 * Runs `attempt` until it succeeds, the error is final, the attempts are used up, or the next
 * wait would end past the budget; then throws RetriesExhausted with the last error (no sleep
 * after the last failure).
 */
export async function withRetries<T>(
  attempt: (context: AttemptContext) => Promise<T>,
  policy: RetryPolicy,
  options: {
    webIdentity?: boolean
    log?: (line: string) => void
    clock?: RetryClock
  } = {}
): Promise<T> {
  const clock = options.clock ?? realClock
  const base = policy.baseDelayMs ?? 250
  const cap = policy.maxDelayMs ?? 5000
  const started = clock.now()
  const deadline = started + policy.budgetMs
  let refreshedToken = false
  let refreshToken = false
  for (let number = 1; ; number++) {
    const left = deadline - clock.now()
    const timeoutMs = Math.max(1, Math.min(policy.requestTimeoutMs, left))
    try {
      return await attempt({ attempt: number, timeoutMs, refreshToken })
    } catch (error) {
      const kind = classifyError(error, options.webIdentity ?? false)
      const elapsed = clock.now() - started
      const facts = errorFacts(error)
      // A refused web identity token gets one more try with a fresh token, even on the last
      // attempt (that is the promise of the refresh), but never past the budget.
      if (kind === 'refresh-token' && !refreshedToken) {
        if (clock.now() + Math.min(100, policy.requestTimeoutMs) > deadline) {
          throw new RetriesExhausted(error, number, elapsed, 'budget')
        }
        refreshedToken = true
        refreshToken = true
        options.log?.(
          `Attempt ${number} of ${policy.maxAttempts} failed: ${fromNetwork(facts.code, 80)}; retrying at once with a new token.`
        )
        continue
      }
      if (kind !== 'transient') throw new RetriesExhausted(error, number, elapsed, 'final')
      if (number >= policy.maxAttempts) {
        throw new RetriesExhausted(error, number, elapsed, 'attempts')
      }
      refreshToken = false
      const wait = Math.round(clock.random() * Math.min(cap, base * 2 ** (number - 1)))
      // Waiting only to start an attempt that cannot finish inside the budget helps nobody.
      if (clock.now() + wait + Math.min(100, policy.requestTimeoutMs) > deadline) {
        throw new RetriesExhausted(error, number, elapsed, 'budget')
      }
      options.log?.(
        `Attempt ${number} of ${policy.maxAttempts} failed: ${fromNetwork(facts.code, 80)}${facts.status ? ` (HTTP ${facts.status})` : ''}; retrying in ${(wait / 1000).toFixed(2)} s.`
      )
      await clock.sleep(wait)
    }
  }
}

/** Rejects with `message` when `promise` has not settled within `ms`; for waits that have no timeout of their own. */
export function withDeadline<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(Object.assign(new Error(message), { name: 'TimeoutError' })),
      ms
    )
  })
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer))
}
