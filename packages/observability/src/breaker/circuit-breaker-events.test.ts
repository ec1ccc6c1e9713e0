import { describe, expect, test } from 'bun:test'
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics'
import { manualBreaker } from '../../test/support/manual-breaker.ts'
import { ManualClock } from '../clock/manual-clock.ts'
import { circuitBreaker } from './circuit-breaker.ts'
import type { CircuitBreakerOptions } from './circuit-breaker-options.ts'
import { BrokenCircuitError, CircuitTimeoutError } from './errors.ts'
import { CircuitBreakerRegistry, defaultBreakerRegistry } from './registry.ts'

/** Collects on demand: an in-memory reader for asserting what the breaker recorded. */
class MemoryReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

/** Opens at 2 calls, probes with 1, and a call of 50 ms or more is slow. */
const setup = (options: Partial<CircuitBreakerOptions> = {}) =>
  manualBreaker({
    minimumCalls: 2,
    openStateWaitMs: 1_000,
    permittedCallsInHalfOpen: 1,
    slowCallDurationMs: 50,
    ...options,
  })

/** A slow success (60 ms), a timeout (the breaker's 100 ms `timeoutMs`) and a plain failure, in that order. */
async function slowTimeoutFailure({ clock, takes, fail }: ReturnType<typeof setup>): Promise<void> {
  const slow = takes(60)
  await clock.tick(60)
  await slow
  const hanging = takes(1_000)
  await clock.tick(100)
  await hanging
  await fail()
}

describe('circuit breaker events', () => {
  test('fire for each outcome and state change', async () => {
    const context = setup({ timeoutMs: 100, minimumCalls: 3 })
    const { breaker } = context
    const seen: string[] = []
    breaker.onStateChange(({ from, to }) => seen.push(`state ${from}→${to}`))
    breaker.onSuccess(({ durationMs, slow }) => seen.push(`success ${durationMs} ${slow}`))
    breaker.onFailure(({ error, slow }) => seen.push(`failure ${(error as Error).name} ${slow}`))
    breaker.onSlowCall(({ durationMs, failed }) => seen.push(`slow ${durationMs} ${failed}`))
    breaker.onTimeout(({ error, timeoutMs }) =>
      seen.push(`timeout ${timeoutMs} ${error instanceof CircuitTimeoutError}`),
    )
    breaker.onReject(({ error }) => seen.push(`reject ${error.retryAfterMs}`))
    breaker.onIgnore(({ error }) => seen.push(`ignore ${(error as Error).message}`))

    await slowTimeoutFailure(context)
    await breaker.execute(async () => {}).catch(() => {})
    expect(seen).toEqual([
      'slow 60 false',
      'success 60 true',
      'timeout 100 true',
      'slow 100 true',
      'failure CircuitTimeoutError true',
      'failure Error false',
      'state closed→open',
      'reject 1000',
    ])
  })

  test('report ignored errors', async () => {
    const { breaker } = setup({ isFailure: () => false })
    const ignored: unknown[] = []
    breaker.onIgnore(({ error }) => ignored.push(error))
    const error = new Error('not found')
    await breaker.execute(() => Promise.reject(error)).catch(() => {})
    expect(ignored).toEqual([error])
  })

  test('stop reaching a listener once its disposer is called', async () => {
    const { breaker, fail } = setup()
    const changes: string[] = []
    const dispose = breaker.onStateChange(({ to }) => changes.push(to))
    const isolation = breaker.isolate()
    dispose()
    dispose()
    isolation.dispose()
    await fail()
    await fail()
    expect(changes).toEqual(['isolated'])
  })
})

