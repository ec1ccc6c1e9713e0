/**
 * Removes every Redis key under `prefix` (`prefix:*`): what a suite or bench run
 * left behind in the shared Redis (tag version counters have no TTL). Tests and
 * benches may SCAN; the cache itself never does. ioredis is loaded only when called.
 *
 * @example
 * afterEach(() => deleteKeysUnder(testServices().redisUrl, prefix))
 */
export async function deleteKeysUnder(url: string, prefix: string): Promise<void> {
  const { Redis } = await import('ioredis')
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 })
  try {
    await redis.connect()
    let cursor = '0'
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500)
      if (keys.length > 0) await redis.del(...keys)
      cursor = next
    } while (cursor !== '0')
  } finally {
    redis.disconnect()
  }
}
