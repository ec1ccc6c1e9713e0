import { multiLevelCacheSuite, suiteContext } from './multi-level-cache.case.ts'
import { deleteKeysUnder, describeWithRedis, uniquePrefix } from './test-support/redis-availability.ts'

// L1 + the real Redis: each test gets its own key prefix; replicas are separate
// caches with their own two connections, linked by Redis pub/sub.
await describeWithRedis('cache L1 + Redis suite', (redis) => {
  multiLevelCacheSuite({
    label: 'L1 + Redis',
    hasL2: true,
    async setup() {
      const prefix = uniquePrefix('suite')
      return suiteContext({ prefix, redis: { url: redis.url } }, () => deleteKeysUnder(redis.url, prefix))
    },
  })
})
