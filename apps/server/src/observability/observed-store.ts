import type { JackpotStore } from '@jackpot/domain'
import type { JackpotActivity } from './jackpot-activity.ts'
import type { PoolGauges } from './pool-gauges.ts'

/** What {@link observeStore} feeds. */
export interface StoreObservers {
  gauges: PoolGauges
  activity: JackpotActivity
}

/**
 * The store as the routes see it: every call goes straight to `store`, and the
 * results the server already gets feed the pool gauges (pool reads, contribution
 * and win receipts, configuration changes) and the jackpot activity (contribution
 * and win outcomes) — no extra query.
 *
 * @example
 * const routesStore = observeStore(store, { gauges, activity })
 */
export function observeStore(store: JackpotStore, observers: StoreObservers): JackpotStore {
  const { gauges, activity } = observers
  return {
    get kind() {
      return store.kind
    },
    get currency() {
      return store.currency
    },
    listPools: async () => {
      const pools = await store.listPools()
      gauges.observe(pools)
      return pools
    },
    getPool: async (slug) => {
      const pool = await store.getPool(slug)
      gauges.observe([pool])
      return pool
    },
    contribute: async (command) => {
      try {
        const outcome = await store.contribute(command)
        gauges.observe(outcome.result.pools)
        activity.succeeded('contribution', outcome.result.createdAt)
        return outcome
      } catch (error) {
        activity.failed(error)
        throw error
      }
    },
    win: async (command) => {
      try {
        const outcome = await store.win(command)
        const { pool: slug, amountCents, reserveCents } = outcome.result
        gauges.observe([{ slug, amountCents, reserveCents }])
        activity.succeeded('win', outcome.result.createdAt)
        return outcome
      } catch (error) {
        activity.failed(error)
        throw error
      }
    },
    updatePoolConfig: async (change) => {
      const pool = await store.updatePoolConfig(change)
      gauges.observe([pool])
      return pool
    },
    ledger: (query) => store.ledger(query),
    audit: (query) => store.audit(query),
    stats: (now) => store.stats(now),
    recentWins: (query) => store.recentWins(query),
    topGames: (query, now) => store.topGames(query, now),
    createApiKey: (input) => store.createApiKey(input),
    listApiKeys: () => store.listApiKeys(),
    revokeApiKey: (id, actor) => store.revokeApiKey(id, actor),
    authenticateApiKey: (plaintext) => store.authenticateApiKey(plaintext),
    onPoolsChanged: (listener) => store.onPoolsChanged(listener),
    writeLoad: () => store.writeLoad(),
    ping: () => store.ping(),
    close: () => store.close(),
  }
}
