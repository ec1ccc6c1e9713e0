import type { Meter } from '@opentelemetry/api'
import type { Clock } from '../clock/index.ts'
import { CircuitBreakerOptionError } from './errors.ts'
import type { CircuitBreakerRegistry } from './registry.ts'

/**
 * Options of {@link circuitBreaker}. The defaults are resilience4j's, so its tuning
 * advice applies as is; services usually lower `minimumCalls` and `openStateWaitMs`.
 *
 * @typeParam F what the fallback resolves to (`never` without a fallback).
 */
export interface CircuitBreakerOptions<F = never> {
  /** Identifies the breaker in errors, metrics (`breaker` attribute), the registry and snapshots. */
  name: string
  /**
   * The calls the failure and slow-call rates are computed over while closed:
   * `count` — the last `size` calls; `time` — the calls of the last `size` seconds
   * (one bucket per second, on the clock). Defaults to `{ type: 'count', size: 100 }`.
   */
  slidingWindow?: { type: 'count' | 'time'; size: number }
  /** Opens when at least this percentage (0–100] of the window's calls failed. Defaults to 50. */
  failureRateThreshold?: number
  /** A call taking longer than this (strictly) is slow, whether it succeeds or fails. Defaults to 60 000 ms. */
  slowCallDurationMs?: number
  /** Opens when at least this percentage (0–100] of the window's calls were slow. Defaults to 100. */
  slowCallRateThreshold?: number
  /**
   * The rates are not judged before the window holds this many calls. Capped at the
   * window size for count windows (as resilience4j does). Defaults to 100.
   */
  minimumCalls?: number
  /** How long the breaker stays open before letting probes through (half-open). Defaults to 60 000 ms. */
  openStateWaitMs?: number
  /**
   * How many probe calls half-open admits; further calls are rejected. Once all of them
   * completed, it opens again if their failure or slow-call rate reaches a threshold,
   * and closes otherwise. Defaults to 10.
   */
  permittedCallsInHalfOpen?: number
  /**
   * Longest stay in half-open before opening again, for probes that never complete
   * (with no `timeoutMs`). Defaults to none: wait for the probes.
   */
  maxHalfOpenMs?: number
  /**
   * Fails a call that takes longer with a {@link CircuitTimeoutError}, counted as a
   * failure, and aborts the signal given to the call (with that error as reason). The
   * caller gets the error at the deadline even if the call ignores its signal. All
   * of a breaker's timeouts share one timer. Defaults to none: no timeout.
   */
  timeoutMs?: number
  /**
   * Whether the signal handed to each call can abort (at its `timeoutMs`, or when the
   * caller's signal aborts). `false` for calls that never read it (a Redis command, a
   * driver without cancellation): they get a signal that never aborts, which spares an
   * AbortController per call (~0.3 µs on Bun, ~4 µs on Node); they are still failed at
   * their deadline and rejected at once when the caller's signal aborts. Defaults to `true`.
   */
  abortCalls?: boolean
  /**
   * Which errors count as failures. An error it rejects is **ignored**: not recorded
   * (neither failure nor success, like resilience4j's `ignoreExceptions`), not passed
   * to the fallback, and rethrown as is; a half-open probe it ends frees its slot.
   * Use it for errors that say nothing about the dependency's health (validation,
   * not-found, conflicts). Timeouts are always failures. Defaults to every error.
   */
  isFailure?: (error: unknown) => boolean
  /**
   * Called instead of throwing when a call fails (failures and timeouts) or is
   * rejected ({@link BrokenCircuitError}); its result is what `execute` resolves to.
   * Defaults to none: the error is thrown.
   */
  fallback?: (error: unknown) => F | PromiseLike<F>
  /** Time source for durations, windows and the open-state wait. Defaults to {@link systemClock}. */
  clock?: Clock
  /**
   * Records `circuit_breaker.state` (observable gauge: 1 for the current state, 0 for
   * the others, by `breaker` and `state`) and `circuit_breaker.calls` (counter by
   * `breaker` and `outcome`). Defaults to none: no metrics.
   */
  meter?: Meter
  /**
   * Registry the breaker joins, for health checks and dashboards; `false` joins none.
   * A breaker joining under a name already present replaces the older one there.
   * Defaults to {@link defaultBreakerRegistry}.
   */
  registry?: CircuitBreakerRegistry | false
}

