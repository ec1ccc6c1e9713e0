import type { Clock } from '@jackpot/observability'
import { sql } from 'drizzle-orm'
import type { ApiKeyStore } from './api-key-store.ts'
import { connectDatabase } from './db/connect-database.ts'
import { createDatabaseRunner } from './db/database-runner.ts'
import { ensurePartitionsAhead } from './db/ledger-partitions.ts'
import { pools } from './db/schema.ts'
import { DEFAULT_POOLS } from './default-pools.ts'
import { DomainMetrics } from './domain-metrics.ts'
import { DrizzleJackpotStore } from './drizzle-jackpot-store.ts'
import { CurrencyMismatchError, InvalidCommandError } from './errors.ts'
import { DEFAULT_IDEMPOTENCY_RETENTION_DAYS } from './idempotency-keys.ts'
import type { JackpotStore, OpenJackpotOptions } from './jackpot-store.ts'
import { insertSeededPools } from './pool-rows.ts'
import { isCurrencyCode } from './rules/currency-code.ts'
import { validatePoolDefinition } from './rules/pool-config.ts'
import type { PoolDefinition } from './types.ts'

/** What {@link openJackpot} opens: the jackpot and its API keys, on one database. */
export type OpenedJackpot = JackpotStore & ApiKeyStore

/** Every default of {@link OpenJackpotOptions}, in one place. */
export const OPEN_JACKPOT_DEFAULTS = {
  pgliteDataDir: './data',
  poolSize: 10,
  currency: 'EUR',
  pools: DEFAULT_POOLS,
  clock: { now: () => Date.now() } satisfies Pick<Clock, 'now'>,
  connectTimeoutSeconds: 5,
  // Below the server's 3 s database-call timeout, so PostgreSQL cancels a slow statement
  // (and says so) before the client gives up on it.
  statementTimeoutMs: 2_500,
  lockTimeoutMs: 1_000,
  idempotencyRetentionDays: DEFAULT_IDEMPOTENCY_RETENTION_DAYS,
  partitionsAheadDays: 7,
} as const

/**
 * Opens the jackpot: PostgreSQL when `databaseUrl` is set, embedded PGlite
 * otherwise. Applies the migrations (on PostgreSQL under an advisory lock, so
 * replicas starting together take turns), makes the ledger partitions for today
 * and tomorrow (the hourly upkeep makes `partitionsAheadDays`), and creates the configured pools,
 * each with a 'seed' ledger entry, when the database has none.
 *
 * @throws DatabaseLockedError when another live process has the PGlite directory open.
 * @throws DatabaseUnavailableError when PostgreSQL cannot be reached.
 * @throws CurrencyMismatchError when the database's pools are kept in another currency.
 * @example
 * const store = await openJackpot({ pgliteDataDir: 'memory://' })
 * const { result } = await store.contribute({ idempotencyKey: 'k1', gameId: 'slots', wagerCents: 500n, currency: 'EUR' })
 * await store.close()
 */
export async function openJackpot(options: OpenJackpotOptions = {}): Promise<OpenedJackpot> {
  const clock = options.clock ?? OPEN_JACKPOT_DEFAULTS.clock
  const settings = {
    databaseUrl: options.databaseUrl,
    pgliteDataDir: options.pgliteDataDir ?? OPEN_JACKPOT_DEFAULTS.pgliteDataDir,
    poolSize: options.poolSize ?? OPEN_JACKPOT_DEFAULTS.poolSize,
    currency: options.currency ?? OPEN_JACKPOT_DEFAULTS.currency,
    pools: options.pools ?? OPEN_JACKPOT_DEFAULTS.pools,
    now: () => new Date(clock.now()),
    connectTimeoutSeconds: options.connectTimeoutSeconds ?? OPEN_JACKPOT_DEFAULTS.connectTimeoutSeconds,
    statementTimeoutMs: options.statementTimeoutMs ?? OPEN_JACKPOT_DEFAULTS.statementTimeoutMs,
    lockTimeoutMs: options.lockTimeoutMs ?? OPEN_JACKPOT_DEFAULTS.lockTimeoutMs,
    logger: options.logger,
    writes: options.writes,
    idempotencyRetentionDays:
      options.idempotencyRetentionDays ?? OPEN_JACKPOT_DEFAULTS.idempotencyRetentionDays,
    partitionsAheadDays: options.partitionsAheadDays ?? OPEN_JACKPOT_DEFAULTS.partitionsAheadDays,
  }
  validateSettings(settings)
  const run = createDatabaseRunner(options.interceptor)
  const database = await run('setup', () => connectDatabase(settings))
  try {
    const currencies = await run('setup', () =>
      database.exclusively(async () => {
        await database.migrate()
        // Today and tomorrow only: opening stays quick (each day is three tables with their indexes,
        // noticeable on PGlite); the hourly upkeep makes the rest of partitionsAheadDays.
        await ensurePartitionsAhead(database.db, Math.min(1, settings.partitionsAheadDays), settings.now())
        return database.db.transaction(async (tx) => {
          const [existing] = await tx.select({ count: sql<number>`count(*)::int` }).from(pools)
          if (existing!.count === 0) {
            await insertSeededPools(tx, settings.pools, settings.currency, settings.now())
            settings.logger?.info(
              { pools: settings.pools.map((p) => p.slug) },
              'created the initial jackpot pools',
            )
          }
          return tx.selectDistinct({ currency: pools.currency }).from(pools)
        })
      }),
    )
    const foreign = currencies.find((row) => row.currency !== settings.currency)
    if (foreign) throw new CurrencyMismatchError(settings.currency, foreign.currency)
  } catch (error) {
    await database.close().catch(() => {})
    throw error
  }
  return new DrizzleJackpotStore(database, {
    ...settings,
    run,
    metrics: new DomainMetrics(options.meter),
    tracer: options.tracer,
  })
}

function validateSettings(settings: {
  currency: string
  poolSize: number
  pools: readonly PoolDefinition[]
  idempotencyRetentionDays: number
  partitionsAheadDays: number
}): void {
  if (!(settings.idempotencyRetentionDays > 0)) {
    throw new InvalidCommandError('idempotencyRetentionDays must be positive', 'idempotencyRetentionDays')
  }
  if (!Number.isInteger(settings.partitionsAheadDays) || settings.partitionsAheadDays < 0) {
    throw new InvalidCommandError('partitionsAheadDays must be a whole number of days', 'partitionsAheadDays')
  }
  if (!isCurrencyCode(settings.currency)) {
    throw new InvalidCommandError('currency must be an ISO 4217 code such as EUR', 'currency')
  }
  if (!Number.isInteger(settings.poolSize) || settings.poolSize < 1) {
    throw new InvalidCommandError('poolSize must be a positive integer', 'poolSize')
  }
  const slugs = new Set<string>()
  for (const definition of settings.pools) {
    validatePoolDefinition(definition)
    if (slugs.has(definition.slug))
      throw new InvalidCommandError(`Pool '${definition.slug}' is defined twice`, 'pools')
    slugs.add(definition.slug)
  }
}
