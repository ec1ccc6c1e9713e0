import { describe } from 'bun:test'
import { storeBackends } from '@jackpot/domain/testing'
import { concurrencySuite } from './support/concurrency-suite.ts'

// PGlite always; PostgreSQL when reachable (under CI=true an unreachable one fails the run).
for (const backend of await storeBackends({ suite: 'apps/server HTTP concurrency' })) {
  describe(`end-to-end HTTP concurrency on ${backend.name}`, () => {
    concurrencySuite({ open: () => backend.open() })
  })
}
