import { ManualClock } from '../clock/manual-clock.ts'
import { multiLevelCacheSuite } from './multi-level-cache.case.ts'
import { type MultiLevelCache, multiLevelCache } from './multi-level-cache.ts'
import { testMetrics } from './test-support/cache-test-kit.ts'
import { deleteKeysUnder, describeWithRedis, uniquePrefix } from './test-support/redis-availability.ts'

// L1 + the real Redis: each test gets its own key prefix; replicas are separate
// caches with their own two connections, linked by Redis pub/sub.
await describeWithRedis('cache L1 + Redis suite', (redis) => {
  multiLevelCacheSuite({
    label: 'L1 + Redis',
    hasL2: true,
    async setup() {
      const clock = new ManualClock()
      const metrics = testMetrics()
      const prefix = uniquePrefix('suite')
      const replicas: MultiLevelCache[] = []
      return {
        clock,
        metrics,
        replica(options) {
          const replica = multiLevelCache({
            name: 'suite',
            prefix,
            clock,
            meter: metrics.meter,
            redis: { url: redis.url },
            ...options,
          })
          replicas.push(replica)
          return replica
        },
        async close() {
          await Promise.all(replicas.map((replica) => replica.close()))
          await metrics.shutdown()
          await deleteKeysUnder(redis.url, prefix)
        },
      }
    },
  })
})
