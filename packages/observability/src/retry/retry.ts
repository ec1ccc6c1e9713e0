import { BrokenCircuitError } from '../breaker/errors.ts'
import { type Clock, systemClock } from '../clock/index.ts'
import { OptionError } from '../errors/option-error.ts'

/** What {@link RetryOptions.onRetry} is told before each wait. */
export interface RetryEvent {
  /** The error of the attempt that just failed. */
  error: unknown
  /** Number of that attempt, from 1. */
  attempt: number
  /** How long the wait before the next attempt is. */
  delayMs: number
}

/** Options of {@link retry}. */
export interface RetryOptions {
  /** Most calls made in all, the first included. Defaults to 3. */
  maxAttempts?: number
  /** Ceiling of the first wait (the wait itself is random below it). Defaults to 100 ms. */
  initialDelayMs?: number
  /** The ceiling never grows past this. Defaults to 5 000 ms. */
  maxDelayMs?: number
  /** No retry is started whose wait would end later than this after the first call began. Defaults to 30 000 ms. */
  maxElapsedMs?: number
  /** Growth of the ceiling per attempt. Defaults to 2. */
  factor?: number
  /**
   * Whether to retry after `error` ended attempt number `attempt` (from 1). Defaults to
   * every error except {@link BrokenCircuitError}: an open breaker is better answered
   * at once than hammered with retries.
   */
  shouldRetry?: (error: unknown, attempt: number) => boolean
  /** Called before each wait, e.g. to log. Defaults to none. */
  onRetry?: (event: RetryEvent) => void
  /** Source of jitter in [0, 1). Defaults to `Math.random`; tests pass a seeded one. */
  random?: () => number
  /** Time source for waits and the elapsed-time bound. Defaults to {@link systemClock}. */
  clock?: Clock
  /** Stops retrying: rejects with its reason at once (also mid-wait) and is handed to each call. Defaults to none. */
  signal?: AbortSignal
}

/** Thrown by {@link retry} for an option out of range, naming the option. */
export class RetryOptionError extends OptionError<'E_RETRY_OPTION'> {
  static readonly code = 'E_RETRY_OPTION'
  override readonly name = 'RetryOptionError'

  constructor(option: string, expected: string, received: unknown) {
    super(RetryOptionError.code, 'retry', option, expected, received)
  }
}

const defaults = {
  maxAttempts: 3,
  initialDelayMs: 100,
  maxDelayMs: 5_000,
  maxElapsedMs: 30_000,
  factor: 2,
  shouldRetry: (error: unknown) => !(error instanceof BrokenCircuitError),
  random: Math.random,
}

const NEVER_ABORTED: AbortSignal = new AbortController().signal

/**
 * Calls `call` until it resolves, waiting between attempts with exponential backoff
 * and full jitter: before retry number `n` (from 1) it waits
 * `random() × min(maxDelayMs, initialDelayMs × factor^(n-1))`, which spreads retries of
 * many clients instead of synchronising them. It gives up after `maxAttempts` calls,
 * when the next wait would end past `maxElapsedMs`, or when `shouldRetry` says no, and
 * then rejects with the last error itself (unwrapped).
 *
 * A standalone export: no other component of this package calls it, so retrying stays
 * a decision the caller makes where the call is known to be safe to repeat.
 *
 * @example
 * const pools = await retry((attempt, signal) => fetchPools({ signal }), {
 *   maxAttempts: 4,
 *   shouldRetry: (error) => error instanceof TransientError,
 *   signal: request.signal,
 * })
 */
export async function retry<T>(
  call: (attempt: number, signal: AbortSignal) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const { maxAttempts, initialDelayMs, maxDelayMs, maxElapsedMs, factor, shouldRetry, random } =
    resolve(options)
  const clock = options.clock ?? systemClock
  const signal = options.signal ?? NEVER_ABORTED
  const started = clock.now()
  for (let attempt = 1; ; attempt++) {
    signal.throwIfAborted()
    try {
      return await call(attempt, signal)
    } catch (error) {
      signal.throwIfAborted()
      if (attempt >= maxAttempts || !shouldRetry(error, attempt)) throw error
      const delayMs = random() * Math.min(maxDelayMs, initialDelayMs * factor ** (attempt - 1))
      if (clock.now() - started + delayMs > maxElapsedMs) throw error
      options.onRetry?.({ error, attempt, delayMs })
      await sleep(delayMs, clock, signal)
    }
  }
}

function resolve(options: RetryOptions) {
  const resolved = { ...defaults, ...definedOnly(options) }
  if (!Number.isInteger(resolved.maxAttempts) || resolved.maxAttempts < 1) {
    throw new RetryOptionError('maxAttempts', 'an integer ≥ 1', resolved.maxAttempts)
  }
  for (const option of ['initialDelayMs', 'maxDelayMs', 'maxElapsedMs'] as const) {
    if (!(resolved[option] >= 0))
      throw new RetryOptionError(option, 'a number of milliseconds ≥ 0', resolved[option])
  }
  if (!(resolved.factor >= 1)) throw new RetryOptionError('factor', 'a number ≥ 1', resolved.factor)
  return resolved
}

// `{ maxAttempts: undefined }` must mean "the default", not "no limit".
function definedOnly<O extends object>(options: O): Partial<O> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<O>
}

function sleep(ms: number, clock: Clock, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clock.clearTimeout(timer)
      reject(signal.reason)
    }
    const timer = clock.setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal.addEventListener('abort', onAbort, { once: true })
  })
}