describe('circuit breaker metrics', () => {
  test('records calls by outcome and the state gauge through the given meter', async () => {
    const reader = new MemoryReader()
    const provider = new MeterProvider({ readers: [reader] })
    const meter = provider.getMeter('test')
    const context = setup({ meter, timeoutMs: 100, minimumCalls: 4 })
    const { clock, breaker } = context
    await breaker.execute(async () => 'ok')
    await slowTimeoutFailure(context)
    await breaker.execute(async () => 'ok').catch(() => {})
    // a second breaker on the same meter shares the instruments
    circuitBreaker({ name: 'redis', clock, registry: false, meter })

    const { resourceMetrics } = await reader.collect()
    const metrics = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics)
    const points = (name: string): Record<string, unknown>[] =>
      metrics
        .filter((metric) => metric.descriptor.name === name)
        .flatMap((metric) => metric.dataPoints.map((point) => ({ ...point.attributes, value: point.value })))
    expect(points('circuit_breaker.calls')).toEqual([
      { breaker: 'db', outcome: 'success', value: 1 },
      { breaker: 'db', outcome: 'slow_success', value: 1 },
      { breaker: 'db', outcome: 'timeout', value: 1 },
      { breaker: 'db', outcome: 'failure', value: 1 },
      { breaker: 'db', outcome: 'rejected', value: 1 },
    ])
    // One series per state, 1 on the breaker's current state and 0 on the others.
    const oneHot = (breaker: string, current: string) =>
      ['closed', 'open', 'half_open', 'isolated'].map((state) => ({
        breaker,
        state,
        value: state === current ? 1 : 0,
      }))
    expect(points('circuit_breaker.state')).toEqual([...oneHot('db', 'open'), ...oneHot('redis', 'closed')])
    await provider.shutdown()
  })

  test('stops reporting the state of a disposed breaker', async () => {
    const reader = new MemoryReader()
    const provider = new MeterProvider({ readers: [reader] })
    const { breaker } = setup({ meter: provider.getMeter('test') })
    breaker.dispose()
    const { resourceMetrics } = await reader.collect()
    const states = resourceMetrics.scopeMetrics
      .flatMap((scope) => scope.metrics)
      .filter((metric) => metric.descriptor.name === 'circuit_breaker.state')
      .flatMap((metric): unknown[] => metric.dataPoints)
    expect(states).toEqual([])
    await provider.shutdown()
  })
})

describe('circuit breaker registry', () => {
  test('holds breakers by name and snapshots them for health checks and dashboards', async () => {
    const clock = new ManualClock(10_000)
    const registry = new CircuitBreakerRegistry()
    const db = circuitBreaker({ name: 'postgres', clock, registry, minimumCalls: 2, openStateWaitMs: 5_000 })
    circuitBreaker({ name: 'redis', clock, registry })
    await db.execute(() => Promise.reject(new Error('down'))).catch(() => {})
    await db.execute(() => Promise.reject(new Error('down'))).catch(() => {})
    await clock.tick(1_000)
    expect(registry.get('postgres')).toBe(db)
    expect(registry.all().map((breaker) => breaker.name)).toEqual(['postgres', 'redis'])
    expect(registry.snapshots()).toEqual([
      {
        name: 'postgres',
        state: 'open',
        since: 10_000,
        failureRate: 100,
        slowCallRate: 0,
        bufferedCalls: 2,
        failedCalls: 2,
        slowCalls: 0,
        minimumCalls: 2,
        notPermittedCalls: 0,
        retryAfterMs: 4_000,
      },
      {
        name: 'redis',
        state: 'closed',
        since: 10_000,
        failureRate: 0,
        slowCallRate: 0,
        bufferedCalls: 0,
        failedCalls: 0,
        slowCalls: 0,
        minimumCalls: 100,
        notPermittedCalls: 0,
        retryAfterMs: 0,
      },
    ])
  })

  test('lets a newer breaker of the same name replace the older, and dispose remove only itself', () => {
    const registry = new CircuitBreakerRegistry()
    const older = circuitBreaker({ name: 'db', registry })
    const newer = circuitBreaker({ name: 'db', registry })
    expect(registry.get('db')).toBe(newer)
    older.dispose()
    expect(registry.get('db')).toBe(newer)
    newer.dispose()
    expect(registry.all()).toEqual([])
  })

  test('breakers join the default registry unless told otherwise', () => {
    const joined = circuitBreaker({ name: 'default-registry-test' })
    expect(defaultBreakerRegistry.get('default-registry-test')).toBe(joined)
    joined.dispose()
    expect(defaultBreakerRegistry.get('default-registry-test')).toBeUndefined()
    expect(circuitBreaker({ name: 'opted-out', registry: false }).name).toBe('opted-out')
    expect(defaultBreakerRegistry.get('opted-out')).toBeUndefined()
  })

  test('the rejection error is a BrokenCircuitError for every registry member', async () => {
    const registry = new CircuitBreakerRegistry()
    const breaker = circuitBreaker({ name: 'x', registry })
    breaker.isolate()
    for (const member of registry.all()) {
      await expect(member.execute(async () => 1)).rejects.toBeInstanceOf(BrokenCircuitError)
    }
  })
})
