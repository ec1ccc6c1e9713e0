import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { loadConfig } from '@jackpot/config'
import { type ApiKeyStore, type OpenedJackpot, openJackpot } from '@jackpot/domain'
import { CircuitBreakerRegistry } from '@jackpot/observability'
import { silentLogger } from '@jackpot/test-kit'
import { buildServer } from './build-server.ts'

const config = loadConfig({ NODE_ENV: 'test', RATE_LIMIT_ENABLED: 'false' })
const quiet = {
  logger: silentLogger,
  observability: { globalMetrics: false, breakerRegistry: new CircuitBreakerRegistry() },
}

let shared: OpenedJackpot
beforeAll(async () => {
  shared = await openJackpot({ pgliteDataDir: 'memory://' })
})
afterAll(() => shared.close())

describe('buildServer', () => {
  test('closes the store it opened', async () => {
    const server = await buildServer(config, { ...quiet, database: { pgliteDataDir: 'memory://' } })
    const response = await server.app.handle(new Request('http://localhost/api/v1/pools'))
    expect(response.status).toBe(200)
    await server.close()
    await expect(server.store.listPools()).rejects.toThrow()
  })

  test('leaves a given store open, however often it is closed', async () => {
    const server = await buildServer(config, { ...quiet, store: shared })
    expect(server.store).toBe(shared)
    expect(server.parts.store).toBe(shared)
    await server.close()
    await server.close()
    // Still open: writes go through (and no closed part of the server breaks them).
    const { result } = await shared.contribute({
      idempotencyKey: 'after-close',
      gameId: 'slots-1',
      wagerCents: 1_000n,
      currency: shared.currency,
    })
    expect(result.pools.length).toBeGreaterThan(0)
  })

  test('hands the routes the API keys it is given', async () => {
    const looked: string[] = []
    const apiKeys: ApiKeyStore = {
      createApiKey: () => Promise.reject(new Error('not here')),
      listApiKeys: async () => [],
      revokeApiKey: () => Promise.reject(new Error('not here')),
      authenticateApiKey: async (plaintext) => {
        looked.push(plaintext)
        return null
      },
    }
    const server = await buildServer(config, { ...quiet, store: shared, apiKeys })
    try {
      const response = await server.app.handle(
        new Request('http://localhost/api/v1/contributions', {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-api-key': 'jpk_unknown',
            'idempotency-key': 'k1',
          },
          body: JSON.stringify({ gameId: 'slots-1', wagerCents: 100, currency: 'EUR' }),
        }),
      )
      expect(response.status).toBe(401)
      expect(looked).toEqual(['jpk_unknown'])
    } finally {
      await server.close()
    }
  })
})
