import type { Config } from '@jackpot/config'
import { DrizzleJackpotStore, openJackpot } from '@jackpot/domain'

/**
 * The store a maintenance command (verify-ledger, archive, seed-history) works
 * on: `--database-url` or the configured database, one connection, and no
 * per-statement cap, since such a command reads or writes whole days.
 *
 * @example
 * const store = await openMaintenanceStore(loadConfig(), values['database-url'])
 */
export async function openMaintenanceStore(
  config: Config,
  databaseUrl: string | undefined,
): Promise<DrizzleJackpotStore> {
  const store = await openJackpot({
    databaseUrl: databaseUrl ?? config.DATABASE_URL,
    pgliteDataDir: config.PGLITE_DATA_DIR,
    poolSize: 1,
    currency: config.JACKPOT_CURRENCY,
    statementTimeoutMs: 0,
  })
  if (!(store instanceof DrizzleJackpotStore)) {
    await store.close()
    throw new Error('a maintenance command needs a store made by openJackpot')
  }
  return store
}
