import { setDefaultTimeout } from 'bun:test'
import { describeJackpotStore } from './jackpot-store.case.ts'
import { storeBackends } from './support/store-backends.ts'

// Generous: PGlite's first start compiles its WASM, and the concurrency case fires 600 writes.
setDefaultTimeout(60_000)

for (const backend of await storeBackends()) describeJackpotStore(backend)
