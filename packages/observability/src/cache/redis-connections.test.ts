import { describe, expect, test } from 'bun:test'
import { redisFailFastOptions } from './redis-connections.ts'

describe('redisFailFastOptions', () => {
  test('turns off the offline queue and bounds retries, command time and reconnect delay', () => {
    const options = redisFailFastOptions(150)
    expect(options.enableOfflineQueue).toBe(false)
    expect(options.maxRetriesPerRequest).toBe(1)
    expect(options.commandTimeout).toBe(150)
    const delays = [1, 2, 3, 4, 5, 6, 10, 100].map((attempt) => options.retryStrategy?.(attempt))
    expect(delays).toEqual([50, 100, 200, 400, 800, 1_600, 2_000, 2_000])
  })

  test('defaults the command timeout to 250 ms', () => {
    expect(redisFailFastOptions().commandTimeout).toBe(250)
  })
})
