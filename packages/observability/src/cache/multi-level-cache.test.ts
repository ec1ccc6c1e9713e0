import { ManualClock } from '../clock/manual-clock.ts'
import { memoryBus } from './bus/memory-bus.ts'
import { multiLevelCacheSuite } from './multi-level-cache.case.ts'
import { type MultiLevelCache, multiLevelCache } from './multi-level-cache.ts'
import { testMetrics } from './test-support/cache-test-kit.ts'

// L1 only: replicas of one test are linked by an in-process bus.
multiLevelCacheSuite({
  label: 'L1 only',
  hasL2: false,
  async setup() {
    const clock = new ManualClock()
    const metrics = testMetrics()
    const bus = memoryBus()
    const replicas: MultiLevelCache[] = []
    return {
      clock,
      metrics,
      replica(options) {
        const replica = multiLevelCache({ name: 'suite', clock, meter: metrics.meter, bus, ...options })
        replicas.push(replica)
        return replica
      },
      async close() {
        await Promise.all(replicas.map((replica) => replica.close()))
        await metrics.shutdown()
      },
    }
  },
})
