import { describe } from 'bun:test'
import { apiKeyCases } from './cases/api-key.case.ts'
import { concurrencyCases } from './cases/concurrency.case.ts'
import { configCases } from './cases/config.case.ts'
import { contributionCases } from './cases/contribution.case.ts'
import { dashboardReadCases } from './cases/dashboard-reads.case.ts'
import { compactLedgerCases, historyUpkeepCases } from './cases/history-upkeep.case.ts'
import { interceptorCases } from './cases/interceptor.case.ts'
import { ledgerCases } from './cases/ledger.case.ts'
import { rollupCases } from './cases/rollup.case.ts'
import { statsCases } from './cases/stats.case.ts'
import { useStoreHarness } from './cases/store-harness.ts'
import { winCases } from './cases/win.case.ts'
import { writeBatchCases } from './cases/write-batch.case.ts'
import type { StoreBackend } from './support/store-backends.ts'

/**
 * The one `JackpotStore` suite, run unchanged on every backend (PGlite,
 * PostgreSQL): the same behaviour is expected of both.
 */
export function describeJackpotStore(backend: StoreBackend): void {
  describe(`JackpotStore on ${backend.name}`, () => {
    const harness = useStoreHarness(backend)
    contributionCases(harness)
    winCases(harness)
    configCases(harness)
    ledgerCases(harness)
    statsCases(harness)
    rollupCases(harness)
    dashboardReadCases(harness)
    apiKeyCases(harness)
    interceptorCases(harness)
    concurrencyCases(harness)
    writeBatchCases(harness)
    historyUpkeepCases(harness)
    compactLedgerCases(harness)
  })
}
