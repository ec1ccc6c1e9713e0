import { describe, expect, test } from 'bun:test'
import { DATABASE_OPERATIONS, PoolNotFoundError } from '../../src/index.ts'
import type { StoreHarness } from './store-harness.ts'

export function interceptorCases(h: StoreHarness): void {
  describe('interceptor', () => {
    test('sees every database call under a named operation', async () => {
      await h.store.listPools()
      await h.store.getPool('minor')
      await h.store.contribute({ idempotencyKey: 'c', gameId: 'g', wagerCents: 100n, currency: 'EUR' })
      await h.store.win({ idempotencyKey: 'w', pool: 'minor', gameId: 'g', playerId: 'p' })
      await h.store.ledger({})
      await h.store.stats()
      await h.store.ping()
      expect(h.operations).toEqual([
        'pools.list',
        'pools.get',
        'contribution.write',
        'win.write',
        'ledger.read',
        'stats.read',
        'ping',
      ])
      for (const operation of h.operations) expect(DATABASE_OPERATIONS).toContain(operation as never)
    })

    test('hands a domain refusal to the interceptor as a successful call, then throws it', async () => {
      const seen: string[] = []
      h.intercept(async (operation, call) => {
        try {
          const value = await call()
          seen.push(`${operation}:ok`)
          return value
        } catch (error) {
          seen.push(`${operation}:failed`)
          throw error
        }
      })
      await expect(h.store.getPool('jumbo')).rejects.toBeInstanceOf(PoolNotFoundError)
      expect(seen).toEqual(['pools.get:ok'])
    })

    test('surfaces whatever the interceptor decides, such as an open breaker', async () => {
      h.intercept(() => Promise.reject(new Error('breaker open')))
      await expect(h.store.listPools()).rejects.toThrow('breaker open')
      h.intercept(null)
      expect((await h.store.listPools()).length).toBe(3)
    })
  })
}
