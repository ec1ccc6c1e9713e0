import { batchObservables, type Metrics } from '@jackpot/observability'

/** What the gauges need to know of a pool. */
export interface PoolFigures {
  slug: string
  amountCents: bigint
  reserveCents: bigint
  /** Left as it was when unknown. */
  seedCents?: bigint
}

/**
 * `jackpot_pool_amount_cents{pool}` and `jackpot_pool_reserve_cents{pool}`, read at
 * scrape time from the latest figures this process saw — the pools at start-up, then
 * every pool after each committed write batch or configuration change (the store's
 * `onPoolsChanged`) — so a scrape never queries the database.
 * `jackpot_pool_seed_cents{pool}` follows the seeds the same way: the
 * JackpotBelowFloor alert's floor is their sum, so an admin's `PUT /config` moves the
 * threshold with no rule to edit.
 *
 * @example
 * const gauges = new PoolGauges(metrics.meter)
 * gauges.observe(await store.listPools())
 * store.onPoolsChanged((_slugs, pools) => gauges.observe(pools ?? []))
 */
export class PoolGauges {
  readonly #latest = new Map<
    string,
    { amount: number; reserve: number; seed: number | undefined; attributes: { pool: string } }
  >()

  constructor(meter: Metrics['meter']) {
    batchObservables(
      meter,
      {
        amount: {
          name: 'jackpot.pool.amount_cents',
          description: 'Current amount of a jackpot pool, in cents (latest value this replica saw).',
          unit: '{cent}',
        },
        reserve: {
          name: 'jackpot.pool.reserve_cents',
          description: 'Current reserve of a jackpot pool, in cents (latest value this replica saw).',
          unit: '{cent}',
        },
        seed: {
          name: 'jackpot.pool.seed_cents',
          description:
            'Seed of a jackpot pool (what it resets to after a win), in cents (latest value this replica saw).',
          unit: '{cent}',
        },
      },
      (observe) => {
        for (const figures of this.#latest.values()) {
          observe('amount', figures.amount, figures.attributes)
          observe('reserve', figures.reserve, figures.attributes)
          if (figures.seed !== undefined) observe('seed', figures.seed, figures.attributes)
        }
      },
    )
  }

  /** Records the figures of these pools (any others keep their last value). */
  observe(pools: Iterable<PoolFigures>): void {
    for (const pool of pools) {
      const current = this.#latest.get(pool.slug)
      // Cents stay far below 2^53, where a double is still exact.
      const amount = Number(pool.amountCents)
      const reserve = Number(pool.reserveCents)
      const seed = pool.seedCents === undefined ? undefined : Number(pool.seedCents)
      if (current === undefined) {
        this.#latest.set(pool.slug, { amount, reserve, seed, attributes: { pool: pool.slug } })
      } else {
        current.amount = amount
        current.reserve = reserve
        if (seed !== undefined) current.seed = seed
      }
    }
  }

  /** The latest amount seen for a pool, in cents; undefined before any. */
  amountOf(slug: string): number | undefined {
    return this.#latest.get(slug)?.amount
  }
}
