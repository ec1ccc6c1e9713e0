import { reportUnavailable, servicesVerdict } from '@jackpot/test-kit'
import { DrizzleJackpotStore } from '../../src/drizzle-jackpot-store.ts'
import {
  DEFAULT_POOLS,
  type OpenedJackpot,
  type OpenJackpotOptions,
  openJackpot,
  type PoolDefinition,
} from '../../src/index.ts'
import { createTestPostgresDatabase, postgresNeed } from './postgres-test-database.ts'

/** Options a backend passes through to `openJackpot`; the backend picks the database. */
export type TestStoreOptions = Omit<OpenJackpotOptions, 'databaseUrl' | 'pgliteDataDir'>

/** A store on a database of its own. */
export interface TestStore {
  store: OpenedJackpot
  /** Empties the database and recreates `pools` (default: DEFAULT_POOLS) — cheaper than a new store. */
  reset(pools?: readonly PoolDefinition[]): Promise<void>
  /** Closes the store and drops its database. */
  close(): Promise<void>
}

/** One database a shared suite runs on. */
export interface StoreBackend {
  name: 'pglite' | 'postgres'
  open(options?: TestStoreOptions): Promise<TestStore>
}

/** PGlite in memory: always available. */
export const pgliteBackend: StoreBackend = {
  name: 'pglite',
  async open(options = {}) {
    const store = await openJackpot({ ...options, pgliteDataDir: 'memory://' })
    return { store, reset: (pools) => resetStore(store, pools ?? options.pools), close: () => store.close() }
  },
}

/** PostgreSQL from `testServices()`, a fresh database per `open`. */
export const postgresBackend: StoreBackend = {
  name: 'postgres',
  async open(options = {}) {
    const database = await createTestPostgresDatabase()
    let store: OpenedJackpot
    try {
      store = await openJackpot({ ...options, databaseUrl: database.url, poolSize: options.poolSize ?? 10 })
    } catch (error) {
      await database.drop()
      throw error
    }
    return {
      store,
      reset: (pools) => resetStore(store, pools ?? options.pools),
      async close() {
        await store.close()
        await database.drop()
      },
    }
  },
}

/**
 * The backends a shared store suite runs on: PGlite always; PostgreSQL when
 * reachable. When it is not: under CI=true a backend whose `open` throws, so
 * the suite fails rather than skips; otherwise PGlite only, reported plainly.
 *
 * @example
 * for (const backend of await storeBackends()) describeJackpotStore(backend)
 */
export async function storeBackends(options: { suite?: string } = {}): Promise<StoreBackend[]> {
  const suite = options.suite ?? 'packages/domain'
  const verdict = await servicesVerdict([postgresNeed()])
  if (verdict.run) return [pgliteBackend, postgresBackend]
  const missing = verdict.missing.join(', ')
  if (verdict.required) {
    return [
      pgliteBackend,
      { name: 'postgres', open: () => Promise.reject(new Error(`required under CI=true: ${missing}`)) },
    ]
  }
  reportUnavailable(`${suite} PostgreSQL suite: missing ${missing} (ran on PGlite only)`)
  return [pgliteBackend]
}

async function resetStore(
  store: OpenedJackpot,
  pools: readonly PoolDefinition[] = DEFAULT_POOLS,
): Promise<void> {
  if (!(store instanceof DrizzleJackpotStore)) throw new Error('reset needs a store made by openJackpot')
  await store.resetForTests(pools)
}
