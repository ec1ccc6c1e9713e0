import type { LoggerPort } from '@jackpot/observability'
import type { ApiKeyCache } from './api-key-cache.ts'
import type { Database } from './db/database.ts'
import type { DatabaseRunner } from './db/database-runner.ts'
import type { DomainMetrics } from './domain-metrics.ts'
import type { Pool, PoolSlug } from './types.ts'
import type { GroupCommitWriter } from './write-batch/group-commit-writer.ts'

/** What the store's modules share: the database, the one runner, the clock. */
export interface StoreContext {
  db: Database
  run: DatabaseRunner
  now: () => Date
  currency: string
  logger: LoggerPort | undefined
  metrics: DomainMetrics
  /** Recently verified API keys (see api-key-cache.ts). */
  apiKeys: ApiKeyCache
  /** The one writer of contributions and wins (group commit). */
  writer: GroupCommitWriter
  /** Tells `onPoolsChanged` listeners the changed slugs and every pool after the change; call only after commit. */
  poolsChanged(slugs: PoolSlug[], pools: readonly Pool[]): void
}
