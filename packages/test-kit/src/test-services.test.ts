import { describe, expect, test } from 'bun:test'
import { createServer } from 'node:net'
import { serviceAnswers, testServices } from './test-services.ts'

describe('test services', () => {
  test('default to the local PostgreSQL and Redis, and are required only under CI', () => {
    expect(testServices({})).toEqual({
      postgresUrl: 'postgres://postgres@127.0.0.1:5432/postgres',
      redisUrl: 'redis://127.0.0.1:6379',
      servicesRequired: false,
    })
    expect(testServices({ CI: 'true', TEST_REDIS_URL: 'redis://cache:6380' })).toMatchObject({
      redisUrl: 'redis://cache:6380',
      servicesRequired: true,
    })
  })

  test('a service answers while something listens on its port, and not once it stops', async () => {
    const server = createServer((socket) => socket.end())
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const address = server.address()
    if (address === null || typeof address === 'string') throw new Error('not listening')
    const url = `redis://127.0.0.1:${address.port}`
    expect(await serviceAnswers(url, 6379)).toBe(true)
    await new Promise<void>((resolve) => server.close(() => resolve()))
    expect(await serviceAnswers(url, 6379)).toBe(false)
  })
})
