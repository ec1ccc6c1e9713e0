/**
 * The name of every operation the store passes to `OpenJackpotOptions.interceptor`,
 * e.g. for a histogram's `operation` label or a per-operation breaker.
 */
export const DATABASE_OPERATIONS = [
  /** Migrations and the first pools, at open. */
  'setup',
  'pools.list',
  'pools.get',
  /** A write batch of contributions only. */
  'contribution.write',
  /** A write batch of wins only. */
  'win.write',
  /** A write batch of both. */
  'write.batch',
  'ledger.read',
  /** verify-ledger's checkpoints and the archived ranges (read, and one append per closed day). */
  'ledger.checkpoints',
  'ledger.checkpoint',
  'ledger.archives',
  /** The hourly upkeep: partitions ahead, expired idempotency keys swept. */
  'ledger.maintain',
  'pool.config.write',
  'audit.read',
  'stats.read',
  'wins.recent',
  'games.top',
  'pools.growth',
  'api_keys.create',
  'api_keys.list',
  'api_keys.revoke',
  'api_keys.authenticate',
  'api_keys.touch',
  'ping',
] as const

export type DatabaseOperation = (typeof DATABASE_OPERATIONS)[number]
