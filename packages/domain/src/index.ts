export type { ApiKeyStore } from './api-key-store.ts'
export { DATABASE_OPERATIONS, type DatabaseOperation } from './database-operations.ts'
export { isConnectionFailure } from './db/database-errors.ts'
export { assertEmptyPostgres } from './db/empty-postgres.ts'
export { liveLockHolder } from './db/pglite-lock.ts'
export { RestoreTargetNotEmptyError, restorePgliteDataDir } from './db/restore-pglite.ts'
export { DEFAULT_POOLS } from './default-pools.ts'
export type { DomainMeter } from './domain-metrics.ts'
export { DrizzleJackpotStore } from './drizzle-jackpot-store.ts'
export * from './errors.ts'
export type {
  JackpotStore,
  OpenJackpotOptions,
  PoolsListener,
  SettledWrite,
  WritesListener,
} from './jackpot-store.ts'
export type { ArchivedLedger, ArchiveLedgerOptions } from './ledger-archive/archive-ledger.ts'
export {
  ARCHIVE_FORMAT,
  ArchiveIntegrityError,
  type ArchiveManifest,
  archiveName,
  manifestFileName,
} from './ledger-archive/archive-manifest.ts'
export { archivedEntries } from './ledger-archive/read-archive.ts'
export {
  type LedgerCheckpoint,
  type LedgerCheckpointStore,
  nextUtcDay,
} from './ledger-checkpoints.ts'
export { OPEN_JACKPOT_DEFAULTS, type OpenedJackpot, openJackpot } from './open-jackpot.ts'
export { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from './page-cursor.ts'
export { POOL_GROWTH_WINDOW_MS, type PoolGrowth, type PoolGrowthQuery } from './pool-growth-reader.ts'
export type { RollupCheck } from './rollup-check.ts'
export {
  type ContributionPoolState,
  type ContributionSplit,
  MAX_WAGER_CENTS,
  RESIDUE_SCALE,
  splitContribution,
} from './rules/contribution-split.ts'
export { CURRENCY_PATTERN, isCurrencyCode } from './rules/currency-code.ts'
export {
  MAX_CONTRIBUTION_BP,
  POOL_SLUG_PATTERN,
  type PoolConfig,
  validatePoolConfig,
  validatePoolDefinition,
} from './rules/pool-config.ts'
export { computeWinPayout, type WinPayout, type WinPoolState } from './rules/win-payout.ts'
export {
  HistoryNotEmptyError,
  type SeededHistory,
  type SeedHistoryOptions,
} from './seed-history.ts'
export type * from './types.ts'
export {
  CLOSE_MARGIN_MS,
  type LedgerDivergence,
  type LedgerVerification,
  type VerifiableStore,
  type VerifyLedgerOptions,
  verifyLedger,
} from './verify-ledger.ts'
export {
  GROUP_COMMIT_DEFAULTS,
  type GroupCommitOptions,
  type WriteLoad,
} from './write-batch/group-commit-writer.ts'
