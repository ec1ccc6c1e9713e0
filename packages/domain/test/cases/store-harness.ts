import { afterAll, beforeAll, beforeEach } from 'bun:test'
import type { DatabaseInterceptor } from '@jackpot/observability'
import type { OpenedJackpot, PoolDefinition } from '../../src/index.ts'
import { type CapturedLine, captureLogger } from '../support/capture-logger.ts'
import { type ManualClock, manualClock } from '../support/manual-clock.ts'
import { recordingMeter } from '../support/recording-meter.ts'
import type { StoreBackend, TestStore } from '../support/store-backends.ts'

export const START = new Date('2025-03-10T12:00:00.000Z')

/** What every shared case gets: one store per backend, emptied before each test. */
export interface StoreHarness {
  readonly backend: StoreBackend
  readonly store: OpenedJackpot
  readonly clock: ManualClock
  readonly logs: CapturedLine[]
  /** Counter totals the store recorded since the test began. */
  readonly metrics: ReturnType<typeof recordingMeter>
  /** Operation names the interceptor saw, in order. */
  readonly operations: string[]
  /** Swaps the interceptor's behaviour for one test (reset before each). */
  intercept(next: DatabaseInterceptor | null): void
  /** Recreates the database with these pools instead of the defaults. */
  usePools(pools: readonly PoolDefinition[]): Promise<void>
}

/**
 * Opens one store for the enclosing `describe` (a started PGlite or a fresh
 * PostgreSQL database) and empties it before each test, which is far cheaper
 * than a new store per test.
 */
export function useStoreHarness(backend: StoreBackend): StoreHarness {
  const clock = manualClock(START)
  const capture = captureLogger()
  const metrics = recordingMeter()
  const operations: string[] = []
  let override: DatabaseInterceptor | null = null
  let opened: TestStore | undefined

  beforeAll(async () => {
    opened = await backend.open({
      clock: { now: () => clock.now().getTime() },
      logger: capture.logger,
      meter: metrics.meter,
      interceptor: (operation, call) => {
        operations.push(operation)
        return override ? override(operation, call) : call()
      },
    })
  }, 60_000)
  beforeEach(async () => {
    override = null
    clock.set(START)
    await opened!.reset()
    capture.clear()
    metrics.clear()
    operations.length = 0
  })
  afterAll(async () => {
    await opened?.close()
  })

  return {
    backend,
    get store() {
      if (!opened) throw new Error(`The ${backend.name} store did not open`)
      return opened.store
    },
    clock,
    logs: capture.lines,
    metrics,
    operations,
    intercept: (next) => {
      override = next
    },
    usePools: (pools) => opened!.reset(pools),
  }
}