/** Every numeric option resolved and validated, with the effective minimum calls. */
export interface ResolvedBreakerOptions {
  windowType: 'count' | 'time'
  windowSize: number
  failureRateThreshold: number
  slowCallDurationMs: number
  slowCallRateThreshold: number
  minimumCalls: number
  openStateWaitMs: number
  permittedCallsInHalfOpen: number
  maxHalfOpenMs: number
  timeoutMs: number | undefined
  abortCalls: boolean
}

const defaults = {
  slidingWindow: { type: 'count', size: 100 },
  failureRateThreshold: 50,
  slowCallDurationMs: 60_000,
  slowCallRateThreshold: 100,
  minimumCalls: 100,
  openStateWaitMs: 60_000,
  permittedCallsInHalfOpen: 10,
  maxHalfOpenMs: Number.POSITIVE_INFINITY,
  abortCalls: true,
} as const

/** Applies the defaults and checks ranges, so a typo fails at start-up rather than as a breaker that never opens. */
export function resolveBreakerOptions<F>(options: CircuitBreakerOptions<F>): ResolvedBreakerOptions {
  const window = options.slidingWindow ?? defaults.slidingWindow
  if (window.type !== 'count' && window.type !== 'time') {
    throw new CircuitBreakerOptionError('slidingWindow.type', "'count' or 'time'", window.type)
  }
  const resolved: ResolvedBreakerOptions = {
    windowType: window.type,
    windowSize: positiveInteger('slidingWindow.size', window.size),
    failureRateThreshold: percent(
      'failureRateThreshold',
      options.failureRateThreshold ?? defaults.failureRateThreshold,
    ),
    slowCallDurationMs: nonNegative(
      'slowCallDurationMs',
      options.slowCallDurationMs ?? defaults.slowCallDurationMs,
    ),
    slowCallRateThreshold: percent(
      'slowCallRateThreshold',
      options.slowCallRateThreshold ?? defaults.slowCallRateThreshold,
    ),
    minimumCalls: positiveInteger('minimumCalls', options.minimumCalls ?? defaults.minimumCalls),
    openStateWaitMs: nonNegative('openStateWaitMs', options.openStateWaitMs ?? defaults.openStateWaitMs),
    permittedCallsInHalfOpen: positiveInteger(
      'permittedCallsInHalfOpen',
      options.permittedCallsInHalfOpen ?? defaults.permittedCallsInHalfOpen,
    ),
    maxHalfOpenMs: positive('maxHalfOpenMs', options.maxHalfOpenMs ?? defaults.maxHalfOpenMs),
    timeoutMs: options.timeoutMs === undefined ? undefined : positive('timeoutMs', options.timeoutMs),
    abortCalls: boolean('abortCalls', options.abortCalls ?? defaults.abortCalls),
  }
  if (resolved.windowType === 'count')
    resolved.minimumCalls = Math.min(resolved.minimumCalls, resolved.windowSize)
  return resolved
}

function boolean(option: string, value: boolean): boolean {
  if (typeof value !== 'boolean') throw new CircuitBreakerOptionError(option, 'true or false', value)
  return value
}

function positiveInteger(option: string, value: number): number {
  if (!Number.isInteger(value) || value < 1)
    throw new CircuitBreakerOptionError(option, 'an integer ≥ 1', value)
  return value
}

function percent(option: string, value: number): number {
  if (!(value > 0 && value <= 100))
    throw new CircuitBreakerOptionError(option, 'a percentage in (0, 100]', value)
  return value
}

function nonNegative(option: string, value: number): number {
  if (!(value >= 0)) throw new CircuitBreakerOptionError(option, 'a number of milliseconds ≥ 0', value)
  return value
}

function positive(option: string, value: number): number {
  if (!(value > 0)) throw new CircuitBreakerOptionError(option, 'a number of milliseconds > 0', value)
  return value
}
