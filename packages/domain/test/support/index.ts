/**
 * Test helpers for suites that use the jackpot store (`@jackpot/domain/testing`).
 */
export { type CapturedLine, captureLogger } from './capture-logger.ts'
export {
  conservationGap,
  figuresOf,
  type ReplayedPool,
  readWholeLedger,
  replayLedger,
} from './ledger-replay.ts'
export { type ManualClock, manualClock } from './manual-clock.ts'
export {
  createTestPostgresDatabase,
  postgresAddress,
  postgresAvailable,
  postgresNeed,
  runPostgresSuite,
  type TestPostgresDatabase,
} from './postgres-test-database.ts'
export {
  missingLedgerEntries,
  type PrivatePostgres,
  postgresBinDir,
  privatePostgresAvailable,
  runSql,
  startPrivatePostgres,
} from './private-postgres.ts'
export { recordingMeter } from './recording-meter.ts'
export {
  pgliteBackend,
  postgresBackend,
  type StoreBackend,
  storeBackends,
  type TestStore,
  type TestStoreOptions,
} from './store-backends.ts'
